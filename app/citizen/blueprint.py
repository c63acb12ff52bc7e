"""The citizen blueprint, shared by the intake and booking view modules."""

from flask import Blueprint

bp = Blueprint("citizen", __name__)
