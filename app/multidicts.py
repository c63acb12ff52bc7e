"""Reading Werkzeug's MultiDicts (query, form, cookies) without its cost for an absent key:
`MultiDict.get` raises and catches a KeyError that is an HTTP exception (two constructors)."""


def first(values, key: str, default: str = "") -> str:
    """The first value for `key` in the MultiDict `values`, or `default`."""
    return values[key] if key in values else default  # noqa: SIM401 (see the module's docstring)
