"""Command-line tasks: `flask --app app <command>`."""

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from accounts import accounts
from accounts import audit as audit_log
from app.context import get_db, now, passwords, settings
from app.keys import KeyInEnvironment
from app.maintenance import rotate_data_key, run_hourly
from store import backup as backups
from store.connection import migrate as migrate_database


def install_cli(app: Flask) -> None:
    app.cli.add_command(users)

    @app.cli.command("migrate")
    def migrate():
        """Apply any pending schema migrations to the database."""
        migrate_database(current_app.config["DATABASE"])
        click.echo(f"Database ready: {current_app.config['DATABASE']}")

    @app.cli.command("purge")
    def purge():
        """Run the hourly job now: delete what is no longer needed (abandoned chats, ended cases),
        release expired holds, end courses whose time is up, recheck the treatment guarantee."""
        changed = run_hourly(get_db())
        click.echo(", ".join(f"{name}: {count}" for name, count in changed.items()))


    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False))
    def backup(path):
        """Copy the database to PATH (a new file), consistent while the site serves. The copy
        holds sealed answers and hashed codes but no key: keep the key files (or the
        INDGANG_*_KEY variables) somewhere else, for without them the copy opens nothing."""
        try:
            backups.backup(current_app.config["DATABASE"], path)
        except backups.BackupError as error:
            raise click.ClickException(str(error)) from None
        _audit("database_backed_up", None)
        click.echo(f"Backed up to {path}. The keys are not in it: keep them apart, and safe.")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(dir_okay=False, exists=True))
    @click.option("--force", is_flag=True, help="Replace a database that holds data (all written since the backup is lost).")
    def restore(path, force):
        """Replace the database with the backup at PATH. Needs the keys the backup was made
        with. Refuses a database that holds data unless --force."""
        try:
            backups.restore(path, current_app.config["DATABASE"], force=force)
        except backups.BackupError as error:
            raise click.ClickException(str(error)) from None
        _audit("database_restored", None)
        click.echo(f"Restored from {path}.")


    @app.cli.command("rotate-keys")
    def rotate_keys():
        """Re-seal every sealed value (answers, sessions, two-step secrets) under a new data key,
        which replaces the old one once all is done. Stop the service first; backups made
        before need the old key. The code key cannot be rotated: codes are kept only as HMACs."""
        try:
            counts = rotate_data_key(current_app)
        except KeyInEnvironment as error:
            raise click.ClickException(str(error)) from None
        detail = ", ".join(f"{name}: {count}" for name, count in counts.items())
        _audit("data_key_rotated", detail)
        click.echo(f"New data key in place; re-sealed {detail}.")


users = AppGroup("users", help="Staff accounts: create, disable, enable, reset-password, list.")


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True,
              help="intake (visitation), provider (one treatment place) or admin.")
@click.option("--provider", "provider_id", metavar="ID", help="For --role provider: the provider's id in the configuration.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input (for scripts).")
def create_user(username, role, provider_id, password_stdin):
    """Create a staff account. Asks for the password twice, unless --password-stdin."""
    provider_ids = tuple(provider.id for provider in settings().providers)
    username = accounts.normalise_username(username)
    try:
        accounts.check_new_account(username, role, provider_id, provider_ids)
        if accounts.get_account(get_db(), username) is not None:
            raise accounts.AccountExists(f"there is already an account named {username}")
        account = accounts.create_account(
            get_db(), passwords(), username, role,
            _read_password(password_stdin), provider_ids=provider_ids, provider_id=provider_id, now=now(),
        )
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    bound = f", {account.provider_id}" if account.provider_id else ""
    _audit("account_created", f"{account.username} ({account.role}{bound})")
    click.echo(f"Created {account.username} ({account.role}{bound}).")


@users.command("disable")
@click.argument("username")
def disable_user(username):
    """Stop an account from signing in; its open sessions end at their next request."""
    _change(lambda db, moment: accounts.disable_account(db, username, now=moment))
    _audit("account_disabled", accounts.normalise_username(username))
    click.echo(f"Disabled {accounts.normalise_username(username)}.")


@users.command("enable")
@click.argument("username")
def enable_user(username):
    """Let a disabled account sign in again."""
    _change(lambda db, _moment: accounts.enable_account(db, username))
    _audit("account_enabled", accounts.normalise_username(username))
    click.echo(f"Enabled {accounts.normalise_username(username)}.")


@users.command("reset-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input (for scripts).")
@click.option("--clear-totp", is_flag=True, help="Also turn off two-step sign-in (a lost phone); the person sets it up again.")
def reset_user_password(username, password_stdin, clear_totp):
    """Give an account a new password; also clears a lockout and ends its open sessions."""
    if accounts.get_account(get_db(), username) is None:
        raise click.ClickException(f"there is no account named {accounts.normalise_username(username)}")
    password = _read_password(password_stdin)
    hasher = passwords()
    _change(lambda db, moment: accounts.reset_password(db, hasher, username, password, now=moment, clear_totp=clear_totp))
    cleared = " (two-step sign-in cleared)" if clear_totp else ""
    _audit("password_reset", accounts.normalise_username(username) + cleared)
    click.echo(f"New password set for {accounts.normalise_username(username)}{cleared}.")


@users.command("list")
def list_users():
    """List the staff accounts with their role and state."""
    for account in accounts.list_accounts(get_db()):
        marks = [mark for mark, on in (("disabled", account.disabled), ("demo", account.demo),
                                        ("two-step", account.totp_enabled)) if on]
        provider = f" {account.provider_id}" if account.provider_id else ""
        click.echo(f"{account.username}\t{account.role}{provider}\t{', '.join(marks)}")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("no password on standard input")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < accounts.MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"a password has at least {accounts.MIN_PASSWORD_LENGTH} characters")
    return password


def _change(change) -> None:
    try:
        change(get_db(), now())
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None


def _audit(action: str, detail: str | None) -> None:
    """Changes made on the server are audited too, as made from the command line."""
    audit_log.write_audit(get_db(), at=now(), username=audit_log.COMMAND_LINE, role=None,
                         action=action, detail=detail)
