"""The citizen blueprint, and the decorator that loads the case reached with a code."""

from functools import wraps

from flask import Blueprint, g, redirect, url_for

from app.context import get_db, this_session, vault
from app.session_keys import CASE_ID
from intake.cases import load_case

bp = Blueprint("citizen", __name__)


def case_required(view):
    """Load the case reached with a code into `g.case`, or send the person to enter a code."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        person = this_session()
        case_id = person.get(CASE_ID)
        case = load_case(get_db(), vault(), case_id) if case_id is not None else None
        if case is None:
            if case_id is not None:
                person.pop(CASE_ID)
            return redirect(url_for("citizen.enter_code"))
        g.case = case
        return view(*args, **kwargs)

    return wrapper
