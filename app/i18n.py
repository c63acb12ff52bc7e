"""Languages: Danish is the default; the person's choice is kept in their (server-side) session."""

from flask import Flask, session
from flask_babel import Babel, format_date, format_datetime, format_decimal, format_time, gettext

LANGUAGES = {"da": "Dansk", "en": "English"}
DEFAULT_LANGUAGE = "da"
SESSION_KEY = "language"


def current_language() -> str:
    chosen = session.get(SESSION_KEY)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def choose_language(language: str) -> bool:
    if language not in LANGUAGES:
        return False
    session[SESSION_KEY] = language
    return True


def translate(message: str, params: dict | None = None) -> str:
    """Translate a msgid that came from a domain package (marked there with N_)."""
    return gettext(message, **(params or {}))


def install_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Copenhagen")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path + "/../translations"))
    Babel(app, locale_selector=current_language)
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        current_language=current_language,
        translate=translate,
        format_date=format_date,
        format_datetime=format_datetime,
        format_time=format_time,
        format_decimal=format_decimal,
    )
