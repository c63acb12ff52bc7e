"""Indgang's web layer: `create_app` assembles configuration, storage, security and blueprints."""

import datetime as dt
import os
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from app import db as database
from app.admin import bp as admin
from app.citizen import bp as citizen
from app.cli import install_cli
from app.config import Settings, load_settings
from app.i18n import install_i18n
from app.keys import load_key
from app.maintenance import install_maintenance
from app.security import install_security
from app.provider import bp as provider
from app.sessions import ServerSessionInterface
from app.staff import bp as staff
from app.staff_auth import install_staff_auth
from app.words import WORDS
from intake.catalogue import load_catalogue
from intake.eligibility import REASONS
from intake.vault import Vault


def create_app(test_config: dict | None = None, settings: Settings | None = None) -> Flask:
    """Build the app. `settings` replaces the TOML configuration; `test_config` sets Flask keys.

    The instance folder (database and key files) is $INDGANG_INSTANCE or Flask's default.
    """
    instance_path = os.environ.get("INDGANG_INSTANCE") or None
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True, mode=0o700)
    app.config.from_mapping(
        DATABASE=str(Path(app.instance_path) / "indgang.sqlite3"),
        SESSION_COOKIE_NAME="indgang",
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.update(test_config or {})
    app.extensions["indgang.settings"] = settings or load_settings(app.config.get("INDGANG_CONFIG"))
    _install_keys(app)
    database.migrate(app.config["DATABASE"])
    app.teardown_appcontext(database.close_db)
    install_security(app)
    install_i18n(app)
    CSRFProtect(app)
    load_catalogue()
    app.register_blueprint(citizen)
    install_staff_auth(app)
    app.register_blueprint(admin)
    app.register_blueprint(staff)
    app.register_blueprint(provider)
    install_cli(app)
    install_maintenance(app)
    app.jinja_env.globals.update(settings=app.extensions["indgang.settings"], REASONS=REASONS, **WORDS)
    return app


def _install_keys(app: Flask) -> None:
    settings = app.extensions["indgang.settings"]
    app.secret_key = load_key("session", app.instance_path)
    vault = Vault(load_key("data", app.instance_path))
    app.extensions["indgang.vault"] = vault
    app.extensions["indgang.code_key"] = load_key("code", app.instance_path).encode()
    app.config["SESSION_COOKIE_SECURE"] = settings.secure_cookies
    app.session_interface = ServerSessionInterface(
        vault, dt.timedelta(hours=settings.chat_retention_hours)
    )

