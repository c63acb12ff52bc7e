"""Words shown for domain codes, shared by citizen and staff pages (translated lazily)."""

from flask_babel import lazy_gettext as _l

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

WORDS = {
    "AREA_NAMES": AREA_NAMES,
    "AGE_BAND_NAMES": AGE_BAND_NAMES,
    "OUTCOME_NAMES": OUTCOME_NAMES,
    "CONVERSATION_LANGUAGES": CONVERSATION_LANGUAGES,
    "MEETING_MODE_SHORT": MEETING_MODE_SHORT,
    "DECISION_NAMES": DECISION_NAMES,
    "DECLINE_REASONS": DECLINE_REASONS,
    "NOT_GRANTED_REASONS": NOT_GRANTED_REASONS,
    "COURSE_STATES": COURSE_STATES,
}
