"""Security defaults applied in the factory: headers, no client addresses, friendly CSRF errors."""

from flask import Flask, render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

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


def install_security(app: Flask) -> None:
    app.wsgi_app = ForgetClientAddress(app.wsgi_app)

    @app.after_request
    def add_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.mimetype == "text/html" or not response.headers.get("Cache-Control"):
            response.headers["Cache-Control"] = "no-store"
        return response

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

    @app.errorhandler(500)
    def server_error(_error):
        return render_template("error.html", title=gettext("Something went wrong"),
                               message=gettext("Something went wrong on our side. Nothing you answered is lost: please try again in a moment.")), 500
