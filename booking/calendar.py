"""The `.ics` file for a booked conversation: neutral on purpose.

A calendar entry may be seen by anyone who sees the phone, or a calendar it is shared with: the
title is "Appointment" in the person's language, nothing names drugs, treatment or the person,
and the place (the address of an in-person meeting, the number to call for a phone-in one) goes
in only when the person chooses it. The UID is random, so the file leads back to no booking.
"""

import datetime as dt
import uuid

from icalendar import Alarm, Calendar, Event

from booking.bookings import Booking
from booking.providers import IN_PERSON, Provider

ALARM_BEFORE = dt.timedelta(hours=2)


def booking_calendar(
    booking: Booking, provider: Provider, texts: dict[str, str], now: dt.datetime, with_place: bool = False
) -> bytes:
    """An iCalendar file with one event and a reminder two hours before.

    `texts` carries the translated words: "title", "call" (with `{phone}`), "call_plain" (the
    same without the number) and "alarm".
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Indgang//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", str(uuid.uuid4()))
    event.add("dtstamp", now)
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("summary", texts["title"])
    if booking.mode != IN_PERSON:
        event.add("description", texts["call"].format(phone=provider.phone) if with_place else texts["call_plain"])
    elif with_place:
        event.add("location", provider.address)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", texts["alarm"])
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
