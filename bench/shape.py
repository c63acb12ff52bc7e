"""Databases shaped as the app shapes them, for the scale benchmark (`bench/scale.py`).

Both sizes share the same *present*: 100 cases first contacted over the last 150 days, made
through the domain's own functions (a finished screening, a booking at one of the three default
providers, staff's confirmation, the decision, the course and its sessions, the audit rows staff
pages write). The 100,000-case database adds 99,900 cases of *history* before that, written by a
bulk path that inserts the rows each owner writes in the owner's own format (sealed screenings,
stamps, ISO days, the statistics events the domain counts), so the two differ only in how much
has piled up, not in what happens now. The history is kept: the benchmark's retention is ten
years, so the purge finds the same little to do at both sizes and its cost is its queries.
"""

import datetime as dt
import random
import secrets
from dataclasses import asdict

from accounts.audit import write_audit
from booking import bookings, for_case, slots
from booking.providers import providers_for
from common.clock import COPENHAGEN, UTC, day_start
from intake import cases, codes, screening
from intake.catalogue import load_catalogue
from intake.eligibility import screen
from stats import monthly
from store.times import day, stamp
from store.transaction import transaction
from treatment import courses, decisions
from treatment.rules import ATTENDED, NO_SHOW, Session, derive_state

#: Wednesday 18 March 2026, 10:00 in Copenhagen: "now" in every benchmark request.
NOW = dt.datetime(2026, 3, 18, 10, 0, tzinfo=COPENHAGEN).astimezone(UTC)
TODAY = NOW.astimezone(COPENHAGEN).date()
PRESENT_CASES = 100
PRESENT_DAYS = 150
#: The history ends a year before today, so that this month and the last (the invoice and the
#: statistics) hold the same cases at both sizes.
HISTORY_FROM_DAYS = 365
HISTORY_YEARS = 5
STAFF = ("intake", "anna", "bo")


def build(db, vault, code_key: bytes, settings, total_cases: int, answers) -> dict:
    """Fill a migrated, empty database; returns the samples the benchmark's pages need."""
    samples = _present(db, vault, code_key, settings, answers)
    if total_cases > PRESENT_CASES:
        with transaction(db):
            _history(db, vault, code_key, settings, total_cases - PRESENT_CASES, answers)
    return samples


def _screened(db, vault, code_key, settings, answers: dict, first: dt.date):
    assessment = screen(load_catalogue(), answers, list(settings.served_municipalities), settings.burden_limit,
                        settings.money_factor)
    screening.count_started(db, first)
    case_id, code = screening.finish(db, vault, code_key, answers=answers, assessment=assessment,
                                     first_contact_day=first, today=first)
    return cases.load_case(db, vault, case_id), code


def _free_slot(db, provider, first: dt.date, now: dt.datetime):
    start = dt.datetime.combine(first + dt.timedelta(days=2), dt.time(0), COPENHAGEN).astimezone(UTC)
    taken = bookings.taken_starts(db, provider.id, start, start + dt.timedelta(days=12), now)
    return next(s for s in slots.provider_slots(provider, start, start + dt.timedelta(days=12)) if s.starts_at not in taken)


def _present(db, vault, code_key, settings, answers) -> dict:
    """The last 150 days, through the domain functions; returns sample codes and numbers."""
    samples = {}
    for i in range(PRESENT_CASES):
        first = TODAY - dt.timedelta(days=i * PRESENT_DAYS // PRESENT_CASES)
        contact = dt.datetime.combine(first, dt.time(10), COPENHAGEN).astimezone(UTC)
        case, code = _screened(db, vault, code_key, settings, answers(age_band="18_24" if i % 4 == 0 else "25_plus"), first)
        write_audit(db, at=contact, username="intake", role="intake", action="case_viewed",
                    referral_number=case.referral_number)
        if i % 10 == 9:
            samples.setdefault("unbooked", (code, case.referral_number))
            continue
        fitting = for_case.fitting_providers(settings.providers, case)
        provider = fitting[i % len(fitting)]
        booking = for_case.book_for_case(db, case, _free_slot(db, provider, first, contact), "in_person", now=contact,
                                         providers=settings.providers, rules=settings.booking,
                                         guarantee_days=settings.guarantee_days)
        if booking.state_at(NOW) == bookings.PENDING:
            samples.setdefault("pending", (case.referral_number, booking.id))
            continue  # staff have yet to confirm it
        bookings.change_state(db, booking.id, bookings.CONFIRMED, contact + dt.timedelta(hours=1))
        if booking.starts_at > NOW:
            continue
        _decide(db, settings, case, booking, i)
        if courses.course_for(db, case.id) and provider.id == "laenke-hvidovre":
            samples.setdefault("course", (code, case.referral_number))
    return samples


def _decide(db, settings, case, booking, i: int) -> None:
    after = booking.starts_at + dt.timedelta(hours=1)
    talk_day = booking.local_day
    outcome = (decisions.GRANTED,) * 3 + (decisions.NOT_GRANTED, decisions.DID_NOT_ATTEND)
    chosen = outcome[i % len(outcome)]
    decisions.decide(
        db, case.id, case.first_contact_day, chosen, provider_ids=[p.id for p in settings.providers],
        guarantee_days=settings.guarantee_days, rules=settings.course, provider_id=booking.provider_id,
        start_date=talk_day + dt.timedelta(days=7), reason="other", today=talk_day, now=after,
    )
    write_audit(db, at=after, username="intake", role="intake", action="decision_recorded",
                referral_number=case.referral_number, detail=chosen)
    if chosen != decisions.GRANTED:
        return
    session_day = talk_day + dt.timedelta(days=7)
    for week in range(16):
        if session_day > TODAY or (i % 7 == 0 and week == 3):
            return
        outcome = courses.NO_SHOW if (i + week) % 9 == 0 else courses.ATTENDED
        try:
            courses.record_session(db, case.id, booking.provider_id, session_day, outcome, session_day, settings.course)
        except (courses.CourseClosed, courses.InvalidSession):
            return
        session_day += dt.timedelta(days=7)


def _history(db, vault, code_key, settings, count: int, answers) -> None:
    """`count` older cases, their whole lives at once, written in bulk in the owners' formats."""
    rng = random.Random(13)
    sealed = [vault.seal({"answers": answers(age_band=band), "assessment": asdict(screen(
        load_catalogue(), answers(age_band=band), list(settings.served_municipalities), settings.burden_limit,
        settings.money_factor))}) for band in ("18_24", "25_plus")]
    days_back = HISTORY_YEARS * 365
    rows = {table: [] for table in ("cases", "bookings", "decisions", "courses", "course_sessions",
                                    "statistics_events", "audit", "guarantee_at_risk")}
    for n in range(count):
        first = TODAY - dt.timedelta(days=HISTORY_FROM_DAYS + n * days_back // count)
        _one_history_case(rows, rng, settings, code_key, sealed, first)
    for table, table_rows in rows.items():
        if table_rows:
            columns = list(table_rows[0])
            db.conn.executemany(
                f"insert into {table} ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
                [tuple(row[c] for c in columns) for row in table_rows],
            )


def _event(rows, event, when: dt.date, provider_id=None, value=None, delta=1) -> None:
    rows["statistics_events"].append({"month": f"{when.year:04d}-{when.month:02d}", "provider_id": provider_id,
                                      "event": event, "value": value, "delta": delta})


def _audit(rows, at: dt.datetime, username: str, role: str, action: str, referral_number=None, detail=None) -> None:
    rows["audit"].append({"at": stamp(at), "username": username, "role": role, "action": action,
                          "referral_number": referral_number, "detail": detail, "case_deleted": 0})


def _one_history_case(rows, rng, settings, code_key, sealed, first: dt.date) -> None:
    """One case's life, as the domain would have written it (see `_present` for the real calls)."""
    case_id, referral = secrets.token_hex(16), cases.new_referral_number()
    young = rng.random() < 0.25
    outcome = rng.choices(("fits", "ordinary", "under_18"), (80, 15, 5))[0]
    rows["cases"].append({"id": case_id, "code_digest": codes.code_digest(codes.new_code(), code_key),
                          "referral_number": referral, "first_contact_day": day(first),
                          "created_via": rng.choices((cases.WEB, cases.PHONE), (9, 1))[0], "outcome": outcome,
                          "screening": sealed[0 if young else 1], "ended_day": None})
    _event(rows, monthly.CHAT_STARTED, first)
    _event(rows, monthly.SCREENING_EVENTS[outcome], first)
    contact = dt.datetime.combine(first, dt.time(10), COPENHAGEN).astimezone(UTC)
    staff = rng.choice(STAFF)
    for hour in range(6):  # the queue is looked at many times a day
        _audit(rows, contact + dt.timedelta(hours=hour), staff, "intake", "queue_viewed")
    if outcome != "fits" or rng.random() < 0.15:
        return
    provider = rng.choice(providers_for(settings.providers, "18_24" if young else "25_plus"))
    late = rng.random() < 0.05
    talk_day = first + dt.timedelta(days=rng.randint(15, 20) if late else rng.randint(2, 13))
    starts = dt.datetime.combine(talk_day, dt.time(9 + rng.randint(0, 5)), COPENHAGEN).astimezone(UTC)
    state = rng.choices((bookings.ATTENDED, bookings.NO_SHOW, bookings.CANCELLED, bookings.EXPIRED), (75, 10, 8, 7))[0]
    rows["bookings"].append({
        "id": secrets.token_hex(12), "case_id": case_id, "provider_id": provider.id, "starts_at": stamp(starts),
        "ends_at": stamp(starts + dt.timedelta(minutes=provider.slot_minutes)), "mode": "in_person", "state": state,
        "hold_until": stamp(min(contact + dt.timedelta(hours=settings.booking.hold_hours), day_start(talk_day))),
        "moved_from": None, "decline_reason": None, "decline_note": None})
    _event(rows, monthly.BOOKING_MADE, first, provider.id)
    if late:
        rows["guarantee_at_risk"].append({"case_id": case_id})
    for _ in range(2):
        _audit(rows, contact + dt.timedelta(hours=1), staff, "intake", "case_viewed", referral)
    if state not in (bookings.ATTENDED, bookings.NO_SHOW):
        return
    after = starts + dt.timedelta(hours=1)
    if state == bookings.NO_SHOW:
        chosen = decisions.DID_NOT_ATTEND
        _event(rows, monthly.NO_SHOW, talk_day, provider.id)
    else:
        chosen = decisions.GRANTED if rng.random() < 0.7 else decisions.NOT_GRANTED
        waited = (talk_day - first).days
        _event(rows, monthly.CONVERSATION_HELD, talk_day, provider.id, waited)
        if waited <= settings.guarantee_days:
            _event(rows, monthly.CONVERSATION_WITHIN_GUARANTEE, talk_day, provider.id)
    start = talk_day + dt.timedelta(days=7)
    granted = chosen == decisions.GRANTED
    rows["decisions"].append({"case_id": case_id, "outcome": chosen, "provider_id": provider.id if granted else None,
                              "start_date": day(start) if granted else None,
                              "reason": "other" if chosen == decisions.NOT_GRANTED else None,
                              "decided_day": day(talk_day), "change_reason": None})
    _event(rows, monthly.DECISION_EVENTS[chosen], talk_day)
    _audit(rows, after, staff, "intake", "decision_recorded", referral, chosen)
    if granted:
        _course(rows, rng, settings, case_id, referral, provider.id, start)


def _course(rows, rng, settings, case_id: str, referral: str, provider_id: str, start: dt.date) -> None:
    weeks = rng.choices((16, rng.randint(1, 10)), (60, 40))[0]
    no_shows_at_end = weeks < 16 and rng.random() < 0.5
    sessions = [Session(start + dt.timedelta(days=7 * w), ATTENDED) for w in range(weeks)]
    if no_shows_at_end:
        sessions += [Session(start + dt.timedelta(days=7 * (weeks + w)), NO_SHOW) for w in range(2)]
    sessions = [s for s in sessions if s.day <= TODAY]
    state, ended_on = derive_state(start, sessions, TODAY, settings.course)
    rows["courses"].append({"case_id": case_id, "provider_id": provider_id, "start_date": day(start),
                            "granted_by": courses.MUNICIPALITY, "state": state, "ended_on": day(ended_on),
                            "closing_conversation_on": None})
    rows["course_sessions"].extend({"case_id": case_id, "session_date": day(s.day), "outcome": s.outcome}
                                   for s in sessions)
    if state == courses.COMPLETED:
        _event(rows, monthly.COURSE_COMPLETED, ended_on, provider_id)
    username = f"provider-{provider_id}"
    seen = dt.datetime.combine(start, dt.time(12), COPENHAGEN).astimezone(UTC)
    _audit(rows, seen, username, "provider", "referrals_viewed")
    _audit(rows, seen, username, "provider", "case_viewed", referral)
    for s in sessions[:3]:
        _audit(rows, dt.datetime.combine(s.day, dt.time(15), COPENHAGEN).astimezone(UTC), username, "provider",
               "attendance_recorded", referral)
