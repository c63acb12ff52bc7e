"""Babel extractor for the data files (questions.toml, faq.toml): their texts are msgids.

babel.cfg names it as `intake.babel_extract:extract_toml`.
"""

import tomllib

TRANSLATABLE_KEYS = {"text", "label", "help", "none_label", "other_label", "question", "answer"}


def extract_toml(fileobj, keywords, comment_tags, options):
    """Yield (line, function, message, comments) for every translatable text in a TOML file."""
    data = tomllib.loads(fileobj.read().decode("utf-8"))
    for message in _texts(data):
        yield 0, None, message, []


def _texts(node, key=None):
    if isinstance(node, dict):
        if key == "sections":
            yield from (value for value in node.values() if isinstance(value, str))
            return
        for child_key, child in node.items():
            yield from _texts(child, child_key)
    elif isinstance(node, list):
        for child in node:
            yield from _texts(child, key)
    elif isinstance(node, str) and key in TRANSLATABLE_KEYS:
        yield node
