"""The intake staff's blueprint (visitationen), under /staff/."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")
