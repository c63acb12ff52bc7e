"""Staff's decline notes are sealed like answers (issue 11 item 2): the file holds no note in
plain text, the staff case page shows it, and notes written before are sealed at start-up."""

import sqlite3

from app.context import get_db, vault

from builders import visible_text
from test_staff_intake import app, booked, only_booking, sign_in  # noqa: F401 (fixtures)

NOTE = "ferie hele uge 10"


def raw_notes(served) -> list[str]:
    conn = sqlite3.connect(served.config["DATABASE"])
    try:
        return [note for (note,) in conn.execute("select decline_note from bookings where decline_note is not null")]
    finally:
        conn.close()


def test_a_decline_note_is_sealed_and_shown_to_staff(app, booked):  # noqa: F811
    booking = only_booking(app)
    staff = sign_in(app)
    staff.get(f"/staff/cases/{booking['referral_number']}")
    staff.post(f"/staff/bookings/{booking['id']}/decline", {"reason": "provider_unavailable", "note": NOTE})
    [stored] = raw_notes(app)
    assert stored.startswith("v2.") and "ferie" not in stored
    with app.app_context():
        assert vault().open(stored) == NOTE
    staff.get(f"/staff/cases/{booking['referral_number']}")
    assert NOTE in visible_text(staff.page)


def test_notes_written_in_plain_text_before_are_sealed_at_start(app, make_app, clock, booked):  # noqa: F811
    booking = only_booking(app)
    with app.app_context():
        get_db().execute("update bookings set state = 'declined', decline_reason = 'provider_unavailable',"
                         " decline_note = ? where id = ?", [NOTE, booking["id"]])
    restarted = make_app(clock=clock)
    [stored] = raw_notes(restarted)
    assert stored.startswith("v2.")
    staff = sign_in(restarted)
    staff.get(f"/staff/cases/{booking['referral_number']}")
    assert NOTE in visible_text(staff.page)
