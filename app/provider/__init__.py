"""Provider staff: their referrals, attendance, self-visitation and the invoice basis."""

from app.provider import views
from app.provider.blueprint import bp

__all__ = ["bp", "views"]
