"""The `auth` blueprint: staff sign-in pages, the 403 page, and where each role lands."""

from flask import Blueprint, render_template

from app.auth.guard import LANDING

bp = Blueprint("auth", __name__)


@bp.record_once
def staff_words(state):
    state.app.jinja_env.globals["STAFF_LANDING"] = LANDING


@bp.app_errorhandler(403)
def forbidden(_error):
    return render_template("forbidden.html"), 403
