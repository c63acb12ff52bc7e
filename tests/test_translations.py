"""Every visible string goes through Babel, and Danish (the default) is complete."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[1]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("babel") / "messages.pot"
    subprocess.run(
        [Path(sys.executable).with_name("pybabel"), "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-k", "N_", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        return [message for message in read_po(handle) if message.id]


def catalogue(language: str):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def test_danish_translates_every_visible_string(extracted):
    danish = catalogue("da")
    missing = [m.id for m in extracted if not danish.get(m.id) or not danish.get(m.id).string or danish.get(m.id).fuzzy]
    assert missing == []


def test_danish_keeps_every_placeholder(extracted):
    danish = catalogue("da")
    for message in extracted:
        translated = danish.get(message.id)
        if translated is None or not translated.string:
            continue  # reported by test_danish_translates_every_visible_string
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        targets = translated.string if isinstance(translated.string, tuple) else (translated.string,)
        expected = set().union(*(PLACEHOLDER.findall(text) for text in sources))
        for target in targets:
            assert set(PLACEHOLDER.findall(target)) <= expected, message.id


def test_english_catalogue_covers_every_string(extracted):
    english = catalogue("en")
    assert [m.id for m in extracted if english.get(m.id) is None] == []


def test_data_file_texts_are_extracted(extracted):
    ids = {message.id for message in extracted}
    assert "How old are you?" in ids  # questions.toml
    assert "What if I am pregnant?" in ids  # faq.toml
