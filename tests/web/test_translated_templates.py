"""Templates compiled per language with their words translated (app.translated_templates)."""

import datetime as dt
import re
from decimal import Decimal
from functools import partial

import pytest
from flask import render_template_string
from jinja2 import nodes, pass_context, pass_environment
from markupsafe import Markup

from app.i18n import language_globals, lazy_word
from app.translated_templates import with_translations_written_in

from builders import visible_text
from citizen_client import Citizen


class Words:
    """A catalogue that knows a few words."""

    KNOWN = {"Start": "Begynd", "Cost": "100%% gratis", "Odd": "50% & <b>", "Braces": "{{ not code }}",
             "On %(day)s at %(place)s": "At %(place)s <b>on</b> %(day)s", "%(share)s free": "%(share)s%% gratis",
             "Twice %(n)s": "%(n)s and %(n)s", "Count %(n)s": "Tæl %(n)d"}

    def ugettext(self, message):
        return self.KNOWN.get(message, message)


def _words_written_in(app, source: str) -> tuple:
    """`source` compiled with the words of `Words` written in, as a language's templates are:
    (the template, whether a call of `_` is left in it for the render)."""
    environment = app.jinja_env
    parsed = with_translations_written_in(environment.parse(source), Words(), environment)
    left = any(isinstance(call.node, nodes.Name) and call.node.name == "_" for call in parsed.find_all(nodes.Call))
    return environment.from_string(parsed), left


#: Templates in which each call of `_` is written in, with what they are rendered with.
WRITTEN_IN = [
    ('<a>{{ _("Start") }}</a><p>{{ _(\'Cost\') }}</p><i>{{ _("Braces") }}</i><b>{{ _("Unknown") }}</b>', {}),
    ('{{ _("On %(day)s at %(place)s", day=day, place=place) }}', {"day": "<i>", "place": Markup("<b>kept</b>")}),
    ('{{ _("On %(day)s at %(place)s", place=place, day=day|upper) }}', {"day": 3, "place": 2.5}),
    ('{{ _("%(share)s free", share=share) }}', {"share": Decimal("0.30")}),
    ('{{ _("On %(day)s at %(place)s", day=day, place=none) }}|{{ _("Unknown %(x)s", x=missing) }}', {"day": dt.date(2026, 12, 6)}),
    ('{% autoescape false %}{{ _("On %(day)s at %(place)s", day="<i>", place=place) }}{% endautoescape %}', {"place": "&"}),
    ('{% for n in [1, 2] %}{% if n > 1 %}<p>{{ _("Start") }} {{ _("Unknown %(x)s", x=loop.index) }}</p>{% endif %}{% endfor %}', {}),
]

#: Templates with a call of `_` left for the render: one that cannot be written in exactly.
LEFT = [
    '{{ _("Count %(n)s", n=3) }}',  # %d: a number format
    '{{ _("Twice %(n)s", n=3) }}',  # a variable twice: its expression would be worked out twice
    '{{ _("Start %(n)s", n=1, m=2) }}',  # a variable the text does not use: never worked out
    '{{ _("Odd") }}',  # a stray % sign
    '{{ _("Start %(n)s", **{"n": 1}) }}',
    '{{ _(word) }}',
    '{{ _("Start") ~ "!" }}',
    '{% set _ = upper %}{{ _("Start") }}',
    '{% macro m(_) %}{{ _("Start") }}{% endmacro %}{{ m(upper) }}',
]


@pytest.mark.parametrize(("source", "variables"), WRITTEN_IN)
def test_a_call_of_the_underscore_is_written_in_as_the_call_would_render_it(app, source, variables):
    """As Jinja's newstyle gettext renders it: the translation as markup, each variable escaped
    (markup as it is) where the text says `%(name)s`, and `%%` as `%`."""
    written_in, left = _words_written_in(app, source)
    assert not left
    translate = language_globals("en", Words(), {})["_"]
    with app.test_request_context("/"):
        expected = app.jinja_env.from_string(source).render(_=translate, **variables)
        assert written_in.render(**variables) == expected


@pytest.mark.parametrize("source", LEFT)
def test_a_call_that_cannot_be_written_in_exactly_is_left_for_the_render(app, source):
    _written_in, left = _words_written_in(app, source)
    assert left


def test_a_languages_compiled_pages_look_up_no_word_when_rendered(client):
    """The status page and the result (each with the assessment inlined) as Danish compiles them:
    every word written in, with or without variables (the first contact, the decision's day and
    place, the combined score), so the compiled code never calls `_`."""
    client.get("/")
    environment = client.application.jinja_env._languages["da"]
    for name, words in (("status.html", "Første henvendelse: "), ("result.html", "Samlet ASI-score (gennemsnittet")):
        code = environment.compile(environment.loader.get_source(environment, name)[0], name, raw=True)
        assert words in code
        assert "name='_'" not in code, name


def test_each_language_gets_its_own_words_in_one_process(client):
    for _ in range(3):
        danish = visible_text(client.get("/").get_data(as_text=True))
        english = visible_text(client.get("/?lang=en").get_data(as_text=True))
        assert "Luk hurtigt" in danish and "Quick exit" not in danish
        assert "Quick exit" in english and "Luk hurtigt" not in english


def test_a_languages_templates_hold_its_words_and_number_format_bound_to_it():
    shared = {"AREA_NAMES": {"drug": lazy_word("Start")}, "LANGUAGES": {"da": "Dansk"}, "empty": {}}
    bound = language_globals("en", Words(), shared)
    assert bound["AREA_NAMES"] == {"drug": "Begynd"}
    assert "LANGUAGES" not in bound and "empty" not in bound  # not tables of words
    assert bound["format_score"](0.305, 0.3) == "0.31"  # the language's decimal sign
    assert language_globals("da", Words(), shared)["format_score"](0.305, 0.3) == "0,31"


def test_a_languages_underscore_renders_as_jinjas_newstyle_gettext(app):
    translate = language_globals("en", Words(), {})["_"]
    template = app.jinja_env.from_string("{{ t('Start') }}|{{ t('Cost') }}|{{ t('Odd %(x)s', x='<i>') }}|{{ t('Unknown') }}")
    assert template.render(t=translate) == "Begynd|100% gratis|Odd &lt;i&gt;|Unknown"


@pytest.mark.parametrize(("message", "variables"), [
    ("Odd %(x)s and %(y)s", {"x": "<i>", "y": Markup("<b>kept</b>")}),
    ("%(n)d of %(total)d, %(share).1f%%", {"n": 3, "total": Decimal("49"), "share": 6.25}),
    ("On %(day)s: %(what)s", {"day": dt.date(2026, 12, 6), "what": lazy_word("Start")}),
    ("%(n)s &", {"n": 0}),
])
def test_a_word_with_variables_is_formatted_as_jinjas_newstyle_gettext_formats_it(app, message, variables):
    """Variables escaped (markup as it is), numbers formatted as numbers: as markupsafe's `%`."""
    translate = language_globals("en", Words(), {})["_"]
    template = "{{ t(message, **variables) }}"
    with app.test_request_context("/"):
        ours = app.jinja_env.from_string(template).render(t=translate, message=message, variables=variables)
    assert ours == Markup(message) % variables


def test_the_result_page_shows_words_and_scores_in_the_chosen_language(make_app):
    citizen = Citizen(make_app().test_client())
    citizen.finish_screening()
    for language, area, sign in (("en", "Mental health", "."), ("da", "Psykisk helbred", ","), ("en", "Mental health", ".")):
        page = citizen.client.get(f"/result?lang={language}").get_data(as_text=True)
        assert area in page
        assert re.search(rf'class="area-score">0\{sign}\d', page)


def test_a_kept_date_format_follows_the_language(app):
    day = dt.date(2026, 12, 24)
    shown = []
    for language in ("da", "en", "da"):
        with app.test_request_context(f"/?lang={language}"):
            shown.append(render_template_string("{{ format_date(day, format='long') }}", day=day))
    assert shown == ["24. december 2026", "December 24, 2026", "24. december 2026"]


def test_a_languages_templates_format_days_and_numbers_in_it(app):
    """A language's templates have the formats bound to its locale (no look-up of the request's
    locale per value); a value formatted first under a request in another language is not kept
    for it (Flask-Babel formats in the request's locale)."""
    day, moment = dt.date(2026, 12, 24), dt.datetime(2026, 12, 24, 13, 30, tzinfo=dt.UTC)
    english = language_globals("en", Words(), app.jinja_env.globals)
    with app.test_request_context("/?lang=da"):
        english["format_date"](day, format="long")
        english["format_datetime"](moment, format="EEEE d. MMMM, HH:mm")
    with app.test_request_context("/?lang=en"):
        assert english["format_date"](day, format="long") == "December 24, 2026"
        assert english["format_datetime"](moment, format="EEEE d. MMMM, HH:mm") == "Thursday 24. December, 14:30"
        assert english["format_decimal"](0.3, format="0.00") == "0.30"
    with app.test_request_context("/?lang=da"):
        assert language_globals("da", Words(), app.jinja_env.globals)["format_decimal"](0.3, format="0.00") == "0,30"


class _Counter:
    """A callable object, and a method marked to take the context."""

    def __call__(self, value):
        return f"object {value}"

    @pass_context
    def named(self, context, value):
        return f"{context['name']} {value}"


def _raises_stop(value):
    raise StopIteration


def test_a_template_calls_plain_callables_directly_and_others_as_jinja_does(app):
    """`DirectCallContext`: a function, partial, method or built-in is called at once, never with
    the loop's or block's own arguments; one marked to take the context, environment or
    evaluation context still gets it; a callable object and a StopIteration go Jinja's way."""
    template = ("{% for n in [1] %}{{ plain(n) }}|{{ part(n) }}|{{ counter.named(n) }}|{{ counter(n) }}|"
                "{{ context_name(n) }}|{{ env_has_globals(n) }}|{{ stops(n) is undefined }}|{{ builtin([2, 1]) }}{% endfor %}")
    with app.test_request_context("/"):
        shown = render_template_string(
            template, name="ctx", counter=_Counter(), stops=_raises_stop, builtin=sorted,
            plain=lambda value, **extra: f"plain {value} {sorted(extra)}",
            part=partial(lambda prefix, value, **extra: f"{prefix} {value} {sorted(extra)}", "partial"),
            context_name=pass_context(lambda context, value: f"{context['name']} {value}"),
            env_has_globals=pass_environment(lambda environment, value: "url_for" in environment.globals))
    assert shown == "plain 1 []|partial 1 []|ctx 1|object 1|ctx 1|True|True|[1, 2]"
