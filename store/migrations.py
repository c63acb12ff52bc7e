"""The database schema, one migration per change; never edit an applied migration.

Every domain's tables are created here (plain SQL, no domain code), so the schema can be read in
one place; which module may write each table is `store.owners.TABLE_OWNERS`.
"""

import sqlite_utils

migrations = sqlite_utils.Migrations("indgang")


@migrations()
def create_sessions(db: sqlite_utils.Database) -> None:
    """Server-side sessions: the cookie holds only a random id, stored here as a digest."""
    db["sessions"].create(
        {"id_digest": str, "data": str, "expires_at": str},
        pk="id_digest",
    )
    db["sessions"].create_index(["expires_at"])


@migrations()
def create_cases(db: sqlite_utils.Database) -> None:
    """A case: one anonymous person, reached by the HMAC of their code.

    `screening` is sealed (encrypted) JSON: answers, items and composites. `outcome` and the
    coarse `first_contact_day` stay plain for queues and statistics.
    """
    db["cases"].create(
        {
            "id": str,
            "code_digest": str,
            "referral_number": str,
            "first_contact_day": str,
            "created_via": str,
            "outcome": str,
            "screening": str,
            "guarantee_at_risk": int,
            "ended_day": str,
        },
        pk="id",
        not_null={"code_digest", "referral_number", "first_contact_day", "created_via", "outcome", "screening"},
        defaults={"guarantee_at_risk": 0},
    )
    db["cases"].create_index(["code_digest"], unique=True)
    db["cases"].create_index(["referral_number"], unique=True)


@migrations()
def create_maintenance(db: sqlite_utils.Database) -> None:
    """When scheduled jobs last ran (one row per job), so workers do not repeat each other."""
    db["maintenance"].create({"name": str, "last_run": str}, pk="name")
    db["maintenance"].insert({"name": "purge", "last_run": "1970-01-01T00:00:00+00:00"})


@migrations()
def create_bookings(db: sqlite_utils.Database) -> None:
    """Bookings of the clarifying conversation. The partial unique indexes are the guarantee
    against double booking: one active booking per provider and start, and one per case."""
    db.execute(
        """
        create table bookings (
            id text primary key,
            case_id text not null references cases (id) on delete cascade,
            provider_id text not null,
            starts_at text not null,
            ends_at text not null,
            mode text not null,
            state text not null,
            hold_until text,
            moved_from text,
            decline_reason text
        )
        """
    )
    db.execute(
        "create unique index one_active_booking_per_slot on bookings (provider_id, starts_at)"
        " where state in ('pending', 'confirmed')"
    )
    db.execute(
        "create unique index one_active_booking_per_case on bookings (case_id)"
        " where state in ('pending', 'confirmed')"
    )
    db["bookings"].create_index(["state", "hold_until"])


@migrations()
def create_accounts_and_audit(db: sqlite_utils.Database) -> None:
    """Staff accounts (intake, provider bound to one provider, admin) and the audit log.

    The audit log says who did what to which referral number and when; it never holds a
    citizen's code or any answer.
    """
    db["accounts"].create(
        {
            "username": str,
            "role": str,
            "provider_id": str,
            "password_hash": str,
            "totp_secret": str,
            "disabled": int,
            "demo": int,
            "failed_attempts": int,
            "locked_until": str,
        },
        pk="username",
        not_null={"role", "password_hash"},
        defaults={"disabled": 0, "demo": 0, "failed_attempts": 0},
    )
    db["audit"].create(
        {"id": int, "at": str, "username": str, "role": str, "referral_number": str, "action": str, "detail": str},
        pk="id",
        not_null={"at", "username", "action"},
    )
    db["audit"].create_index(["at"])
    db["audit"].create_index(["referral_number"])


@migrations()
def create_decisions(db: sqlite_utils.Database) -> None:
    """The municipality's decision after the clarifying conversation (§ 101a stk. 4)."""
    db.execute(
        """
        create table decisions (
            case_id text primary key references cases (id) on delete cascade,
            outcome text not null,
            provider_id text,
            start_date text,
            reason text,
            decided_day text not null
        )
        """
    )


@migrations()
def add_decline_note(db: sqlite_utils.Database) -> None:
    """Staff's own words beside a decline reason; shown to staff only."""
    db.execute("alter table bookings add column decline_note text")


@migrations()
def add_account_sign_in_details(db: sqlite_utils.Database) -> None:
    """`totp_last_step`: a two-step code works once. `credentials_changed_at`: a staff session
    begun before the password was reset or the account disabled no longer opens any page."""
    db["accounts"].add_column("totp_last_step", int)
    db["accounts"].add_column("credentials_changed_at", str)


@migrations()
def create_courses_and_statistics(db: sqlite_utils.Database) -> None:
    """The course after a granted decision (seed 000: 16 weeks of group treatment), its sessions,
    and the statistics events that outlive deleted cases (month and provider only, no case)."""
    db.execute(
        """
        create table courses (
            case_id text primary key references cases (id) on delete cascade,
            provider_id text not null,
            start_date text not null,
            granted_by text not null check (granted_by in ('municipality', 'provider')),
            state text not null check (state in ('active', 'passive', 'discharged', 'completed')),
            ended_on text,
            closing_conversation_on text
        )
        """
    )
    db.execute("create index courses_by_provider on courses (provider_id, start_date)")
    db.execute("create index courses_by_state on courses (state)")
    db.execute(
        """
        create table course_sessions (
            id integer primary key,
            case_id text not null references cases (id) on delete cascade,
            session_date text not null,
            outcome text not null check (outcome in ('attended', 'no_show', 'cancelled_in_time')),
            unique (case_id, session_date)
        )
        """
    )
    db.execute(
        """
        create table statistics_events (
            id integer primary key,
            month text not null,
            provider_id text,
            event text not null,
            value integer
        )
        """
    )
    db.execute("create index statistics_events_by_month on statistics_events (month, event)")


@migrations()
def unify_time_stamps(db: sqlite_utils.Database) -> None:
    """One text form for every stored instant (`store.times`): UTC to the second, ending in Z."""
    for table, column in (("sessions", "expires_at"), ("audit", "at"), ("accounts", "locked_until"),
                          ("accounts", "credentials_changed_at"), ("maintenance", "last_run")):
        db.execute(f"update {table} set {column} = strftime('%Y-%m-%dT%H:%M:%SZ', {column}) where {column} is not null")


@migrations()
def move_guarantee_flag_to_booking(db: sqlite_utils.Database) -> None:
    """"Guarantee at risk" is the booking side's judgement of a case (`booking.guarantee`), so it
    lives in a table of its own rather than in `cases`. Deleting a case deletes its flag."""
    db.execute(
        "create table guarantee_at_risk (case_id text primary key references cases (id) on delete cascade)"
    )
    db.execute("insert into guarantee_at_risk (case_id) select id from cases where guarantee_at_risk = 1")
    db.execute("alter table cases drop column guarantee_at_risk")
    db.execute("create index bookings_by_case on bookings (case_id)")


@migrations()
def add_statistics_delta(db: sqlite_utils.Database) -> None:
    """`delta`: +1 for an event, -1 for one taken back (a changed decision), so a case counts
    once with its current outcome and the table stays append-only."""
    db.execute("alter table statistics_events add column delta integer not null default 1")


@migrations()
def add_credentials_version(db: sqlite_utils.Database) -> None:
    """Counts password resets and disablings: a staff session remembers the count it began with
    and ends when it changes (exact, unlike comparing times stored to the second)."""
    db.execute("alter table accounts add column credentials_version integer not null default 0")


@migrations()
def add_decision_changes(db: sqlite_utils.Database) -> None:
    """A changed decision carries its consequences (`treatment.decisions`): `change_reason` is
    why staff changed it; `superseded_courses` keeps the days a course ran before a change ended
    or moved it (they stay billable). Both go with the case."""
    db.execute("alter table decisions add column change_reason text")
    db.execute(
        """
        create table superseded_courses (
            id integer primary key,
            case_id text not null references cases (id) on delete cascade,
            provider_id text not null,
            start_date text not null,
            ended_on text not null,
            granted_by text not null check (granted_by in ('municipality', 'provider'))
        )
        """
    )
    db.execute("create index superseded_courses_by_case on superseded_courses (case_id)")
    db.execute("create index superseded_courses_by_provider on superseded_courses (provider_id, start_date)")


@migrations()
def create_archived_invoice_lines(db: sqlite_utils.Database) -> None:
    """Treated days of deleted cases, kept for the invoice basis (`treatment.invoice`): provider,
    month, treatment and who granted it, with the days at each rate. Nothing leads back to a case:
    no case, no referral number, no day finer than the month."""
    db.execute(
        """
        create table archived_invoice_lines (
            id integer primary key,
            provider_id text not null,
            month text not null,
            treatment text not null,
            granted_by text not null check (granted_by in ('municipality', 'provider'))
        )
        """
    )
    db.execute("create index archived_invoice_lines_by_month on archived_invoice_lines (provider_id, month)")
    db.execute(
        """
        create table archived_invoice_parts (
            id integer primary key,
            line_id integer not null references archived_invoice_lines (id),
            dkk_per_day text not null,
            days integer not null check (days > 0)
        )
        """
    )
    db.execute("create index archived_invoice_parts_by_line on archived_invoice_parts (line_id)")


@migrations()
def add_audit_case_deleted(db: sqlite_utils.Database) -> None:
    """`case_deleted`: 1 on the rows of a case that was deleted; they keep who did what kind of
    action and the day, nothing that leads to the case (`accounts.audit.forget_referral`)."""
    db.execute("alter table audit add column case_deleted integer not null default 0")


@migrations()
def add_code_lockout(db: sqlite_utils.Database) -> None:
    """Wrong two-step codes are counted apart from wrong passwords (`accounts.accounts`): guessing
    a password slows only password attempts, so the owner with the right password and a current
    code still gets in, while guessing codes (which needs the password) slows the code."""
    db.execute("alter table accounts add column code_failed_attempts integer not null default 0")
    db.execute("alter table accounts add column code_locked_until text")


@migrations()
def add_indexes_for_pages_at_scale(db: sqlite_utils.Database) -> None:
    """Indexes that keep every page and the hourly job as fast at 100,000 cases as at 100
    (bench/scale.py; tests/test_query_plans.py keeps the queries on them):

    - `cases_newest_first`: a provider's referrals newest first, a page at a time
      (`treatment.referrals`), the cases still waiting for their conversation
      (`booking.guarantee`) and the abandoned cases the purge deletes (`retention.schedule`);
    - `courses_by_provider_end`: the courses an invoice month can hold, those ended in it or
      later and those still running (`treatment.invoice`);
    - `courses_by_end` and `decisions_by_outcome_day`: the cases whose retention has run out;
    - `audit_by_action`: the audit log filtered by action, and its list of actions."""
    db.execute("create index cases_newest_first on cases (first_contact_day desc, referral_number)")
    db.execute("create index courses_by_provider_end on courses (provider_id, ended_on, start_date)")
    db.execute("create index courses_by_end on courses (ended_on)")
    db.execute("create index decisions_by_outcome_day on decisions (outcome, decided_day)")
    db.execute("create index audit_by_action on audit (action, at)")


@migrations()
def add_account_subject(db: sqlite_utils.Database) -> None:
    """`oidc_subject`: the `sub` claim of a staff member who signs in through the municipality's
    OpenID Connect provider, by which their account is found (`accounts.accounts.sign_in_with_subject`);
    one account per subject. Such an account has no password (an empty `password_hash`)."""
    db.execute("alter table accounts add column oidc_subject text")
    db.execute("create unique index accounts_by_oidc_subject on accounts (oidc_subject) where oidc_subject is not null")


@migrations()
def create_managed_settings(db: sqlite_utils.Database) -> None:
    """What the municipality's admin manages in the browser (`booking.managed`), seeded from the
    TOML file on first start: the contracted providers (lists and the weekly hours as JSON; a retired one is kept, so its bookings
    and courses still name it), the municipality's own settings by dotted key, and one version
    number raised by every change, which each worker reads to see that its cached copy is stale.
    `accounts.last_signed_in_day` is the day (not the second) of an account's latest sign-in;
    `set_password_digest` and `set_password_until` are a one-time set-password link's SHA-256
    digest and end (`accounts.accounts`): the link itself is shown once, to the admin."""
    db.execute(
        """
        create table providers (
            id text primary key,
            position integer not null,
            name text not null,
            address text not null,
            municipality text not null,
            phone text,
            slot_minutes integer not null,
            age_bands text not null,
            languages text not null,
            meeting_modes text not null,
            opening_hours text not null,
            closed_dates text not null,
            closed_yearly text not null,
            retired_on text
        )
        """
    )
    db.execute("create table municipality_settings (key text primary key, value text not null)")
    db.execute("create table settings_version (id integer primary key check (id = 1), version integer not null)")
    db.execute("alter table accounts add column last_signed_in_day text")
    db.execute("alter table accounts add column set_password_digest text")
    db.execute("alter table accounts add column set_password_until text")
