"""Booking through the Flask client: book, move, cancel, .ics, and every kind of bad slot."""

import dataclasses
import datetime as dt
import re

import pytest
from icalendar import Calendar

from app.config import load_settings
from app.context import get_db
from common.clock import UTC, FixedClock

from citizen_client import SLOT, Citizen


@pytest.fixture
def booked_case(citizen):
    """A citizen aged 25+ who has their code and sees the places to book."""
    citizen.finish_screening()
    citizen.get_code()
    return citizen


def slots_at(citizen, provider_id):
    citizen.get(f"/book/{provider_id}")
    return SLOT.findall(citizen.page)


def bookings_in(app):
    with app.app_context():
        return list(get_db().query("select * from bookings order by rowid"))


def test_places_fit_the_age_band_and_say_they_are_outside(booked_case):
    booked_case.get("/book")
    assert "Lænke-ambulatoriet Hvidovre" in booked_case.page
    assert "Lænke-ambulatoriet Lyngby-Taarbæk" in booked_case.page
    assert "Stofrådgivningen" not in booked_case.page
    assert booked_case.page.count("<strong>Uden for din kommune</strong>") == 2


def test_under_25_sees_stofraadgivningen(citizen):
    citizen.finish_screening({"age_band": "18_24"})
    citizen.get_code()
    citizen.get("/book")
    assert "Stofrådgivningen" in citizen.page and "Lænke-ambulatoriet" not in citizen.page


def test_book_shows_pending_on_status(booked_case, app):
    slot = slots_at(booked_case, "laenke-hvidovre")[0]
    response = booked_case.post("/book", {"slot": slot, "mode": "in_person"})
    assert response.headers["Location"].endswith("/status")
    [row] = bookings_in(app)
    assert row["state"] == "pending" and row["provider_id"] == "laenke-hvidovre"
    assert slot.endswith(dt.datetime.strptime(row["starts_at"], "%Y-%m-%dT%H:%M:%SZ").strftime("%Y%m%dT%H%MZ"))
    booked_case.get("/status")
    assert "Venter på, at kommunen bekræfter" in booked_case.page or "state-pending" in booked_case.page


def test_slots_end_at_the_guarantee_deadline(booked_case):
    slots = slots_at(booked_case, "laenke-hvidovre")
    starts = [dt.datetime.strptime(s.split("@")[1], "%Y%m%dT%H%MZ").replace(tzinfo=UTC) for s in slots]
    now = dt.datetime.now(UTC)
    assert starts and min(starts) > now and max(starts) < now + dt.timedelta(days=16)
    assert starts == sorted(starts)


def test_move_then_cancel(booked_case, app):
    first, second = slots_at(booked_case, "laenke-hvidovre")[:2]
    booked_case.post("/book", {"slot": first, "mode": "in_person"})
    booked_case.get("/book/laenke-lyngby")
    other = SLOT.findall(booked_case.page)[0]
    booked_case.post("/book", {"slot": other, "mode": "in_person"})
    rows = bookings_in(app)
    assert len(rows) == 1 and rows[0]["provider_id"] == "laenke-lyngby"  # a pending booking moves in place
    booked_case.post("/booking/cancel")
    assert bookings_in(app)[0]["state"] == "cancelled"
    assert first in slots_at(booked_case, "laenke-hvidovre")


def test_ics_is_neutral_and_has_an_alarm(booked_case):
    slot = slots_at(booked_case, "laenke-hvidovre")[0]
    booked_case.post("/book", {"slot": slot, "mode": "in_person"})
    booked_case.get("/status")
    assert 'href="/booking.ics"' in booked_case.page and 'href="/booking.ics?place=1"' in booked_case.page
    [plain] = Calendar.from_ical(booked_case.client.get("/booking.ics").data).walk("VEVENT")
    assert "LOCATION" not in plain  # the place goes in only when the person chooses it
    response = booked_case.client.get("/booking.ics?place=1")
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Aftale"
    assert "Hvidovre" in str(event["LOCATION"])
    [alarm] = event.walk("VALARM")
    assert alarm["TRIGGER"].dt == -dt.timedelta(hours=2)
    text = response.data.decode().lower()
    for word in ("stof", "misbrug", "behandling", "drug", "treatment", "asi"):
        assert word not in text


@pytest.mark.parametrize(
    "slot, mode, message",
    [
        ("nonsense", "in_person", "ikke en tid, vi tilbyder"),
        ("laenke-hvidovre@20990101T0800Z", "in_person", "ikke en tid, vi tilbyder"),
        ("nowhere@20300101T0800Z", "in_person", "ikke en tid, vi tilbyder"),
        ("laenke-hvidovre@20200106T0800Z", "in_person", "er gået"),
        ("", "in_person", "ikke en tid, vi tilbyder"),
    ],
)
def test_bad_slot_gives_a_clear_message(booked_case, app, slot, mode, message):
    response = booked_case.post("/book", {"slot": slot, "mode": mode})
    assert response.status_code == 400
    assert message in booked_case.page and 'role="alert"' in booked_case.page
    assert bookings_in(app) == []


def test_slot_of_another_provider_or_age_band_or_mode(booked_case, app):
    hvidovre = slots_at(booked_case, "laenke-hvidovre")
    lyngby_times = {s.split("@")[1] for s in slots_at(booked_case, "laenke-lyngby")}
    only_hvidovre = next(s for s in hvidovre if s.split("@")[1] not in lyngby_times)
    response = booked_case.post("/book", {"slot": "laenke-lyngby@" + only_hvidovre.split("@")[1], "mode": "in_person"})
    assert response.status_code == 400
    young_slot = "stofraadgivningen@" + hvidovre[0].split("@")[1]
    response = booked_case.post("/book", {"slot": young_slot, "mode": "in_person"})
    assert response.status_code == 400
    response = booked_case.post("/book", {"slot": hvidovre[0], "mode": "video"})
    assert response.status_code == 400
    assert bookings_in(app) == []


def test_tampered_form_without_csrf_is_refused(booked_case, app):
    slot = slots_at(booked_case, "laenke-hvidovre")[0]
    response = booked_case.client.post("/book", data={"slot": slot, "mode": "in_person"})
    assert response.status_code == 400 and bookings_in(app) == []


def test_slot_just_taken_shows_nearest_free_times(booked_case, app):
    slot = slots_at(booked_case, "laenke-hvidovre")[3]
    rival = Citizen(app.test_client())
    rival.finish_screening()
    rival.get_code()
    rival.get("/book/laenke-hvidovre")
    rival.post("/book", {"slot": slot, "mode": "in_person"})
    response = booked_case.post("/book", {"slot": slot, "mode": "in_person"})
    assert response.status_code == 409
    assert 'role="alert"' in booked_case.page and "Nærmeste ledige tider" in booked_case.page
    assert f'value="{slot}"' not in booked_case.page
    assert 'value="in_person" required checked' in booked_case.page


def test_status_without_code_cannot_book(client):
    assert client.get("/book").headers["Location"].endswith("/code")


def test_no_free_slot_before_the_deadline(make_app):
    # Given every provider closed from yesterday until past the 14-day guarantee, on a fixed day
    clock = FixedClock(dt.datetime(2026, 3, 2, 8, 15, tzinfo=UTC))
    today = clock.today()
    settings = load_settings()
    closed = tuple(today + dt.timedelta(days=n) for n in range(-1, 17))
    providers = tuple(dataclasses.replace(p, closed_dates=closed) for p in settings.providers)
    app = make_app(settings=dataclasses.replace(settings, providers=providers), clock=clock)
    citizen = Citizen(app.test_client())
    # When a person finishes the screening, the case is at risk at once (no page needs viewing)
    citizen.finish_screening()
    citizen.get_code()
    with app.app_context():
        assert [row["case_id"] for row in get_db().query("select case_id from guarantee_at_risk")] != []
    # And the booking page says so honestly and offers the earliest slots after the deadline
    citizen.get("/book")
    assert "Ingen ledig tid, før din behandlingsgaranti udløber" in citizen.page
    citizen.get("/book/laenke-hvidovre")
    slots = SLOT.findall(citizen.page)
    assert slots and all(dt.datetime.strptime(s.split("@")[1], "%Y%m%dT%H%MZ").date() > today + dt.timedelta(days=14) for s in slots)


#: Monday 2 March 2026, 09:15 in Copenhagen; the guarantee's last day is Monday 16 March.
MONDAY = dt.datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
#: Tuesday 17 March 09:00 at Hvidovre: the day after the guarantee's last day.
AFTER_DEADLINE = "laenke-hvidovre@20260317T0800Z"


def citizen_of(app) -> Citizen:
    """A person aged 25 or over who has finished the screening and holds their code."""
    citizen = Citizen(app.test_client())
    citizen.finish_screening()
    citizen.get_code()
    return citizen


def with_booking_rules(**rules):
    settings = load_settings()
    return dataclasses.replace(settings, booking=dataclasses.replace(settings.booking, **rules))


def test_a_slot_after_the_deadline_is_refused_while_times_within_are_free(make_app):
    # Given a person whose guarantee runs to 16 March, with free times before it
    app = make_app(clock=FixedClock(MONDAY))
    citizen = citizen_of(app)
    # When a form is sent for the day after the deadline
    response = citizen.post("/book", {"slot": AFTER_DEADLINE, "mode": "in_person"})
    # Then it is refused with a message that says why, and nothing is booked
    assert response.status_code == 400
    assert "efter din behandlingsgaranti" in citizen.page and 'role="alert"' in citizen.page
    assert bookings_in(app) == []


def test_a_move_after_the_deadline_is_refused_while_times_within_are_free(make_app):
    app = make_app(clock=FixedClock(MONDAY))
    citizen = citizen_of(app)
    citizen.post("/book", {"slot": slots_at(citizen, "laenke-hvidovre")[0], "mode": "in_person"})
    before = bookings_in(app)

    response = citizen.post("/book", {"slot": AFTER_DEADLINE, "mode": "in_person"})

    assert response.status_code == 400 and "efter din behandlingsgaranti" in citizen.page
    assert bookings_in(app) == before


def test_a_slot_after_the_deadline_is_booked_and_flagged_when_nothing_within_is_free(make_app):
    # Given every provider closed until the guarantee has run out
    settings = load_settings()
    closed = tuple(MONDAY.date() + dt.timedelta(days=n) for n in range(15))
    providers = tuple(dataclasses.replace(p, closed_dates=closed) for p in settings.providers)
    app = make_app(settings=dataclasses.replace(settings, providers=providers), clock=FixedClock(MONDAY))
    citizen = citizen_of(app)
    # When the person books the first time after it
    response = citizen.post("/book", {"slot": AFTER_DEADLINE, "mode": "in_person"})
    # Then it is booked and the case stays flagged for the intake queue
    assert response.headers["Location"].endswith("/status")
    [row] = bookings_in(app)
    assert row["state"] == "pending" and row["starts_at"] == "2026-03-17T08:00:00Z"
    with app.app_context():
        assert [r["case_id"] for r in get_db().query("select case_id from guarantee_at_risk")] == [row["case_id"]]


def test_times_start_on_the_next_working_day_and_a_sooner_one_is_refused(make_app):
    # Given a person at 04:44 on Monday (the example)
    app = make_app(clock=FixedClock(dt.datetime(2026, 3, 2, 3, 44, tzinfo=UTC)))
    citizen = citizen_of(app)
    # Then the times offered begin on Tuesday, when staff have had Monday to confirm
    assert slots_at(citizen, "laenke-hvidovre")[0] == "laenke-hvidovre@20260303T0800Z"
    # And a form sent for 11:00 the same day is refused as too soon
    response = citizen.post("/book", {"slot": "laenke-hvidovre@20260302T1000Z", "mode": "in_person"})
    assert response.status_code == 400
    assert "for tæt på" in citizen.page and 'role="alert"' in citizen.page
    assert bookings_in(app) == []


def test_a_hold_ends_before_the_conversations_day_and_the_status_page_says_so(make_app):
    app = make_app(clock=FixedClock(dt.datetime(2026, 3, 2, 3, 44, tzinfo=UTC)))
    citizen = citizen_of(app)

    citizen.post("/book", {"slot": "laenke-hvidovre@20260303T0800Z", "mode": "in_person"})

    [row] = bookings_in(app)
    assert row["hold_until"] == "2026-03-02T23:00:00Z"  # midnight in Copenhagen, Tuesday begins
    citizen.get("/status")
    assert "Venter på, at kommunen bekræfter" in citizen.page
    assert "tirsdag 3. marts, 00:00" in citizen.page
    assert "bliver tiden frigivet" in citizen.page


def test_with_automatic_confirmation_a_booked_and_a_moved_time_are_confirmed_at_once(make_app):
    # Given a municipality that has booked times confirmed at once
    app = make_app(settings=with_booking_rules(confirmation="automatic"), clock=FixedClock(MONDAY))
    citizen = citizen_of(app)
    first, second = slots_at(citizen, "laenke-hvidovre")[:2]
    # When the person books, the time is confirmed, and the status page says so
    citizen.post("/book", {"slot": first, "mode": "in_person"})
    assert [row["state"] for row in bookings_in(app)] == ["confirmed"]
    citizen.get("/status")
    assert "state-confirmed" in citizen.page and "Venter på" not in citizen.page and "frigivet" not in citizen.page
    # And a move is confirmed at once as well
    citizen.post("/book", {"slot": second, "mode": "in_person"})
    assert [row["state"] for row in bookings_in(app)] == ["moved", "confirmed"]


def test_cancelling_asks_first(booked_case, app):
    # Given a booked time
    slot = slots_at(booked_case, "laenke-hvidovre")[0]
    booked_case.post("/book", {"slot": slot, "mode": "in_person"})
    booked_case.get("/status")
    # Then the status page links to a question, not a one-tap cancel
    assert 'href="/booking/cancel"' in booked_case.page
    assert 'action="/booking/cancel"' not in booked_case.page
    # And reading the question changes nothing
    booked_case.get("/booking/cancel")
    assert "Aflys bookingen?" in booked_case.page and 'action="/booking/cancel"' in booked_case.page
    assert bookings_in(app)[0]["state"] == "pending"
    # When the person says yes, the booking is cancelled
    booked_case.post("/booking/cancel")
    assert bookings_in(app)[0]["state"] == "cancelled"
    assert booked_case.get("/booking/cancel").headers["Location"].endswith("/status")


def test_the_choice_of_place_is_explained(booked_case):
    booked_case.get("/book")
    text = " ".join(re.sub(r"<[^>]+>", " ", booked_case.page).split())
    assert "din aldersgruppe (25 år eller ældre)" in text
    assert "betyder, at stedet ligger i en anden kommune" in text


def test_in_person_says_at_the_address_above_only_under_a_street_address(make_app):
    settings = load_settings()
    with_street = dataclasses.replace(settings.providers[1], address="Hvidovrevej 1, 2650 Hvidovre")
    app = make_app(settings=dataclasses.replace(settings, providers=(settings.providers[0], with_street, settings.providers[2])))
    citizen = citizen_of(app)
    citizen.get("/book/laenke-hvidovre")
    assert "på adressen ovenfor" in citizen.page
    assert re.search(r'<legend>Hvordan vil du mødes\?</legend>\s*<div class="ticks">\s*<label class="tick"><input type="radio"', citizen.page)
    citizen.get("/book/laenke-lyngby")  # "Lænke-ambulatoriet, Kongens Lyngby": a unit, not a street
    assert "på adressen ovenfor" not in citizen.page
