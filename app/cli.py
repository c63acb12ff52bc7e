"""Command-line tasks: `flask --app app <command>`."""

import click
from flask import Flask, current_app

from app import db as database
from app.maintenance import purge as purge_now


def install_cli(app: Flask) -> None:
    @app.cli.command("migrate")
    def migrate():
        """Apply any pending schema migrations to the database."""
        database.migrate(current_app.config["DATABASE"])
        click.echo(f"Database ready: {current_app.config['DATABASE']}")

    @app.cli.command("purge")
    def purge():
        """Delete what is no longer needed (abandoned chats, ended cases, expired holds)."""
        deleted = purge_now(database.get_db())
        click.echo(", ".join(f"{name}: {count} deleted" for name, count in deleted.items()))
