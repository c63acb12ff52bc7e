"""The intake staff's blueprint (visitationen), under /staff/, and loading a case for a view."""

from flask import Blueprint, abort

from app.context import get_db, vault
from intake.cases import case_id_for_referral, load_case

bp = Blueprint("staff", __name__, url_prefix="/staff")


def case_or_404(referral_number):
    case_id = case_id_for_referral(get_db(), referral_number)
    case = load_case(get_db(), vault(), case_id) if case_id else None
    if case is None:
        abort(404)
    return case
