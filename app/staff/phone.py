"""Phone intake (§ 101a stk. 3: contact by phone, anonymously): staff run the same screening
for a caller, read the code aloud once, and book a slot for them. Nothing about the caller is
stored beyond what the web flow stores; the case is marked as created by phone."""

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext

from app.auth import login_required, record
from app.context import get_db, now, settings
from app.screening_flow import ScreeningFlow, finish_screening, take_posted_answer
from app.session_keys import PHONE_CODE, PHONE_INTAKE
from app.slot_form import SlotForm, staff_slot_error
from app.staff.blueprint import bp, case_or_404
from booking import bookings, for_case, offers
from intake import cases, codes, screening
from intake.chat import ANSWERED, INVALID

PHONE_FLOW = ScreeningFlow(PHONE_INTAKE)


@bp.get("/phone")
@login_required("intake")
def phone():
    question = PHONE_FLOW.shown_question()
    if question is None:
        return render_template("staff_phone_result.html", assessment=PHONE_FLOW.assessment())
    return render_template("staff_phone.html", turn=None, **PHONE_FLOW.question_context(question))


@bp.post("/phone")
@login_required("intake")
def phone_answer():
    turn = take_posted_answer(PHONE_FLOW)
    if turn.kind == ANSWERED:
        return redirect(url_for(".phone"))
    question = PHONE_FLOW.posted_question() or PHONE_FLOW.shown_question()
    status = 400 if turn.kind == INVALID else 200
    return render_template("staff_phone.html", turn=turn, **PHONE_FLOW.question_context(question)), status


@bp.post("/phone/back")
@login_required("intake")
def phone_back():
    PHONE_FLOW.go_back()
    return redirect(url_for(".phone"))


@bp.get("/phone/restart")
@login_required("intake")
def confirm_phone_restart():
    """Discarding a caller's answers cannot be undone: ask first."""
    return render_template("staff_phone_restart.html")


@bp.post("/phone/restart")
@login_required("intake")
def phone_restart():
    PHONE_FLOW.discard()
    return redirect(url_for(".phone"))


@bp.post("/phone/case")
@login_required("intake")
def phone_create_case():
    try:
        created = finish_screening(PHONE_FLOW, created_via=cases.PHONE)
    except screening.AlreadyFinished:  # sent twice at once: the other request made the case and shows its code
        return redirect(url_for(".phone_code"))
    if created is None:
        return redirect(url_for(".phone"))
    case, code = created
    session[PHONE_CODE] = {"code": code, "referral_number": case.referral_number}
    record("phone_case_created", case.referral_number)
    return redirect(url_for(".phone_code"))


@bp.get("/phone/code")
@login_required("intake")
def phone_code():
    new = session.get(PHONE_CODE)
    if new is None:
        return redirect(url_for(".queue"))
    return render_template("staff_phone_code.html", code=codes.grouped(new["code"]), referral_number=new["referral_number"])


@bp.post("/phone/code")
@login_required("intake")
def phone_code_read():
    """The code has been read aloud: it is never shown again, to anybody."""
    new = session.pop(PHONE_CODE, None)
    if new is None:
        return redirect(url_for(".queue"))
    return redirect(url_for(".book_for_caller", referral_number=new["referral_number"]))


@bp.get("/cases/<referral_number>/book")
@login_required("intake")
def book_for_caller(referral_number):
    case = case_or_404(referral_number)
    config = settings()
    return render_template(
        "staff_slots.html",
        case=case,
        booking=None,
        action=url_for(".book_for_caller", referral_number=referral_number),
        offers=for_case.case_offers(get_db(), case, config.providers, now(), config.guarantee_days, config.booking),
    )


@bp.post("/cases/<referral_number>/book")
@login_required("intake")
def book_for_caller_post(referral_number):
    case = case_or_404(referral_number)
    config = settings()
    try:
        slot, mode = SlotForm().chosen(case)
        for_case.book_for_case(get_db(), case, slot, mode, now=now(), providers=config.providers, rules=config.booking,
                               guarantee_days=config.guarantee_days)
    except (offers.SlotNotOffered, bookings.SlotTaken) as error:
        flash(staff_slot_error(error), "error")
        return redirect(url_for(".book_for_caller", referral_number=referral_number))
    except bookings.AlreadyBooked:
        flash(gettext("This case already has a booking: move it instead."), "error")
        return redirect(url_for(".case", referral_number=referral_number))
    record("booking_made_for_caller", referral_number, slot.id)
    flash(gettext("Booked. Tell the caller the time and place."), "ok")
    return redirect(url_for(".case", referral_number=referral_number))

