"""The municipal administrator's pages: a home page and the audit log (admin only)."""

import datetime as dt

from flask import Response, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DateRange, Length, NumberRange, Optional

from accounts import accounts
from accounts import audit as audit_log
from app.admin import chart
from app.admin.blueprint import bp
from app.auth import login_required, record
from app.context import get_db, settings, today
from app.forms import Form, PageField
from app.words import AUDIT_ACTIONS
from common.clock import COPENHAGEN
from stats import monthly

#: Dates the audit filter accepts: wider than any audit log, narrow enough that a day's start in
#: Copenhagen and the day after are representable.
FILTER_DATES = DateRange(min=dt.date(2000, 1, 1), max=dt.date(2999, 12, 31),
                         message=_l("Choose a date from the year 2000 on."))


class AuditFilterForm(Form):
    """The audit log's filters, read from the query string."""

    username = StringField(_l("Username"), validators=[Optional(), Length(max=100)])
    referral = StringField(_l("Referral number"), validators=[Optional(), Length(max=40)])
    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=False)
    since = DateField(_l("From (date)"), validators=[Optional(), FILTER_DATES])
    until = DateField(_l("To (date, included)"), validators=[Optional(), FILTER_DATES])
    page = PageField(validators=[Optional(), NumberRange(min=1, max=1_000_000)])


@bp.get("/")
@login_required("admin")
def home():
    return render_template("admin_home.html")


@bp.get("/audit")
@login_required("admin")
def audit():
    db = get_db()
    form = AuditFilterForm(request.args)
    form.action.choices = [("", gettext("Any action"))] + [(action, AUDIT_ACTIONS.get(action, action))
                                                         for action in audit_log.audit_actions(db)]
    form.validate()
    audit_filter = _audit_filter(form)
    page = audit_log.audit_page(db, audit_filter, page=_valid(form.page) or 1)
    record("audit_viewed", referral_number=audit_filter.referral_number, detail=_describe(audit_filter))
    filters = {key: value for key, value in request.args.items() if key != "page" and value and key in form._fields}
    return render_template("admin_audit.html", form=form, page=page, filters=filters)


def _audit_filter(form: AuditFilterForm) -> audit_log.AuditFilter:
    """Only the fields that are valid; days are whole days in Danish time."""
    since, until = _valid(form.since), _valid(form.until)
    return audit_log.AuditFilter(
        username=accounts.normalise_username(_valid(form.username) or "") or None,
        referral_number=(_valid(form.referral) or "").strip().upper() or None,
        action=_valid(form.action) or None,
        since=_start_of(since) if since else None,
        before=_start_of(until + dt.timedelta(days=1)) if until else None,
    )


def _valid(field):
    return None if field.errors else field.data


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), COPENHAGEN)


def _describe(audit_filter: audit_log.AuditFilter) -> str | None:
    parts = [f"username={audit_filter.username}" if audit_filter.username else "",
             f"action={audit_filter.action}" if audit_filter.action else "",
             f"since={audit_filter.since.date()}" if audit_filter.since else "",
             f"before={audit_filter.before.date()}" if audit_filter.before else ""]
    return " ".join(part for part in parts if part) or None



@bp.get("/stats")
@login_required("admin")
def stats():
    report = _month_report()
    record("statistics_viewed", detail=f"{report.year:04d}-{report.month:02d}")
    charts = {scope: Markup(_chart(figures, title)) for scope, figures, title in _scopes(report)}
    return render_template("admin_stats.html", report=report, charts=charts, scopes=_scopes(report),
                           month_start=dt.date(report.year, report.month, 1))


@bp.get("/stats.csv")
@login_required("admin")
def stats_csv():
    report = _month_report()
    record("statistics_downloaded", detail=f"{report.year:04d}-{report.month:02d}")
    name = f"statistik-{report.year:04d}-{report.month:02d}.csv"
    return Response("\ufeff" + monthly.statistics_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _month_report() -> monthly.MonthStatistics:
    """?month=YYYY-MM, else this month (Danish time)."""
    try:
        chosen = dt.datetime.strptime(request.args.get("month", ""), "%Y-%m").date()
    except ValueError:
        chosen = today()
    every_provider = (*settings().providers, *settings().retired_providers)  # a retired one's past months count
    return monthly.month_statistics(get_db(), chosen.year, chosen.month, [p.id for p in every_provider])


def _scopes(report):
    """(scope key, figures, title): the whole municipality, then each provider."""
    return [("all", report.overall, gettext("All providers"))] + [
        (provider_id, figures, _provider_name(provider_id)) for provider_id, figures in report.providers
    ]


def _provider_name(provider_id: str) -> str:
    provider = settings().provider(provider_id)
    return provider.name if provider else provider_id


def _chart(figures, title: str) -> str:
    pairs = [(gettext(f.label), f.value) for f in figures if f.key not in monthly.CONVERSATION_FIGURES and f.shown != monthly.WITHHELD]
    return chart.bar_chart_svg(pairs, title)
