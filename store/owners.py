"""Which module may write each table (DESIGN.md: "one owner per table").

Only the owner inserts, updates or deletes rows of its table; every other module calls the
owner's functions. `tests/test_table_owners.py` reads the source and fails on a write anywhere
else. Deleting a case cascades (foreign keys) into the rows that belong to it; that is the
owner of `cases` deleting, not a write by another module.
"""

TABLE_OWNERS = {
    "sessions": "app/sessions.py",
    "maintenance": "retention/jobs.py",
    "cases": "intake/cases.py",
    "bookings": "booking/bookings.py",
    "guarantee_at_risk": "booking/guarantee.py",
    "decisions": "treatment/decisions.py",
    "courses": "treatment/courses.py",
    "course_sessions": "treatment/courses.py",
    "superseded_courses": "treatment/courses.py",
    "archived_invoice_lines": "treatment/invoice.py",
    "archived_invoice_parts": "treatment/invoice.py",
    "statistics_events": "stats/monthly.py",
    "accounts": "accounts/accounts.py",
    "audit": "accounts/audit.py",
    "providers": "booking/managed.py",
    "municipality_settings": "booking/managed.py",
    "settings_version": "booking/managed.py",
}
