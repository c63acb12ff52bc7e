"""The citizen's audience: one blueprint, its views split by step (intake, booking)."""

from app.citizen import booking_views, intake_views
from app.citizen.blueprint import bp

__all__ = ["bp", "booking_views", "intake_views"]
