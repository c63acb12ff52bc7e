"""Typed text made comparable across the ways people type it, in every script Indgang reads.

Two strengths. `plain` keeps letters as they are (æøå and ı/i matter to a yes or a no) but
evens out what a keyboard or a phone varies without changing the word: digits of any script
become 0–9, Arabic-script vowel marks (harakat), tatweel and direction marks go, and the
Arabic-script letters that Arabic, Persian and Urdu keyboards type differently become one.
`folded` goes further for matching words (the FAQ and crisis phrases): accents dropped, Danish
letters and Turkish dotted/dotless i folded, so "børn", "boern" and "born" are one word, and so
are "çocuğum" and "cocugum", "حامله" and "حاملة".
"""

import re
import unicodedata

from common.digits import plain_digits

#: Variants of one Arabic-script letter, as Arabic, Persian and Urdu keyboards type them:
#: Farsi yeh and alef maksura and Urdu yeh barree are yeh; keheh is kaf; teh marbuta and
#: Urdu's heh goal and heh doachashmee are heh ("حاملة" is typed "حامله" as often).
_ARABIC_LETTERS = str.maketrans({
    "\u06cc": "\u064a", "\u0649": "\u064a", "\u06d2": "\u064a",
    "\u06a9": "\u0643",
    "\u0629": "\u0647", "\u06c1": "\u0647", "\u06be": "\u0647", "\u06d5": "\u0647", "\u06c3": "\u0647",
})
_TATWEEL = "\u0640"
#: Marks that steer direction or joining but are no letter: LRM, RLM, ALM, embeddings, isolates, ZWJ.
_INVISIBLE = re.compile("[\u200d\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]")
#: The zero-width non-joiner of Persian and Urdu ("می‌خواهم") is read as the break between two
#: words: phones often type a space there instead, and the two halves then meet either way.
_ZWNJ = "\u200c"
_DOTTED_I = "i\u0307"
_APOSTROPHES = re.compile(r"['’`´]")
#: Letters that have no decomposition: Polish ł, Danish æ/ø, Turkish dotless ı, German ß.
_LETTERS = str.maketrans({"ł": "l", "æ": "ae", "ø": "oe", "ı": "i", "ß": "ss"})
#: Danish letters typed on a phone without Danish keys: æ/ae → a, ø/oe → o, å/aa → a.
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("aa", "a"))
_WORD = re.compile(r"[^\W_]+")


def plain(text: str) -> str:
    """Lower case (NFC), digits 0–9, Arabic-script marks, tatweel and letter variants evened
    out, ZWNJ as a space; other accents kept."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(char for char in text if not _is_arabic_mark(char))
    text = _INVISIBLE.sub("", text.replace(_TATWEEL, "")).replace(_ZWNJ, " ")
    text = text.casefold().replace(_DOTTED_I, "i")  # Turkish İ lower-cased
    return plain_digits(text.translate(_ARABIC_LETTERS))


def folded_words(text: str) -> list[str]:
    """The words of `text`, `plain` and then with accents dropped, Danish letters and Turkish
    i's folded, and apostrophes dropped ("can't" → "cant", "intihar'ı" → "intihari")."""
    text = _APOSTROPHES.sub("", plain(text).translate(_LETTERS))
    text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    text = unicodedata.normalize("NFC", text)
    for digraph, letter in _DIGRAPHS:
        text = text.replace(digraph, letter)
    return _WORD.findall(text)


def _is_arabic_mark(char: str) -> bool:
    """Harakat, shadda, sukun, Quranic marks and the like: non-spacing marks of the Arabic blocks.
    (Hamza and madda joined to a letter are parts of it and go only in `folded_words`.)"""
    return unicodedata.category(char) == "Mn" and "\u0600" <= char <= "\u08ff" and char not in "\u0653\u0654\u0655"
