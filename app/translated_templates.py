"""Templates compiled once per language, with their fixed words already translated.

A page says most of its words as `{{ _("...") }}`, and Jinja looks each of them up again on every
render (about 9 µs apiece, through three calls and a format: a third of a citizen page's time).
Such a word is the same on every render in one language, so each language gets its own compiled
copy of every template (a Jinja overlay with its own cache), in which the loader has written the
translated text in place of the call. A call with variables, or one this cannot copy exactly,
is left as it is and translated when rendered; `_`, the score format and the tables of words
are bound to the language (`app.i18n.language_globals`). Outside a request the templates are the
plain ones.
"""

import re
import threading
from functools import partial
from types import BuiltinFunctionType, FunctionType, MethodType

from flask import has_request_context
from flask.templating import Environment
from flask_babel import get_translations
from jinja2 import BaseLoader
from jinja2.runtime import Context

from app.i18n import current_language, language_globals
from app.inlined_includes import with_includes_inlined

#: `{{ _("text") }}` or `{{ _('text') }}` alone in its braces, without escapes in the literal.
FIXED_WORDS = re.compile(r"""\{\{ *_\((?:"([^"\\]*)"|'([^'\\]*)')\) *\}\}""")


def with_fixed_words_translated(source: str, translations) -> str:
    """`source` with each `{{ _("text") }}` replaced by what the call renders: the translation,
    as markup (not escaped), with `%%` read as `%` (Jinja's newstyle gettext formats even a
    string without variables)."""

    def translated(match: re.Match) -> str:
        try:
            text = translations.ugettext(match.group(1) if match.group(1) is not None else match.group(2)) % {}
        except (TypeError, ValueError, KeyError):
            return match.group(0)  # a stray % sign: left for the render to treat as before
        return f"{{% raw %}}{text}{{% endraw %}}" if "{" in text else text

    return FIXED_WORDS.sub(translated, source)


class _TranslatingLoader(BaseLoader):
    """The app's loader, translating fixed words for an environment that has a language."""

    def __init__(self, loader: BaseLoader):
        self.loader = loader

    def get_source(self, environment, template):
        source, filename, uptodate = self.loader.get_source(environment, template)
        translations = getattr(environment, "translations", None)
        if translations is not None:
            source = with_fixed_words_translated(source, translations)
        return source, filename, uptodate

    def list_templates(self):
        return self.loader.list_templates()


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
        self.loader = _TranslatingLoader(self.loader)
        self._languages: dict[str, Environment] = {}
        self._lock = threading.Lock()

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        """Jinja's compile, with the includes it can inline written in (`app.inlined_includes`)."""
        if isinstance(source, str):
            source = with_includes_inlined(self, self.parse(source, name, filename), name)
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
