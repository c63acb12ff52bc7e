"""Languages: nine of them (common.languages), Danish the default.

The language is chosen with a plain link that keeps the page (`?lang=en`): reading a page
must not start a session (GET never writes), so until the person first acts the choice
travels in the address, and every link and form on the page carries it on. The first POST that
carries it keeps it in the person's (server-side) session, and from then on it needs no
address. Nothing about the choice is stored before that, and no cookie is set.

Before any choice, a browser that asks for one of the languages (Accept-Language) gets it,
read afresh on every request, so that a person whose phone speaks Arabic meets Arabic on the
first page without writing anything; responses say they vary by that header.

How far each translation can be trusted is in translations/status.toml: a `drafted` one shows
a note on citizen pages, in that language, that it is new and unchecked.
"""

import tomllib
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache, partial
from pathlib import Path
from urllib.parse import urlencode

from babel import Locale, numbers
from babel.numbers import get_decimal_symbol
from flask import Flask, Request, has_request_context, request, session, url_for
from flask_babel import Babel, format_date, format_datetime, format_time, get_locale, get_translations, gettext
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup, escape
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from app.context import kept_for_request, this_request, this_session
from app.headers import vary_by
from app.multidicts import first
from app.session_keys import LANGUAGE
from common.languages import LANGUAGES, RIGHT_TO_LEFT

DEFAULT_LANGUAGE = "da"
TRANSLATIONS_DIR = Path(__file__).parents[1] / "translations"
TRANSLATION_STATES = ("source", "drafted", "reviewed")
QUERY_KEY = "lang"
#: Scores are shown to two decimals (DESIGN.md) and kept to four (intake.eligibility).
SCORE_DECIMALS = 2
KEPT_DECIMALS = 4
#: Translations a language's templates keep as markup (msgids are finite: more means a bug).
KEPT_TRANSLATIONS = 5000
#: Days and times formatted and kept per process, for each format function.
KEPT_FORMATS = 4096
#: Template globals that format for a language: a language's templates have them bound to its
#: locale (`language_globals`), so that a page does not ask Flask-Babel for the request's
#: locale (its look-up costs more than a kept value) at every value it shows.
LANGUAGE_FORMATS = ("format_date", "format_datetime", "format_time", "format_decimal")


def _language_in_address(answering: Request | None = None) -> str | None:
    """The language the address of `answering` (else this request) chooses, if any. An address
    without a query string chooses none, found without werkzeug's `args` (its descriptor and
    parser cost ~6 k instructions a call, and a page asks up to four times)."""
    if answering is None:
        answering = this_request()
    if not answering.environ.get("QUERY_STRING"):
        return None
    chosen = first(answering.args, QUERY_KEY, None)
    return chosen if chosen in LANGUAGES else None


def current_language() -> str:
    """The address's language, else the session's, else the browser's best, else Danish."""
    answering = this_request()
    chosen = _language_in_address(answering) or this_session().get(LANGUAGE)
    if chosen in LANGUAGES:
        return chosen
    return _browser_language(answering.environ.get("HTTP_ACCEPT_LANGUAGE", ""))


@lru_cache(maxsize=512)
def _browser_language(accept_language: str) -> str:
    """The best of our languages for an Accept-Language header: a phone sends the same one on
    every request, and parsing it is the dear part of choosing the language."""
    return parse_accept_header(accept_language, LanguageAccept).best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def _request_locale() -> Locale:
    """Flask-Babel's locale of the request: `current_language`, as a Locale made once per
    language (Flask-Babel would parse the code again on every request)."""
    return _locale(current_language())


def text_direction() -> str:
    """"rtl" for Arabic, Persian and Urdu, else "ltr": the `dir` of the page."""
    return "rtl" if current_language() in RIGHT_TO_LEFT else "ltr"


def translation_states(path: Path = TRANSLATIONS_DIR / "status.toml") -> dict[str, str]:
    """Each language's state ("source", "drafted" or "reviewed") from translations/status.toml;
    a language missing there, or a state not known, stops the start."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    states = {code: entry.get("state") for code, entry in data.items()}
    wrong = {code: states.get(code) for code in LANGUAGES if states.get(code) not in TRANSLATION_STATES}
    if wrong:
        raise ValueError(f"{path}: expected a state from {TRANSLATION_STATES} for {sorted(wrong)}, found {wrong}")
    return states


def language_choices() -> list[tuple[str, str, str]]:
    """(code, own name, link) of every language but the page's: the link is this page in that
    language (or the landing page, when this page cannot be fetched)."""
    shown = current_language()
    rule = request.url_rule
    if rule is None or "GET" not in rule.methods:
        return [(code, name, url_for("citizen.landing", **{QUERY_KEY: code}))
                for code, name in LANGUAGES.items() if code != shown]
    query = urlencode([(key, value) for key, value in request.args.items(multi=True) if key != QUERY_KEY])
    page = f"{request.path}?{query}&" if query else f"{request.path}?"
    return [(code, name, f"{page}{QUERY_KEY}={code}") for code, name in LANGUAGES.items() if code != shown]


def _catalogue():
    """The request's translations, looked up once: Flask-Babel works out the locale and domain
    again for every string a template translates (a third of a simple page's time)."""
    return kept_for_request("catalogue", get_translations)


class LazyWord(LazyString):
    """A word without variables, translated when shown (Flask-Babel's `lazy_gettext`, from the
    request's catalogue: `_catalogue`); it keeps its msgid, so that a language's templates can
    hold it already translated (`language_globals`)."""

    def __init__(self, message: str):
        super().__init__(_word, message)
        self.message = message


lazy_word = LazyWord


def _word(message: str) -> str:
    return _catalogue().ugettext(message) if has_request_context() else gettext(message)


@pass_eval_context
def _template_gettext(eval_ctx, message: str, **variables) -> str:
    """`_()` in a template, as Jinja's newstyle gettext renders it (the translation is markup,
    formatted with escaped variables, even without any), in one call where Jinja's alias makes three."""
    return _markup_gettext(_catalogue(), eval_ctx, message, variables)


def _markup_gettext(translations, eval_ctx, message: str, variables: dict) -> str:
    translated = translations.ugettext(message)
    return _formatted(Markup(translated) if eval_ctx.autoescape else translated, variables)


#: Values a translation formats as numbers (`%(n)d`): left as they are, where any other value is escaped.
NUMBERS = (int, float, Decimal)


def _formatted(translated: str, variables: dict) -> str:
    """`translated % variables`, as Jinja's newstyle gettext does; a text with no % sign and no
    variables is as it stands (formatting it would cost more than the rest). Markup's own `%`
    wraps each value in a helper object that escapes it on use (four Python calls a value, a
    fifth of the case page's rendering): here each value is escaped first and the text
    formatted as plain text, to the same markup."""
    if not variables:
        return translated % variables if "%" in translated else translated
    if not isinstance(translated, Markup):
        return translated % variables
    escaped = {name: value if isinstance(value, NUMBERS) else escape(value) for name, value in variables.items()}
    return Markup(str.__mod__(translated, escaped))


def language_globals(language: str, translations, shared: dict) -> dict:
    """Template globals bound to one language once, for the templates compiled for it
    (`app.translated_templates`), instead of looking the language up on every use: `_`,
    `format_score`, the `LANGUAGE_FORMATS`, and every table of `lazy_word`s among the `shared`
    globals, translated (as markup, as a lazy word renders)."""
    sign = get_decimal_symbol(language)
    markup: dict[str, Markup] = {}  # each msgid's translation as markup, made once

    @pass_eval_context
    def template_gettext(eval_ctx, message: str, **variables) -> str:
        if not eval_ctx.autoescape:
            return _markup_gettext(translations, eval_ctx, message, variables)
        translated = markup.get(message)
        if translated is None:
            if len(markup) >= KEPT_TRANSLATIONS:
                markup.clear()
            translated = markup[message] = Markup(translations.ugettext(message))
        return _formatted(translated, variables)

    locale = _locale(language)
    bound = {"_": template_gettext, "format_score": lambda score, limit: _score_text(score, limit, sign),
             **{name: partial(shared[name], locale=locale) for name in LANGUAGE_FORMATS if name in shared}}
    for name, value in shared.items():
        # type(), not isinstance(): a LocalProxy global (`settings`) would be looked up to answer that
        if type(value) is dict and value and all(isinstance(word, LazyWord) for word in value.values()):
            bound[name] = {key: Markup(translations.ugettext(word.message)) for key, word in value.items()}
    return bound


def translate(message: str, params: dict | None = None) -> str:
    """Translate a msgid that came from a domain package (marked there with N_)."""
    return gettext(message, **(params or {}))


def phone_number(number: str) -> Markup:
    """A phone number kept left to right where it stands in a sentence: in Arabic, Persian or
    Urdu text "70 201 201" would otherwise be shown as "201 201 70"."""
    return Markup('<bdi dir="ltr">{}</bdi>').format(number)


def shown_score(score: float, limit: float) -> Decimal:
    """`score` rounded half away from zero to two decimals, or to as many more (up to the four it
    is kept to) as it takes not to look equal to `limit` when it is not: 0.302 beside "above
    0.30" is shown as 0.302, never 0.30; 0.305 as 0.31."""
    exact, bound = Decimal(str(score)), Decimal(str(limit))
    for step in _STEPS:
        shown = exact.quantize(step, rounding=ROUND_HALF_UP)
        if shown != bound or exact == bound:
            break
    return shown


#: 0.01, 0.001, 0.0001: the steps `shown_score` rounds to, coarsest first.
_STEPS = tuple(Decimal(1).scaleb(-places) for places in range(SCORE_DECIMALS, KEPT_DECIMALS + 1))


def format_score(score: float, limit: float) -> str:
    """A composite or combined score for a page, in the page's language, by `shown_score`
    (a language's templates have it bound to that language: `language_globals`)."""
    return _score_text(score, limit, get_decimal_symbol(get_locale()))


@lru_cache(maxsize=4096)
def _score_text(score: float, limit: float, decimal_sign: str) -> str:
    """Kept per process like `_formatted_decimal`: scores are kept to four decimals, and a
    result page shows eight of them (3 µs apiece through `Decimal`)."""
    return str(shown_score(score, limit)).replace(".", decimal_sign)


def format_decimal(number, format: str | None = None, *, locale: Locale | None = None) -> str:
    """Flask-Babel's `format_decimal`, each number, format and language formatted once per
    process (a page shows the same few numbers, such as the score limit, again and again);
    `locale` as for `_kept_per_language`."""
    return _formatted_decimal(number, format, locale or get_locale())


@lru_cache(maxsize=1024)
def _formatted_decimal(number, format: str | None, locale: Locale) -> str:
    return numbers.format_decimal(number, format=format, locale=locale)


def _kept_per_language(formatter):
    """Flask-Babel's `formatter` (format_date, format_datetime, format_time) for templates, each
    value, format and language formatted once per process: many people's pages show the same
    days and slot times, and Babel takes 10 to 20 µs a value. (The time zone shown is always
    Europe/Copenhagen, DESIGN.md. No value means "now" to Flask-Babel, which is never kept.)"""

    kept: dict = {}

    def format_kept(value, format=None, *, locale: Locale | None = None):
        """`locale`: the language of the page's templates (`language_globals`), else the request's."""
        if value is None:
            return formatter(value, format)
        if locale is None:
            locale = get_locale()
        key = (value, format, locale)
        found = kept.get(key)
        if found is None:
            found = formatter(value, format)  # in the request's locale: kept only when that is `locale`
            if locale == get_locale():
                if len(kept) >= KEPT_FORMATS:
                    kept.clear()
                kept[key] = found
        return found

    return format_kept


def install_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Copenhagen")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path + "/../translations"))
    Babel(app, locale_selector=_request_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalogue().ugettext(s),
        ngettext=lambda s, p, n: _catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: _catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalogue().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals["_"] = _template_gettext

    @app.url_defaults
    def carry_language(endpoint, values):
        """Links and form actions keep a language chosen in the address."""
        chosen = _language_in_address()
        if chosen and endpoint != "static":
            values.setdefault(QUERY_KEY, chosen)

    @app.after_request
    def vary_by_language(response):
        """A page without a chosen language follows the browser's: caches must tell them apart."""
        vary_by("Accept-Language")
        return response

    @app.before_request
    def keep_language():
        """The first act (a POST) keeps a language chosen in the address in the session."""
        answering = this_request()
        if answering.method != "POST":
            return
        chosen = _language_in_address(answering)
        if chosen and session.get(LANGUAGE) != chosen:
            session[LANGUAGE] = chosen

    states = translation_states()
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        phone_number=phone_number,
        current_language=current_language,
        text_direction=text_direction,
        translation_drafted=lambda: states[current_language()] == "drafted",
        language_choices=language_choices,
        translate=translate,
        format_date=_kept_per_language(format_date),
        format_datetime=_kept_per_language(format_datetime),
        format_time=_kept_per_language(format_time),
        format_decimal=format_decimal,
        format_score=format_score,
    )
