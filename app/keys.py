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


class KeyInEnvironment(RuntimeError):
    """The key comes from an environment variable, which only its owner can change."""


def pending_key(name: str, instance_path: str | os.PathLike) -> str | None:
    """The new key of a rotation not yet finished (`<file>.new`), if there is one."""
    path = _pending_path(name, instance_path)
    return path.read_text().strip() if path.exists() else None


def begin_rotation(name: str, instance_path: str | os.PathLike) -> str:
    """A new key, written (atomically, mode 0600) beside the current one; an unfinished
    rotation's new key is used again."""
    variable, _filename, generate = KEYS[name]
    if os.environ.get(variable):
        raise KeyInEnvironment(f"the {name} key comes from {variable}: rotate it there, not here")
    path = _pending_path(name, instance_path)
    if not path.exists():
        _create_atomically(path, generate())
    return path.read_text().strip()


def finish_rotation(name: str, instance_path: str | os.PathLike) -> None:
    """The new key replaces the old one, in one step (a rename)."""
    path = Path(instance_path) / KEYS[name][1]
    os.replace(_pending_path(name, instance_path), path)
    _sync_folder(path.parent)


def _pending_path(name: str, instance_path: str | os.PathLike) -> Path:
    return Path(instance_path) / (KEYS[name][1] + ".new")


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _create_atomically(path: Path, value: str) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(value)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
