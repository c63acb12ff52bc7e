"""The citizen's pages from landing to code and status (booking is in booking_views)."""

from urllib.parse import urlsplit

from flask import Response, g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from app.citizen.blueprint import bp
from app.db import get_db
from app.i18n import choose_language
from app.screening_session import ScreeningSession
from app.sessions import forget, now_utc
from app.state import CASE_ID, CHAT, CRISIS_NOTICE, NEW_CODE, case_required, code_key, settings, today_in_copenhagen
from booking import bookings, decisions
from course import courses
from intake import cases, codes
from intake.chat import ANSWERED, INVALID

CHAT_FLOW = ScreeningSession(CHAT)


@bp.get("/")
def landing():
    return render_template("landing.html")


@bp.get("/healthz")
def healthz():
    return Response("ok", mimetype="text/plain")


@bp.post("/language")
def language():
    choose_language(request.form.get("language", ""))
    return redirect(_local_path(request.form.get("next")))


@bp.get("/exit")
def quick_exit():
    """Quick exit: end this phone's session and leave for a neutral site."""
    forget(session)
    return redirect(settings().quick_exit_url, code=303)


@bp.get("/chat")
def chat():
    question = CHAT_FLOW.shown_question()
    if question is None:
        return redirect(url_for(".result"))
    return _render_chat(question, crisis=session.pop(CRISIS_NOTICE, False))


@bp.post("/chat")
def answer():
    turn = CHAT_FLOW.take_posted_turn()
    if turn.kind == ANSWERED:
        if turn.crisis:
            session[CRISIS_NOTICE] = True
        return redirect(url_for(".chat"))
    question = CHAT_FLOW.posted_question() or CHAT_FLOW.shown_question()
    status = 400 if turn.kind == INVALID else 200
    return _render_chat(question, turn=turn), status


@bp.post("/chat/back")
def back():
    CHAT_FLOW.go_back()
    return redirect(url_for(".chat"))


@bp.get("/result")
def result():
    assessment = CHAT_FLOW.assessment()
    if assessment is None:
        return redirect(url_for(".chat"))
    return render_template("result.html", assessment=assessment)


@bp.post("/code/new")
def create_code():
    created = CHAT_FLOW.create_case()
    if created is None:
        return redirect(url_for(".chat"))
    case_id, code = created
    session[NEW_CODE] = {"code": code, "case_id": case_id}
    return redirect(url_for(".show_new_code"))


@bp.get("/code/new")
def show_new_code():
    if NEW_CODE not in session:
        return redirect(url_for(".enter_code"))
    return render_template("code_new.html", code=codes.grouped(session[NEW_CODE]["code"]))


@bp.post("/code/confirm")
def confirm_code():
    new = session.get(NEW_CODE)
    if new is None:
        return redirect(url_for(".enter_code"))
    if not codes.last_four_match(new["code"], request.form.get("last_four", "")[:20]):
        error = gettext("Those are not the last four characters of your code. Look again.")
        return render_template("code_new.html", code=codes.grouped(new["code"]), error=error), 400
    session.pop(NEW_CODE)
    session[CASE_ID] = new["case_id"]
    return redirect(url_for(".choose_provider"))


@bp.get("/code")
def enter_code():
    return render_template("code_enter.html")


@bp.post("/code")
def look_up_code():
    typed = request.form.get("code", "")[:64]
    try:
        session[CASE_ID] = cases.find_case_id(get_db(), code_key(), typed)
    except codes.MalformedCode:
        error = gettext("A code has 16 letters and digits, like K7QF-M2XD-9TRA-B3HN.")
        return render_template("code_enter.html", error=error), 400
    except cases.UnknownCode:
        error = gettext("We found no case with that code. Check each character and try again.")
        return render_template("code_enter.html", error=error), 400
    return redirect(url_for(".status"))


@bp.get("/status")
@case_required
def status():
    courses.refresh_course_states(get_db(), today_in_copenhagen(), settings().course)
    booking = bookings.latest_booking(get_db(), g.case.id)
    provider = settings().provider(booking.provider_id) if booking else None
    return render_template(
        "status.html",
        case=g.case,
        assessment=g.case.assessment,
        booking=booking,
        booking_state=booking.state_at(now_utc()) if booking else None,
        provider=provider,
        decision=decisions.decision_for(get_db(), g.case.id),
        course=courses.course_for(get_db(), g.case.id),
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
    cases.delete_case(get_db(), g.case.id)
    forget(session)
    return render_template("deleted.html")


def _render_chat(question, turn=None, crisis=False):
    return render_template(
        "chat.html",
        turn=turn,
        crisis=crisis or (turn is not None and turn.crisis),
        **CHAT_FLOW.question_context(question),
    )


def _local_path(target: str | None) -> str:
    """Only paths on this site: an open redirect would leak where the person came from."""
    target = target or "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for(".landing")
    return target
