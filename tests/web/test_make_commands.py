"""The commands the Makefile runs, as it runs them."""

import os
import subprocess
import sys

from served import PROJECT_ROOT


def test_flask_finds_the_app_by_the_package_name_the_makefile_gives(tmp_path):
    """`make run` and `make dev` migrate with `flask --app app`: Flask then finds the app by asking
    every object of the package `app` whether it is a Flask app, and none may fail that question."""
    env = {**os.environ, "INDGANG_INSTANCE": str(tmp_path / "instance")}
    env.pop("INDGANG_CONFIG", None)
    migrated = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "migrate"], cwd=PROJECT_ROOT,
                              env=env, capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    assert "Database ready" in migrated.stdout
