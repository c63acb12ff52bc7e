"""One TOML file configures Indgang; it is checked whole at start-up.

Every bad field is refused with its dotted name and what was expected, so a municipality's
administrator can mend their file without reading code.
"""

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from accounts.accounts import PROVIDER, ROLES, normalise_username
from booking.providers import AGE_BANDS, IN_PERSON, MEETING_MODES, NONE_OUTSIDE, TOO_FEW, Provider, law_problem
from booking.rules import CONFIRMATIONS, STAFF, BookingRules
from common.languages import LANGUAGES

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_config.toml")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOST_PATTERN = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?")
HOURS_PATTERN = re.compile(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d")
MONTH_DAY_PATTERN = re.compile(r"\d\d-\d\d")
PROVIDER_ID_PATTERN = re.compile(r"[a-z0-9-]{2,40}")
#: The longest a case may be kept after its end, as the admin may set it (`retention.case_days_after_end`):
#: two years, long enough for a complaint or a returning person, short enough that nothing is kept
#: "just in case" (DESIGN.md: data is deleted on a schedule).
MAX_CASE_RETENTION_DAYS = 730


class InvalidConfig(ValueError):
    """The configuration breaks a rule; the message names the field."""


@dataclass(frozen=True)
class Contact:
    name: str
    address: str
    phone: str


@dataclass(frozen=True)
class MunicipalityContact:
    """How a person reaches the municipality's intake staff (visitationen): shown wherever a
    page tells them to call, since the service cannot contact them (they are anonymous)."""

    phone: str
    opening_hours: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Rate:
    valid_from: dt.date
    dkk_per_day: float


@dataclass(frozen=True)
class GroupRole:
    """What one value of the identity provider's group claim gives here."""

    role: str
    provider_id: str | None = None


@dataclass(frozen=True)
class OidcSettings:
    """Sign-in through the municipality's OpenID Connect provider (`[staff.oidc]`, README "Signing
    in with the municipality's identity provider"). `groups`: (claim value, what it gives) in the
    file's order; a person in several gets the first."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    groups: tuple[tuple[str, GroupRole], ...]
    groups_claim: str = "groups"
    username_claim: str = "preferred_username"
    scopes: tuple[str, ...] = ("openid",)
    required_amr: tuple[str, ...] = ()
    required_acr: tuple[str, ...] = ()
    break_glass_account: str | None = None

    @property
    def origin(self) -> str:
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class StaffSettings:
    """Staff sign-in: two-step sign-in for everyone, how long an idle session lasts, and the
    identity provider (None: staff sign in with passwords)."""

    require_totp: bool = False
    idle_minutes: int = 30
    oidc: OidcSettings | None = None


@dataclass(frozen=True)
class ServerSettings:
    """How the site is reached: `proxies` reverse proxies in front of it, whose X-Forwarded-Proto,
    -Host and -Port are trusted (0: none, headers ignored), and the host names it answers to
    (`hosts`; empty: any, for development)."""

    proxies: int = 0
    hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class CourseSettings:
    """The course after a granted decision (seed 000): its length, when no-shows end it, and how
    many courses a provider may grant itself a year (§ 101a stk. 5). The field names are those of
    `treatment.rules.CourseRules`, so this can be passed where rules are asked for."""

    weeks: int = 16
    discharge_after_no_shows: int = 2
    passive_after_days: int = 21
    self_visitation_per_year: int = 5


@dataclass(frozen=True)
class Settings:
    demo: bool
    quick_exit_url: str
    secure_cookies: bool
    municipality_name: str
    served_municipalities: tuple[str, ...]
    guarantee_days: int
    burden_limit: float
    money_factor: float
    chat_retention_hours: int
    case_retention_days: int
    rates: tuple[Rate, ...]
    ordinary_offer: Contact
    youth_offer: Contact
    providers: tuple[Provider, ...]
    municipality_contact: MunicipalityContact = MunicipalityContact(phone="", opening_hours={})
    staff: StaffSettings = StaffSettings()
    server: ServerSettings = ServerSettings()
    course: CourseSettings = CourseSettings()
    booking: BookingRules = BookingRules()
    #: Providers no longer offered (`booking.managed`), kept so their bookings and courses name them.
    retired_providers: tuple[Provider, ...] = ()

    def provider(self, provider_id: str) -> Provider | None:
        """The provider of that id, current or retired."""
        return next((p for p in (*self.providers, *self.retired_providers) if p.id == provider_id), None)

    def is_outside(self, provider: Provider) -> bool:
        return provider.outside(self.served_municipalities)


def load_settings(path: str | os.PathLike | None = None) -> Settings:
    """Read the file named by `path`, else $INDGANG_CONFIG, else the embedded default."""
    path = Path(path or os.environ.get("INDGANG_CONFIG") or DEFAULT_CONFIG_PATH)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise InvalidConfig(f"cannot read the configuration file {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise InvalidConfig(f"{path} is not valid TOML: {error}") from None
    return settings_from_dict(data)


def settings_from_dict(data: dict) -> Settings:
    fields = _Fields(data)
    settings = Settings(
        demo=fields.get("demo", bool, default=False),
        quick_exit_url=fields.get("quick_exit_url", str, check=_is_https, expected="an https:// URL"),
        secure_cookies=fields.get("secure_cookies", bool, default=False),
        municipality_name=fields.get("municipality.name", str),
        served_municipalities=tuple(fields.get("municipality.served", list, check=_non_empty_strings, expected="a non-empty list of names")),
        guarantee_days=fields.get("guarantee.days", int, check=lambda v: 1 <= v <= 60, expected="a whole number of days from 1 to 60"),
        burden_limit=float(fields.get("screening.burden_limit", (int, float), check=lambda v: 0 < v < 1, expected="a number between 0 and 1")),
        money_factor=float(fields.get("screening.money_factor", (int, float), check=lambda v: v > 0, expected="a positive number")),
        chat_retention_hours=fields.get("retention.chat_hours", int, check=lambda v: 1 <= v <= 48, expected="hours from 1 to 48"),
        case_retention_days=fields.get("retention.case_days_after_end", int, check=lambda v: 0 <= v <= MAX_CASE_RETENTION_DAYS, expected=f"days from 0 to {MAX_CASE_RETENTION_DAYS}"),
        rates=_rates(fields),
        ordinary_offer=_contact(fields, "ordinary_offer"),
        youth_offer=_contact(fields, "youth_offer"),
        providers=_providers(fields),
        municipality_contact=MunicipalityContact(
            phone=fields.get("municipality.phone", str, check=str.strip, expected="a phone number"),
            opening_hours=_opening_hours(fields.get("municipality.opening_hours", dict, expected="a table of weekdays"), "municipality.opening_hours"),
        ),
        staff=StaffSettings(
            require_totp=fields.get("staff.require_totp", bool, default=False),
            idle_minutes=fields.get("staff.idle_minutes", int, default=30, check=lambda v: 5 <= v <= 480, expected="minutes from 5 to 480"),
            oidc=_oidc(fields),
        ),
        server=ServerSettings(
            proxies=fields.get("server.proxies", int, default=0, check=lambda v: 0 <= v <= 5, expected="a number of proxies from 0 to 5"),
            hosts=tuple(fields.get("server.hosts", list, default=[], check=_host_names, expected="a list of host names, e.g. [\"indgang.example.dk\"]")),
        ),
        course=CourseSettings(
            weeks=fields.get("course.weeks", int, default=16, check=lambda v: 1 <= v <= 52, expected="weeks from 1 to 52"),
            discharge_after_no_shows=fields.get("course.discharge_after_no_shows", int, default=2, check=lambda v: 1 <= v <= 10, expected="a number of no-shows from 1 to 10"),
            passive_after_days=fields.get("course.passive_after_days", int, default=21, check=lambda v: 1 <= v <= 90, expected="days from 1 to 90"),
            self_visitation_per_year=fields.get("course.self_visitation_per_year", int, default=5, check=lambda v: 0 <= v <= 100, expected="a number of courses from 0 to 100"),
        ),
        booking=_booking_rules(fields),
    )
    _check_providers_law(settings)
    _check_no_demo_in_production(settings)
    _check_street_addresses(settings)
    return settings


class _Fields:
    """Typed reads from nested TOML by dotted name; every error names the field."""

    def __init__(self, data: dict):
        self.data = data

    def get(self, name, kind, default=..., check=None, expected=None, source=None):
        value = _dig(self.data if source is None else source, name.split(".")[-1] if source is not None else name)
        if value is ... and default is not ...:
            return default
        kinds = kind if isinstance(kind, tuple) else (kind,)
        expected = expected or f"a {' or '.join(k.__name__ for k in kinds)}"
        if value is ...:
            raise InvalidConfig(f"{name} is missing: expected {expected}")
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            raise InvalidConfig(f"{name} is {value!r}: expected {expected}")
        if check and not check(value):
            raise InvalidConfig(f"{name} is {value!r}: expected {expected}")
        return value


def _dig(data: dict, dotted: str):
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return ...
        data = data[part]
    return data


def _is_https(value: str) -> bool:
    return value.startswith("https://") and len(value) > len("https://")


def _non_empty_strings(value: list) -> bool:
    return bool(value) and all(isinstance(item, str) and item.strip() for item in value)


def _host_names(value: list) -> bool:
    return all(isinstance(v, str) and HOST_PATTERN.fullmatch(v) for v in value)


def _strings_from(allowed):
    return lambda value: bool(value) and all(item in allowed for item in value)


def _contact(fields: _Fields, name: str) -> Contact:
    return Contact(
        name=fields.get(f"{name}.name", str),
        address=fields.get(f"{name}.address", str),
        phone=fields.get(f"{name}.phone", str),
    )


def _rates(fields: _Fields) -> tuple[Rate, ...]:
    raw = fields.get("rates", list, check=bool, expected="a list of [[rates]] tables")
    rates = tuple(
        Rate(
            valid_from=fields.get(f"rates[{i}].from", dt.date, source=entry, expected="a date such as 2015-07-01"),
            dkk_per_day=float(fields.get(f"rates[{i}].dkk_per_day", (int, float), source=entry, check=lambda v: v >= 0, expected="a number of kroner, 0 or more")),
        )
        for i, entry in enumerate(raw)
    )
    return tuple(sorted(rates, key=lambda rate: rate.valid_from))


def _providers(fields: _Fields) -> tuple[Provider, ...]:
    raw = fields.get("providers", list, expected="a list of [[providers]] tables")
    providers = tuple(_provider(fields, i, entry) for i, entry in enumerate(raw))
    ids = [provider.id for provider in providers]
    if len(set(ids)) != len(ids):
        raise InvalidConfig("providers[].id must be unique")
    return providers


def _provider(fields: _Fields, i: int, entry) -> Provider:
    if not isinstance(entry, dict):
        raise InvalidConfig(f"providers[{i}] is {entry!r}: expected a table")

    def get(key, kind, **rules):
        return fields.get(f"providers[{i}].{key}", kind, source=entry, **rules)

    modes = tuple(get("meeting_modes", list, check=_strings_from(MEETING_MODES), expected=f"a list from {MEETING_MODES}"))
    phone = get("phone", str, default=None)
    if "phone_in" in modes and not phone:
        raise InvalidConfig(f"providers[{i}].phone is missing: expected a phone number, since meeting_modes has phone_in")
    return Provider(
        id=get("id", str, check=PROVIDER_ID_PATTERN.fullmatch, expected="lower-case letters, digits and dashes"),
        name=get("name", str, check=str.strip, expected="a name"),
        address=get("address", str, check=str.strip, expected="an address"),
        municipality=get("municipality", str, check=str.strip, expected="the municipality the provider lies in"),
        phone=phone,
        age_bands=tuple(get("age_bands", list, check=_strings_from(AGE_BANDS), expected=f"a list from {AGE_BANDS}")),
        languages=tuple(get("languages", list, check=_strings_from(LANGUAGES), expected=f"a list from {tuple(LANGUAGES)}")),
        meeting_modes=modes,
        slot_minutes=get("slot_minutes", int, check=lambda v: 15 <= v <= 240, expected="minutes from 15 to 240"),
        closed_dates=tuple(get("closed_dates", list, default=[], check=lambda v: all(isinstance(d, dt.date) for d in v), expected="a list of dates")),
        opening_hours=_opening_hours(get("opening_hours", dict, expected="a table of weekdays"), f"providers[{i}].opening_hours"),
        closed_yearly=_month_days(get("closed_yearly", list, default=[], expected='a list of month-days such as ["12-24"]'), f"providers[{i}].closed_yearly"),
    )


def _oidc(fields: _Fields) -> OidcSettings | None:
    if _dig(fields.data, "staff.oidc") is ...:
        return None
    variable = fields.get("staff.oidc.client_secret_env", str, check=str.strip, expected="the name of an environment variable")
    if not os.environ.get(variable):
        raise InvalidConfig(f"staff.oidc.client_secret_env names {variable}, which is not set: set it to the client secret")
    strings = _non_empty_strings
    break_glass = fields.get("staff.oidc.break_glass_account", str, default=None, check=str.strip, expected="a username")
    return OidcSettings(
        issuer=fields.get("staff.oidc.issuer", str, check=_is_issuer, expected="an https:// URL (http:// only on 127.0.0.1 or localhost)").rstrip("/"),
        client_id=fields.get("staff.oidc.client_id", str, check=str.strip, expected="the client (application) id"),
        client_secret=os.environ[variable],
        groups=_group_roles(fields),
        groups_claim=fields.get("staff.oidc.groups_claim", str, default="groups", check=str.strip, expected="a claim name"),
        username_claim=fields.get("staff.oidc.username_claim", str, default="preferred_username", check=str.strip, expected="a claim name"),
        scopes=tuple(fields.get("staff.oidc.scopes", list, default=["openid"], check=lambda v: strings(v) and "openid" in v, expected='a list with "openid"')),
        required_amr=tuple(fields.get("staff.oidc.required_amr", list, default=[], check=lambda v: not v or strings(v), expected="a list of amr values such as [\"mfa\"]")),
        required_acr=tuple(fields.get("staff.oidc.required_acr", list, default=[], check=lambda v: not v or strings(v), expected="a list of acr values")),
        break_glass_account=normalise_username(break_glass) if break_glass else None,
    )


def _is_issuer(value: str) -> bool:
    parts = urlsplit(value)
    loopback = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")
    return (parts.scheme == "https" or loopback) and bool(parts.hostname) and not parts.query and not parts.fragment


def _group_roles(fields: _Fields) -> tuple[tuple[str, GroupRole], ...]:
    raw = fields.get("staff.oidc.groups", dict, check=bool, expected='a table of group values, e.g. "<group id>" = { role = "intake" }')
    return tuple((value, _group_role(fields, f"staff.oidc.groups.{value}", entry)) for value, entry in raw.items())


def _group_role(fields: _Fields, name: str, entry) -> GroupRole:
    if not isinstance(entry, dict):
        raise InvalidConfig(f"{name} is {entry!r}: expected a table such as {{ role = \"intake\" }}")
    role = fields.get(f"{name}.role", str, source=entry, check=lambda v: v in ROLES, expected=f"one of {ROLES}")
    provider_ids = tuple(provider["id"] for provider in fields.data.get("providers", []) if isinstance(provider, dict))
    if role != PROVIDER:
        if "provider" in entry:
            raise InvalidConfig(f"{name}.provider: only a provider group is bound to a provider")
        return GroupRole(role)
    provider_id = fields.get(f"{name}.provider", str, source=entry, check=lambda v: v in provider_ids, expected=f"one of {provider_ids}")
    return GroupRole(role, provider_id)


def _month_days(raw: list, name: str) -> tuple[str, ...]:
    """Days closed every year, as "MM-DD"; 02-29 is allowed (it closes leap years only)."""
    for j, value in enumerate(raw):
        if not is_month_day(value):
            raise InvalidConfig(f"{name}[{j}] is {value!r}: expected a month-day such as 12-24")
    return tuple(raw)


def _is_day_of_leap_year(month_day: str) -> bool:
    try:
        dt.date.fromisoformat(f"2000-{month_day}")
    except ValueError:
        return False
    return True


def _opening_hours(raw: dict, name: str) -> dict[str, tuple[str, ...]]:
    for day, spans in raw.items():
        if day not in WEEKDAYS:
            raise InvalidConfig(f"{name}.{day} is not a weekday: expected one of {WEEKDAYS}")
        if not isinstance(spans, list) or not all(is_opening_span(span) for span in spans):
            raise InvalidConfig(f"{name}.{day} is {spans!r}: expected a list such as [\"09:00-15:00\"]")
    return {day: tuple(spans) for day, spans in raw.items()}


def is_opening_span(span) -> bool:
    """"09:00-15:00": a time, a dash and a later time."""
    return isinstance(span, str) and HOURS_PATTERN.fullmatch(span) is not None and span[:5] < span[6:]


def is_month_day(value) -> bool:
    """"12-24": a month-day; 02-29 is allowed (it closes leap years only)."""
    return isinstance(value, str) and MONTH_DAY_PATTERN.fullmatch(value) is not None and _is_day_of_leap_year(value)


def _check_no_demo_in_production(settings: Settings) -> None:
    """Demo accounts have a public password: they never run where the site is served over TLS."""
    if settings.demo and settings.secure_cookies:
        raise InvalidConfig(
            "demo is true while secure_cookies is true: demo accounts (password \"demo\") must never run in "
            "production; set demo = false"
        )


def _check_street_addresses(settings: Settings) -> None:
    """A person who meets in person must be able to find the place: outside demo mode (whose
    embedded providers name only their units), such a provider's address needs a street and number."""
    if settings.demo:
        return
    for i, provider in enumerate(settings.providers):
        if IN_PERSON in provider.meeting_modes and not provider.has_street_address:
            raise InvalidConfig(
                f"providers[{i}].address is {provider.address!r}: expected a street and number, such as "
                '"Hvidovrevej 1, 2650 Hvidovre", since meeting_modes has in_person'
            )


def _booking_rules(fields: _Fields) -> BookingRules:
    """`[booking]`; no notice only with automatic confirmation, since staff need a working day
    to confirm a booking before its day begins (`booking.rules`)."""
    rules = BookingRules(
        hold_hours=fields.get("booking.hold_hours", int, default=48, check=lambda v: 1 <= v <= 168, expected="hours from 1 to 168"),
        minimum_notice_working_days=fields.get("booking.minimum_notice_working_days", int, default=1, check=lambda v: 0 <= v <= 10, expected="working days from 0 to 10"),
        confirmation=fields.get("booking.confirmation", str, default=STAFF, check=lambda v: v in CONFIRMATIONS, expected=f"one of {CONFIRMATIONS}"),
    )
    if rules.minimum_notice_working_days == 0 and not rules.confirmed_at_once:
        raise InvalidConfig(
            "booking.minimum_notice_working_days is 0: expected 1 or more while booking.confirmation is "
            '"staff" (staff need a working day to confirm a booking)'
        )
    return rules


def _check_providers_law(settings: Settings) -> None:
    """§ 101a stk. 2: agreements with at least two providers, at least one outside."""
    problem = law_problem(settings.providers, settings.served_municipalities)
    if problem == TOO_FEW:
        raise InvalidConfig(
            "providers: § 101a stk. 2 requires agreements with at least two providers; "
            f"the configuration has {len(settings.providers)}"
        )
    if problem == NONE_OUTSIDE:
        raise InvalidConfig(
            "providers: § 101a stk. 2 requires at least one provider outside the municipality; "
            "every provider's municipality is among municipality.served"
        )
