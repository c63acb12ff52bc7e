"""Secrets kept outside the database: in the environment, or in files in the instance folder.

A key file is created on first use with mode 0600. Creation is atomic (write a temporary file,
then hard-link it into place), so two gunicorn workers starting together agree on one key.
"""

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

KEYS = {
    # name: (environment variable, file in the instance folder, generator)
    "data": ("INDGANG_DATA_KEY", "data.key", lambda: Fernet.generate_key().decode()),
    "code": ("INDGANG_CODE_KEY", "code.key", lambda: secrets.token_hex(32)),
    "session": ("INDGANG_SECRET_KEY", "secret.key", lambda: secrets.token_hex(32)),
}


def load_key(name: str, instance_path: str | os.PathLike) -> str:
    variable, filename, generate = KEYS[name]
    if os.environ.get(variable):
        return os.environ[variable]
    path = Path(instance_path) / filename
    if not path.exists():
        _create_atomically(path, generate())
    return path.read_text().strip()


def _create_atomically(path: Path, value: str) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(value)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
