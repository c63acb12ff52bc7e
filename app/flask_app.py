"""Indgang's Flask: links built once per process, and each hook's kind known once.

A page builds six to ten links, and Flask's `url_for` (Werkzeug's builder) costs about 7 µs a link.

A link relative to this site depends on its endpoint, its values once the URL defaults are filled
in (a language carried in the address, `app.i18n`) and the script root; those are the key. A
blueprint-relative endpoint (".landing") is named in full first. External links, anchors and
links outside a request are built each time. The table is bounded: staff pages link to many cases.
`flask.url_for` in views and `url_for` in templates both come here (`Flask.url_for`).

Every render runs the app's and the blueprint's context processors. Flask's own (the objects
behind `g`, `request` and `session`) and Flask-WTF's (`csrf_token`) only add names the templates
have as globals already (Flask's proxies, Flask-WTF's function), on every page: they are dropped
(`drop_repeating_context_processors`), and a render with none left skips the step.

Flask's request reads its form limits (`MAX_CONTENT_LENGTH` and two more) through `current_app`
each time a form is parsed, ten reads through the proxy a POST (`app.context`): the request is
given them once, when its context is made (`request_context`).

A form as our pages post it (url-encoded, nothing else in its type) is read in one step
(`IndgangRequest`): werkzeug's parser first works out the body's type and parameters, makes a
parser object for any kind of form and asks the app through its proxy whether it is debugging,
which cost a POST more than reading the form itself. The body is split by the same function, to
the same values; any other body is werkzeug's to read. A server that cuts the body to its length
(gunicorn) has it read straight from its input, up to `MAX_CONTENT_LENGTH`: werkzeug's limited
stream around it cost an answer a tenth of its instructions. Any other is read through that stream.

Flask asks, for every hook and view on every request, whether it is a coroutine function
(`ensure_sync`, four calls into `inspect` each): a function's answer never changes, so it is
kept.
"""

from urllib.parse import parse_qsl

from flask import Flask, Request, Response, has_request_context
from flask.templating import _default_template_ctx_processor
from werkzeug.wsgi import get_content_length

from app.context import this_request

KEPT_LINKS = 2048

#: The type a browser sends with a form without files, which every form of ours is.
URLENCODED = "application/x-www-form-urlencoded"
#: What werkzeug gives a response without a type: `Response.default_mimetype` in `charset`.
PAGE_TYPE = "text/html; charset=utf-8"


class IndgangRequest(Request):
    """Flask's request, which reads a form as our pages post it in one step (see the module)."""

    def _load_form_data(self) -> None:
        if "form" in self.__dict__ or "_cached_data" in self.__dict__ or self.environ.get("CONTENT_TYPE") != URLENCODED:
            return super()._load_form_data()
        try:  # werkzeug's own split, with its handler for broken escapes
            items = parse_qsl(self._body().decode(), keep_blank_values=True, errors="werkzeug.url_quote")
        except ValueError:  # not UTF-8: an empty form, as werkzeug's parser gives
            items = ()
        self.__dict__.update(form=self.parameter_storage_class(items), files=self.parameter_storage_class())

    def _body(self) -> bytes:
        """The body, straight from the server's input when the server has cut it to its declared
        length (`wsgi.input_terminated`: gunicorn) and that length is within `MAX_CONTENT_LENGTH`;
        any other through werkzeug's limited stream, which answers a body too long with 413."""
        environ, limit = self.environ, self.max_content_length
        declared = get_content_length(environ)  # None when chunked or not given; 0 when not a number
        if environ.get("wsgi.input_terminated") and declared is not None and (limit is None or declared <= limit):
            return environ["wsgi.input"].read(declared)
        return self.stream.read()


class IndgangResponse(Response):
    """Flask's response, given the type werkzeug would give a page without one: werkzeug looks
    for a Content-Type among the new response's headers first, and its miss raises and catches
    an HTTP exception (two constructors) on every page."""

    def __init__(self, response=None, status=None, headers=None, mimetype=None, content_type=None,
                 direct_passthrough=False):
        if headers is None and mimetype is None and content_type is None:
            content_type = PAGE_TYPE
        super().__init__(response, status, headers, mimetype, content_type, direct_passthrough)


class IndgangFlask(Flask):
    """Flask, with `url_for` keeping the links it builds and `ensure_sync` its answers."""

    request_class = IndgangRequest
    response_class = IndgangResponse

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept_links: dict = {}
        self._sync_versions: dict = {}

    def ensure_sync(self, func):
        found = self._sync_versions.get(func)
        if found is None:
            found = self._sync_versions[func] = super().ensure_sync(func)
        return found

    def request_context(self, environ):
        context = super().request_context(environ)
        answering, config = context.request, self.config
        answering.max_content_length = config["MAX_CONTENT_LENGTH"]
        answering.max_form_memory_size = config["MAX_FORM_MEMORY_SIZE"]
        answering.max_form_parts = config["MAX_FORM_PARTS"]
        return context

    def url_for(self, /, endpoint: str, *, _anchor=None, _method=None, _scheme=None, _external=None, **values) -> str:
        if _anchor or _method or _scheme or _external or not has_request_context():
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external,
                                   **values)
        answering = this_request()
        if endpoint[:1] == ".":  # as Flask resolves it: in the request's blueprint, if any
            blueprint = answering.blueprint
            endpoint = f"{blueprint}{endpoint}" if blueprint is not None else endpoint[1:]
        self.inject_url_defaults(endpoint, values)
        key = (answering.script_root, endpoint, *sorted(values.items()))
        try:
            link = self._kept_links.get(key)
        except TypeError:  # a value that is a list: several of one query argument
            return super().url_for(endpoint, **values)
        if link is None:
            if len(self._kept_links) >= KEPT_LINKS:
                self._kept_links.clear()
            link = self._kept_links[key] = super().url_for(endpoint, **values)
        return link

    def update_template_context(self, context: dict) -> None:
        """Flask's, when a context processor is left: with none (`drop_repeating_context_processors`)
        Flask would still read the request's blueprints and copy the context, on every render."""
        if any(self.template_context_processors.values()):
            super().update_template_context(context)

    def drop_repeating_context_processors(self) -> None:
        """Drop the context processors that repeat template globals (see the module's docstring);
        call it once the blueprints are registered."""
        for processors in self.template_context_processors.values():
            processors[:] = [processor for processor in processors
                             if processor is not _default_template_ctx_processor and processor.__module__ != "flask_wtf.csrf"]
