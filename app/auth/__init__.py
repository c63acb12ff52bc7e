"""Staff sign-in (the `auth` blueprint), the guard every staff page is opened through, and the
demo accounts."""

from flask import Flask

from accounts import accounts
from app.auth import oidc_views, views
from app.auth.blueprint import bp
from app.auth.guard import login_required, record
from store.connection import open_database


def create_demo_accounts(app: Flask) -> None:
    db = open_database(app.config["DATABASE"])
    try:
        provider_ids = tuple(provider.id for provider in app.extensions["indgang.settings_cache"].current(db).providers)
        created = accounts.create_demo_accounts(db, app.extensions["indgang.passwords"], provider_ids, app.extensions["indgang.clock"].now())
    finally:
        db.close()
    if created:
        print(f"Demo accounts (password: {accounts.DEMO_PASSWORD}): {', '.join(created)}", flush=True)

__all__ = ["bp", "login_required", "record", "create_demo_accounts", "views", "oidc_views"]
