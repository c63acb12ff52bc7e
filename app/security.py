"""Security defaults applied in the factory: headers, no client addresses, CSRF, safe redirects,
and what serving behind a TLS reverse proxy needs (trusted proxy headers and host names, HSTS).

CSRF: every POST must come from our own pages where the browser says where it comes from
(`Sec-Fetch-Site`, `Origin`), and a POST from a browser that has a session also carries that
session's token (Flask-WTF). A POST from a browser without a session needs no token, because
there is nothing to ride on: it can only start a new, empty session (reading a page starts none,
`app.sessions`, so pages shown before the first act carry no token). Flask-WTF's https check of
the Referer is off: our pages send none (`Referrer-Policy: no-referrer`), so it would refuse
every POST over https; the browser's own `Sec-Fetch-Site`/`Origin` say the same, better.
"""

import hmac
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, g, render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from markupsafe import Markup, escape
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Settings
from app.context import this_app, this_request, this_session
from app.headers import VARY_NAMES, with_vary
from app.multidicts import first

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

#: Where Flask-WTF keeps a session's CSRF secret, and the salt of its signature (its defaults).
CSRF_FIELD = "csrf_token"
CSRF_SALT = "wtf-csrf-token"

#: Sent when the site is served over TLS: browsers use https only, for a year.
HSTS = "max-age=31536000"

#: WSGI keys that carry the client's address; the app never gets to see them.
CLIENT_ADDRESS_KEYS = ("REMOTE_ADDR", "REMOTE_PORT", "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


class ForgetClientAddress:
    """WSGI middleware: blank the client's address before Flask (or any logger) can read it."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        for key in CLIENT_ADDRESS_KEYS:
            environ.pop(key, None)
        return self.wsgi_app(environ, start_response)


class SecurityHeaders:
    """WSGI middleware: the security headers a response has not set itself, `no-store` for
    every page (and for anything without its own Cache-Control), and the `Vary` the request's
    hooks asked for (`app.headers.vary_by`). Added to the plain list the response starts with:
    through Werkzeug's header object, each header costs more than a bare page's whole request."""

    def __init__(self, wsgi_app, headers: list[tuple[str, str]]):
        self.wsgi_app = wsgi_app
        self.headers = [(name.lower(), (name, value)) for name, value in headers]

    def __call__(self, environ, start_response):
        def start_with_headers(status, response_headers, exc_info=None):
            present = {name.lower(): value for name, value in response_headers}
            response_headers.extend(header for lowered, header in self.headers if lowered not in present)
            names = environ.get(VARY_NAMES)
            if names and "vary" not in present:
                response_headers.append(("Vary", ", ".join(names)))  # each once already (`vary_by`)
            elif names:
                own = ", ".join(value for name, value in response_headers if name.lower() == "vary")
                response_headers[:] = [(n, v) for n, v in response_headers if n.lower() != "vary"]
                response_headers.append(("Vary", with_vary(own, names)))
            if "cache-control" not in present:
                response_headers.append(("Cache-Control", "no-store"))
            elif present.get("content-type", "").startswith("text/html"):
                response_headers[:] = [(n, v) for n, v in response_headers if n.lower() != "cache-control"]
                response_headers.append(("Cache-Control", "no-store"))
            return start_response(status, response_headers, exc_info)

        return self.wsgi_app(environ, start_with_headers)


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: an open redirect would send the person
    (and where they came from) to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(char) < 32 for char in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def csrf_field() -> Markup:
    """The hidden CSRF input for a form, when this browser has a session to protect."""
    if not getattr(this_session(), "stored", False) and this_request().method != "POST":
        return Markup("")
    return _hidden_token_field(_form_token())


@lru_cache(maxsize=4096)
def _hidden_token_field(token: str) -> Markup:
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % escape(token)


def _form_token() -> str:
    """Flask-WTF's token for the session's secret, as `generate_csrf` makes it but signed at a
    fixed time: with no time limit (`WTF_CSRF_TIME_LIMIT`) the time in the signature is never
    checked, so the token depends on the session's secret alone, is the same in every worker,
    and is made once per secret and process (making one costs a tenth of a page)."""
    return _fixed_time_token() or generate_csrf()


def _fixed_time_token() -> str | None:
    """`_form_token` when the session has a secret and tokens have no time limit, else None."""
    secret, answering_app = this_session().get(CSRF_FIELD), this_app()
    if secret is None or answering_app.config["WTF_CSRF_TIME_LIMIT"] is not None:
        return None
    return _signed(answering_app.secret_key, secret)


class _FixedTimeSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return 0


@lru_cache(maxsize=4096)
def _signed(key: str, secret: str) -> str:
    return URLSafeTimedSerializer(key, salt=CSRF_SALT, signer=_FixedTimeSigner).dumps(secret)


def _posted_token_is_ours() -> bool:
    """Whether the POST carries the very token `_form_token` hands out for this session: then
    it is valid without Flask-WTF's decoding and checking of the signature (any other token,
    from an earlier version, still gets the full check)."""
    posted, ours = first(this_request().form, CSRF_FIELD), _fixed_time_token()
    return bool(posted) and ours is not None and hmac.compare_digest(posted, ours)


def _from_another_site() -> bool:
    """Whether the browser says the form came from another site. The headers are read from the
    environ: werkzeug's header object costs 8 k instructions a header it does not find."""
    answering = this_request()
    fetch_site = answering.environ.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = answering.environ.get("HTTP_ORIGIN")
    return origin not in (None, "null") and urlsplit(origin).netloc != answering.host


def install_security(app: Flask, settings: Settings) -> None:
    """`settings.server.proxies` proxies' forwarded headers are believed; with
    `settings.server.hosts` any other host name gets 400; `secure_cookies` adds HSTS."""
    headers = {**SECURITY_HEADERS, **({"Strict-Transport-Security": HSTS} if settings.secure_cookies else {})}
    if settings.staff.oidc is not None:  # signing in and out through the identity provider: forms that redirect there
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", f"form-action 'self' {settings.staff.oidc.origin}")
    app.wsgi_app = SecurityHeaders(app.wsgi_app, list(headers.items()))
    proxies = settings.server.proxies
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=0, x_proto=proxies, x_host=proxies, x_port=proxies)
    app.wsgi_app = ForgetClientAddress(app.wsgi_app)  # outermost: ProxyFix never keeps an address
    app.config["TRUSTED_HOSTS"] = list(settings.server.hosts) or None
    app.config.update(WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_SSL_STRICT=False)
    csrf = CSRFProtect(app)
    app.jinja_env.globals["csrf_field"] = csrf_field

    @app.before_request
    def check_csrf():
        if this_request().method != "POST" or app.config.get("WTF_CSRF_ENABLED") is False:
            return
        if _from_another_site():
            raise CSRFError("The form came from another site.")
        if getattr(this_session(), "stored", False):
            if _posted_token_is_ours():
                g.csrf_valid = True  # what Flask-WTF marks after its own check
            else:
                csrf.protect()
        else:
            generate_csrf()  # the new session starts with its token, so reading pages later writes nothing

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_template("error.html", title=gettext("This page was open too long"),
                               message=gettext("For your safety, forms stop working after a while or when they come from another page. Nothing you answered is lost: go back and try again.")), 400

    @app.errorhandler(404)
    def not_found(_error):
        return render_template("error.html", title=gettext("Page not found"),
                               message=gettext("There is no page at this address.")), 404

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return render_template("error.html", title=gettext("That did not work"),
                               message=gettext("This page cannot be used that way.")), 405

    @app.errorhandler(413)
    def too_large(_error):
        return render_template("error.html", title=gettext("That was too much at once"),
                               message=gettext("What you sent was larger than this service accepts. Nothing you answered before is lost: go back and send less.")), 413

    @app.errorhandler(500)
    def server_error(_error):
        return render_template("error.html", title=gettext("Something went wrong"),
                               message=gettext("Something went wrong on our side. Nothing you answered is lost: please try again in a moment.")), 500
