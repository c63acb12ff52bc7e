"""The citizen's pages from landing to code and status (booking is in booking_views)."""

from babel.lists import format_list
from flask import Response, g, redirect, render_template, session, url_for
from flask_babel import get_locale, gettext
from wtforms import StringField
from wtforms.validators import Length

from app.citizen.blueprint import bp, case_required
from app.context import code_key, get_db, now, settings, this_session, today
from app.forms import Form
from app.i18n import current_language
from app.screening_flow import PostedAnswer, ScreeningFlow, finish_screening, take_posted_answer
from app.session_keys import CASE_ID, CHAT, CRISIS_NOTICE, NEW_CODE
from app.sessions import forget, rotate
from booking import bookings
from intake import cases, codes, screening
from intake.chat import ANSWERED, INVALID
from retention import schedule
from treatment import courses, decisions
from treatment.status import conversation_state

CHAT_FLOW = ScreeningFlow(CHAT)


class CodeForm(Form):
    code = StringField(validators=[Length(max=64)])


@bp.get("/")
def landing():
    return render_template("landing.html")


@bp.get("/healthz")
def healthz():
    return Response("ok", mimetype="text/plain")


@bp.get("/exit")
def quick_exit():
    """Quick exit: end this phone's session and leave for a neutral site (a link, so that it
    works at once from any page, with or without JavaScript)."""
    forget(session)
    return redirect(settings().quick_exit_url, code=303)


@bp.get("/chat")
def chat():
    """The chat goes on at the address of the first question not yet answered."""
    return redirect(_next_address())


@bp.get("/chat/<question_id>")
def chat_question(question_id):
    """One question at its own address, so the phone's Back button goes to the previous
    question. Only a question that applies and has been reached is shown; otherwise the chat
    goes on where it is."""
    question = CHAT_FLOW.reached_question(question_id)
    if question is None:
        return redirect(_next_address())
    person = this_session()
    crisis = person.get(CRISIS_NOTICE, False)
    if crisis:
        person.pop(CRISIS_NOTICE)
    return _render_chat(question, crisis=crisis)


@bp.post("/chat")
def answer():
    turn = take_posted_answer(CHAT_FLOW)
    if turn.kind == ANSWERED:
        if turn.crisis:
            session[CRISIS_NOTICE] = True
        return redirect(_next_address(), code=303)
    question = CHAT_FLOW.posted_question() or CHAT_FLOW.shown_question()
    status = 400 if turn.kind == INVALID else 200
    return _render_chat(question, turn=turn), status


@bp.get("/result")
def result():
    assessment = CHAT_FLOW.assessment()
    if assessment is None:
        return redirect(url_for(".chat"))
    return render_template("result.html", assessment=assessment, last_question=CHAT_FLOW.last_question())


@bp.post("/code/new")
def create_code():
    try:
        created = finish_screening(CHAT_FLOW)
    except screening.AlreadyFinished:  # sent twice at once: the other request made the case and shows its code
        return redirect(url_for(".show_new_code"))
    if created is None:
        return redirect(url_for(".chat"))
    case, code = created
    session[NEW_CODE] = {"code": code, "case_id": case.id}
    return redirect(url_for(".show_new_code"))


@bp.get("/code/new")
def show_new_code():
    if NEW_CODE not in session:
        return redirect(url_for(".enter_code"))
    return render_template("code_new.html", groups=codes.groups(session[NEW_CODE]["code"]))


@bp.get("/code/check")
def check_new_code():
    """The next screen: the person types the whole code back, with the code no longer shown."""
    if NEW_CODE not in session:
        return redirect(url_for(".enter_code"))
    return render_template("code_check.html")


@bp.post("/code/confirm")
def confirm_code():
    new = session.get(NEW_CODE)
    if new is None:
        return redirect(url_for(".enter_code"))
    form = CodeForm()
    try:
        if not form.validate():
            raise codes.MalformedCode(form.code.data)
        wrong = codes.differing_groups(new["code"], form.code.data or "")
        if wrong:
            raise codes.MistypedCode(form.code.data, wrong)
    except codes.MalformedCode as error:
        return render_template("code_check.html", error=_code_problem(error), typed=form.code.data), 400
    session.pop(NEW_CODE)
    _open_case(new["case_id"])
    return redirect(url_for(".choose_provider"))


@bp.get("/code")
def enter_code():
    return render_template("code_enter.html")


@bp.post("/code")
def look_up_code():
    form = CodeForm()
    try:
        if not form.validate():
            raise codes.MalformedCode(form.code.data)
        _open_case(cases.find_case_id(get_db(), code_key(), form.code.data or ""))
    except codes.MalformedCode as error:
        return render_template("code_enter.html", error=_code_problem(error), typed=form.code.data), 400
    except cases.UnknownCode:
        error = gettext("We found no case with that code. Check each character and try again.")
        return render_template("code_enter.html", error=error, typed=form.code.data), 400
    return redirect(url_for(".status"))


def _code_problem(error: codes.MalformedCode) -> str:
    """Which group to look at when a check character does not fit, else what a code looks like."""
    if isinstance(error, codes.MistypedCode):
        groups = format_list([str(number) for number in error.groups], locale=get_locale())
        return gettext("There is a mistake in group %(groups)s. Check those characters and try again.", groups=groups)
    return gettext("A code has 20 letters and digits in four groups, like %(example)s.", example=codes.example())


def _with_the_case(case_id: str) -> tuple:
    """The latest booking, the decision and the course, read in the case's statement: they agree
    with each other (a decision recorded meanwhile shows whole on the next look, never half)."""
    return bookings.latest_booking_part(case_id), decisions.decision_part(case_id), courses.course_part(case_id)


@bp.get("/status")
@case_required(read_with=_with_the_case)
def status():
    case, config = g.case, settings()
    booking, decision, course = g.read_with
    # as `courses.current_course` does, here so that today (a time-zone conversion, ~20k
    # instructions) is worked out only for a case that has a course
    course = None if course is None else courses.course_as_of(course, today(), config.course)
    provider = config.provider(booking.provider_id) if booking else None
    return render_template(
        "status.html",
        case=case,
        assessment=case.assessment,
        booking=booking,
        conversation=conversation_state(booking, decision, course, now()),
        provider=provider,
        decision=decision,
        course=course,
    )


@bp.post("/status/leave")
def leave():
    """Close the case on this phone; the code still opens it later."""
    forget(session)
    return redirect(url_for(".landing"))


@bp.get("/status/delete")
@case_required
def confirm_delete():
    return render_template("delete_confirm.html")


@bp.post("/status/delete")
@case_required
def delete():
    config = settings()
    schedule.delete_cases(get_db(), [g.case.id], today(), config.rates, config.course)
    language = current_language()  # the session that knew it is forgotten now: the address carries it
    forget(session)
    return redirect(url_for(".deleted", lang=language), code=303)


@bp.get("/status/deleted")
def deleted():
    return render_template("deleted.html")


def _open_case(case_id: str) -> None:
    """This session now reaches the case: under a new id, never the one it had (`sessions.rotate`)."""
    rotate(session)
    session[CASE_ID] = case_id


def _next_address() -> str:
    question = CHAT_FLOW.shown_question()
    return url_for(".chat_question", question_id=question.id) if question else url_for(".result")


def _render_chat(question, turn=None, crisis=False):
    """`question`, with what the person sent kept in the field when it was refused."""
    refused = turn is not None and turn.kind == INVALID
    return render_template(
        "chat.html",
        turn=turn,
        crisis=crisis or (turn is not None and turn.crisis),
        sent=(PostedAnswer.from_request().answers or [""])[0] if refused else None,
        **CHAT_FLOW.question_context(question),
    )
