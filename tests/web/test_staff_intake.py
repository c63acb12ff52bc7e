"""Intake staff through the Flask client: the queue, confirm/decline/move, decisions the
citizen sees, phone intake, and the audit trail."""

import dataclasses
import datetime as dt
import re
from urllib.parse import urlencode

import pytest

from app.config import load_settings
from app.context import get_db
from app.session_keys import STAFF_SEEN_AT
from app.staff import phone
from booking import bookings
from common.clock import COPENHAGEN, UTC, FixedClock
from intake.cases import case_id_for_referral
from intake.catalogue import load_catalogue
from store.times import parse_stamp, stamp

from builders import FITTING_ANSWERS, visible_text
from builders_course import shown_while_decided_meanwhile
from citizen_client import SLOT, Citizen


@pytest.fixture
def app(make_app, clock):
    """The app on a clock the test moves on: a decision waits for the conversation's start."""
    return make_app(clock=clock)


def sign_in(app, username="intake", password="demo") -> Citizen:
    staff = Citizen(app.test_client())
    staff.get("/staff/login")
    response = staff.post("/staff/login", {"username": username, "password": password})
    assert response.status_code == 302, staff.page[-800:]
    return staff


def _phone_code(staff: Citizen) -> str:
    """The caller's code as the phone intake's code page shows it."""
    return re.search(r'<p class="code code-large"><span aria-hidden="true">([^<]+)</span>', staff.page).group(1)


@pytest.fixture
def booked(citizen):
    """A citizen with a pending booking at Hvidovre; returns (citizen, code)."""
    code = citizen.book_first_time()
    return citizen, code


def only_booking(app):
    with app.app_context():
        [row] = get_db().query(
            "select b.id, b.state, b.starts_at, c.referral_number from bookings b join cases c on c.id = b.case_id")
    return row


def the_conversation_starts(app, clock) -> None:
    """Move the clock on to the start of the only booking (staff sign in again after it)."""
    clock.advance(seconds=(parse_stamp(only_booking(app)["starts_at"]) - clock.now()).total_seconds())


def test_queue_shows_the_booking_by_referral_number_never_the_code(app, booked):
    _citizen, code = booked
    staff = sign_in(app)
    staff.get("/staff/")
    row = only_booking(app)
    assert row["referral_number"] in staff.page
    assert code not in staff.page and code.replace("-", "") not in staff.page
    text = visible_text(staff.page)
    assert "Lænke-ambulatoriet Hvidovre" in text
    # the screening is on the case page only: no scores per queue row
    assert "composites" not in staff.page and "Samlet score" not in text
    staff.get(f"/staff/cases/{row['referral_number']}")
    text = visible_text(staff.page)
    assert "25 år eller ældre" in text and text.count("0,") >= 7  # the seven composites


def queue_section(page: str, title_id: str) -> str:
    """The HTML of the queue's section headed by `title_id` ("" when it is not shown)."""
    found = re.search(rf'<section[^>]*aria-labelledby="{title_id}".*?</section>', page, re.S)
    return found.group(0) if found else ""


def test_a_hold_ending_tonight_is_in_the_today_group_with_its_confirm_by_time(app, clock, citizen):
    # Given a citizen who books Hvidovre's first time tomorrow (the hold ends at midnight tonight)
    citizen.finish_screening()
    citizen.get_code()
    citizen.get("/book/laenke-hvidovre")
    tomorrow = [slot for slot in SLOT.findall(citizen.page) if slot.split("@")[1].startswith("20260303")][0]
    citizen.post("/book", {"slot": tomorrow, "mode": "in_person"})
    booking = only_booking(app)
    # When staff open the queue
    staff = sign_in(app)
    staff.get("/staff/")
    # Then the today group counts it and lists it, to be confirmed by 24:00 today (Copenhagen)
    today = queue_section(staff.page, "today-title")
    assert re.search(r'id="today-title">\s*I dag\s*<span class="count">1</span>', today)
    assert booking["referral_number"] in today
    assert "man. 2. mar. kl. 24" in visible_text(today)
    assert booking["referral_number"] not in queue_section(staff.page, "later-title")


def test_a_confirmed_case_is_found_by_state_and_by_referral_number(app, clock, booked):
    booking = only_booking(app)
    staff = sign_in(app)
    staff.post(f"/staff/bookings/{booking['id']}/confirm")
    # The confirmed case has left the queue's lists but waits for its conversation
    staff.get("/staff/open/awaiting_conversation")
    assert booking["referral_number"] in staff.page
    the_conversation_starts(app, clock)
    staff = sign_in(app)
    staff.get("/staff/open/awaiting_decision")
    assert booking["referral_number"] in staff.page
    assert staff.get("/staff/open/nonsense").status_code == 404
    # and its number, typed loosely, leads to its page
    typed = booking["referral_number"].lower().replace("-", " ").replace("0", "o")
    response = staff.get("/staff/find?" + urlencode({"referral": typed}))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/cases/{booking['referral_number']}")


def test_an_unknown_referral_number_gets_a_plain_not_found_page(app):
    staff = sign_in(app)
    response = staff.get("/staff/find?referral=R-ZZZZ-ZZZZ")
    assert response.status_code == 404
    assert "R-ZZZZ-ZZZZ" in visible_text(staff.page) and 'name="referral"' in staff.page


def test_the_staff_slot_picker_groups_by_day_offers_only_the_places_modes_and_speaks_to_staff(app, booked):
    booking = only_booking(app)
    staff = sign_in(app)
    staff.get(f"/staff/bookings/{booking['id']}/move")
    section = re.search(r'<section class="provider staff-slots" aria-labelledby="provider-laenke-hvidovre">.*?</section>',
                        staff.page, re.S).group(0)
    days = re.findall(r'<fieldset class="day">\s*<legend>([^<]+)</legend>', section)
    assert days[0].startswith("tirsdag 3. marts") and len(days) == len(set(days)) > 1
    modes = set(re.findall(r'name="mode" value="([^"]+)"', section))
    assert modes == set(settings_of(app).provider("laenke-hvidovre").meeting_modes)
    assert "min booking" not in staff.page and "Flyt bookingen" in staff.page


def settings_of(app):
    return app.extensions["indgang.settings"]


def test_confirm_then_confirm_again_says_what_happened(app, booked):
    citizen, _code = booked
    staff = sign_in(app)
    booking = only_booking(app)
    staff.get(f"/staff/cases/{booking['referral_number']}")
    staff.post(f"/staff/bookings/{booking['id']}/confirm")
    assert only_booking(app)["state"] == "confirmed"
    staff.post(f"/staff/bookings/{booking['id']}/confirm")
    staff.get(f"/staff/cases/{booking['referral_number']}")
    assert "Allerede bekræftet" in staff.page
    citizen.get("/status")
    assert "state-confirmed" in citizen.page


def test_citizen_cancel_beats_a_later_confirmation(app, booked):
    citizen, _code = booked
    booking = only_booking(app)
    citizen.post("/booking/cancel")
    staff = sign_in(app)
    staff.post(f"/staff/bookings/{booking['id']}/confirm")
    staff.get(f"/staff/cases/{booking['referral_number']}")
    assert "Borgeren har aflyst" in staff.page
    assert only_booking(app)["state"] == "cancelled"


def test_decline_with_a_reason_the_citizen_reads(app, booked):
    citizen, _code = booked
    booking = only_booking(app)
    staff = sign_in(app)
    staff.get(f"/staff/cases/{booking['referral_number']}")
    response = staff.post(f"/staff/bookings/{booking['id']}/decline", {"reason": "nonsense"})
    assert only_booking(app)["state"] == "pending" and response.status_code == 302
    staff.get(f"/staff/cases/{booking['referral_number']}")
    staff.post(f"/staff/bookings/{booking['id']}/decline", {"reason": "provider_unavailable", "note": "ferie"})
    assert only_booking(app)["state"] == "declined"
    citizen.get("/status")
    assert "state-declined" in citizen.page and "ferie" not in citizen.page
    citizen.choose_language("en")
    citizen.get("/status")
    assert "The place cannot hold the conversation at that time" in citizen.page


def test_a_confirmed_booking_can_be_declined_until_the_conversation_begins(app, clock, booked):
    # Given a confirmed booking (as every booking is under automatic confirmation)
    citizen, _code = booked
    booking = only_booking(app)
    staff = sign_in(app)
    staff.get(f"/staff/cases/{booking['referral_number']}")
    staff.post(f"/staff/bookings/{booking['id']}/confirm")
    staff.get(f"/staff/cases/{booking['referral_number']}")
    # When staff decline it (the place fell ill), the citizen reads why and may book again
    assert 'id="decline"' in staff.page
    staff.post(f"/staff/bookings/{booking['id']}/decline", {"reason": "provider_unavailable"})
    assert only_booking(app)["state"] == "declined"
    citizen.get("/status")
    assert "state-declined" in citizen.page


def test_a_confirmed_booking_is_not_declined_once_the_conversation_has_begun(app, clock, booked):
    booking = only_booking(app)
    staff = sign_in(app)
    staff.get(f"/staff/cases/{booking['referral_number']}")
    staff.post(f"/staff/bookings/{booking['id']}/confirm")
    the_conversation_starts(app, clock)
    staff.get(f"/staff/cases/{booking['referral_number']}")
    assert 'id="decline"' not in staff.page
    staff.post(f"/staff/bookings/{booking['id']}/decline", {"reason": "provider_unavailable"})
    assert only_booking(app)["state"] == "confirmed"


def test_staff_move_uses_the_same_atomic_rules(app, booked):
    booking = only_booking(app)
    staff = sign_in(app)
    staff.get(f"/staff/bookings/{booking['id']}/move")
    slots = SLOT.findall(staff.page)
    staff.post(f"/staff/bookings/{booking['id']}/move", {"slot": slots[3], "mode": "in_person"})
    with app.app_context():
        [row] = get_db().query("select starts_at, state from bookings")
    assert row["state"] == "pending" and slots[3].endswith(row["starts_at"].replace("-", "").replace(":", "")[:13] + "Z")


@pytest.mark.parametrize(
    "form, citizen_sees",
    [
        ({"outcome": "granted", "provider_id": "laenke-hvidovre", "start_date": "2030-01-07"}, "gruppeforløb på 16 uger"),
        ({"outcome": "not_granted", "reason": "other_social_problems"}, "20 69 28 33"),
        ({"outcome": "did_not_attend"}, "Du kom ikke til den afklarende samtale"),
    ],
)
def test_decision_is_shown_to_the_citizen_with_no_appeal_note(app, clock, booked, form, citizen_sees):
    citizen, _code = booked
    booking = only_booking(app)
    sign_in(app).post(f"/staff/bookings/{booking['id']}/confirm")
    the_conversation_starts(app, clock)
    staff = sign_in(app)
    staff.get(f"/staff/cases/{booking['referral_number']}")
    staff.post(f"/staff/cases/{booking['referral_number']}/decision", form)
    citizen.get("/status")
    assert citizen_sees in citizen.page
    assert "§ 101a, stk. 6" in citizen.page


def test_decision_with_a_missing_field_is_refused_plainly(app, booked):
    booking = only_booking(app)
    staff = sign_in(app)
    staff.get(f"/staff/cases/{booking['referral_number']}")
    staff.post(f"/staff/cases/{booking['referral_number']}/decision", {"outcome": "granted"})
    staff.get(f"/staff/cases/{booking['referral_number']}")
    assert 'class="flash error"' in staff.page or "mangler" in staff.page
    with app.app_context():
        assert get_db()["decisions"].count == 0


def answer_phone_screening(staff: Citizen, answers=FITTING_ANSWERS) -> None:
    """Staff put a caller's answers through the phone intake, one question at a time."""
    for _ in range(len(load_catalogue().questions) + 2):
        staff.get("/staff/phone")
        found = re.search(r'name="question" value="([^"]+)"', staff.page)
        if not found:
            break
        question_id = found.group(1)
        value = answers[question_id]
        data = {"question": question_id}
        if value == []:
            data["none"] = "1"
        else:
            data["answer"] = [str(v) for v in value] if isinstance(value, list) else str(value)
        assert staff.post("/staff/phone", data).status_code == 302


def test_phone_intake_creates_a_case_shows_the_code_once_and_books(app):
    staff = sign_in(app)
    answer_phone_screening(staff)
    staff.post("/staff/phone/case")
    staff.get("/staff/phone/code")
    code = _phone_code(staff)
    response = staff.post("/staff/phone/code")
    assert "/book" in response.headers["Location"]
    assert staff.get("/staff/phone/code").status_code == 302  # never shown again
    staff.get(response.headers["Location"])
    staff.post(response.headers["Location"], {"slot": SLOT.findall(staff.page)[0], "mode": "in_person"})
    with app.app_context():
        [case] = get_db().query("select created_via from cases")
        [booking] = get_db().query("select state from bookings")
        audit = " ".join(str(row) for row in get_db()["audit"].rows)
    assert case["created_via"] == "phone" and booking["state"] == "pending"
    assert code not in audit and code.replace("-", "") not in audit
    caller = Citizen(app.test_client())
    caller.get("/code")
    assert caller.post("/code", {"code": code}).status_code == 302


def test_a_phone_case_asked_for_twice_at_once_makes_one_case_and_keeps_its_code(app, monkeypatch):
    """A double click on "Create case": both requests find the finished screening in the session
    they opened. One case is made; the second request writes nothing back, so the session keeps
    the code the first one made (each staff request also notes its time in the session)."""
    staff = sign_in(app)
    answer_phone_screening(staff)
    with staff.client.session_transaction() as session:
        session[STAFF_SEEN_AT] = stamp(dt.datetime.now(UTC) - dt.timedelta(minutes=1))
    other_click = staff.another_tab(app.test_client())
    finish_screening, clicks = phone.finish_screening, []

    def the_other_click_meanwhile(flow, **kwargs):
        clicks.append(flow)
        if len(clicks) == 1:
            assert other_click.post("/staff/phone/case").status_code == 302
        return finish_screening(flow, **kwargs)

    monkeypatch.setattr(phone, "finish_screening", the_other_click_meanwhile)
    staff.post("/staff/phone/case")
    with app.app_context():
        assert get_db()["cases"].count == 1
    assert staff.get("/staff/phone/code").status_code == 200
    code = _phone_code(staff)
    assert Citizen(app.test_client()).post("/code", {"code": code}).status_code == 302


def test_the_phone_intake_keeps_no_part_of_its_pages(app):
    """A question's and a result's parts are kept on citizen pages only (app/page_parts.py):
    staff pages have no frame to key them by, so each is rendered afresh."""
    staff = sign_in(app)
    answer_phone_screening(staff)
    assert 'class="area-score"' in staff.page  # the result, with its scored areas
    kinds = {key[0] for key in app.jinja_env.page_parts}
    assert not kinds & {"answer options", "progress", "scored area", "scores explained"}


def test_a_phone_intake_case_with_no_slot_before_its_deadline_is_at_risk_at_once(make_app):
    # Given every provider closed until past the guarantee of a caller who phones today
    clock = FixedClock(dt.datetime(2026, 3, 2, 8, 15, tzinfo=UTC))
    settings = load_settings()
    closed = tuple(clock.today() + dt.timedelta(days=n) for n in range(16))
    app = make_app(settings=dataclasses.replace(settings, providers=tuple(
        dataclasses.replace(p, closed_dates=closed) for p in settings.providers)), clock=clock)
    staff = sign_in(app)
    # When staff finish the phone screening (and nobody opens a booking page)
    answer_phone_screening(staff)
    staff.post("/staff/phone/case")
    with app.app_context():
        [case] = get_db().query("select referral_number from cases")
    # Then the case heads the queue, flagged at risk
    staff.get("/staff/")
    assert case["referral_number"] in staff.page
    assert "risk" in re.search(r"<tr[^>]*>(?:(?!</tr>).)*" + re.escape(case["referral_number"]), staff.page, re.S).group(0)


def test_deciding_changing_and_deciding_again_counts_one_decision(app, clock, booked):
    booking = only_booking(app)
    sign_in(app).post(f"/staff/bookings/{booking['id']}/confirm")
    the_conversation_starts(app, clock)
    staff = sign_in(app)
    decision = f"/staff/cases/{booking['referral_number']}/decision"
    start = clock.today().isoformat()  # the conversation's day: the clock stands at its start
    staff.post(decision, {"outcome": "granted", "provider_id": "laenke-hvidovre", "start_date": start})
    staff.post(decision, {"outcome": "not_granted", "reason": "other", "change_reason": "New information"})
    staff.post(decision, {"outcome": "not_granted", "reason": "needs_other_treatment", "change_reason": "Wrong reason"})
    with app.app_context():
        counts = {r["event"]: r["n"] for r in get_db().query(
            "select event, sum(delta) as n from statistics_events where event like 'decision_%' group by event")}
        held = get_db().execute("select count(*) from statistics_events where event = 'conversation_held'").fetchone()[0]
    assert {event: n for event, n in counts.items() if n} == {"decision_not_granted": 1}
    assert held == 1


def test_every_view_and_action_is_audited_without_the_code(app, clock, booked):
    _citizen, code = booked
    booking = only_booking(app)
    staff = sign_in(app)
    staff.get("/staff/")
    staff.get(f"/staff/cases/{booking['referral_number']}")
    staff.post(f"/staff/bookings/{booking['id']}/confirm")
    the_conversation_starts(app, clock)
    staff = sign_in(app)
    staff.post(f"/staff/cases/{booking['referral_number']}/decision", {"outcome": "did_not_attend"})
    with app.app_context():
        rows = list(get_db().query("select username, action, referral_number from audit"))
        everything = " ".join(str(r) for r in get_db()["audit"].rows)
    actions = {(r["action"], r["referral_number"]) for r in rows if r["username"] == "intake"}
    for action in ("case_viewed", "booking_confirmed", "decision_recorded"):
        assert (action, booking["referral_number"]) in actions
    assert ("queue_viewed", None) in actions
    assert code not in everything and code.replace("-", "") not in everything


def test_unknown_referral_and_booking_are_404(app):
    staff = sign_in(app)
    assert staff.get("/staff/cases/R-NONE").status_code == 404
    assert staff.post("/staff/bookings/nope/confirm").status_code == 404


#: Monday 2 March 2026, 09:15 in Copenhagen; Tuesday 17 March 09:00 at Hvidovre is the day
#: after the guarantee's last day.
MONDAY = dt.datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
AFTER_DEADLINE = "laenke-hvidovre@20260317T0800Z"


def test_staff_cannot_move_a_booking_after_the_deadline_while_times_within_are_free(make_app):
    app = make_app(clock=FixedClock(MONDAY))
    citizen = Citizen(app.test_client())
    citizen.book_first_time()
    booking = only_booking(app)
    staff = sign_in(app)

    staff.post(f"/staff/bookings/{booking['id']}/move", {"slot": AFTER_DEADLINE, "mode": "in_person"})

    staff.get(f"/staff/bookings/{booking['id']}/move")
    assert "efter behandlingsgarantien" in visible_text(staff.page)
    assert only_booking(app) == booking


def test_staff_cannot_book_a_caller_after_the_deadline_while_times_within_are_free(make_app):
    app = make_app(clock=FixedClock(MONDAY))
    staff = sign_in(app)
    answer_phone_screening(staff)
    staff.post("/staff/phone/case")
    with app.app_context():
        [case] = get_db().query("select referral_number from cases")

    staff.post(f"/staff/cases/{case['referral_number']}/book", {"slot": AFTER_DEADLINE, "mode": "in_person"})

    staff.get(f"/staff/cases/{case['referral_number']}/book")
    assert "efter behandlingsgarantien" in visible_text(staff.page)
    with app.app_context():
        assert list(get_db().query("select id from bookings")) == []


def test_the_decision_waits_for_the_conversation_and_the_citizen_is_told_what_happened(app, clock, booked):
    # Given a conversation staff have confirmed for later today
    citizen, _code = booked
    booking = only_booking(app)
    staff = sign_in(app)
    staff.post(f"/staff/bookings/{booking['id']}/confirm")
    number = booking["referral_number"]

    # When staff open the case before it starts, then there is no decision form, only when it comes
    staff.get(f"/staff/cases/{number}")
    assert "Registrér afgørelsen" not in staff.page
    starts = parse_stamp(booking["starts_at"]).astimezone(COPENHAGEN).strftime("%H:%M")
    assert "fra samtalens start" in visible_text(staff.page) and starts in visible_text(staff.page)

    # And a decision posted anyway is refused, and the citizen is not told they came
    staff.post(f"/staff/cases/{number}/decision", {"outcome": "granted", "provider_id": "laenke-hvidovre",
                                                   "start_date": clock.today().isoformat()})
    staff.get(f"/staff/cases/{number}")
    assert "Samtalen er ikke begyndt endnu" in staff.page
    with app.app_context():
        assert get_db()["decisions"].count == 0
    assert only_booking(app)["state"] == "confirmed"
    citizen.get("/status")
    assert "Du mødte op" not in citizen.page and "Bekræftet" in citizen.page

    # When the conversation has started, the citizen hears the decision comes next, and staff decide
    the_conversation_starts(app, clock)
    citizen.get("/status")
    assert "Kommunen skriver sin afgørelse her" in citizen.page and "Bekræftet. Vi ses" not in citizen.page
    staff = sign_in(app)
    staff.get(f"/staff/cases/{number}")
    assert "Registrér afgørelsen" in staff.page
    staff.post(f"/staff/cases/{number}/decision", {"outcome": "granted", "provider_id": "laenke-hvidovre",
                                                   "start_date": clock.today().isoformat()})

    # Then the citizen is told they came, and granted
    citizen.get("/status")
    assert "Du mødte op til den afklarende samtale" in citizen.page
    assert "Du har fået bevilget anonym behandling" in citizen.page


def test_discarding_a_phone_screening_asks_first(app):
    # Given staff halfway through a caller's screening
    staff = sign_in(app)
    staff.get("/staff/phone")
    staff.post("/staff/phone", {"question": "age_band", "answer": "25_plus"})
    # When they follow "Discard and start again", they are asked first and nothing is lost yet
    staff.get("/staff/phone")
    assert 'href="/staff/phone/restart"' in staff.page
    staff.get("/staff/phone/restart")
    assert 'action="/staff/phone/restart"' in staff.page
    staff.get("/staff/phone")
    assert 'value="age_band"' not in staff.page  # the first answer is still there
    # And only confirming discards it
    staff.get("/staff/phone/restart")
    staff.post("/staff/phone/restart")
    staff.get("/staff/phone")
    assert 'name="question" value="age_band"' in staff.page


def test_a_decision_recorded_while_the_case_page_reads_does_not_mix_into_it(app, booked, clock, monkeypatch):
    """Staff's case page reads the booking and the decision as one view: another member of staff
    deciding between those reads shows on the next look, never half on this one."""
    booking = only_booking(app)
    staff = sign_in(app)
    staff.post(f"/staff/bookings/{booking['id']}/confirm")
    the_conversation_starts(app, clock)
    staff = sign_in(app)
    with app.app_context():
        case_id = case_id_for_referral(get_db(), booking["referral_number"])
    during, after = shown_while_decided_meanwhile(
        monkeypatch, app, bookings, "latest_booking", case_id,
        lambda: staff.get(f"/staff/cases/{booking['referral_number']}").get_data(as_text=True))
    assert '<p class="decision">' not in during
    assert '<p class="decision">' in after
