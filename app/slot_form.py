"""The form that chooses a slot and a meeting mode, for the citizen's and the staff's booking
pages alike; the slot is checked against the case by `booking.for_case`."""

from wtforms import StringField
from wtforms.validators import Length

from app.context import now, settings
from app.forms import Form
from app.words import STAFF_SLOT_ERRORS
from booking import bookings, for_case


class SlotForm(Form):
    slot = StringField(validators=[Length(max=80)])
    mode = StringField(validators=[Length(max=20)])

    @property
    def provider_id(self) -> str:
        return (self.slot.data or "").partition("@")[0]

    def chosen(self, case, default_mode: str | None = None):
        """(slot, mode); raises `offers.SlotNotOffered` naming why not."""
        config = settings()
        slot_id = (self.slot.data or "")[:80]
        mode = (self.mode.data or default_mode or "")[:20]
        return for_case.chosen_slot(config.providers, case, slot_id, mode, now(), config.guarantee_days, config.booking)


def staff_slot_error(error: Exception) -> str:
    """What staff are told when the slot they chose for a case cannot be booked: a
    `bookings.SlotTaken` or an `offers.SlotNotOffered` (by its reason)."""
    reason = "taken" if isinstance(error, bookings.SlotTaken) else error.reason
    return str(STAFF_SLOT_ERRORS.get(reason, STAFF_SLOT_ERRORS["other"]))


def slots_by_day(slots) -> dict:
    """Slots grouped by their Copenhagen day, in order, for a page that lists times day by day."""
    days = {}
    for slot in slots:
        days.setdefault(slot.local_start.date(), []).append(slot)
    return days
