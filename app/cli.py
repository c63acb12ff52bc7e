"""Command-line tasks: `flask --app app <command>`."""

import click
from flask import Flask, current_app

from app import db as database


def install_cli(app: Flask) -> None:
    @app.cli.command("migrate")
    def migrate():
        """Apply any pending schema migrations to the database."""
        database.migrate(current_app.config["DATABASE"])
        click.echo(f"Database ready: {current_app.config['DATABASE']}")
