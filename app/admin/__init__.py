"""The municipal administrator: a home page, providers, the municipality's settings, staff
accounts, statistics (with their SVG charts) and the audit log."""

from app.admin import municipality, providers, staff_accounts, views
from app.admin.blueprint import bp

__all__ = ["bp", "municipality", "providers", "staff_accounts", "views"]
