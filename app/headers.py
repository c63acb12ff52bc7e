"""`Vary`, kept off Werkzeug's parsed header object: reading and setting a header there cost a
POST more than a tenth of its instructions (twice: the language, then the cookie). A hook names
what the response depends on (`vary_by`), in the request's WSGI environ; the security middleware
(`app.security.SecurityHeaders`) writes the one `Vary` header on the plain list the response
starts with, beside any `Vary` of the response's own."""

from app.context import this_request

#: Where the request's environ keeps the names `vary_by` was given, in order.
VARY_NAMES = "indgang.vary"


def vary_by(name: str) -> None:
    """The response depends on the request's header `name` (once, whatever its case)."""
    environ = this_request().environ
    names = environ.setdefault(VARY_NAMES, [])
    if name.lower() not in (known.lower() for known in names):
        names.append(name)


def with_vary(own: str, names: list[str]) -> str:
    """The `Vary` value: the response's own names, then `names`, each once whatever its case."""
    parts, known = [], set()
    for part in [*own.split(","), *names]:
        part = part.strip()
        if part and part.lower() not in known:
            known.add(part.lower())
            parts.append(part)
    return ", ".join(parts)
