"""Match free text typed into the chat against the FAQ, and spot words of acute danger.

These are pure functions: nothing typed is stored or logged. Text and keywords go through the
same steps — lower case, Danish letters folded, split into words, Snowball-stemmed — so "børn",
"boern" and "born" meet, and so do "gravid" and "graviditet". The English question and answer
texts are gettext msgids; the web layer translates them.
"""

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import snowballstemmer

FAQ_FILE = Path(__file__).with_name("faq.toml")
STEMMERS = {"da": "danish", "en": "english"}

#: People mix languages, so the other language's keywords count too, but for less.
SAME_LANGUAGE_WEIGHT = 1.0
OTHER_LANGUAGE_WEIGHT = 0.6
#: One keyword word matched, even in the other language, is enough for an answer.
MIN_SCORE = OTHER_LANGUAGE_WEIGHT
#: A keyword stem this long also matches longer words ("anonym" → "anonymitet"); a shorter one
#: would match too much ("ven", friend, would find "vente", to wait).
PREFIX_MIN_LENGTH = 5
#: Words allowed between the words of a crisis phrase: "vil bare gerne dø" is "vil dø".
CRISIS_MAX_GAP = 2

#: Word beginnings that signal danger on their own, as folded by ``_words``.
CRISIS_ROOTS = (
    "selvmord", "suicid", "overdos", "bevidstlos", "besvim", "selvskad", "selfharm",
    "unconscious", "ambulanc", "krampeanfald", "seizur", "hjertestop",
)
#: Whole words that signal danger: "OD" is short for overdose.
CRISIS_WORDS = frozenset({"od"})
CRISIS_PHRASES = {
    "da": (
        "tage mit liv", "tage livet af mig", "slå mig ihjel", "slå mig selv ihjel",
        "dræbe mig selv", "ende mit liv", "gøre det af med mig", "vil dø", "lyst til at dø",
        "ønsker at dø", "ønsker mig død", "ønske jeg var død", "hellere være død",
        "er ved at dø", "vil ikke leve", "ikke lyst til at leve", "orker ikke at leve",
        "skade mig selv", "skære i mig selv", "har taget for meget", "tog for meget",
        "taget for mange", "kan ikke trække vejret", "kan ikke få vejret", "kan ikke få luft",
        "får ikke luft", "trækker ikke vejret", "vågner ikke", "kan ikke vække", "ring 112",
    ),
    "en": (
        "kill myself", "kill my self", "end my life", "end it all", "take my life",
        "take my own life", "want to die", "wanna die", "wish i was dead", "wish i were dead",
        "better off dead", "going to die", "gonna die", "dont want to live",
        "do not want to live", "no reason to live", "hurt myself", "harm myself", "self harm",
        "cut myself", "i took too much", "i have taken too much", "ive taken too much",
        "took too many", "cant breathe", "cannot breathe", "can not breathe", "not breathing",
        "stopped breathing", "wont wake up", "not waking up", "passed out", "call 112",
    ),
}

_APOSTROPHES = re.compile(r"['’`´]")
_WORD = re.compile(r"[^\W_]+")
_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe"})
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("aa", "a"))


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

    ``lang`` ("da" or "en") weighs that language's keywords fully and the other's less; any
    other value weighs both fully. Ties go to the entry earlier in faq.toml.
    """
    weights = _language_weights(lang)
    stems = _stems_by_language(_words(text))
    best, best_score = None, 0.0
    for indexed in _index():
        score = _score(indexed, stems, weights)
        if score > best_score:
            best, best_score = indexed.entry, score
    return best if best_score >= MIN_SCORE else None


def is_crisis(text: str) -> bool:
    """True when ``text`` signals acute danger (suicide, overdose, not breathing), da or en.

    Checked in both languages whatever the chosen one, because a person in danger writes in
    whatever comes first.
    """
    words = _words(text)
    # "OD'd" is "odd" without its apostrophe, so single words are also read with it as a break.
    if any(
        word in CRISIS_WORDS or word.startswith(CRISIS_ROOTS)
        for word in words + _words(text, apostrophe=" ")
    ):
        return True
    stems = _stems_by_language(words)
    return any(
        _find(stems[lang], phrase, CRISIS_MAX_GAP) is not None
        for lang, phrases in _crisis_phrases().items()
        for phrase in phrases
    )


def _words(text: str, apostrophe: str = "") -> list[str]:
    """Lower-case words with Danish letters folded: æ/ae → a, ø/oe → o, å/aa → a.

    On a phone without Danish keys "børn" is typed "boern" or "born"; folding text and keywords
    alike makes them one word. Other accents are dropped, and apostrophes too ("can't" → "cant").
    """
    text = _APOSTROPHES.sub(apostrophe, text.lower()).translate(_DANISH_LETTERS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    for digraph, letter in _DIGRAPHS:
        text = text.replace(digraph, letter)
    return _WORD.findall(text)


def _stems(words: list[str], lang: str) -> tuple[str, ...]:
    # A new stemmer per call: Snowball stemmers keep state while stemming, so sharing one
    # between request threads could mix words up. Making one is cheap.
    return tuple(snowballstemmer.stemmer(STEMMERS[lang]).stemWords(words))


def _stems_by_language(words: list[str]) -> dict[str, tuple[str, ...]]:
    return {lang: _stems(words, lang) for lang in STEMMERS}


def _phrase(text: str, lang: str) -> tuple[str, ...]:
    stems = _stems(_words(text), lang)
    if not stems:
        raise ValueError(f"keyword {text!r} has no words to match")
    return stems


def _language_weights(lang: str) -> dict[str, float]:
    if lang not in STEMMERS:
        return dict.fromkeys(STEMMERS, SAME_LANGUAGE_WEIGHT)
    return {
        code: SAME_LANGUAGE_WEIGHT if code == lang else OTHER_LANGUAGE_WEIGHT for code in STEMMERS
    }


def _score(indexed: _IndexedEntry, stems: dict, weights: dict[str, float]) -> float:
    """Sum over the words of the text covered by the entry's keywords, each counted once.

    Counting covered words rather than matched keywords keeps an entry with many overlapping
    keywords ("gravid", "er gravid") from outscoring one with a single precise phrase.
    """
    covered: dict[int, float] = {}
    for lang, weight in weights.items():
        for phrase in indexed.keywords[lang]:
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
    data = tomllib.loads(FAQ_FILE.read_text(encoding="utf-8"))
    return tuple(
        _IndexedEntry(
            entry=FaqEntry(id=item["id"], question=item["question"], answer=item["answer"]),
            keywords={
                lang: tuple(_phrase(keyword, lang) for keyword in item[f"keywords_{lang}"])
                for lang in STEMMERS
            },
        )
        for item in data["faq"]
    )


@cache
def _crisis_phrases() -> dict[str, tuple[tuple[str, ...], ...]]:
    return {
        lang: tuple(_phrase(phrase, lang) for phrase in phrases)
        for lang, phrases in CRISIS_PHRASES.items()
    }
