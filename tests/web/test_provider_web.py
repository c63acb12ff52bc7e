"""Provider pages and the municipality's statistics through the Flask client: role
boundaries, referrals without codes, attendance, self-visitation, invoice basis and CSV."""

import csv
import datetime as dt
import html
import io
import re
import xml.etree.ElementTree as ElementTree

import pytest

from app.context import get_db
from common.clock import COPENHAGEN
from intake.cases import case_id_for_referral
from stats import monthly
from store.times import parse_stamp
from treatment import referrals

from builders_course import shown_while_decided_meanwhile
from test_staff_intake import only_booking, sign_in, the_conversation_starts


def after_the_conversation(app, clock, days) -> dt.date:
    """Move the clock `days` after the day of the confirmed conversation; returns that day (a
    course starts no earlier than the conversation)."""
    with app.app_context():
        [row] = get_db().query("select starts_at from bookings")
    conversation_day = parse_stamp(row["starts_at"]).astimezone(COPENHAGEN).date()
    clock.moment = parse_stamp(row["starts_at"]) + dt.timedelta(days=days, hours=2)
    return conversation_day


@pytest.fixture
def app(make_app, clock):
    return make_app(clock=clock)


@pytest.fixture
def referral(app, clock, citizen):
    """A citizen whose booking at Hvidovre staff have confirmed and whose conversation has just
    started (a decision waits for it); returns (referral number, code)."""
    code = citizen.book_first_time()
    booking = only_booking(app)
    intake = sign_in(app)
    intake.post(f"/staff/bookings/{booking['id']}/confirm")
    the_conversation_starts(app, clock)
    return booking["referral_number"], code


def provider(app, provider_id="laenke-hvidovre"):
    return sign_in(app, f"provider-{provider_id}")


@pytest.mark.parametrize(
    "username, path, status",
    [
        ("provider-laenke-hvidovre", "/staff/", 403),
        ("provider-laenke-hvidovre", "/admin/", 403),
        ("provider-laenke-hvidovre", "/admin/stats", 403),
        ("intake", "/provider/", 403),
        ("intake", "/provider/invoice.csv", 403),
        ("admin", "/provider/", 403),
        ("admin", "/staff/phone", 403),
        ("admin", "/admin/stats.csv", 200),
        ("provider-laenke-hvidovre", "/provider/invoice.csv", 200),
    ],
)
def test_role_boundaries(app, username, path, status):
    assert sign_in(app, username).get(path).status_code == status


def test_signed_out_and_citizens_are_sent_to_sign_in(client):
    for path in ("/provider/", "/provider/invoice", "/admin/stats"):
        assert client.get(path).headers["Location"].startswith("/staff/login")


def test_provider_sees_its_referral_by_number_never_the_code(app, referral):
    number, code = referral
    hvidovre = provider(app)
    hvidovre.get("/provider/")
    assert number in hvidovre.page
    hvidovre.get(f"/provider/referrals/{number}")
    assert hvidovre.page.count('class="above"') + hvidovre.page.count("<li class=") >= 7
    for shown in (code, code.replace("-", "")):
        assert shown not in hvidovre.page
    other = provider(app, "laenke-lyngby")
    other.get("/provider/")
    assert number not in other.page
    assert other.get(f"/provider/referrals/{number}").status_code == 404


def test_attendance_course_rules_and_citizen_sees_the_course(app, clock, referral, citizen):
    number, code = referral
    start = after_the_conversation(app, clock, days=10)
    intake = sign_in(app)
    intake.get(f"/staff/cases/{number}")
    intake.post(f"/staff/cases/{number}/decision",
                {"outcome": "granted", "provider_id": "laenke-hvidovre", "start_date": start.isoformat()})
    hvidovre = provider(app)
    hvidovre.get(f"/provider/referrals/{number}")
    for days_after, outcome in ((1, "no_show"), (2, "attended"), (3, "no_show")):
        hvidovre.post(f"/provider/referrals/{number}/sessions",
                      {"day": (start + dt.timedelta(days=days_after)).isoformat(), "outcome": outcome})
    hvidovre.get(f"/provider/referrals/{number}")
    assert "Forløbet er i gang" in hvidovre.page  # an attendance between the no-shows
    hvidovre.post(f"/provider/referrals/{number}/sessions",
                  {"day": (start + dt.timedelta(days=4)).isoformat(), "outcome": "no_show"})
    citizen.get("/code")
    citizen.post("/code", {"code": code})
    citizen.get("/status")
    assert "to udeblivelser i træk" in citizen.page
    response = hvidovre.post(f"/provider/referrals/{number}/sessions", {"day": "not a day", "outcome": "attended"})
    assert response.status_code == 302
    hvidovre.get(f"/provider/referrals/{number}")
    assert "Vælg en dag" in hvidovre.page


def test_self_visitation_within_the_limit(app, referral):
    number, _code = referral
    hvidovre = provider(app)
    hvidovre.get(f"/provider/referrals/{number}")
    hvidovre.post(f"/provider/referrals/{number}/self-visit")
    hvidovre.get(f"/provider/referrals/{number}")
    assert "Forløb bevilget ved jeres egen visitation" in hvidovre.page
    with app.app_context():
        [row] = get_db().query("select granted_by, provider_id from courses")
    assert row == {"granted_by": "provider", "provider_id": "laenke-hvidovre"}


def test_invoice_basis_page_and_csv(app, clock, referral):
    number, _code = referral
    start = after_the_conversation(app, clock, days=0)
    intake = sign_in(app)
    intake.get(f"/staff/cases/{number}")
    intake.post(f"/staff/cases/{number}/decision",
                {"outcome": "granted", "provider_id": "laenke-hvidovre", "start_date": start.isoformat()})
    hvidovre = provider(app)
    month = f"{start:%Y-%m}"
    hvidovre.get(f"/provider/invoice?month={month}")
    assert number in hvidovre.page and "Sådan tælles dagene" in hvidovre.page
    response = hvidovre.client.get(f"/provider/invoice.csv?month={month}")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    line = next(r for r in rows if number in r)
    month_end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    last_day = min(month_end, start + dt.timedelta(days=20))  # passive from day 21 without attendance
    assert line[5] == str((last_day - start).days + 1) and "71,00" in line
    hvidovre.get("/provider/invoice?month=2001-01")
    assert "Ingen var i behandling" in hvidovre.page
    assert hvidovre.get("/provider/invoice?month=junk").status_code == 200  # falls back to last month


def test_statistics_page_suppresses_small_counts_and_draws_svg(app, referral):
    admin = sign_in(app, "admin")
    admin.get("/admin/stats")
    assert "&lt;5" in admin.page or "<5" in admin.page
    main = admin.page.split('<main', 1)[1]  # the header's language picker has an icon of its own
    svgs = re.findall(r"<svg.*?</svg>", main, flags=re.S)
    assert len(svgs) == 1 + 3  # all providers, then each of the three
    for svg in svgs:
        ElementTree.fromstring(svg)
        assert "style=" not in svg and "<script" not in svg
    response = admin.client.get("/admin/stats.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["month", "scope", "figure", "value"]
    assert next(r for r in rows if r[1] == "all" and r[2] == "chat_started")[2:] == ["chat_started", "<5"]


def test_self_visitation_is_not_offered_once_the_municipality_has_decided(app, referral):
    # Given the municipality has refused the person a course after the conversation
    number, _code = referral
    intake = sign_in(app)
    intake.get(f"/staff/cases/{number}")
    intake.post(f"/staff/cases/{number}/decision", {"outcome": "not_granted", "reason": "other"})

    # Then the provider is not offered its own visitation, and asking anyway is refused plainly
    hvidovre = provider(app)
    hvidovre.get(f"/provider/referrals/{number}")
    assert "Bevilg selv et forløb" not in hvidovre.page
    hvidovre.post(f"/provider/referrals/{number}/self-visit")
    hvidovre.get(f"/provider/referrals/{number}")
    assert "Kommunen har allerede truffet afgørelse" in hvidovre.page
    with app.app_context():
        assert get_db()["courses"].count == 0


def test_a_provider_neither_sees_nor_writes_a_course_held_at_another_provider(app, clock, referral):
    # Given Hvidovre held the conversation, and the municipality granted the course at Lyngby
    number, _code = referral
    today = clock.today()  # the conversation's day: the clock stands at its start
    intake = sign_in(app)
    intake.get(f"/staff/cases/{number}")
    intake.post(f"/staff/cases/{number}/decision",
                {"outcome": "granted", "provider_id": "laenke-lyngby", "start_date": today.isoformat()})
    lyngby = provider(app, "laenke-lyngby")
    lyngby.get(f"/provider/referrals/{number}")
    lyngby.post(f"/provider/referrals/{number}/sessions", {"day": today.isoformat(), "outcome": "attended"})

    # Then Hvidovre sees its referral and booking, but not Lyngby's course or its attendance
    hvidovre = provider(app)
    hvidovre.get("/provider/")
    assert number in hvidovre.page and "Forløbet er i gang" not in hvidovre.page
    hvidovre.get(f"/provider/referrals/{number}")
    assert "Afklarende samtale" in hvidovre.page
    for shown in ("Forløbet er i gang", "Gange mødt op", "Registrér fremmøde", "afsluttende samtale holdt"):
        assert shown not in hvidovre.page

    # And Hvidovre's writes to Lyngby's course are refused and change nothing
    day = {"day": today.isoformat(), "outcome": "no_show"}
    assert hvidovre.post(f"/provider/referrals/{number}/sessions", day).status_code == 404
    assert hvidovre.post(f"/provider/referrals/{number}/closing", day).status_code == 404
    with app.app_context():
        assert [r["outcome"] for r in get_db().query("select outcome from course_sessions")] == ["attended"]
        assert next(get_db().query("select closing_conversation_on from courses"))["closing_conversation_on"] is None


def test_the_statistics_page_shows_what_the_csv_shows_and_nothing_more(app, clock):
    # Given a month with some counts shown, some hidden and the conversation figures withheld
    today = clock.today()  # the page shows this month
    with app.app_context():
        db = get_db()
        for event, provider_id, n in ((monthly.CHAT_STARTED, None, 7), (monthly.BOOKING_MADE, "laenke-hvidovre", 6),
                                      (monthly.BOOKING_MADE, "laenke-lyngby", 3)):
            for _ in range(n):
                monthly.count_event(db, event, today, provider_id)
        for _ in range(6):
            monthly.count_conversation(db, today, "laenke-hvidovre", 9, within_guarantee=True)
    admin = sign_in(app, "admin")

    # When the administrator reads the page and downloads the CSV
    admin.get("/admin/stats")
    rows = list(csv.reader(io.StringIO(admin.client.get("/admin/stats.csv").get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))[1:]

    # Then the tables show the CSV's values in order, and the charts only counts the CSV shows
    cells = re.findall(r'<tr><th scope="row">[^<]*</th><td>([^<]*)</td></tr>', admin.page)
    assert [html.unescape(cell) for cell in cells] == [row[3] for row in rows]
    assert {row[3] for row in rows if row[2] in monthly.CONVERSATION_FIGURES} == {monthly.WITHHELD}
    for desc in re.findall(r"<desc>(.*?)</desc>", admin.page):
        assert {html.unescape(item.rsplit(": ", 1)[1]) for item in desc.split("; ")} <= {row[3] for row in rows}


def test_a_decision_recorded_while_the_referral_page_reads_does_not_mix_into_it(app, referral, monkeypatch):
    """The provider's referral page reads the booking, the decision and the course as one view:
    the municipality deciding between those reads shows on the next look, never half on this one."""
    number, _code = referral
    hvidovre = provider(app)
    with app.app_context():
        case_id = case_id_for_referral(get_db(), number)
    during, after = shown_while_decided_meanwhile(
        monkeypatch, app, referrals, "provider_booking", case_id,
        lambda: hvidovre.get(f"/provider/referrals/{number}").get_data(as_text=True))
    assert "Ikke bevilget" not in during
    assert "Ikke bevilget" in after
