"""Server-side sessions: the only cookie holds an opaque random id, never data.

Flask's default session cookie is signed, not encrypted: anyone holding the phone could read
it. Here the session dict lives in the database, sealed like the answers, under the SHA-256 of
the cookie's id (a copy of the database cannot be replayed as a cookie). A session idle longer
than the retention period is gone (DESIGN.md: abandoned chats within 48 hours).
"""

import datetime as dt
import hashlib
import secrets

from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from app.db import get_db
from intake.vault import InvalidToken


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, data=None, session_id: str | None = None):
        def on_update(session):
            session.modified = True

        super().__init__(data or {}, on_update)
        self.session_id = session_id
        self.modified = False


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ServerSessionInterface(SessionInterface):
    """Sessions kept in the `sessions` table, sealed with the app's data vault."""

    def __init__(self, vault, lifetime: dt.timedelta):
        self.vault = vault
        self.lifetime = lifetime

    def open_session(self, app, request) -> ServerSession:
        session_id = request.cookies.get(self.get_cookie_name(app), "")
        if not session_id or len(session_id) > 64:
            return ServerSession()
        row = next(
            get_db().query(
                "select data from sessions where id_digest = ? and expires_at > ?",
                [_digest(session_id), now_utc().isoformat()],
            ),
            None,
        )
        if row is None:
            return ServerSession()
        try:
            return ServerSession(self.vault.open(row["data"]), session_id)
        except InvalidToken:
            return ServerSession()

    def save_session(self, app, session: ServerSession, response) -> None:
        name = self.get_cookie_name(app)
        if not session:
            if session.session_id or session.modified:
                forget(session)
                response.delete_cookie(name, path=self.get_cookie_path(app))
            return
        if session.session_id is None:
            session.session_id = secrets.token_urlsafe(32)
        expires = (now_utc() + self.lifetime).replace(minute=0, second=0, microsecond=0)
        get_db()["sessions"].upsert(
            {
                "id_digest": _digest(session.session_id),
                "data": self.vault.seal(dict(session)),
                "expires_at": expires.isoformat(),
            },
            pk="id_digest",
        )
        response.set_cookie(
            name,
            session.session_id,
            httponly=True,
            secure=self.get_cookie_secure(app),
            samesite="Strict",
            path=self.get_cookie_path(app),
        )
        response.vary.add("Cookie")


def forget(session: ServerSession) -> None:
    """Delete the stored session now (sign-out, quick exit, delete my data)."""
    if session.session_id:
        get_db()["sessions"].delete_where("id_digest = ?", [_digest(session.session_id)])
    session.session_id = None
    session.clear()

