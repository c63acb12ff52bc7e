"""Templates compiled once per language, with their words already translated.

A page says most of its words as `{{ _("...") }}` or `{{ _("... %(day)s.", day=...) }}`, and
Jinja looks each of them up again on every render (through three calls, a format and an escape
of each variable: a third of a citizen page's time for the words alone). Such a word is the same
on every render in one language, so each language gets its own compiled copy of every template
(a Jinja overlay with its own cache), in which the translation is written in place of the call:
its text as it stands, each variable as an expression of its own
(`with_translations_written_in`). A call this cannot write in exactly is left as it is and
translated when rendered; `_`, the score format and the tables of words are bound to the
language (`app.i18n.language_globals`). Outside a request the templates are the plain ones.
"""

import re
import threading
from functools import partial
from types import BuiltinFunctionType, FunctionType, MethodType

from flask import has_request_context
from flask.templating import Environment
from flask_babel import get_translations
from jinja2 import nodes
from jinja2.runtime import Context

from app.i18n import current_language, language_globals
from app.inlined_includes import with_includes_inlined

#: A variable (`%(name)s`) or a percent sign (`%%`) in a translation; any other % is a format
#: (`%(n)d`) or a stray sign that only the render's own `%` treats as it always has.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\)s|%)")


def with_translations_written_in(template: nodes.Template, translations, environment) -> nodes.Template:
    """`template` with each `{{ _("text", name=value, ...) }}` (a call alone in its output, with
    a constant text) replaced by what the call renders, as Jinja's newstyle gettext renders it:
    the translation as markup, and each variable escaped where the translation says `%(name)s`
    (an expression in the output is escaped, markup kept, as the call escapes it). A call is
    left for the render when the translation has any other `%` format, uses a variable twice
    or not at all (its expression would be worked out twice, or never), or when the template
    gives `_` a meaning of its own. Variables are worked out in the translation's order, not
    the call's: a template's variables are values and formats, which do not depend on order."""
    if environment.finalize is not None or any(
            name.name == "_" and name.ctx != "load" for name in template.find_all(nodes.Name)):
        return template
    for output in list(template.find_all(nodes.Output)):
        output.nodes = [piece for node in output.nodes for piece in _written_in(node, translations)]
    return template


def _written_in(node: nodes.Node, translations) -> list[nodes.Node]:
    """The pieces of output `node` renders as: the translation's text and variables when it is a
    call of `_` that can be written in, else `node` itself."""
    if not (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "_"
            and len(node.args) == 1 and isinstance(node.args[0], nodes.Const) and isinstance(node.args[0].value, str)
            and node.dyn_args is None and node.dyn_kwargs is None):
        return [node]
    variables = {keyword.key: keyword.value for keyword in node.kwargs}
    pieces = _pieces(translations.ugettext(node.args[0].value), variables, node.lineno)
    return [node] if pieces is None else pieces


def _pieces(translated: str, variables: dict[str, nodes.Expr], lineno: int) -> list[nodes.Node] | None:
    """`translated` as text and the expressions of its variables, in order; None when it cannot
    be written in exactly (`with_translations_written_in`)."""
    if "%" in PLACEHOLDER.sub("", translated):
        return None
    pieces, text, used, at = [], "", set(), 0
    for match in PLACEHOLDER.finditer(translated):
        text += translated[at:match.start()]
        at, name = match.end(), match.group(1)
        if name is None:
            text += "%"
        elif name in used or name not in variables:
            return None
        else:
            used.add(name)
            pieces += [nodes.TemplateData(text, lineno=lineno)] if text else []
            pieces.append(variables[name])
            text = ""
    text += translated[at:]
    if used != variables.keys():
        return None
    return pieces + ([nodes.TemplateData(text, lineno=lineno)] if text else [])


#: Jinja's `cache_size` for a plain dict that keeps every template compiled: the app's templates
#: are a few dozen files (in each language), and Jinja's bounded cache moves the template to the
#: end of a queue on every look-up (a scan of the queue; a page looks up three or four).
KEEP_EVERY_TEMPLATE = -1


#: Callables whose own type never asks for the context: Jinja's `Context.call` may call them at
#: once unless the object itself is marked (`pass_context` and the like).
PLAIN_CALLABLES = frozenset({FunctionType, BuiltinFunctionType, MethodType, partial})


class DirectCallContext(Context):
    """Jinja's context, which calls a plain function, partial or method directly: Jinja's own
    `call` first asks the object's `__call__` and then the object whether they want the context
    (two look-ups that fail, a microsecond of a page's dozen calls each), which for these types
    only the object's own mark can say."""

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature: `self` may be a keyword)
        if type(__obj) not in PLAIN_CALLABLES or getattr(__obj, "jinja_pass_arg", None) is not None:
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")


class TranslatedEnvironment(Environment):
    """Flask's template environment, which hands out a template of the request's language."""

    translations = None
    context_class = DirectCallContext

    def __init__(self, app, **options):
        options.setdefault("cache_size", KEEP_EVERY_TEMPLATE)
        super().__init__(app, **options)
        self._languages: dict[str, Environment] = {}
        self._lock = threading.Lock()

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        """Jinja's compile, with the includes it can inline written in (`app.inlined_includes`)
        and, in a language's environment, its translations (`with_translations_written_in`)."""
        if isinstance(source, str):
            source = with_includes_inlined(self, self.parse(source, name, filename), name)
            if self.translations is not None:
                source = with_translations_written_in(source, self.translations, self)
        return super().compile(source, name, filename, raw, defer_init)

    def make_globals(self, d):
        """A template's globals as a plain dict, not Jinja's chain over the environment's: every
        render copies them, and copying a chain costs two Python calls a name (a hundred a page)."""
        return {**self.globals, **(d or {})}

    def get_template(self, name, parent=None, globals=None):
        return super(TranslatedEnvironment, self._for_request()).get_template(name, parent, globals)

    def select_template(self, names, parent=None, globals=None):
        return super(TranslatedEnvironment, self._for_request()).select_template(names, parent, globals)

    def _for_request(self) -> Environment:
        """The environment of the request's language (`current_language`, which Flask-Babel's
        locale is made from: asking Flask-Babel would cost a twentieth of a question's page, for
        a locale nothing else on the page may need); this one outside a request, or when this
        already is a language's."""
        if self.translations is not None or not has_request_context():
            return self
        language = current_language()
        found = self._languages.get(language)
        if found is None:
            with self._lock:
                found = self._languages.get(language)
                if found is None:
                    found = self.overlay()  # with an empty cache of the same kind as this one's
                    found.translations = get_translations()
                    # a copy, not a chain: every render copies the globals, and a chain's copy costs
                    # more than its lookups save (the app's globals are complete once it is created)
                    found.globals = {**self.globals, **language_globals(language, found.translations, self.globals)}
                    self._languages[language] = found
        return found
