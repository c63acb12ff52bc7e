"""Server-side sessions: the only cookie holds an opaque random id, never data.

Flask's default session cookie is signed, not encrypted: anyone holding the phone could read
it. Here the session dict lives in the `sessions` table (this module owns it), sealed like the
answers, under the SHA-256 of the cookie's id (a copy of the database cannot be replayed as a
cookie). A session idle longer than the retention period is gone (DESIGN.md: abandoned chats
within 48 hours).

A session starts when a person first acts (a POST): a visitor who only reads pages gets no row
and no cookie, so a crawler cannot fill the disk.
"""

import datetime as dt
import hashlib
import re
import secrets

from flask import request
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict
from werkzeug.http import parse_cookie

from app.context import get_db, now
from app.headers import vary_by
from app.multidicts import first
from store.sealing import InvalidToken, as_json, from_json, to_reseal
from store.times import stamp
from store.transaction import Part

READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: A live session's sealed data and its expiry, then the values of the parts read with it.
OPEN_DATA = "select data, expires_at{} from sessions where id_digest = ? and expires_at > ?"

#: A new session's row.
START = "insert into sessions (id_digest, data, expires_at) values (:id_digest, :data, :expires_at)"
#: A stored session's row, if it is still there: one forgotten meanwhile stays forgotten (`_store`).
STORE_DATA = "update sessions set data = :data where id_digest = :id_digest"
STORE_DATA_AND_EXPIRY = "update sessions set data = :data, expires_at = :expires_at where id_digest = :id_digest"


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, data=None, session_id: str | None = None, opened_json: bytes | None = None,
                 stored_expiry: str | None = None, row_key: tuple[str, dt.datetime] | None = None):
        def on_update(session):
            session.modified = True

        super().__init__(data or {}, on_update)
        self.session_id = session_id
        # (the id's digest, the clock's reading) its row was opened with: the request stores it
        # under the same digest, its expiry counted from the same instant
        self.row_key = row_key
        self.opened_json = opened_json  # as stored, unsealed: what a modified session is compared with before it is written
        self.stored_expiry = stored_expiry  # the row's `expires_at`, as stored
        self.modified = False
        self.started_on_read = False

    @property
    def stored(self) -> bool:
        """Whether this session came from a row (the browser already had one)."""
        return self.session_id is not None


#: A session id as `save_session` makes it (`secrets.token_urlsafe`), at the length it is accepted.
PLAIN_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def cookie_value(environ: dict, name: str) -> str:
    """The first `name` cookie's value ("" when there is none), from the Cookie header alone
    (`request.cookies` first walks every key of the environ through werkzeug's header object).
    No header, or one that is our cookie with a plain id and nothing else (as a browser sends it
    here), is read as it is; any other by werkzeug's parser, which walks it with regular
    expressions and builds a multi-dict (in all, 20 k instructions a page)."""
    header, prefix = environ.get("HTTP_COOKIE"), f"{name}="
    if not header:
        return ""
    if header.startswith(prefix) and PLAIN_ID.fullmatch(header, len(prefix)):
        return header[len(prefix):]
    return first(parse_cookie(environ), name)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class ServerSessionInterface(SessionInterface):
    """Sessions kept in the `sessions` table, sealed with the app's data vault."""

    def __init__(self, vault, lifetime: dt.timedelta, read_with: tuple[Part, ...] = ()):
        """`read_with`: reads without parameters that a page would run on its own, run in the
        session's statement of a GET instead, as columns of its row (a session that is gone
        reads none of them); each part's parse keeps what it read for the request. A POST,
        which mostly writes the session and redirects, reads only the session."""
        self.vault = vault
        self.lifetime = lifetime
        self.read_with = read_with
        self._opening = OPEN_DATA.format("")
        self._opening_a_page = OPEN_DATA.format("".join(f", ({part.sql})" for part in read_with))

    def open_session(self, app, request) -> ServerSession:
        session_id = cookie_value(request.environ, self.get_cookie_name(app))
        if not session_id or len(session_id) > 64:
            return ServerSession()
        row_key = (_digest(session_id), now())
        reading = request.method in READING_METHODS
        row = get_db().conn.execute(self._opening_a_page if reading else self._opening,
                                    (row_key[0], stamp(row_key[1]))).fetchone()
        if row is None:
            return ServerSession()
        data, expires_at, *found = row
        for part, value in zip(self.read_with, found):  # none on a POST
            part.parse(value)
        try:
            written = self.vault.open_json(data)
        except InvalidToken:
            return ServerSession()
        return ServerSession(from_json(written), session_id, written, expires_at, row_key)

    def save_session(self, app, session: ServerSession, response) -> None:
        name = self.get_cookie_name(app)
        if not session:
            if session.stored or session.modified:
                forget(session)
                response.delete_cookie(name, path=self.get_cookie_path(app))
            return
        if not session.stored and request.method in READING_METHODS and not session.started_on_read:
            return  # only reading: no row, no cookie
        if session.stored and not session.modified:
            return
        written = as_json(dict(session))
        if session.stored and written == session.opened_json:
            return  # modified, but to what it was opened with (an answer posted again): as if only read
        starting = not session.stored
        if starting:
            session.session_id = secrets.token_urlsafe(32)
            session.row_key = (_digest(session.session_id), now())
        if not self._store(session, written, starting):
            return  # forgotten by another request meanwhile: it stays so
        if starting:  # a stored session's browser has its cookie already (it lasts until the browser closes)
            response.set_cookie(
                name,
                session.session_id,
                httponly=True,
                secure=self.get_cookie_secure(app),
                samesite="Strict",
                path=self.get_cookie_path(app),
            )
        vary_by("Cookie")

    def _store(self, session: ServerSession, written: bytes, starting: bool) -> bool:
        """Insert a new session's row, or update a stored one's; False when a stored one's row is
        gone, and nothing is written.

        A stored session's row is only updated, never made again: another request may have
        forgotten it since this one opened it (a sign-out, a quick exit or "delete my data" in
        another tab), and writing it back would undo that. Its expiry is set only when it moves
        (once an hour at most): setting an indexed column rewrites its index entry even to the
        same value, a third of the write."""
        id_digest, opened_at = session.row_key
        expires = stamp((opened_at + self.lifetime).replace(minute=0, second=0, microsecond=0))
        row = {"id_digest": id_digest, "data": self.vault.seal_json(written), "expires_at": expires}
        statement = START if starting else STORE_DATA if expires == session.stored_expiry else STORE_DATA_AND_EXPIRY
        if get_db().conn.execute(statement, row).rowcount == 0:
            return False
        session.stored_expiry = expires
        return True


def rotate(session: ServerSession) -> None:
    """The same session under a new id (the old row is deleted at once): call it whenever a
    session gains access to a case, so an id planted in the person's browser (session fixation)
    opens nothing for whoever planted it."""
    data = dict(session)
    forget(session)
    session.update(data)


def leave_as_stored(session: ServerSession) -> None:
    """Write nothing of this request back: another request of the same session has just changed
    it, and this one would overwrite that (a form sent twice at once)."""
    session.modified = False


def start_on_read(session: ServerSession) -> None:
    """Let this GET store the session and set its cookie: only the end of a sign-in by redirect
    (the identity provider's answer, `app.auth.oidc_views`) starts a session on a GET."""
    session.started_on_read = True


def forget(session: ServerSession) -> None:
    """Delete the stored session now (sign-out, quick exit, delete my data)."""
    if session.session_id:
        get_db().execute("delete from sessions where id_digest = ?", [session.row_key[0]])
    session.session_id = None
    session.row_key = None
    session.opened_json = None
    session.stored_expiry = None
    session.clear()


def reseal(db, old, new) -> int:
    """Re-seal sessions, opened with `old` and sealed with `new` (`store.sealing.to_reseal`: at
    start-up those of an earlier version, whose tokens told the second of the last request;
    under a new key all). One that no key opens is deleted. Returns how many."""
    rows = list(db.query(f"select id_digest, data from sessions where {to_reseal('data', old, new)}"))
    for row in rows:
        try:
            data = new.seal(old.open(row["data"]))
        except InvalidToken:
            db.execute("delete from sessions where id_digest = ?", [row["id_digest"]])
            continue
        db.execute("update sessions set data = ? where id_digest = ?", [data, row["id_digest"]])
    return len(rows)


def delete_expired(db, moment: dt.datetime, lifetime: dt.timedelta) -> int:
    """Delete sessions that have expired, and those that would outlive `lifetime` from now
    (saved before the retention setting was lowered); returns how many."""
    return db.execute(
        "delete from sessions where expires_at <= ? or expires_at > ?", [stamp(moment), stamp(moment + lifetime)]
    ).rowcount
