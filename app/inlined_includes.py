"""`{% include "name.html" %}` compiled into the including template, as if written there.

Jinja renders an include by making the included template a new context: a copy of every global
and every variable of the page, then a second copy with the local names (Jinja's
`new_context`), on every render. On the result page that cost as much as the seven scored areas
it shows. An include whose name is a constant, with the page's context (Jinja's default) and not
`ignore missing`, of a template that neither extends another nor has blocks (which would become
the includer's) nor reads a name Jinja gives a loop, macro or template of its own outside its own
(`loop` outside its loops, `caller`, `self`: an include does not see the includer's), is replaced
by the included template's body in a scope of its own (`nodes.Scope`): what it sets stays
inside, it sees the page's names and the local ones of the place it is written, as an include
does. Any other include is left to Jinja.

The included body is parsed from the source the environment's loader gives; in a language's
copy its words are then translated with the includer's (`app.translated_templates`). The
including template's compiled copy is checked against its own file only: where templates are
reloaded when they change (Flask's debug mode), a change to an included file shows once the
including file changes or the app restarts.
"""

from jinja2 import nodes
from jinja2.visitor import NodeTransformer


class IncludeInliner(NodeTransformer):
    """Replaces each include it can inline by the included body, itself inlined; `within` are the
    names being inlined (an include of one of them is left to Jinja, which raises on the loop)."""

    def __init__(self, environment, within: tuple[str, ...]):
        self.environment = environment
        self.within = within

    def visit_Include(self, node: nodes.Include) -> nodes.Node:  # noqa: N802 (NodeTransformer's naming)
        name = node.template.value if isinstance(node.template, nodes.Const) else None
        if not isinstance(name, str) or not node.with_context or node.ignore_missing or name in self.within:
            return node
        source, filename, _uptodate = self.environment.loader.get_source(self.environment, name)
        included = self.environment.parse(source, name, filename)
        if included.find(nodes.Extends) is not None or included.find(nodes.Block) is not None \
                or _names_an_includers_own(included):
            return node
        inlined = IncludeInliner(self.environment, (*self.within, name)).visit(included)
        return nodes.Scope(inlined.body, lineno=node.lineno)


#: Names Jinja gives a loop (`loop`), a macro or call block (`caller`, `varargs`, `kwargs`) or a
#: template (`self`, `super`) of its own: an included template does not see the includer's.
OWN_NAMES = {"loop": nodes.For, "caller": nodes.Macro, "varargs": nodes.Macro, "kwargs": nodes.Macro,
             "self": None, "super": None}


def _names_an_includers_own(node: nodes.Node, inside: frozenset = frozenset()) -> bool:
    """Whether `node` reads one of `OWN_NAMES` outside the loop, macro or call block of its own
    that gives it (inlined, it would read the includer's); `inside`: the kinds of node it is in."""
    if isinstance(node, nodes.Name):
        return node.ctx == "load" and node.name in OWN_NAMES and OWN_NAMES[node.name] not in inside
    if isinstance(node, nodes.For):  # its target and iterable are outside its loop
        in_loop = (*node.body, *node.else_, *([node.test] if node.test is not None else []))
        return _names_an_includers_own(node.target, inside) or _names_an_includers_own(node.iter, inside) \
            or any(_names_an_includers_own(part, inside | {nodes.For}) for part in in_loop)
    if isinstance(node, (nodes.Macro, nodes.CallBlock)):
        inside = inside | {nodes.Macro}
    return any(_names_an_includers_own(child, inside) for child in node.iter_child_nodes())


def with_includes_inlined(environment, template: nodes.Template, name: str | None) -> nodes.Template:
    """`template` (parsed) with the includes it can inline written in (see the module)."""
    return IncludeInliner(environment, (name,) if name else ()).visit(template)
