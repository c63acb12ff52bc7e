"""The stylesheet mirrors for right-to-left languages by itself (issue 14): logical properties
only, so Arabic, Persian and Urdu pages need no stylesheet of their own."""

import re
from pathlib import Path

STYLESHEET = Path(__file__).parents[2] / "app" / "static" / "style.css"
COMMENT = re.compile(r"/\*.*?\*/", re.S)
PHYSICAL_SIDE = re.compile(r"(?<![\w-])(left|right)(?![\w-])")


def rules() -> str:
    text = STYLESHEET.read_text(encoding="utf-8")
    assert text.count("/*") == text.count("*/"), "an unclosed comment swallows the rules after it"
    return COMMENT.sub("", text)


def test_no_rule_names_left_or_right():
    assert PHYSICAL_SIDE.findall(rules()) == []


def test_every_rule_is_well_formed():
    # No stray text (a merge marker, a comment without its opening) before a selector: the
    # browser would drop the whole rule
    for prelude in re.findall(r"(?:^|[};])([^{};]*){", rules()):
        assert "==" not in prelude and not re.search(r"[A-Z][a-z]+ [a-z]+ ", prelude), prelude
    assert rules().count("{") == rules().count("}")
