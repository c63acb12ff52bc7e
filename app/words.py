"""Every word shown for a domain code, and every message for a domain refusal, in one place
(translated lazily, in the person's language when shown)."""

import datetime as dt

from flask_babel import format_date

from accounts import accounts
from app.config import WEEKDAYS
from app.i18n import lazy_word as _l
from booking import bookings, queue
from treatment import courses, self_visitation, status

AREA_NAMES = {
    "medical": _l("Physical health"),
    "employment": _l("Work and income"),
    "alcohol": _l("Alcohol"),
    "drug": _l("Drugs"),
    "legal": _l("Problems with the law"),
    "family_social": _l("Family and friends"),
    "psychiatric": _l("Mental health"),
}
AGE_BAND_NAMES = {"under_18": _l("Under 18"), "18_24": _l("18 to 24"), "25_plus": _l("25 or older")}
OUTCOME_NAMES = {
    "fits": _l("The anonymous course is likely to fit"),
    "ordinary": _l("Ordinary treatment may serve better"),
    "under_18": _l("Under 18"),
}
#: The screening's result as the person reads it first (NHS style: the verdict, in plain words).
VERDICTS = {
    "fits": _l("The anonymous course is likely to fit you"),
    "ordinary": _l("Ordinary treatment may serve you better"),
    "under_18": _l("Help for young people under 18"),
}
CONVERSATION_LANGUAGES = {"da": _l("Danish"), "en": _l("English"), "other": _l("Another language")}
MEETING_MODE_SHORT = {"in_person": _l("In person"), "phone_in": _l("By phone")}
DECISION_NAMES = {
    "granted": _l("Granted"),
    "not_granted": _l("Not granted"),
    "did_not_attend": _l("Did not attend"),
}
#: Why staff declined a booking; the citizen sees it in their language.
DECLINE_REASONS = {
    "provider_unavailable": _l("The place cannot hold the conversation at that time"),
    "needs_other_help": _l("Another kind of help fits better: please call us"),
    "duplicate": _l("You already have another booking"),
    "other": _l("Another reason: please call us"),
}
NOT_GRANTED_REASONS = {
    "other_social_problems": _l("You receive other help from the municipality for social problems, so ordinary treatment (§ 101) fits better."),
    "needs_other_treatment": _l("You need a kind of treatment the anonymous course does not give."),
    "not_resident": _l("You do not live in a municipality this service covers."),
    "other": _l("Another reason, which was explained at the conversation."),
}
COURSE_STATES = {
    "active": _l("The course is under way."),
    "passive": _l("The course is paused: nobody has seen you for three weeks. Contact the place to carry on."),
    "discharged": _l("The course has ended after two missed sessions in a row. You are welcome to contact us again."),
    "completed": _l("The course is completed."),
}

MEETING_MODES = {
    "in_person": _l("In person, at the address above."),
    "phone_in": _l("By phone: you call at the booked time and give your code. You can hide your number."),
}
BOOKING_STATES = {
    "pending": _l("Booked. Waiting for the municipality to confirm the time."),
    "confirmed": _l("Confirmed. See you then."),
    "declined": _l("The municipality could not confirm this time. Please choose another."),
    "expired": _l("The time was not confirmed in time and has been released. Please choose a new time."),
    "cancelled": _l("Cancelled. You can book a new time whenever you like."),
    "moved": _l("Moved to a new time."),
    "attended": _l("You came to the clarifying conversation."),
    "no_show": _l("You did not come to the conversation. You can book a new time."),
    # what the status page says beyond a booking's own state (treatment.status)
    status.AWAITING_DECISION: _l("The time of your conversation has come. The municipality will write its decision here afterwards."),
    status.HELD: _l("Your clarifying conversation has been held."),
}
#: A booking's state as staff and providers read it (the citizen's words speak to the citizen).
STAFF_BOOKING_STATES = {
    "pending": _l("Pending: waiting for confirmation"),
    "confirmed": _l("Confirmed"),
    "declined": _l("Declined"),
    "expired": _l("Expired: the hold ran out"),
    "cancelled": _l("Cancelled by the citizen"),
    "moved": _l("Moved to a new time."),
    "attended": _l("The citizen came to the conversation"),
    "no_show": _l("The citizen did not come"),
}
#: Why a chosen slot cannot be booked (`offers.SlotNotOffered.reason`), for the citizen.
NOT_OFFERED_MESSAGES = {
    "unknown": _l("That time is not one we offer. Please choose a time from the list."),
    "past": _l("That time has passed. Please choose a later time."),
    "age_band": _l("That place does not see people in your age group. Please choose one of the places shown."),
    "mode": _l("Please choose how you want to meet."),
    "too_soon": _l("That time is too soon to book. The first times you can book are in the list."),
    "after_deadline": _l("That time is after your treatment guarantee runs out, and there are free times before it. Please choose one of those."),
}
#: The same refusals as staff see them when they book for a caller or move a booking, by
#: `offers.SlotNotOffered.reason` ("other" for the rest) and "taken" for `bookings.SlotTaken`
#: (`app.slot_form.staff_slot_error`).
STAFF_SLOT_ERRORS = {
    "after_deadline": _l("That time is after the treatment guarantee, and there are free times before it. Choose one of those."),
    "too_soon": _l("That time is too soon to book. Choose one from the list."),
    "taken": _l("Somebody took that time a moment ago. Choose another."),
    "other": _l("That time cannot be booked. Choose one from the list."),
}
#: What a staff action found instead of the state it needed.
BOOKING_STATE_FOUND = {
    "confirmed": _l("Already confirmed."),
    "cancelled": _l("The citizen cancelled this booking."),
    "expired": _l("The hold ran out before it was confirmed."),
    "declined": _l("Already declined."),
    "moved": _l("The booking was moved."),
    bookings.BEGUN: _l("The conversation has begun: record the decision instead."),
}
DECISION_FIELDS = {
    "outcome": _l("the decision"),
    "provider_id": _l("the place"),
    "start_date": _l("the start date"),
    "reason": _l("the reason"),
    "change_reason": _l("why the decision is changed"),
}
#: Who granted a course, on the invoice basis (the CSV has the code).
GRANTED_BY = {
    courses.MUNICIPALITY: _l("The municipality"),
    courses.PROVIDER: _l("The provider (own visitation)"),
}
SESSION_OUTCOMES = {
    courses.ATTENDED: _l("Attended"),
    courses.NO_SHOW: _l("Did not come"),
    courses.CANCELLED_IN_TIME: _l("Cancelled in good time"),
}
SESSION_PROBLEMS = {
    "outcome": _l("Choose whether the person came."),
    "before_start": _l("That day is before the course started."),
    "after_today": _l("That day has not come yet."),
    "after_end": _l("The course had ended by that day."),
}
SELF_VISIT_REFUSALS = {
    self_visitation.ABOVE_LIMIT: _l("The combined score is above the burden limit: the municipality must decide."),
    self_visitation.YEARLY_CAP_REACHED: _l("You have granted the most courses allowed this year: the municipality must decide."),
    self_visitation.MUNICIPALITY_DECIDED: _l("The municipality has already decided on this case, so you cannot grant a course yourselves."),
    "conversation_not_held": _l("You can grant a course yourselves once the conversation has started."),
}
ROLE_NAMES = {
    accounts.INTAKE: _l("Intake (visitation)"),
    accounts.PROVIDER: _l("Provider"),
    accounts.ADMIN: _l("Administrator"),
}
#: The intake queue's lists of open cases (`booking.queue.OPEN_STATES`).
OPEN_STATE_NAMES = {
    queue.AT_RISK: _l("Guarantee at risk, no time booked"),
    queue.AWAITING_CONFIRMATION: _l("Awaiting confirmation"),
    queue.AWAITING_CONVERSATION: _l("Awaiting the conversation"),
    queue.AWAITING_DECISION: _l("Awaiting a decision"),
    queue.IN_COURSE: _l("In a course"),
}
#: Every action the code writes to the audit log (`record`, `record_for`, the CLI's `_audit`), in
#: words; the audit page shows an unknown code as it is.
AUDIT_ACTIONS = {
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Sign-in failed"),
    "sign_in_refused": _l("Sign-in refused"),
    "account_locked": _l("Account locked"),
    "sign_out": _l("Signed out"),
    "signed_out_idle": _l("Signed out after being idle"),
    "totp_enabled": _l("Two-step sign-in turned on"),
    "account_created": _l("Account created"),
    "account_disabled": _l("Account disabled"),
    "account_enabled": _l("Account enabled"),
    "password_reset": _l("Password reset"),
    "database_backed_up": _l("Database backed up"),
    "database_restored": _l("Database restored"),
    "data_key_rotated": _l("Data key replaced"),
    "queue_viewed": _l("Viewed the queue"),
    "open_cases_viewed": _l("Viewed a list of open cases"),
    "case_viewed": _l("Viewed a case"),
    "booking_confirmed": _l("Confirmed a booking"),
    "booking_confirmed_refused": _l("Confirming a booking was refused"),
    "booking_declined": _l("Declined a booking"),
    "booking_declined_refused": _l("Declining a booking was refused"),
    "booking_moved": _l("Moved a booking"),
    "booking_made_for_caller": _l("Booked a time for a caller"),
    "phone_case_created": _l("Created a case by phone"),
    "decision_recorded": _l("Recorded a decision"),
    "decision_changed": _l("Changed a decision"),
    "referrals_viewed": _l("Viewed the referrals"),
    "attendance_recorded": _l("Recorded attendance"),
    "closing_conversation_recorded": _l("Recorded the closing conversation"),
    "self_visitation": _l("Granted a course (own visitation)"),
    "self_visitation_refused": _l("Own visitation refused"),
    "invoice_viewed": _l("Viewed the invoice basis"),
    "invoice_downloaded": _l("Downloaded the invoice basis"),
    "audit_viewed": _l("Viewed the audit log"),
    "statistics_viewed": _l("Viewed the statistics"),
    "statistics_downloaded": _l("Downloaded the statistics"),
    "oidc_failed": _l("Sign-in through the identity provider failed"),
    "oidc_refused": _l("Sign-in through the identity provider refused"),
    "account_role_changed": _l("Role changed by the identity provider"),
    "provider_added": _l("Added a provider"),
    "provider_changed": _l("Changed a provider"),
    "provider_retired": _l("Retired a provider"),
    "settings_changed": _l("Changed the municipality's settings"),
    "password_set": _l("Chose a password with a one-time link"),
}
#: Why a sign-in through the municipality's identity provider was refused (app/auth/oidc.py).
OIDC_REFUSALS = {
    "failed": _l("The sign-in could not be checked, or it took too long. Nothing has changed: start again."),
    "unavailable": _l("The municipality's sign-in service did not answer. Try again in a moment."),
    "no_group": _l("You signed in, but your account has no access to Indgang. Ask your IT department or the administrator to add you to the right group."),
    "no_mfa": _l("Indgang needs you to sign in with two-factor authentication. Start again, and use your second factor (such as your authenticator app) when asked."),
    "disabled": _l("Your account in Indgang is disabled. Ask the administrator."),
}
#: Who confirms a booked time (`booking.rules.CONFIRMATIONS`), on the admin's settings page.
CONFIRMATION_NAMES = {
    "staff": _l("Intake staff confirm each booking"),
    "automatic": _l("A booked time is confirmed at once"),
}


def meeting_mode_words(mode: str, provider) -> str:
    """How the person meets, as they choose it; "at the address above" only under a street address."""
    if mode == "in_person" and not provider.has_street_address:
        return MEETING_MODE_SHORT[mode]
    return MEETING_MODES[mode]


#: A Monday, to name the weekdays of opening hours in the page's language.
A_MONDAY = dt.date(2024, 1, 1)


def weekday_name(key: str) -> str:
    """"mon" as "mandag" or "Monday"."""
    return format_date(A_MONDAY + dt.timedelta(days=WEEKDAYS.index(key)), format="EEEE")


#: For audit actions whose detail is a code, the words for it.
AUDIT_DETAIL_WORDS = {
    "decision_recorded": DECISION_NAMES,
    "decision_changed": DECISION_NAMES,
    "attendance_recorded": SESSION_OUTCOMES,
    "self_visitation_refused": SELF_VISIT_REFUSALS,
}


def audit_detail(action: str, detail: str | None) -> str:
    """An audit entry's detail as the log shows it: a code in words, anything else as stored."""
    return str(AUDIT_DETAIL_WORDS.get(action, {}).get(detail, detail or ""))


#: The words templates use, as Jinja globals.
WORDS = {
    "MEETING_MODES": MEETING_MODES,
    "BOOKING_STATES": BOOKING_STATES,
    "STAFF_BOOKING_STATES": STAFF_BOOKING_STATES,
    "SESSION_OUTCOMES": SESSION_OUTCOMES,
    "ROLE_NAMES": ROLE_NAMES,
    "AREA_NAMES": AREA_NAMES,
    "AGE_BAND_NAMES": AGE_BAND_NAMES,
    "OUTCOME_NAMES": OUTCOME_NAMES,
    "VERDICTS": VERDICTS,
    "CONVERSATION_LANGUAGES": CONVERSATION_LANGUAGES,
    "MEETING_MODE_SHORT": MEETING_MODE_SHORT,
    "DECISION_NAMES": DECISION_NAMES,
    "DECLINE_REASONS": DECLINE_REASONS,
    "NOT_GRANTED_REASONS": NOT_GRANTED_REASONS,
    "COURSE_STATES": COURSE_STATES,
    "GRANTED_BY": GRANTED_BY,
    "OPEN_STATE_NAMES": OPEN_STATE_NAMES,
    "AUDIT_ACTIONS": AUDIT_ACTIONS,
    "audit_detail": audit_detail,
    "weekday_name": weekday_name,
    "meeting_mode_words": meeting_mode_words,
}
