"""Provider staff: their own referrals by referral number, attendance, self-visitation
(§ 101a stk. 5) and the monthly invoice basis (seed 000). Never a citizen's code, never answers
beyond the composites."""

import datetime as dt

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length, Optional

from app.auth import login_required, record
from app.context import get_db, now, settings, today, vault
from app.forms import Form
from app.provider.blueprint import bp
from app.words import SELF_VISIT_REFUSALS, SESSION_PROBLEMS
from intake.cases import case_id_for_referral, load_case
from store.transaction import snapshot
from treatment import conversation, courses, decisions, invoice, referrals, self_visitation


class DayForm(Form):
    day = DateField(validators=[InputRequired()])
    outcome = StringField(validators=[Optional(), Length(max=40)])

@bp.get("/")
@login_required("provider")
def referrals_list():
    db = get_db()
    page = referrals.provider_referrals(db, g.account.provider_id, request.args.get("page", 1, type=int))
    items = [(row["referral_number"], _course(row["case_id"]), decisions.decision_for(db, row["case_id"]),
              referrals.provider_booking(db, g.account.provider_id, row["case_id"])) for row in page.rows]
    record("referrals_viewed")
    return render_template("provider_referrals.html", items=items, page=page, provider=_provider())


@bp.get("/referrals/<referral_number>")
@login_required("provider")
def referral(referral_number):
    case = _own_case(referral_number)
    record("case_viewed", referral_number)
    with snapshot(get_db()) as db:  # a change committed meanwhile shows whole on the next look, not half now
        read = {
            "booking": referrals.provider_booking(db, g.account.provider_id, case.id),
            "decision": decisions.decision_for(db, case.id),
            "course": _course(case.id),
            "self_visit_offered": self_visitation.open_to_provider(db, case.id, now()),
            "conversation_starts": conversation.decision_opens_at(db, case.id, now()),
        }
    return render_template(
        "provider_referral.html",
        case=case,
        **read,
        today=today(),
        provider=_provider(),
    )


@bp.post("/referrals/<referral_number>/sessions")
@login_required("provider")
def record_session(referral_number):
    case = _own_case(referral_number)
    form = DayForm()
    if not form.validate():
        return _choose_a_day(referral_number)
    outcome = form.outcome.data or ""
    try:
        courses.record_session(get_db(), case.id, g.account.provider_id, form.day.data, outcome, today(),
                               settings().course)
    except courses.NotYourCourse:
        abort(404)
    except courses.InvalidSession as error:
        flash(str(SESSION_PROBLEMS.get(error.reason, error.reason)), "error")
    except (courses.NoCourse, courses.CourseClosed):
        flash(gettext("There is no open course to record attendance for."), "error")
    else:
        record("attendance_recorded", referral_number, outcome)
        flash(gettext("Attendance recorded."), "ok")
    return redirect(url_for(".referral", referral_number=referral_number))


@bp.post("/referrals/<referral_number>/closing")
@login_required("provider")
def closing_conversation(referral_number):
    case = _own_case(referral_number)
    form = DayForm()
    if not form.validate():
        return _choose_a_day(referral_number)
    try:
        courses.record_closing_conversation(get_db(), case.id, g.account.provider_id, form.day.data)
    except courses.NotYourCourse:
        abort(404)
    except courses.CourseError:
        flash(gettext("The closing conversation could not be recorded for that day."), "error")
    else:
        record("closing_conversation_recorded", referral_number)
        flash(gettext("Closing conversation recorded."), "ok")
    return redirect(url_for(".referral", referral_number=referral_number))


@bp.post("/referrals/<referral_number>/self-visit")
@login_required("provider")
def self_visit(referral_number):
    case = _own_case(referral_number)
    config = settings()
    combined = case.assessment.combined
    try:
        self_visitation.self_visit(
            get_db(),
            case.id,
            g.account.provider_id,
            combined if combined is not None else float("nan"),  # under 18: never self-visited
            config.burden_limit,
            config.course.self_visitation_per_year,
            today(),
            now=now(),
        )
    except conversation.ConversationNotHeld:
        flash(str(SELF_VISIT_REFUSALS["conversation_not_held"]), "error")
        record("self_visitation_refused", referral_number, "conversation_not_held")
    except self_visitation.MunicipalityMustDecide as refusal:
        flash(str(SELF_VISIT_REFUSALS[refusal.reason]), "error")
        record("self_visitation_refused", referral_number, refusal.reason)
    except courses.CourseExists:
        flash(gettext("This person already has a course."), "error")
    else:
        record("self_visitation", referral_number)
        flash(gettext("Course granted by your own visitation."), "ok")
    return redirect(url_for(".referral", referral_number=referral_number))


@bp.get("/invoice")
@login_required("provider")
def invoice_page():
    year, month = _month()
    basis = _basis(year, month)
    record("invoice_viewed", detail=f"{year:04d}-{month:02d}")
    return render_template("provider_invoice.html", basis=basis, year=year, month=month, provider=_provider(),
                           month_start=dt.date(year, month, 1))


@bp.get("/invoice.csv")
@login_required("provider")
def invoice_csv():
    year, month = _month()
    record("invoice_downloaded", detail=f"{year:04d}-{month:02d}")
    name = f"fakturagrundlag-{g.account.provider_id}-{year:04d}-{month:02d}.csv"
    basis = _basis(year, month)
    return Response("\ufeff" + invoice.invoice_csv(basis), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _choose_a_day(referral_number):
    flash(gettext("Choose a day."), "error")
    return redirect(url_for(".referral", referral_number=referral_number))


def _basis(year, month):
    """The month's basis; 404 for a month before the first rate in the configuration."""
    config = settings()
    try:
        return invoice.invoice_basis(get_db(), g.account.provider_id, year, month, config.rates, _provider().name,
                                     config.course)
    except invoice.NoRate:
        abort(404)


def _course(case_id):
    """The case's course if this provider holds it (another provider's course is not shown)."""
    return referrals.provider_course(get_db(), g.account.provider_id, case_id, today(), settings().course)


def _provider():
    return settings().provider(g.account.provider_id)


def _own_case(referral_number):
    """The case, if it is this provider's referral; otherwise 404 (never hint that it exists)."""
    case_id = case_id_for_referral(get_db(), referral_number)
    if case_id is None or not referrals.is_provider_referral(get_db(), g.account.provider_id, case_id):
        abort(404)
    return load_case(get_db(), vault(), case_id)


def _month() -> tuple[int, int]:
    """?month=YYYY-MM, else the previous month (what is invoiced at the start of a month)."""
    text = request.args.get("month", "")
    try:
        chosen = dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        chosen = today().replace(day=1) - dt.timedelta(days=1)
    return chosen.year, chosen.month
