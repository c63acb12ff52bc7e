"""Indgang's web layer: `create_app` assembles configuration, storage, security and blueprints.

Flask lives here only: the factory, configuration, sessions, security, CLI and one blueprint
package per audience (citizen, staff, provider, admin, auth). No rule of the service lives here.
"""

import datetime as dt
import os
from pathlib import Path

from flask import Flask

from accounts.accounts import Passwords
from app.admin import bp as admin
from app.auth import bp as auth
from app.auth import create_demo_accounts
from app.auth.oidc import install_oidc
from app.citizen import bp as citizen
from app.cli import install_cli
from app.config import Settings, load_settings
from app.context import SETTINGS_VERSION_PART, close_db, template_settings
from app.flask_app import IndgangFlask
from app.i18n import install_i18n
from app.keys import load_key, pending_key
from app.maintenance import install_maintenance, reseal_old_values
from app.managed_settings import SettingsCache, ignored_in_file, seed
from app.page_parts import install_page_parts
from app.provider import bp as provider
from app.security import install_security
from app.sessions import ServerSessionInterface
from app.staff import bp as staff
from app.translated_templates import TranslatedEnvironment
from app.words import WORDS
from common.clock import Clock
from intake.catalogue import forget_last_answers, load_catalogue
from intake.eligibility import REASONS
from store.connection import migrate, open_database
from store.sealing import Vault

#: The largest request body accepted (the longest form is a chat answer of at most 500 characters).
MAX_REQUEST_BYTES = 64 * 1024


def create_app(test_config: dict | None = None, settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    """Build the app. `settings` replaces the TOML configuration; `test_config` sets Flask keys;
    `clock` replaces the system clock (tests).

    The instance folder (database and key files) is $INDGANG_INSTANCE or Flask's default.
    """
    instance_path = os.environ.get("INDGANG_INSTANCE") or None
    app = IndgangFlask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.jinja_environment = TranslatedEnvironment
    Path(app.instance_path).mkdir(parents=True, exist_ok=True, mode=0o700)
    app.config.from_mapping(
        DATABASE=str(Path(app.instance_path) / "indgang.sqlite3"),
        SESSION_COOKIE_NAME="indgang",
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        ARGON2_TIME_COST=3,
        ARGON2_MEMORY_COST=65536,
        ARGON2_PARALLELISM=4,
    )
    app.config.update(test_config or {})
    app.extensions["indgang.settings"] = settings or load_settings(app.config.get("INDGANG_CONFIG"))
    app.extensions["indgang.clock"] = clock or Clock()
    app.extensions["indgang.passwords"] = Passwords(
        app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"], app.config["ARGON2_PARALLELISM"]
    )
    _install_keys(app)
    migrate(app.config["DATABASE"])
    _seed_managed_settings(app)
    reseal_old_values(app)
    app.teardown_appcontext(close_db)
    app.teardown_appcontext(_forget_last_answers)
    install_security(app, app.extensions["indgang.settings"])
    install_i18n(app)
    install_oidc(app, app.extensions["indgang.settings"].staff.oidc)
    install_page_parts(app)
    load_catalogue()
    for blueprint in (citizen, auth, admin, staff, provider):
        app.register_blueprint(blueprint)
    install_cli(app)
    install_maintenance(app)
    app.drop_repeating_context_processors()
    app.jinja_env.globals.update(REASONS=REASONS, settings=template_settings, **WORDS)
    if app.extensions["indgang.settings"].demo:
        create_demo_accounts(app)
    return app


def _seed_managed_settings(app: Flask) -> None:
    """The TOML file's providers and municipality settings seed the database on the first start;
    each worker then keeps its own copy, renewed when the database's version moves."""
    base = app.extensions["indgang.settings"]
    db = open_database(app.config["DATABASE"])
    try:
        ignored = [] if seed(db, base) else ignored_in_file(db, base)
    finally:
        db.close()
    if ignored:
        print(f"Managed at /admin/ (the database), so the configuration file's values are ignored: {', '.join(ignored)}",
              flush=True)
    app.extensions["indgang.settings_cache"] = SettingsCache(base)


def _forget_last_answers(_exception=None) -> None:
    """The end of a request: the catalogue's copy of the person's answers goes with it."""
    forget_last_answers()


def _install_keys(app: Flask) -> None:
    settings = app.extensions["indgang.settings"]
    app.secret_key = load_key("session", app.instance_path)
    rotating = pending_key("data", app.instance_path)  # an unfinished `flask rotate-keys`
    vault = Vault(load_key("data", app.instance_path), also_opens=(rotating,) if rotating else ())
    app.extensions["indgang.vault"] = vault
    app.extensions["indgang.code_key"] = load_key("code", app.instance_path).encode()
    app.config["SESSION_COOKIE_SECURE"] = settings.secure_cookies
    app.session_interface = ServerSessionInterface(
        vault, dt.timedelta(hours=settings.chat_retention_hours), read_with=(SETTINGS_VERSION_PART,)
    )
