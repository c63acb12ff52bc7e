"""Intake staff: the queue, confirming and moving bookings, decisions, phone intake."""

from app.staff import phone, views
from app.staff.blueprint import bp

__all__ = ["bp", "phone", "views"]
