"""What the person is told after booking (issue 12, items 1–2): they cannot be contacted, so the
booking and status pages say what happens next, and every "call us" gives the number and hours."""

import dataclasses
import datetime as dt
import re

from app.config import load_settings
from app.context import get_db
from booking import bookings
from common.clock import UTC, FixedClock

from builders import visible_text
from builders_course import shown_while_decided_meanwhile
from citizen_client import Citizen

#: Monday 2 March 2026, 09:15 in Copenhagen: the first free time at Hvidovre is on Tuesday.
MONDAY_MORNING = dt.datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
MUNICIPALITY_PHONE = load_settings().municipality_contact.phone


def booked(app) -> Citizen:
    """A person aged 25+ who has booked the first free time at Hvidovre."""
    citizen = Citizen(app.test_client())
    citizen.book_first_time()
    citizen.get("/status")
    return citizen


def test_status_says_what_happens_next_while_the_municipality_confirms(make_app):
    # Given a booking made on Monday 09:15, held for 48 hours but not past the day before Tuesday's time
    app = make_app(clock=FixedClock(MONDAY_MORNING))
    citizen = booked(app)
    text = visible_text(citizen.page)
    # Then the status page says when the answer comes, that nobody calls, and to look here again
    assert "Hvad sker der nu?" in text
    assert re.search(r"Kommunen svarer før \w+ \d+\. marts, \d\d:\d\d", text)
    assert "Ingen kontakter dig" in text
    assert "Kig her igen med din kode" in text
    # And what to bring, how long it lasts and who sees the answers
    assert "Samtalen varer omkring 60 minutter" in text
    assert "ID" in text and "sygesikringskort" in text
    assert "Visitationen i kommunen og Lænke-ambulatoriet Hvidovre ser dine svar" in text


def test_automatic_confirmation_says_the_time_is_confirmed_at_once(make_app):
    settings = load_settings()
    automatic = dataclasses.replace(settings, booking=dataclasses.replace(settings.booking, confirmation="automatic"))
    app = make_app(settings=automatic, clock=FixedClock(MONDAY_MORNING))
    text = visible_text(booked(app).page)
    assert "Hvad sker der nu?" in text and "Tiden er bekræftet" in text
    assert "Kommunen svarer før" not in text


def test_booking_page_says_what_happens_next_before_booking(make_app):
    app = make_app(clock=FixedClock(MONDAY_MORNING))
    citizen = Citizen(app.test_client())
    citizen.finish_screening()
    citizen.get_code()
    citizen.get("/book/laenke-hvidovre")
    text = visible_text(citizen.page)
    assert "Hvad sker der nu?" in text and "inden for 48 timer" in text
    assert "Samtalen varer omkring 60 minutter" in text


def test_a_declined_booking_gives_the_municipality_number_and_hours(make_app):
    # Given a booking the municipality declined because another kind of help fits better
    app = make_app(clock=FixedClock(MONDAY_MORNING))
    citizen = booked(app)
    with app.app_context():
        [row] = get_db().query("select id from bookings")
        bookings.change_state(get_db(), row["id"], bookings.DECLINED, MONDAY_MORNING, reason="needs_other_help")
    # When the person looks at the status page
    citizen.get("/status")
    text = visible_text(citizen.page)
    # Then "please call us" comes with the number and the opening hours
    assert "ring til os" in text
    assert f'href="tel:{MUNICIPALITY_PHONE.replace(" ", "")}"' in citizen.page
    assert "mandag" in text and "09:00–15:00" in text


def test_the_booking_page_gives_the_number_where_it_says_call(make_app):
    app = make_app(clock=FixedClock(MONDAY_MORNING))
    citizen = Citizen(app.test_client())
    citizen.finish_screening()
    citizen.get_code()
    citizen.get("/book")
    assert f'href="tel:{MUNICIPALITY_PHONE.replace(" ", "")}"' in citizen.page


def test_a_decision_recorded_while_the_status_page_reads_does_not_mix_into_it(make_app, monkeypatch):
    """The status page reads the booking, the decision and the course as one view (one
    statement): a decision the municipality records once the booking is read shows on the next
    look, whole, never half on this one ("awaiting a decision" beside "not granted")."""
    # Given a confirmed conversation that has taken place
    clock = FixedClock(MONDAY_MORNING)
    app = make_app(clock=clock)
    citizen = booked(app)
    with app.app_context():
        [row] = get_db().query("select id, case_id from bookings")
        bookings.change_state(get_db(), row["id"], bookings.CONFIRMED, MONDAY_MORNING)
        clock.advance(seconds=(bookings.get_booking(get_db(), row["id"]).starts_at - MONDAY_MORNING).total_seconds() + 3600)
    # When the person looks at the status page as the decision is recorded
    during, after = shown_while_decided_meanwhile(
        monkeypatch, app, bookings, "latest_booking_part", row["case_id"],
        lambda: visible_text(citizen.get("/status").get_data(as_text=True)))
    # Then that page is the state before it (no decision yet), and the next look shows the decision
    assert "Kommunens afgørelse" not in during
    assert "Kommunens afgørelse" in after and "Du har ikke fået bevilget anonym behandling" in after
