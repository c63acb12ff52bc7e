"""The citizen blueprint, and the decorator that loads the case reached with a code."""

from collections.abc import Callable
from functools import partial, wraps

from flask import Blueprint, g, redirect, url_for

from app.context import get_db, this_session, vault
from app.session_keys import CASE_ID
from intake.cases import case_from, case_parts, load_case
from store.transaction import Part, read_together

bp = Blueprint("citizen", __name__)


def case_required(view=None, *, read_with: Callable[[str], tuple[Part, ...]] | None = None):
    """Load the case reached with a code into `g.case`, or send the person to enter a code.
    `read_with(case_id)`: more parts to read in the case's statement
    (`store.transaction.read_together`), which then agree with it; their objects in `g.read_with`."""
    if view is None:
        return partial(case_required, read_with=read_with)

    @wraps(view)
    def wrapper(*args, **kwargs):
        person = this_session()
        case_id = person.get(CASE_ID)
        case, g.read_with = _case_with(case_id, read_with) if case_id is not None else (None, [])
        if case is None:
            if case_id is not None:
                person.pop(CASE_ID)
            return redirect(url_for("citizen.enter_code"))
        g.case = case
        return view(*args, **kwargs)

    return wrapper


def _case_with(case_id: str, read_with) -> tuple:
    if read_with is None:
        return load_case(get_db(), vault(), case_id), []
    plain, screening, *found = read_together(get_db(), *case_parts(case_id), *read_with(case_id))
    return case_from(case_id, vault(), plain, screening), found
