"""The admin's forms: a provider, the municipality's settings, a new staff account.

The rules are the configuration file's (`app.config`): the same patterns and limits, with
messages that name the field in the admin's language.
"""

import datetime as dt
import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from accounts.accounts import ROLES, USERNAME_PATTERN
from app.config import MAX_CASE_RETENTION_DAYS, PROVIDER_ID_PATTERN, WEEKDAYS, is_month_day, is_opening_span
from app.forms import Form, PageField
from booking.providers import AGE_BANDS, IN_PERSON, MEETING_MODES, PHONE_IN, STREET_AND_NUMBER, Provider
from booking.rules import CONFIRMATIONS, STAFF
from common.digits import plain_digits


class Text(StringField):
    """A line of text, without leading and trailing white space."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, filters=[_strip], **kwargs)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class Checkboxes(SelectMultipleField):
    """Several choices, as tick boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _required(message):
    """Filled in with more than white space (`Text` strips it)."""
    return [DataRequired(message), Length(max=200)]



def _opening_hours(form, field):
    if not all(is_opening_span(span) for span in split_list(field.data)):
        raise ValidationError(_l("Write opening hours as 09:00-15:00; several with commas: 09:00-12:00, 13:00-16:00."))


def _closed_dates(form, field):
    try:
        parse_dates(field.data)
    except ValueError:
        raise ValidationError(_l("Write one date a line, as 2026-12-31.")) from None


def _month_days(form, field):
    if not all(is_month_day(day) for day in split_list(field.data)):
        raise ValidationError(_l("Write month-days as 12-24, separated by commas."))


#: What separates the items of a list typed into a field: a comma (the Arabic one too), or a new line.
LIST_SEPARATORS = re.compile("[,\u060c\n]")


def split_list(text: str | None) -> list[str]:
    """"a, b" or one a line → ["a", "b"]; digits of any script as 0–9, so "٠٩:٠٠-١٥:٠٠" typed on
    an Arabic keyboard is "09:00-15:00"."""
    return [part.strip() for part in LIST_SEPARATORS.split(plain_digits(text or "")) if part.strip()]


def parse_dates(text: str | None) -> tuple[dt.date, ...]:
    return tuple(sorted({dt.date.fromisoformat(part) for part in split_list(text)}))


class WeeklyHours:
    """One text field per weekday ("09:00-15:00, 16:00-18:00"); labelled in the view, in the
    admin's language (`weekday_field_labels`)."""

    def weekly_hours(self) -> dict[str, tuple[str, ...]]:
        return {day: tuple(split_list(self[f"hours_{day}"].data)) for day in WEEKDAYS if split_list(self[f"hours_{day}"].data)}

    @staticmethod
    def hours_data(opening_hours: dict) -> dict:
        """The weekday fields' data for `opening_hours`."""
        return {f"hours_{day}": ", ".join(opening_hours.get(day, ())) for day in WEEKDAYS}


def _with_weekdays(cls):
    for day in WEEKDAYS:
        setattr(cls, f"hours_{day}", StringField(day, validators=[Length(max=200), _opening_hours]))
    return cls


@_with_weekdays
class ProviderForm(Form, WeeklyHours):
    id = Text(_l("Short name, used in addresses (cannot be changed later)"), validators=[
        InputRequired(_l("Write a short name.")), Length(max=40),
        Regexp(PROVIDER_ID_PATTERN.pattern + "$", message=_l("Use 2 to 40 lower-case letters, digits and dashes."))])
    name = Text(_l("Name"), validators=_required(_l("Write the provider's name.")))
    address = Text(_l("Address"), validators=_required(_l("Write the address.")))
    municipality = Text(_l("Municipality the provider lies in"), validators=_required(_l("Write the municipality.")))
    phone = Text(_l("Phone (needed for meetings by phone)"), validators=[Optional(), Length(max=40)])
    age_bands = Checkboxes(_l("Age bands"), choices=list(AGE_BANDS), validators=[InputRequired(_l("Choose at least one age band."))])
    languages = Checkboxes(_l("Languages spoken"), validators=[InputRequired(_l("Choose at least one language."))])
    meeting_modes = Checkboxes(_l("Meeting modes"), choices=list(MEETING_MODES), validators=[InputRequired(_l("Choose at least one meeting mode."))])
    slot_minutes = PageField(_l("Length of a conversation (minutes)"), validators=[
        InputRequired(_l("Write a number of minutes.")), NumberRange(min=15, max=240)])
    closed_dates = TextAreaField(_l("Closed on these dates (one a line, as 2026-12-31)"), validators=[Length(max=5000), _closed_dates])
    closed_yearly = Text(_l("Closed every year on (month-days, as 06-05, 12-24, 12-31)"), validators=[Length(max=400), _month_days])

    def check(self, demo: bool) -> bool:
        """Submitted and valid, with the rules between fields (as the configuration file's)."""
        if not self.validate_on_submit():
            return False
        if PHONE_IN in self.meeting_modes.data and not self.phone.data:
            self.phone.errors.append(_l("Write the phone number: people meeting by phone call it."))
        if not demo and IN_PERSON in self.meeting_modes.data and not STREET_AND_NUMBER.search(self.address.data):
            self.address.errors.append(_l("Write a street and number, such as Hvidovrevej 1, 2650 Hvidovre: people meeting in person must find the place."))
        if not self.weekly_hours():
            self.hours_mon.errors.append(_l("Give opening hours on at least one weekday."))
        return not self.errors

    def provider(self, provider_id: str, name: str | None = None) -> Provider:
        """The provider the form describes; on the edit form, which has no id or name, those given."""
        return Provider(
            id=provider_id, name=name or self.name.data, address=self.address.data,
            municipality=self.municipality.data, phone=self.phone.data or None,
            age_bands=tuple(self.age_bands.data), languages=tuple(self.languages.data),
            meeting_modes=tuple(self.meeting_modes.data), slot_minutes=self.slot_minutes.data,
            closed_dates=parse_dates(self.closed_dates.data), opening_hours=self.weekly_hours(),
            closed_yearly=tuple(split_list(self.closed_yearly.data)),
        )

    @classmethod
    def data_of(cls, provider: Provider) -> dict:
        """The form's data showing `provider`."""
        return { "name": provider.name, "address": provider.address,
            "municipality": provider.municipality, "phone": provider.phone or "",
            "age_bands": list(provider.age_bands), "languages": list(provider.languages),
            "meeting_modes": list(provider.meeting_modes), "slot_minutes": provider.slot_minutes,
            "closed_dates": "\n".join(day.isoformat() for day in provider.closed_dates),
            "closed_yearly": ", ".join(provider.closed_yearly),
            **cls.hours_data(provider.opening_hours),
        }


@_with_weekdays
class MunicipalityForm(Form, WeeklyHours):
    phone = Text(_l("Phone number of the intake staff (shown to citizens)"), validators=_required(_l("Write the phone number.")))
    ordinary_name = Text(_l("Name"), validators=_required(_l("Write the name.")))
    ordinary_address = Text(_l("Address"), validators=_required(_l("Write the address.")))
    ordinary_phone = Text(_l("Phone"), validators=_required(_l("Write the phone number.")))
    youth_name = Text(_l("Name"), validators=_required(_l("Write the name.")))
    youth_address = Text(_l("Address"), validators=_required(_l("Write the address.")))
    youth_phone = Text(_l("Phone"), validators=_required(_l("Write the phone number.")))
    notice = PageField(_l("Minimum notice before a conversation (working days, 0 to 10)"), validators=[
        InputRequired(_l("Write a number of working days.")), NumberRange(min=0, max=10)])
    confirmation = SelectField(_l("Who confirms a booked time"), choices=list(CONFIRMATIONS), default=STAFF)
    case_days = PageField(_l("Keep a case this many days after it ends (0 to %(most)s)", most=MAX_CASE_RETENTION_DAYS), validators=[
        InputRequired(_l("Write a number of days.")), NumberRange(min=0, max=MAX_CASE_RETENTION_DAYS)])
    require_totp = BooleanField(_l("Every staff account must use two-step sign-in"))

    #: Each field's key in the managed settings (`app.managed_settings.MANAGED_KEYS`).
    KEYS = {
        "phone": "municipality.phone",
        "ordinary_name": "ordinary_offer.name", "ordinary_address": "ordinary_offer.address",
        "ordinary_phone": "ordinary_offer.phone",
        "youth_name": "youth_offer.name", "youth_address": "youth_offer.address", "youth_phone": "youth_offer.phone",
        "notice": "booking.minimum_notice_working_days", "confirmation": "booking.confirmation",
        "case_days": "retention.case_days_after_end", "require_totp": "staff.require_totp",
    }

    def check(self) -> bool:
        """Submitted and valid."""
        if not self.validate_on_submit():
            return False
        if self.notice.data == 0 and self.confirmation.data == STAFF:
            self.notice.errors.append(_l("Choose 1 or more while staff confirm bookings: they need a working day to do it."))
        return not self.errors

    def values(self) -> dict:
        """The managed settings this form sets, by key, JSON-ready."""
        values = {key: self[name].data for name, key in self.KEYS.items()}
        values["municipality.opening_hours"] = {day: list(spans) for day, spans in self.weekly_hours().items()}
        return values

    @classmethod
    def data_of(cls, values: dict) -> dict:
        """The form's data showing the managed settings `values`."""
        return {**{name: values[key] for name, key in cls.KEYS.items()}, **cls.hours_data(values["municipality.opening_hours"])}


class AccountForm(Form):
    username = Text(_l("Username"), validators=[
        InputRequired(_l("Write a username.")), Length(max=40),
        Regexp(USERNAME_PATTERN.pattern + "$", message=_l("Use 2 to 40 lower-case letters, digits, dots, dashes or underscores."))])
    role = SelectField(_l("Role"), choices=list(ROLES))
    provider_id = SelectField(_l("Treatment place (provider accounts only)"), validate_choice=False)

    def check(self) -> bool:
        """Submitted and valid."""
        if not self.validate_on_submit():
            return False
        choices = [value for value, _label in self.provider_id.choices if value]
        if self.role.data == "provider" and self.provider_id.data not in choices:
            self.provider_id.errors.append(_l("Choose the treatment place of a provider account."))
        return not self.errors

    def bound_provider(self) -> str | None:
        return self.provider_id.data if self.role.data == "provider" else None
