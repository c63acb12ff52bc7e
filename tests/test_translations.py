"""Every visible string goes through Babel, and every language's catalogue is complete.

English is the source language (the msgids are English), so its msgstr may be empty; every other
language must translate every string, without a fuzzy one, and keep every placeholder.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from common.languages import LANGUAGES

ROOT = Path(__file__).parents[1]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
SOURCE_LANGUAGE = "en"
TRANSLATED = sorted(set(LANGUAGES) - {SOURCE_LANGUAGE})


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


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_language_has_a_catalogue(language):
    assert (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").is_file()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_visible_string_is_translated_and_none_is_fuzzy(extracted, language):
    translated = catalogue(language)
    missing = [m.id for m in extracted if not translated.get(m.id) or not translated.get(m.id).string or translated.get(m.id).fuzzy]
    assert missing == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_keeps_its_placeholders(extracted, language):
    translations = catalogue(language)
    for message in extracted:
        translated = translations.get(message.id)
        if translated is None or not translated.string:
            continue  # reported by test_every_visible_string_is_translated_and_none_is_fuzzy
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        targets = translated.string if isinstance(translated.string, tuple) else (translated.string,)
        expected = set().union(*(PLACEHOLDER.findall(text) for text in sources))
        for target in targets:
            assert set(PLACEHOLDER.findall(target)) == expected, (language, message.id, target)


def test_english_catalogue_covers_every_string_and_none_is_fuzzy(extracted):
    english = catalogue(SOURCE_LANGUAGE)
    assert [m.id for m in extracted if english.get(m.id) is None or english.get(m.id).fuzzy] == []


def test_data_file_texts_are_extracted(extracted):
    ids = {message.id for message in extracted}
    assert "How old are you?" in ids  # questions.toml
    assert "What if I am pregnant?" in ids  # faq.toml
