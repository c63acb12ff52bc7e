"""Every form of every role, posted with generated values (hypothesis) through Flask's client:
no answer is a 5xx, and nothing saved before the fuzzing is lost.

One app and one world serve the whole module: a citizen mid-way through the chat, one with an
open case and a booking, intake staff, a provider with a referral in a course, an admin; and a
precious case, confirmed and booked before the first post, that no form is aimed at. After every
example its rows are unchanged; at the end it opens with its code and shows its booking.

`FUZZ_EXAMPLES` is the number of examples over all forms: 200 (derandomized) in `make test`,
10,500 in `make fuzz` (over 10,000 posts). A form whose values run out before its share counts what it sent.
"""

import datetime as dt
import math
import os
import re
import string
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

import pyotp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import accounts
from app import create_app
from app.context import get_db
from app.session_keys import CHAT, NEW_CODE, PHONE_CODE, PHONE_INTAKE
from app.words import DECLINE_REASONS, NOT_GRANTED_REASONS
from common.clock import UTC, FixedClock
from intake.catalogue import load_catalogue
from store.times import parse_stamp
from treatment import decisions, rules

from builders import FAST_ARGON2, FITTING_ANSWERS
from citizen_client import Citizen, shown_code_groups

#: Monday 2 March 2026, 09:15 in Copenhagen: the world is built then, and the clock moved on.
MONDAY_MORNING = dt.datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
SLOT = re.compile(r'name="slot" value="([^"]+)"')

CI_EXAMPLES = 200
TOTAL_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", CI_EXAMPLES))
LONG_RUN = TOTAL_EXAMPLES > CI_EXAMPLES
PASSWORD = "fuzzing is not a password"
PROVIDERS = ("laenke-hvidovre", "laenke-lyngby", "stofraadgivningen")

#: Values that have broken web forms before: control characters, calendar edges, huge numbers,
#: paths to elsewhere, markup, code-shaped text.
EDGES = (
    "", " ", "\r\n", "\x00", "\t", "0", "-1", "1e309", "nan", "NaN", "inf", "9" * 400, "-" * 80,
    "0000-00-00", "0001-01-01", "2026-02-30", "2026-13-01", "9999-12-31", "10000-01-01", "1999-12-31",
    "//evil.example/", "/\r\nSet-Cookie: x=1", "/\\evil.example", "javascript:alert(1)", "<script>x</script>",
    "%00", "%0d%0a", "../../etc/passwd", "ø", "\u202e", "\ufeff", "R-0000-0000", "AAAAA-BBBBB-CCCCC-DDDDD",
    "x" * 70_000,
)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)
ARBITRARY = st.one_of(st.sampled_from(EDGES), TEXT)


def values(*samples) -> st.SearchStrategy:
    """One field's values: a sample of what the page offers, or anything at all."""
    return st.one_of(st.sampled_from(samples), ARBITRARY) if samples else ARBITRARY


def form(**samples) -> st.SearchStrategy:
    """A posted form: half the time each field with a value the page offers; otherwise each field
    missing, once or repeated, with any value, plus a stray field or two."""
    plausible = st.fixed_dictionaries({name: st.sampled_from(offered) for name, offered in samples.items() if offered})
    fields = {name: values(*offered) for name, offered in samples.items()}
    one_or_many = {name: st.one_of(strategy, st.lists(strategy, max_size=3)) for name, strategy in fields.items()}
    fuzzy = st.tuples(st.fixed_dictionaries({}, optional=one_or_many),
                      st.dictionaries(st.text(string.ascii_letters + "_", max_size=12), ARBITRARY, max_size=2)
                      ).map(lambda pair: {**pair[1], **pair[0]})
    return st.one_of(plausible, fuzzy)


def path(template: str, *known) -> st.SearchStrategy:
    """`template` with its one {} filled by a known value (a case or booking of the world) or any text."""
    segment = st.one_of(st.sampled_from(known), TEXT.filter(bool).map(lambda text: quote(text, safe="")))
    return segment.map(template.format)


#: The query string any request may carry: the language (kept by the first POST) and `next`.
QUERY = st.fixed_dictionaries({}, optional={"lang": values("da", "en", "xx"), "next": values("/staff/", "/provider/")})
#: The CSRF token as sent: the page's, none, or a forged one.
TOKEN = st.sampled_from(["page", "page", "page", "none", "forged"])


@dataclass
class World:
    app: object
    clock: FixedClock
    chatter: Citizen
    booker: Citizen
    intake: Citizen
    provider: Citizen
    admin: Citizen
    precious: dict
    booker_code: str
    slots: list
    referral: str
    decision_case: str
    staff_booking: str
    booker_referral: str
    finished_chat: dict
    new_code: dict  # a session's new code, as /code/new keeps it
    new_code_written: str  # and as the person wrote it down
    saved: dict = field(default_factory=dict)
    answers: Counter = field(default_factory=Counter)  # (form, status) -> how many

    posts: int = 0

    def stranger(self) -> Citizen:
        return Citizen(self.app.test_client())

    def precious_rows(self) -> dict:
        with self.app.app_context():
            db = get_db()
            return {
                "case": next(db.query("select * from cases where id = ?", [self.precious["case_id"]])),
                "booking": next(db.query("select * from bookings where case_id = ?", [self.precious["case_id"]])),
            }


def sign_in(app, username="intake", password="demo") -> Citizen:
    staff = Citizen(app.test_client())
    staff.get("/staff/login")
    assert staff.post("/staff/login", {"username": username, "password": password}).status_code == 302, staff.page[-800:]
    return staff


def _screened(app) -> Citizen:
    citizen = Citizen(app.test_client())
    citizen.finish_screening()
    return citizen


def _booked(app, provider_id: str, pick: int = 0) -> tuple[Citizen, str]:
    citizen = _screened(app)
    code = citizen.get_code()
    citizen.get(f"/book/{provider_id}")
    response = citizen.post("/book", {"slot": SLOT.findall(citizen.page)[pick], "mode": "in_person"})
    assert response.status_code == 302, citizen.page[-800:]
    return citizen, code


def _booking_of(app, code_citizen: Citizen) -> dict:
    with code_citizen.client.session_transaction() as session:
        case_id = session["case_id"]
    with app.app_context():
        return next(get_db().query(
            "select b.id, b.case_id, b.starts_at, c.referral_number from bookings b join cases c on c.id = b.case_id"
            " where b.case_id = ? and b.state in ('pending', 'confirmed')", [case_id]))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The app and everything saved before the fuzzing (see the module's docstring)."""
    clock = FixedClock(MONDAY_MORNING)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INDGANG_INSTANCE", str(tmp_path_factory.mktemp("fuzz-instance")))
        patch.delenv("INDGANG_CONFIG", raising=False)
        app = create_app({"TESTING": True, **FAST_ARGON2}, clock=clock)
    intake = sign_in(app)
    # A referral in a course at Hvidovre, and a case waiting for its decision (both conversations held)
    referred, _ = _booked(app, "laenke-hvidovre", 0)
    deciding, _ = _booked(app, "laenke-hvidovre", 1)
    referral, decision_case = _booking_of(app, referred), _booking_of(app, deciding)
    for booking in (referral, decision_case):
        assert intake.post(f"/staff/bookings/{booking['id']}/confirm").status_code == 302
    clock.moment = parse_stamp(decision_case["starts_at"]) + dt.timedelta(hours=1)
    intake = sign_in(app)
    intake.post(f"/staff/cases/{referral['referral_number']}/decision",
                {"outcome": "granted", "provider_id": "laenke-hvidovre", "start_date": clock.now().date().isoformat()})
    # The precious case: booked and confirmed at Lyngby; no form is ever aimed at it
    precious_citizen, precious_code = _booked(app, "laenke-lyngby", -1)
    precious = _booking_of(app, precious_citizen)
    assert intake.post(f"/staff/bookings/{precious['id']}/confirm").status_code == 302
    # A citizen who books and cancels, one whose booking staff confirm, decline and move, one chatting
    booker, booker_code = _booked(app, "laenke-hvidovre", 2)
    staff_citizen, _ = _booked(app, "laenke-hvidovre", 3)
    booker.get("/book/laenke-hvidovre")
    slots = SLOT.findall(booker.page) + SLOT.findall(booker.get("/book/laenke-lyngby").get_data(as_text=True))
    finished = _screened(app)
    with finished.client.session_transaction() as session:
        finished_chat = session[CHAT]
    finished.post("/code/new")
    finished.get("/code/new")
    new_code_written = "-".join(shown_code_groups(finished.page))
    with finished.client.session_transaction() as session:
        new_code = session[NEW_CODE]
    chatter = Citizen(app.test_client())
    chatter.get("/chat", follow_redirects=True)
    # Sign-in with a second step, for the code form
    with app.app_context():
        accounts.create_account(get_db(), app.extensions["indgang.passwords"], "fuzz-totp", "intake", PASSWORD,
                                provider_ids=PROVIDERS, now=clock.now())
        secret = accounts.new_totp_secret()
        accounts.enable_totp(get_db(), "fuzz-totp", secret, pyotp.TOTP(secret).at(clock.now()), now=clock.now(),
                             vault=app.extensions["indgang.vault"])
    world = World(
        app=app, clock=clock, chatter=chatter, booker=booker, intake=intake,
        provider=sign_in(app, "provider-laenke-hvidovre"), admin=sign_in(app, "admin"),
        precious={**precious, "code": precious_code}, booker_code=booker_code, slots=slots,
        referral=referral["referral_number"], decision_case=decision_case["referral_number"],
        staff_booking=_booking_of(app, staff_citizen)["id"], booker_referral=_booking_of(app, booker)["referral_number"],
        finished_chat=finished_chat, new_code=new_code, new_code_written=new_code_written,
    )
    world.saved = world.precious_rows()
    return world


# What each form is sent from: a client of the world, made ready for one example.


def booker(world):
    return world.booker


def chatter(world):
    return world.chatter


def stranger(world):
    return world.stranger()


def screened(world):
    """A fresh phone whose screening is finished (the session of a real one, copied)."""
    citizen = world.stranger()
    citizen.post("/status/leave")  # nothing to forget; starts no session
    citizen.post("/chat", {"question": "age_band", "answer": "25_plus"})
    with citizen.client.session_transaction() as session:
        session[CHAT] = world.finished_chat
    return citizen


def new_code_shown(world):
    """A fresh phone that was just shown a new code (one made before the fuzzing)."""
    citizen = screened(world)
    with citizen.client.session_transaction() as session:
        session[NEW_CODE] = world.new_code
    return citizen


def case_opened(world):
    """A fresh phone that opened the booker's case with its code."""
    citizen = world.stranger()
    citizen.get("/code")
    assert citizen.post("/code", {"code": world.booker_code}).status_code == 302
    return citizen


def own_new_case(world):
    """A fresh phone with a case of its own, made for this example (to be deleted)."""
    citizen = screened(world)
    citizen.post("/code/new")
    citizen.get("/code/new")
    return citizen


def intake(world):
    return world.intake


def intake_on_the_phone(world):
    """Intake staff with a caller's screening finished, and a code to read aloud."""
    with world.intake.client.session_transaction() as session:
        session[PHONE_INTAKE] = world.finished_chat
        session[PHONE_CODE] = {"code": world.booker_code, "referral_number": world.booker_referral}
    return world.intake


def new_intake(world):
    return sign_in(world.app)


def at_the_door(world):
    """A fresh browser at the sign-in page, the fuzzed account's failures forgotten (so that
    guessing does not lock it for the rest of the run)."""
    with world.app.app_context():
        get_db()["accounts"].update("fuzz-totp", {"failed_attempts": 0, "locked_until": None,
                                                  "code_failed_attempts": 0, "code_locked_until": None})
    return world.stranger()


def code_step(world):
    """A fresh browser after the right password of an account with two-step sign-in."""
    citizen = at_the_door(world)
    citizen.get("/staff/login")
    assert citizen.post("/staff/login", {"username": "fuzz-totp", "password": PASSWORD}).status_code == 302
    return citizen


def provider(world):
    return world.provider


def admin(world):
    return world.admin


@dataclass(frozen=True)
class Form:
    """One form: who sends it, where to (a strategy of paths) and its fields."""

    name: str
    sender: object
    paths: object  # World -> strategy of paths
    fields: object  # a strategy of forms, or World -> one
    method: str = "POST"


QUESTIONS = tuple(question.id for question in load_catalogue().questions)
ANSWERS = tuple(sorted({str(v) for value in FITTING_ANSWERS.values() for v in (value if isinstance(value, list) else [value])}))
#: A right answer to some question (the chat goes on when it is the one shown), or anything.
CHAT_FORM = st.one_of(
    st.sampled_from(sorted(FITTING_ANSWERS.items())).map(
        lambda item: {"question": item[0], **({"answer": [str(v) for v in item[1]]} if item[1] else {"none": "1"})}
        if isinstance(item[1], list) else {"question": item[0], "answer": str(item[1])}),
    form(question=QUESTIONS, answer=(*ANSWERS, "D9", "yes", "no"), none=("1",), text=("hvad koster det?", "jeg vil dø")),
)
DAYS = tuple((MONDAY_MORNING.date() + dt.timedelta(days=days)).isoformat() for days in range(-3, 40, 3))
ANY = form()


HOURS = ("08:00-20:00", "09:00-12:00, 13:00-16:00", "17:00-09:00", "25:00-26:00", "")
PROVIDER_FORM = form(
    id=("fuzz-place", "laenke-lyngby", "Bad Id"), name=("Fuzzstedet", ""), address=("Søvej 1, 2635 Ishøj", "Ishøj"),
    municipality=("Ishøj", "Glostrup"), phone=("12345678", ""), age_bands=("18_24", "25_plus", "under_18"),
    languages=("da", "en", "xx"), meeting_modes=("in_person", "phone_in", "video"),
    slot_minutes=("60", "5", "99999999999999999999"), hours_mon=HOURS, hours_sat=HOURS,
    closed_dates=(*DAYS, "2026-02-30"), closed_yearly=("12-24", "13-01, 02-29"))


def slot_form(world):
    return form(slot=(*world.slots[:40], "laenke-hvidovre@20260303T0900Z", "x@y", "@"), mode=("in_person", "phone_in", "video"))


def typed(code: str) -> st.SearchStrategy:
    """The code field: `code` as written down, typed loosely or wrongly, or anything."""
    return form(code=(code, code.lower().replace("-", " "), code.replace("-", ""), code[::-1], "AAAAA-BBBBB-CCCCC-DDDDD"))


def _fixed(address):
    return lambda world: st.just(address)


FORMS = (
    Form("citizen: chat answer", chatter, _fixed("/chat"), CHAT_FORM),
    Form("citizen: first act", stranger, _fixed("/chat"), CHAT_FORM),
    Form("citizen: new code", screened, _fixed("/code/new"), ANY),
    Form("citizen: code typed back", new_code_shown, _fixed("/code/confirm"), lambda w: typed(w.new_code_written)),
    Form("citizen: code", stranger, _fixed("/code"), lambda w: typed(w.booker_code)),
    Form("citizen: booking", booker, _fixed("/book"), slot_form),
    Form("citizen: cancel", booker, _fixed("/booking/cancel"), ANY),
    Form("citizen: leave", case_opened, _fixed("/status/leave"), ANY),
    Form("citizen: delete", own_new_case, _fixed("/status/delete"), ANY),
    Form("staff: sign in", at_the_door, _fixed("/staff/login"),
         form(username=("fuzz-totp", "nobody"), password=(PASSWORD, "demo"), code=("123456", ""),
              next=("/staff/", "/admin/audit", "//evil.example/"))),
    Form("staff: sign-in code", code_step, _fixed("/staff/login/code"), form(code=("123456", "000000"))),
    Form("staff: sign out", new_intake, _fixed("/staff/logout"), ANY),
    Form("staff: two-step set-up", new_intake, _fixed("/staff/totp"), form(code=("123456",), next=("/staff/",))),
    Form("staff: confirm", intake, lambda w: path("/staff/bookings/{}/confirm", w.staff_booking), form(back=("queue",))),
    Form("staff: decline", intake, lambda w: path("/staff/bookings/{}/decline", w.staff_booking),
         form(reason=tuple(DECLINE_REASONS), note=("ringede",), back=("queue",))),
    Form("staff: move", intake, lambda w: path("/staff/bookings/{}/move", w.staff_booking), slot_form),
    Form("staff: decision", intake, lambda w: path("/staff/cases/{}/decision", w.decision_case),
         form(outcome=decisions.OUTCOMES, provider_id=PROVIDERS, start_date=DAYS, reason=tuple(NOT_GRANTED_REASONS),
              change_reason=("ny vurdering",))),
    Form("staff: phone answer", intake, _fixed("/staff/phone"), CHAT_FORM),
    Form("staff: phone back and restart", intake, lambda w: st.sampled_from(["/staff/phone/back", "/staff/phone/restart"]), ANY),
    Form("staff: phone case and code", intake_on_the_phone, lambda w: st.sampled_from(["/staff/phone/case", "/staff/phone/code"]), ANY),
    Form("staff: book for a caller", intake, lambda w: path("/staff/cases/{}/book", w.booker_referral, w.decision_case), slot_form),
    Form("provider: attendance", provider, lambda w: path("/provider/referrals/{}/sessions", w.referral),
         form(day=DAYS, outcome=rules.OUTCOMES)),
    Form("provider: closing conversation", provider, lambda w: path("/provider/referrals/{}/closing", w.referral), form(day=DAYS)),
    Form("provider: self-visitation", provider, lambda w: path("/provider/referrals/{}/self-visit", w.referral), ANY),
    Form("admin: audit filters", admin, _fixed("/admin/audit"),
         form(username=("intake", "admin"), referral=("R-",), action=("sign_in", "case_viewed"), since=DAYS, until=DAYS,
              page=("1", "2", "0", "-5", "1000001")), method="GET"),
    Form("admin: new provider", admin, _fixed("/admin/providers/new"), PROVIDER_FORM),
    Form("admin: edit provider", admin, lambda w: path("/admin/providers/{}", *PROVIDERS), PROVIDER_FORM),
    Form("admin: retire provider", admin, lambda w: path("/admin/providers/{}/retire", *PROVIDERS), ANY),
    Form("admin: settings", admin, _fixed("/admin/settings"),
         form(phone=("43 57 75 75", ""), hours_mon=HOURS, ordinary_name=("Pitstop",), ordinary_address=("Søvej 1",),
              ordinary_phone=("20 69 28 33",), youth_name=("Pitstop",), youth_address=("Søvej 1",), youth_phone=("20",),
              notice=("0", "1", "11", "99999999999999999999"), confirmation=("staff", "automatic", "later"),
              case_days=("0", "180", "731", "-1"))),
    Form("admin: new account", admin, _fixed("/admin/accounts/new"),
         form(username=("fuzz-bo", "Bo Bo", "intake"), role=("intake", "provider", "admin", "boss"), provider_id=(*PROVIDERS, ""))),
    Form("admin: account actions", admin,
         lambda w: st.sampled_from(["/admin/accounts/{}/disable", "/admin/accounts/{}/enable", "/admin/accounts/{}/reset"])
         .flatmap(lambda template: path(template, "fuzz-bo", "admin", "nobody")), ANY),
    Form("staff: set a password with a link", stranger, _fixed("/staff/set-password"),
         form(token=("x" * 43, ""), password=(PASSWORD, "short"), repeated=(PASSWORD, "other"))),
)

EXAMPLES_PER_FORM = math.ceil(TOTAL_EXAMPLES / len(FORMS))
FUZZ = settings(
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    derandomize=not LONG_RUN,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def send(world, sender, method, address, fields, query, token):
    """One request as a browser would send it, with the page's CSRF token (or none, or a forged one)."""
    client = sender.client
    if method == "GET":
        return client.get(address, query_string={**query, **fields})
    page_token = sender.csrf_token()
    tokens = {"page": page_token, "none": None, "forged": "forged." + "A" * 40}[token]
    data = {**({"csrf_token": tokens} if tokens else {}), **fields}
    world.posts += 1
    return client.post(address, query_string=query, data=data)


@pytest.mark.parametrize("spec", FORMS, ids=[spec.name for spec in FORMS])
def test_no_form_gives_a_server_error_or_loses_what_was_saved(world, spec):
    fields = spec.fields(world) if callable(spec.fields) else spec.fields

    @FUZZ
    @given(address=spec.paths(world), fields=fields, query=QUERY, token=TOKEN)
    def post_anything(address, fields, query, token):
        sender = spec.sender(world)
        response = send(world, sender, spec.method, address, fields, query, token)
        world.answers[spec.name, response.status_code] += 1
        assert response.status_code < 500, response.get_data(as_text=True)[-2000:]
        assert world.precious_rows() == world.saved

    post_anything()


def test_the_case_saved_before_the_fuzzing_opens_with_its_code_and_keeps_its_booking(world):
    # Given every form fuzzed above; when the person comes back with their code
    citizen = world.stranger()
    citizen.get("/code")
    response = citizen.post("/code", {"code": world.precious["code"]})
    # Then their case opens, with the booking confirmed as before, and the file is sound
    assert response.status_code == 302 and response.headers["Location"].endswith("/status")
    citizen.get("/status")
    assert "Lyngby" in citizen.page
    assert world.precious_rows() == world.saved
    with world.app.app_context():
        assert get_db().execute("pragma integrity_check").fetchone()[0] == "ok"
    ran = {name for name, _status in world.answers}
    if LONG_RUN and len(ran) == len(FORMS):
        assert world.posts >= EXAMPLES_PER_FORM * sum(spec.method == "POST" for spec in FORMS), world.posts
    print(f"\nfuzz: {world.posts} posts, {sum(world.answers.values())} requests over {len(ran)} forms;"
          " answers by form and status:")
    for (name, status), count in sorted(world.answers.items()):
        print(f"  {name:34} {status}  {count}")

