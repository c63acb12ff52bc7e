"""`url_for` in templates, each link built once per process: a page builds six to ten links, and
Flask's `url_for` (Werkzeug's builder) costs about 7 µs a link.

A link relative to this site depends on its endpoint, its values once the URL defaults are filled
in (a language carried in the address, `app.i18n`) and the script root; those are the key. Links
to a blueprint-relative endpoint, external links and anchors are built each time. The table is
bounded: staff pages link to many cases.
"""

from flask import Flask, has_request_context, request

KEPT_LINKS = 2048


def install_links(app: Flask) -> None:
    build = app.url_for
    kept: dict = {}

    def url_for(endpoint: str, **values) -> str:
        if endpoint[:1] == "." or any(name[:1] == "_" for name in values) or not has_request_context():
            return build(endpoint, **values)
        app.inject_url_defaults(endpoint, values)
        key = (request.script_root, endpoint, *sorted(values.items()))
        try:
            link = kept.get(key)
        except TypeError:  # a value that is a list: several of one query argument
            return build(endpoint, **values)
        if link is None:
            if len(kept) >= KEPT_LINKS:
                kept.clear()
            link = kept[key] = build(endpoint, **values)
        return link

    app.jinja_env.globals["url_for"] = url_for
