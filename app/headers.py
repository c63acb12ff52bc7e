"""Small response-header helpers that skip Werkzeug's parsed header objects, whose every use
parses the header and writes it back (costing more than a bare page's whole request)."""


def add_vary(response, name: str) -> None:
    """Add `name` to the response's `Vary` header, once. (Read with `getlist`: Werkzeug's `get`
    of a header not yet there makes and catches an HTTP exception, which costs more than this.)"""
    present = ", ".join(response.headers.getlist("Vary"))
    if not present:
        response.headers["Vary"] = name
    elif name.lower() not in (part.strip().lower() for part in present.split(",")):
        response.headers["Vary"] = f"{present}, {name}"
