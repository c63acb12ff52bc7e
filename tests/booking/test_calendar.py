"""The .ics file: a neutral appointment that anyone glancing at the phone may see."""

import datetime as dt

import pytest
from icalendar import Calendar

from booking.bookings import PENDING, Booking
from booking.calendar import booking_calendar
from booking.providers import IN_PERSON, PHONE_IN
from common.clock import UTC

from builders_booking import NOW, make_provider

#: The texts as the app passes them (gettext source and Danish catalogue), and the word for "code".
TEXTS = {
    "en": (
        {
            "title": "Appointment",
            "call": "Call {phone} at the time and give your code.",
            "call_plain": "Call at the time and give your code.",
            "alarm": "Appointment in two hours",
        },
        "code",
    ),
    "da": (
        {
            "title": "Aftale",
            "call": "Ring til {phone} på tidspunktet og oplys din kode.",
            "call_plain": "Ring på tidspunktet og oplys din kode.",
            "alarm": "Aftale om to timer",
        },
        "kode",
    ),
}
REVEALING_WORDS = ("drug", "stof", "misbrug", "treatment", "behandling", "asi")
STARTS_AT = dt.datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
#: A provider whose own name would give the purpose away: it must never reach the file.
PROVIDER = make_provider(name="Center for Stofmisbrug og Behandling", address="Vestergade 1, 2600 Glostrup")


def a_booking(mode: str) -> Booking:
    return Booking(
        id="3f9a0c7e1b2d4a5f6e7d8c9b",
        case_id="c1",
        provider_id=PROVIDER.id,
        starts_at=STARTS_AT,
        ends_at=STARTS_AT + dt.timedelta(minutes=60),
        mode=mode,
        state=PENDING,
        hold_until=NOW + dt.timedelta(hours=48),
        moved_from=None,
        decline_reason=None,
    )


def ics(mode: str, language: str = "en", with_place: bool = True) -> bytes:
    return booking_calendar(a_booking(mode), PROVIDER, TEXTS[language][0], NOW, with_place=with_place)


def the_event(body: bytes):
    [event] = Calendar.from_ical(body).walk("VEVENT")
    return event


def unfolded(body: bytes) -> str:
    """The file's text with folded lines joined, so no word hides across a line break."""
    return body.decode().replace("\r\n ", "").replace("\r\n\t", "")


@pytest.mark.parametrize("mode", [IN_PERSON, PHONE_IN])
@pytest.mark.parametrize("language", ["en", "da"])
def test_the_summary_is_the_neutral_title(mode, language):
    event = the_event(ics(mode, language))

    assert str(event["SUMMARY"]) == TEXTS[language][0]["title"]


def test_an_in_person_meeting_gives_the_address_and_no_phone():
    body = ics(IN_PERSON)
    event = the_event(body)

    assert str(event["LOCATION"]) == PROVIDER.address
    assert "DESCRIPTION" not in event
    assert PROVIDER.phone not in unfolded(body)


@pytest.mark.parametrize("language", ["en", "da"])
def test_a_phone_in_meeting_says_which_number_to_call_with_the_code(language):
    body = ics(PHONE_IN, language)
    event = the_event(body)

    assert "LOCATION" not in event
    assert PROVIDER.phone in str(event["DESCRIPTION"])
    assert TEXTS[language][1] in str(event["DESCRIPTION"])
    assert "Vestergade" not in unfolded(body)


@pytest.mark.parametrize("mode", [IN_PERSON, PHONE_IN])
def test_a_reminder_two_hours_before(mode):
    [alarm] = the_event(ics(mode)).walk("VALARM")

    assert alarm["TRIGGER"].dt == -dt.timedelta(hours=2)
    assert "TRIGGER:-PT2H" in unfolded(ics(mode))


@pytest.mark.parametrize("mode", [IN_PERSON, PHONE_IN])
def test_the_start_is_the_booking_start_in_utc(mode):
    body = ics(mode)
    event = the_event(body)

    start = event["DTSTART"].dt
    assert start == STARTS_AT
    assert start.utcoffset() == dt.timedelta(0)
    assert "DTSTART:20260305T080000Z" in unfolded(body)
    assert event["DTEND"].dt == STARTS_AT + dt.timedelta(minutes=60)


@pytest.mark.parametrize("mode", [IN_PERSON, PHONE_IN])
@pytest.mark.parametrize("language", ["en", "da"])
def test_nothing_in_the_file_reveals_what_the_appointment_is_for(mode, language):
    text = unfolded(ics(mode, language)).lower()

    assert [word for word in REVEALING_WORDS if word in text] == []
    assert PROVIDER.name.lower() not in text


@pytest.mark.parametrize("mode", [IN_PERSON, PHONE_IN])
def test_without_the_place_the_entry_names_no_address_and_no_number(mode):
    body = unfolded(ics(mode, with_place=False))
    event = the_event(ics(mode, with_place=False))

    assert "LOCATION" not in event
    assert PROVIDER.phone not in body and "Vestergade" not in body
    if mode == PHONE_IN:
        assert str(event["DESCRIPTION"]) == TEXTS["en"][0]["call_plain"]


def test_the_uid_is_random_and_leads_back_to_no_booking():
    uids = {str(the_event(ics(IN_PERSON))["UID"]) for _ in range(3)}

    assert len(uids) == 3
    assert not any(a_booking(IN_PERSON).id in uid for uid in uids)
