"""The municipal administrator: a home page, statistics (with their SVG charts) and the audit log."""

from app.admin import views
from app.admin.blueprint import bp

__all__ = ["bp", "views"]
