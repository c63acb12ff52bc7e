"""Parts of a citizen page rendered once and kept: `{% cache key %}...{% endcache %}`.

The frame of every citizen page (the head, the header with the language picker and quick exit,
the footer) holds no person's data: it is the same for every request with the same language,
address and script root, yet rendering it (an include, eight links, a dozen calls) cost a third
of a page. `page_frame()` is that key; a part is rendered the first time its key is seen and
written from memory afterwards. The tag is Jinja's documented fragment-cache extension, kept in
a bounded table in the process instead of an external cache.

A question's page keeps three more parts the same way: its progress line (keyed by where in the
questions one is), the fieldset of a question not yet answered (keyed by the question and the
options offered) and the link back (keyed by the question before): `_progress.html`,
`_answer_form.html`, `chat.html`. As it is first asked (no reply, no earlier answer), the
question's whole page is kept under all of those: `{% cache key, csrf_field() %}` keeps it as the
pieces around the person's CSRF field, and puts the field of the request at hand back between
them. The result and the case's page keep each scored area (keyed by the area, its score and the
limit, never by whose it is; `scored_areas`, in one call for the seven) and the explanation of
the scores: `_assessment.html`. The result keeps its next step and its link back to the last
question (keyed by that question), the case's page its links (to book, change or cancel a
booking, delete the data or leave), which are the same for everyone.

Only what is the same for everyone with the same key may go in such a block (or is the value
named after the key, which is left out), and the key must hold all it shows. Nothing that tells
whose page it is goes in a key: no answer, code, CSRF token or time; one area's score (shared by
many, kept in memory only, like a score's formatted text) is the most a key holds of a person's
screening. tests/web/test_page_parts.py walks random screenings and compares every page shown
(questions, result, case) with the page rendered from an empty table.
"""

from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup

from app.context import this_app, this_request
from app.i18n import current_language

#: Parts kept per process before the table starts afresh (each address has three).
KEPT_PARTS = 3000


class PagePartCache(Extension):
    """`{% cache key %}body{% endcache %}`: the body rendered once per key; a key that is None
    or false (a condition that did not hold, a name a page does not set) renders it every time.
    `{% cache key, own %}` keeps the body without the markup `own` and shows it with this
    request's `own` in its places.

    A kept part is found without a call: the tag compiles to `{% if key in parts %}{{ parts[key]
    }}{% else %}...{% endif %}` (Jinja sends every call in a template through its context, and a
    block through a macro object: three of them a page cost more than the lookups they guard)."""

    tags = {"cache"}

    def __init__(self, environment):
        super().__init__(environment)
        environment.extend(page_parts={})
        # a plain attribute, read twice per part: each language's environment binds a copy of this
        # extension that shares the one table
        self.parts = environment.page_parts

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        key_expression = parser.parse_expression()
        own_expression = parser.parse_expression() if parser.stream.skip_if("comma") else None
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        key, own, rendered = (f"_page_part_{role}_{lineno}" for role in ("key", "own", "rendered"))
        parts = nodes.ExtensionAttribute(self.identifier, "parts")
        kept = nodes.Getitem(parts, nodes.Name(key, "load"), "load")
        keeping = [nodes.Name(key, "load"), nodes.Name(rendered, "load")]
        statements = [nodes.Assign(nodes.Name(key, "store"), key_expression)]
        if own_expression is not None:
            statements.append(nodes.Assign(nodes.Name(own, "store"), own_expression))
            kept = self.call_method("_rejoined", [kept, nodes.Name(own, "load")])
            keeping.append(nodes.Name(own, "load"))
        return [
            *statements,
            nodes.If(
                nodes.Compare(nodes.Name(key, "load"), [nodes.Operand("in", parts)]),
                self._unescaped(nodes.Output([kept]), parser.name),
                [],
                [nodes.AssignBlock(nodes.Name(rendered, "store"), None, body),
                 nodes.Output([self.call_method("_kept", keeping)])],
            ),
        ]

    def _unescaped(self, output: nodes.Output, template_name: str | None) -> list[nodes.Node]:
        """`output` of a kept part, which is markup already: in a template that escapes, written
        with autoescape off for that one statement, so the part is not run through `escape`
        (which copies it as new markup, a fifth of a kept part's cost) and autoescape on again."""
        if not nodes.EvalContext(self.environment, template_name).autoescape:
            return [output]
        return [nodes.EvalContextModifier([nodes.Keyword("autoescape", nodes.Const(False))]), output,
                nodes.EvalContextModifier([nodes.Keyword("autoescape", nodes.Const(True))])]

    def _kept(self, key, rendered, own=None):
        """`rendered`, kept under `key` unless that is false; with `own` (a person's value in it),
        kept as the pieces between its occurrences, or not at all when it is empty."""
        if key and (own is None or own):
            _keep(self.parts, key, rendered if own is None else tuple(str.split(rendered, own)))
        return rendered

    @staticmethod
    def _rejoined(pieces: tuple[str, ...], own: str) -> str:
        """A part kept without a person's value, with this request's in its places."""
        return str.join(own, pieces)  # not Markup's join, which escapes each piece again


def _keep(parts: dict, key, part) -> None:
    if len(parts) >= KEPT_PARTS:
        parts.clear()
    parts[key] = part


def scored_areas(frame: tuple | None, scores: dict[str, float], limit: float) -> Markup:
    """The item of each scored area (`_scored_area.html`), in order; on a citizen page (`frame`)
    each kept under the language, the area, its score and the limit. One call for the seven: a
    `{% cache %}` in a loop cost a tenth of the result page (Jinja's loop, a key built and looked up
    in the template, each)."""
    environment = this_app().jinja_env
    items = []
    for name, score in scores.items():
        key = ("scored area", frame[0], name, score, limit) if frame else None
        item = environment.page_parts.get(key) if key else None
        if item is None:
            item = environment.get_template("_scored_area.html").render(name=name, score=score, limit=limit)
            if key:
                _keep(environment.page_parts, key, item)
        items.append(item)
    return Markup("\n".join(items))


#: A query longer than this is not part of any address of ours (`?lang=ar&place=1`, a week):
#: such a page's frame is rendered, not kept, so odd addresses cannot fill the table.
LONGEST_KEPT_QUERY = 100


def page_frame() -> tuple | None:
    """The key of the page's frame, for each of its parts (`{% cache ("head", frame) %}`): what
    the frame depends on (its language; the address with its query, which carries a chosen
    language on; whether the address can be fetched, which decides where the language links go;
    the links' script root). None, to render it every time, for an address that is no page of
    ours (a 404) or has an odd query."""
    answering = this_request()
    rule = answering.url_rule
    if rule is None or len(answering.query_string) > LONGEST_KEPT_QUERY:
        return None
    fetchable = "GET" in rule.methods
    return current_language(), fetchable, answering.script_root, answering.path, answering.query_string


def install_page_parts(app) -> None:
    app.jinja_env.add_extension(PagePartCache)
    app.jinja_env.globals["page_frame"] = page_frame
    app.jinja_env.globals["scored_areas"] = scored_areas
