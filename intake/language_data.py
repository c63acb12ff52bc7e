"""The words the chat understands, one file per language: intake/languages/<code>.toml.

Each file holds the typed answers (yes, no, never, every day, filler words beside a number,
none of them), the crisis roots and phrases, and the FAQ keywords of that language. The format
is described at the top of intake/languages/da.toml; a translator edits the file of their
language, and every file in the folder is read.
"""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LANGUAGES_DIR = Path(__file__).with_name("languages")
ANSWER_WORD_KEYS = ("yes", "no", "never", "every_day", "number_filler", "none_chosen")
CRISIS_KEYS = ("crisis_roots", "crisis_phrases")


class InvalidLanguageFile(ValueError):
    """A language file that is missing a list, or has something other than words in one."""


@dataclass(frozen=True)
class LanguageWords:
    code: str
    yes: tuple[str, ...]
    no: tuple[str, ...]
    never: tuple[str, ...]
    every_day: tuple[str, ...]
    number_filler: tuple[str, ...]
    none_chosen: tuple[str, ...]
    crisis_roots: tuple[str, ...]
    crisis_phrases: tuple[str, ...]
    faq: dict[str, tuple[str, ...]]  # FAQ id → keywords


@cache
def all_languages() -> dict[str, LanguageWords]:
    """Every language file in LANGUAGES_DIR, by language code (the file's name)."""
    return {path.stem: read_language(path) for path in sorted(LANGUAGES_DIR.glob("*.toml"))}


def read_language(path: Path) -> LanguageWords:
    """One language file, checked; raises InvalidLanguageFile naming the file and the key."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    lists = {key: _words(data, key, path) for key in ANSWER_WORD_KEYS + CRISIS_KEYS}
    faq = data.get("faq")
    if not isinstance(faq, dict):
        raise InvalidLanguageFile(f"{path.name}: [faq] is missing: expected keywords for each FAQ id")
    return LanguageWords(
        code=path.stem, **lists, faq={entry_id: _words(faq, entry_id, path, "faq.") for entry_id in faq}
    )


def _words(table: dict, key: str, path: Path, prefix: str = "") -> tuple[str, ...]:
    value = table.get(key)
    if not isinstance(value, list) or not all(isinstance(word, str) and word.strip() for word in value):
        raise InvalidLanguageFile(f"{path.name}: {prefix}{key} is {value!r}: expected a list of words")
    return tuple(value)
