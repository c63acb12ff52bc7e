"""The `.ics` file for a booked conversation: neutral on purpose.

A calendar entry may be seen by anyone who sees the phone: the title is "Appointment" in the
person's language, nothing names drugs, treatment or the person, the address is given only for
an in-person meeting, and a phone-in meeting says which number to call and to give the code.
"""

import datetime as dt

from icalendar import Alarm, Calendar, Event

from booking.bookings import Booking
from booking.providers import IN_PERSON, Provider

ALARM_BEFORE = dt.timedelta(hours=2)


def booking_calendar(booking: Booking, provider: Provider, texts: dict[str, str], now: dt.datetime) -> bytes:
    """An iCalendar file with one event and a reminder two hours before.

    `texts` carries the translated words: "title", "call" (with `{phone}`) and "alarm".
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Indgang//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"{booking.id}@indgang")
    event.add("dtstamp", now)
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("summary", texts["title"])
    if booking.mode == IN_PERSON:
        event.add("location", provider.address)
    else:
        event.add("description", texts["call"].format(phone=provider.phone))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", texts["alarm"])
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
