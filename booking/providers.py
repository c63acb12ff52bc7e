"""Contracted providers (§ 101a stk. 2), as plain data read from the configuration."""

import datetime as dt
import re
from dataclasses import dataclass

IN_PERSON = "in_person"
PHONE_IN = "phone_in"  # the person phones the provider at the booked time and gives their code
MEETING_MODES = (IN_PERSON, PHONE_IN)
AGE_BANDS = ("18_24", "25_plus")
#: A street name followed by a house number ("Søvej 1 a", "Hvidovrevej 275"): an address a
#: person can walk to, unlike a unit's name ("Lænke-ambulatoriet, Hvidovre").
STREET_AND_NUMBER = re.compile(r"[^\W\d_]{2,}\.?\s+\d{1,4}\s?[A-Za-z]?(?:\b|,)")


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    address: str
    municipality: str
    phone: str | None
    age_bands: tuple[str, ...]
    languages: tuple[str, ...]
    meeting_modes: tuple[str, ...]
    slot_minutes: int
    closed_dates: tuple[dt.date, ...]
    opening_hours: dict[str, tuple[str, ...]]
    #: Days closed every year besides the public holidays, as month-day ("12-24").
    closed_yearly: tuple[str, ...] = ()

    @property
    def has_street_address(self) -> bool:
        return STREET_AND_NUMBER.search(self.address) is not None

    def serves(self, age_band: str | None) -> bool:
        return age_band in self.age_bands

    def outside(self, served_municipalities) -> bool:
        """Outside the municipality: not in any municipality the service is for (stk. 2)."""
        return self.municipality not in served_municipalities


def providers_for(providers, age_band: str | None) -> list[Provider]:
    """The providers whose age band fits the person (seed 000: under 25 / 25 and over)."""
    return [provider for provider in providers if provider.serves(age_band)]


#: Why a set of providers breaks § 101a stk. 2 (`law_problem`).
TOO_FEW = "too_few"
NONE_OUTSIDE = "none_outside"


def law_problem(providers, served_municipalities) -> str | None:
    """§ 101a stk. 2: agreements with at least two providers, at least one outside the
    municipality. `TOO_FEW`, `NONE_OUTSIDE`, or None when the providers meet it."""
    if len(providers) < 2:
        return TOO_FEW
    if not any(provider.outside(served_municipalities) for provider in providers):
        return NONE_OUTSIDE
    return None
