"""How a change is written to the audit log: each changed field as "name: old → new"."""

import json


def described(before: dict, after: dict) -> str | None:
    """The fields whose values differ, in `after`'s order; None when nothing changed."""
    parts = [f"{key}: {_shown(before.get(key))} → {_shown(value)}" for key, value in after.items() if before.get(key) != value]
    return "; ".join(parts) or None


def _shown(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
