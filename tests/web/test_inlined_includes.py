"""An include compiled into the including template renders what Jinja's include renders
(app.inlined_includes)."""

import pytest
from jinja2 import DictLoader, Environment

from app.inlined_includes import with_includes_inlined

TEMPLATES = {
    "row.html": "<li>{{ name }}={{ value }}{% set value = 'changed' %}{{ value }}</li>",
    "list.html": "<ul>{% for name in names %}{% include 'row.html' %}{% endfor %}</ul>",
    "outer.html": "[{% include 'list.html' %}|{% include 'macro.html' %}]",
    "macro.html": "{% macro shout(word) %}{{ word|upper }}!{% endmacro %}{{ shout(name) }}",
    "recursive.html": "{{ depth }}{% if depth %}{% with depth = depth - 1 %}{% include 'recursive.html' %}{% endwith %}{% endif %}",
    "with_block.html": "<{% block inner %}block {{ name }}{% endblock %}>",
    "escaped.html": "{{ value }}",
    "outer_loop.html": "{{ loop.index if loop is defined else 'no loop' }}{{ caller is defined }}{{ self is defined }}",
    "own_loop.html": "{% for n in names %}{{ loop.index }}{% if loop.last %}.{% endif %}{% endfor %}",
}

PAGES = {
    "page variables, loop and with names": "{% for name in names %}{% with value = loop.index %}{% include 'row.html' %}{% endwith %}{% endfor %}",
    "a set inside stays inside": "{% set value = 'page' %}{% include 'row.html' %}{{ value }}",
    "nested includes and a macro": "{% include 'outer.html' %}{{ name }}",
    "an include of itself": "{% include 'recursive.html' %}",
    "a template with a block": "{% include 'with_block.html' %}",
    "ignore missing": "{% include 'missing.html' ignore missing %}{% include 'row.html' ignore missing %}",
    "without context": "{% include 'escaped.html' without context %}|{% include 'escaped.html' %}",
    "a name from a variable": "{% include chosen %}",
    "escaping": "{% include 'escaped.html' %}",
    "the includer's loop": "{% for name in names %}{% include 'outer_loop.html' %}{% endfor %}",
    "a loop of its own": "{% for name in names %}{% include 'own_loop.html' %}{% endfor %}",
}

VALUES = {"names": ["a", "<b>"], "name": "n", "value": "<v>", "depth": 2, "chosen": "escaped.html"}


class InliningEnvironment(Environment):
    """A plain Jinja environment compiling as the app's does."""

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        if isinstance(source, str):
            source = with_includes_inlined(self, self.parse(source, name, filename), name)
        return super().compile(source, name, filename, raw, defer_init)


def _environments():
    return (kind(loader=DictLoader({**TEMPLATES, **{f"{i}.html": page for i, page in enumerate(PAGES.values())}}),
                 autoescape=True) for kind in (Environment, InliningEnvironment))


@pytest.mark.parametrize("number", range(len(PAGES)), ids=list(PAGES))
def test_an_inlined_include_renders_what_jinjas_include_renders(number):
    jinjas, inlining = (environment.get_template(f"{number}.html").render(VALUES) for environment in _environments())
    assert inlining == jinjas


@pytest.mark.parametrize(("page", "left_to_jinja"), [
    ("nested includes and a macro", ()),
    ("a set inside stays inside", ()),
    ("an include of itself", ("recursive.html",)),
    ("a template with a block", ("with_block.html",)),
    ("ignore missing", ("missing.html", "row.html")),
    ("without context", ("escaped.html",)),
    ("a name from a variable", ()),
    ("the includer's loop", ("outer_loop.html",)),
    ("a loop of its own", ()),
])
def test_only_a_constant_include_with_the_page_s_context_of_a_template_without_blocks_is_inlined(page, left_to_jinja):
    """...and without a name Jinja gives a loop, macro or template of its own (`loop` outside the
    included template's loops, `caller`, `self`): an include does not see the includer's."""
    _jinjas, inlining = _environments()
    number = list(PAGES).index(page)
    code = inlining.compile(inlining.loader.get_source(inlining, f"{number}.html")[0], f"{number}.html", raw=True)
    included = {name for name in TEMPLATES if f"get_template('{name}'" in code} | (
        {"missing.html"} if "get_template('missing.html'" in code else set())
    assert included == set(left_to_jinja)
    assert ("get_or_select_template((undefined(name='chosen')" in code) == (page == "a name from a variable")


def test_the_result_and_the_case_page_render_their_assessment_without_an_include(app):
    with app.test_request_context("/"):
        environment = app.jinja_env._for_request()
        for name in ("result.html", "status.html"):
            source = environment.loader.get_source(environment, name)[0]
            code = environment.compile(source, name, raw=True)
            assert 'class="scores"' in code and "get_template('_assessment.html'" not in code
