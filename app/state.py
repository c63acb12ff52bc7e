"""What a citizen's (server-side, sealed) session holds, under named keys, and its accessors."""

import datetime as dt
from functools import wraps
from zoneinfo import ZoneInfo

from flask import current_app, g, redirect, session, url_for

from app.config import Settings
from app.db import get_db
from intake.cases import load_case
from intake.vault import Vault

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

CHAT = "chat"  # the citizen's screening in progress (app/screening_session.py)
PHONE_INTAKE = "phone_intake"  # a screening staff run for a caller
CASE_ID = "case_id"  # the case reached with a code in this session
NEW_CODE = "new_code"  # the code just created, until the person has typed back its end
CRISIS_NOTICE = "crisis_notice"  # show emergency help on the next page (a yes to P9/P10)


def settings() -> Settings:
    return current_app.extensions["indgang.settings"]


def vault() -> Vault:
    return current_app.extensions["indgang.vault"]


def code_key() -> bytes:
    return current_app.extensions["indgang.code_key"]


def today_in_copenhagen() -> dt.date:
    return dt.datetime.now(COPENHAGEN).date()


def case_required(view):
    """Load the case reached with a code into `g.case`, or send the person to enter a code."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        case = load_case(get_db(), vault(), session[CASE_ID]) if CASE_ID in session else None
        if case is None:
            session.pop(CASE_ID, None)
            return redirect(url_for("citizen.enter_code"))
        g.case = case
        return view(*args, **kwargs)

    return wrapper
