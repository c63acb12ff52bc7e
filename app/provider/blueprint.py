"""The provider staff's blueprint, under /provider/."""

from flask import Blueprint

bp = Blueprint("provider", __name__, url_prefix="/provider")
