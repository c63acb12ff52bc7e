"""Match free text typed into the chat against the FAQ, and spot words of acute danger.

These are pure functions: nothing typed is stored or logged. Text and keywords go through the
same steps — `intake.folding.folded_words` (lower case, accents and Danish letters folded,
Arabic-script letters evened out, digits 0–9), then a Snowball stemmer where the language has
one (Danish, English, Arabic, Turkish) — so "børn", "boern" and "born" meet, and so do "gravid"
and "graviditet". A keyword of five letters or more also matches the words it begins, which is
all the other languages (Persian, Urdu, Polish, Ukrainian, Somali) rely on. Keywords, crisis
roots and crisis phrases come from intake/languages/<code>.toml. The English question and answer
texts are gettext msgids; the web layer translates them.
"""

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import snowballstemmer

from intake.folding import folded_words
from intake.language_data import all_languages

FAQ_FILE = Path(__file__).with_name("faq.toml")
#: The Snowball stemmers used. snowballstemmer 3 also has Persian and Polish ones, but their
#: language files are written for prefix matching ("zgubi" for every form of "lose"), which a
#: stemmer would cut below PREFIX_MIN_LENGTH ("zgub"); Urdu, Ukrainian and Somali have none.
SNOWBALL = {"da": "danish", "en": "english", "ar": "arabic", "tr": "turkish"}

#: People mix languages, so the keywords of every other language count too, but for less.
SAME_LANGUAGE_WEIGHT = 1.0
OTHER_LANGUAGE_WEIGHT = 0.6
#: One keyword word matched, even in another language, is enough for an answer.
MIN_SCORE = OTHER_LANGUAGE_WEIGHT
#: A keyword stem this long also matches longer words ("anonym" → "anonymitet"); a shorter one
#: would match too much ("ven", friend, would find "vente", to wait).
PREFIX_MIN_LENGTH = 5
#: Words allowed between the words of a crisis phrase: "vil bare gerne dø" is "vil dø".
CRISIS_MAX_GAP = 2
#: "OD", short for overdose, in capitals or with its past tense ("OD'd", "od'ed"): a lower-case
#: "od" alone is Polish for "from" ("od lekarza"), and crisis words count in every language.
OVERDOSE_ABBREVIATION = re.compile(r"\bOD(?:['’]?e?d)?\b|\bod['’]e?d\b")


@dataclass(frozen=True)
class FaqEntry:
    id: str
    question: str
    answer: str


@dataclass(frozen=True)
class _IndexedEntry:
    entry: FaqEntry
    keywords: dict[str, tuple[tuple[str, ...], ...]]  # language → stemmed phrases


def faq_entries() -> list[FaqEntry]:
    """All FAQ entries in file order."""
    return [indexed.entry for indexed in _index()]


def match_faq(text: str, lang: str) -> FaqEntry | None:
    """The entry whose keywords best cover the words of ``text``, or None below ``MIN_SCORE``.

    ``lang`` weighs that language's keywords fully and every other language's less; a language
    without a file weighs all fully. Ties go to the entry earlier in faq.toml.
    """
    weights = _language_weights(lang)
    stems = _stems_by_language(folded_words(text))
    best, best_score = None, 0.0
    for indexed in _index():
        score = _score(indexed, stems, weights)
        if score > best_score:
            best, best_score = indexed.entry, score
    return best if best_score >= MIN_SCORE else None


def is_crisis(text: str) -> bool:
    """True when ``text`` signals acute danger (suicide, overdose, not breathing) in any language.

    Every language is checked whatever the chosen one, because a person in danger writes in
    whatever comes first.
    """
    words = folded_words(text)
    if OVERDOSE_ABBREVIATION.search(text) or any(word.startswith(_crisis_roots()) for word in words):
        return True
    stems = _stems_by_language(words)
    return any(
        _find(stems[lang], phrase, CRISIS_MAX_GAP) is not None
        for lang, phrases in _crisis_phrases().items()
        for phrase in phrases
    )


def _stems(words: list[str], lang: str) -> tuple[str, ...]:
    """The words stemmed by the language's Snowball stemmer, or as they are without one."""
    if lang not in SNOWBALL:
        return tuple(words)
    # A new stemmer per call: Snowball stemmers keep state while stemming, so sharing one
    # between request threads could mix words up. Making one is cheap.
    return tuple(snowballstemmer.stemmer(SNOWBALL[lang]).stemWords(words))


def _stems_by_language(words: list[str]) -> dict[str, tuple[str, ...]]:
    return {lang: _stems(words, lang) for lang in all_languages()}


def _phrase(text: str, lang: str) -> tuple[str, ...]:
    stems = _stems(folded_words(text), lang)
    if not stems:
        raise ValueError(f"{lang} keyword {text!r} has no words to match")
    return stems


def _language_weights(lang: str) -> dict[str, float]:
    languages = all_languages()
    if lang not in languages:
        return dict.fromkeys(languages, SAME_LANGUAGE_WEIGHT)
    return {code: SAME_LANGUAGE_WEIGHT if code == lang else OTHER_LANGUAGE_WEIGHT for code in languages}


def _score(indexed: _IndexedEntry, stems: dict, weights: dict[str, float]) -> float:
    """Sum over the words of the text covered by the entry's keywords, each counted once.

    Counting covered words rather than matched keywords keeps an entry with many overlapping
    keywords ("gravid", "er gravid") from outscoring one with a single precise phrase.
    """
    covered: dict[int, float] = {}
    for lang, weight in weights.items():
        for phrase in indexed.keywords.get(lang, ()):
            for position in _find(stems[lang], phrase) or ():
                covered[position] = max(covered.get(position, 0.0), weight)
    return sum(covered.values())


def _find(
    stems: tuple[str, ...], phrase: tuple[str, ...], max_gap: int = 0
) -> list[int] | None:
    """Positions of the first occurrence of ``phrase`` in ``stems``, in order, or None.

    At most ``max_gap`` other words may stand between two words of the phrase.
    """
    for start, stem in enumerate(stems):
        if not _same(stem, phrase[0]):
            continue
        positions = [start]
        for wanted in phrase[1:]:
            window = range(positions[-1] + 1, min(positions[-1] + 2 + max_gap, len(stems)))
            found = next((i for i in window if _same(stems[i], wanted)), None)
            if found is None:
                break
            positions.append(found)
        else:
            return positions
    return None


def _same(stem: str, keyword: str) -> bool:
    return stem == keyword or (len(keyword) >= PREFIX_MIN_LENGTH and stem.startswith(keyword))


@cache
def _index() -> tuple[_IndexedEntry, ...]:
    """The FAQ entries with each language's keywords, stemmed; a keyword for an id that faq.toml
    does not have is an error (a typo would otherwise go unnoticed)."""
    items = tomllib.loads(FAQ_FILE.read_text(encoding="utf-8"))["faq"]
    ids = {item["id"] for item in items}
    for words in all_languages().values():
        if unknown := set(words.faq) - ids:
            raise ValueError(f"intake/languages/{words.code}.toml: [faq] has unknown ids {sorted(unknown)}")
    return tuple(
        _IndexedEntry(
            entry=FaqEntry(id=item["id"], question=item["question"], answer=item["answer"]),
            keywords={
                lang: tuple(_phrase(keyword, lang) for keyword in words.faq.get(item["id"], ()))
                for lang, words in all_languages().items()
            },
        )
        for item in items
    )


@cache
def _crisis_roots() -> tuple[str, ...]:
    return tuple(root for words in all_languages().values() for root in words.crisis_roots for root in folded_words(root))


@cache
def _crisis_phrases() -> dict[str, tuple[tuple[str, ...], ...]]:
    return {lang: tuple(_phrase(phrase, lang) for phrase in words.crisis_phrases) for lang, words in all_languages().items()}
