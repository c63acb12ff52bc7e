"""`flask users ...`: create, disable, enable, reset-password, list; each with help text."""

import pytest

from staff_helpers import account_row, add_account, audit_rows, new_staff, set_account

NEW_PASSWORD = "a long new password"


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["users", *args], input=input)


def test_create_prompts_for_the_password_twice(app):
    result = run(app, "create", "Anna", "--role", "intake", input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Created anna (intake)." in result.output
    row = account_row(app, "anna")
    assert row["role"] == "intake" and row["password_hash"].startswith("$argon2id$") and row["demo"] == 0
    assert new_staff(app).sign_in("anna", NEW_PASSWORD).headers["Location"] == "/staff/"


def test_create_refuses_passwords_that_do_not_match(app):
    result = run(app, "create", "anna", "--role", "admin", input=f"{NEW_PASSWORD}\nsomething else\n" * 3)
    assert result.exit_code != 0


def test_create_reads_the_password_from_stdin_for_scripts(app):
    result = run(app, "create", "pia", "--role", "provider", "--provider", "laenke-lyngby", "--password-stdin",
                 input=f"{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert account_row(app, "pia")["provider_id"] == "laenke-lyngby"
    assert new_staff(app).sign_in("pia", NEW_PASSWORD).headers["Location"] == "/provider/"


@pytest.mark.parametrize(
    "args, message",
    [
        (["create", "pia", "--role", "provider"], "needs --provider"),
        (["create", "pia", "--role", "provider", "--provider", "nowhere"], "needs --provider"),
        (["create", "anna", "--role", "admin", "--provider", "laenke-lyngby"], "only a provider account"),
        (["create", "bad name", "--role", "admin"], "a username is"),
        (["create", "anna", "--role", "boss"], "Invalid value for '--role'"),
        (["create", "taken", "--role", "admin"], "already an account named taken"),
        (["create", "anna", "--role", "admin", "--password-stdin"], "at least 10 characters"),
    ],
)
def test_create_refuses_bad_accounts_with_a_reason(app, args, message):
    add_account(app, "taken", "intake")
    result = run(app, *args, input="short\n")
    assert result.exit_code != 0
    assert message in result.output


def test_disable_and_enable(app):
    add_account(app, "anna", "admin")
    refused = run(app, "disable", "anna")
    assert refused.exit_code != 0 and "at least one admin must be able to sign in" in refused.output
    add_account(app, "bent", "admin")
    result = run(app, "disable", "anna")
    assert result.exit_code == 0 and "Disabled anna." in result.output
    assert new_staff(app).sign_in("anna").status_code == 401
    assert run(app, "enable", "anna").exit_code == 0
    assert new_staff(app).sign_in("anna").headers["Location"] == "/admin/"
    assert run(app, "disable", "nobody").exit_code != 0


def test_reset_password_sets_a_new_one_and_clears_a_lockout(app):
    add_account(app, "anna", "admin")
    set_account(app, "anna", failed_attempts=12, locked_until="2999-01-01T00:00:00Z", totp_secret="A" * 32)
    result = run(app, "reset-password", "anna", "--clear-totp", input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    row = account_row(app, "anna")
    assert (row["failed_attempts"], row["locked_until"], row["totp_secret"]) == (0, None, None)
    assert new_staff(app).sign_in("anna", NEW_PASSWORD).headers["Location"] == "/admin/"
    assert run(app, "reset-password", "nobody", "--password-stdin", input=f"{NEW_PASSWORD}\n").exit_code != 0


def test_list_shows_accounts(app):
    add_account(app, "anna", "admin")
    add_account(app, "pia", "provider", provider_id="stofraadgivningen")
    result = run(app, "list")
    assert result.output.splitlines() == ["anna\tadmin\t", "pia\tprovider stofraadgivningen\t"]


def test_command_line_changes_are_audited(app):
    run(app, "create", "anna", "--role", "intake", "--password-stdin", input=f"{NEW_PASSWORD}\n")
    run(app, "disable", "anna")
    run(app, "enable", "anna")
    run(app, "reset-password", "anna", "--password-stdin", input=f"{NEW_PASSWORD}!\n")
    assert [(r["username"], r["action"], r["detail"]) for r in audit_rows(app)] == [
        ("(command line)", "account_created", "anna (intake)"),
        ("(command line)", "account_disabled", "anna"),
        ("(command line)", "account_enabled", "anna"),
        ("(command line)", "password_reset", "anna"),
    ]
    assert not any(NEW_PASSWORD in str(row) for row in audit_rows(app))


@pytest.mark.parametrize("command", [[], ["create"], ["disable"], ["enable"], ["reset-password"], ["list"]])
def test_every_users_command_has_help(app, command):
    result = app.test_cli_runner().invoke(args=["users", *command, "--help"])
    assert result.exit_code == 0
    help_text = result.output.split("Options:")[0]
    assert len(help_text.strip().splitlines()) >= 3  # usage line, blank, a description
