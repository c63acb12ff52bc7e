"""Where the truth lives: installation settings in the TOML file, the municipality's own in the
database, managed at /admin/ (issue 15).

The TOML file (fixed at start-up; changed by the server's operator and a restart) holds what
belongs to the installation or to the law and the agreement: `demo`, `quick_exit_url`,
`secure_cookies`, `[server]`, the municipality's name and the municipalities served, the
guarantee, the screening's limits, `retention.chat_hours`, `staff.idle_minutes`,
`booking.hold_hours`, `[course]` and `[[rates]]`; the keys and the database live in the instance
folder. The database holds what the municipality's admin runs day to day: the providers (with
their hours and closed days) and `MANAGED_KEYS`. The TOML file seeds them on the first start
(`booking.managed.seed`); from then on the database is the truth and the file's copies are
ignored.

Each worker keeps the merged `Settings` and the version it stands for; a request reads the
version (one row, in its session's statement when it has a session: `app.context`) and reloads
only when another worker's change raised it.
"""

import dataclasses

from booking import managed
from booking.managed import Managed

#: The municipality's settings kept in the database, by their TOML names.
MANAGED_KEYS = (
    "municipality.phone",
    "municipality.opening_hours",
    "ordinary_offer.name",
    "ordinary_offer.address",
    "ordinary_offer.phone",
    "youth_offer.name",
    "youth_offer.address",
    "youth_offer.phone",
    "booking.minimum_notice_working_days",
    "booking.confirmation",
    "retention.case_days_after_end",
    "staff.require_totp",
)


def managed_values(settings) -> dict:
    """The `MANAGED_KEYS` of `settings`, as JSON-ready values (what seeds the database)."""
    return {
        "municipality.phone": settings.municipality_contact.phone,
        "municipality.opening_hours": {day: list(spans) for day, spans in settings.municipality_contact.opening_hours.items()},
        "ordinary_offer.name": settings.ordinary_offer.name,
        "ordinary_offer.address": settings.ordinary_offer.address,
        "ordinary_offer.phone": settings.ordinary_offer.phone,
        "youth_offer.name": settings.youth_offer.name,
        "youth_offer.address": settings.youth_offer.address,
        "youth_offer.phone": settings.youth_offer.phone,
        "booking.minimum_notice_working_days": settings.booking.minimum_notice_working_days,
        "booking.confirmation": settings.booking.confirmation,
        "retention.case_days_after_end": settings.case_retention_days,
        "staff.require_totp": settings.staff.require_totp,
    }


def with_managed(base, stored: Managed):
    """`base` (from the TOML file) with the providers and settings the database holds; a key the
    database lacks keeps the file's value."""
    values = {**managed_values(base), **stored.values}
    replace = dataclasses.replace
    return replace(
        base,
        providers=stored.providers,
        retired_providers=stored.retired,
        municipality_contact=replace(
            base.municipality_contact, phone=values["municipality.phone"],
            opening_hours={day: tuple(spans) for day, spans in values["municipality.opening_hours"].items()},
        ),
        ordinary_offer=_contact(base.ordinary_offer, values, "ordinary_offer"),
        youth_offer=_contact(base.youth_offer, values, "youth_offer"),
        booking=replace(base.booking, minimum_notice_working_days=values["booking.minimum_notice_working_days"],
                        confirmation=values["booking.confirmation"]),
        case_retention_days=values["retention.case_days_after_end"],
        staff=replace(base.staff, require_totp=values["staff.require_totp"]),
    )


def _contact(contact, values: dict, prefix: str):
    return dataclasses.replace(contact, **{field: values[f"{prefix}.{field}"] for field in ("name", "address", "phone")})


def seed(db, base) -> bool:
    """On the first start, the file's providers and settings become the database's."""
    return managed.seed(db, base.providers, managed_values(base))


def ignored_in_file(db, base) -> list[str]:
    """The file's managed settings that differ from the database's (which are the truth), so
    the operator who edits them learns why nothing changed."""
    stored = with_managed(base, managed.load(db))
    ours, theirs = managed_values(base), managed_values(stored)
    ignored = [key for key in MANAGED_KEYS if ours[key] != theirs[key]]
    if base.providers != stored.providers:
        ignored.append("providers")
    return ignored


class SettingsCache:
    """One worker's merged settings and the version they stand for."""

    def __init__(self, base):
        self.base = base
        self.kept = (None, base)

    def current(self, db, version: int | None = None):
        """The settings as of `version` (the request read it already, with its session), else as
        of the version read now."""
        kept_version, kept = self.kept
        if (managed.version(db) if version is None else version) != kept_version:
            stored = managed.load(db)
            kept = with_managed(self.base, stored)
            self.kept = (stored.version, kept)  # one assignment: a thread sees either pair whole
        return kept
