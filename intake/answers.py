"""Turning what a person sent (a button, a number field, ticks or typed words) into an answer.

Messages are English msgids marked with ``N_`` so Babel extracts them; the web layer
translates them with their parameters.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from common.digits import plain_digits
from common.text import N_
from intake.catalogue import Option, Question
from intake.folding import plain
from intake.language_data import all_languages

MAX_TEXT_LENGTH = 500


class InvalidAnswer(ValueError):
    """An answer that cannot be taken; `message` is a msgid, `params` fill it in."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


#: "kr.", "kr", "kroner" or "DKK" before or after an amount, and the ",-" of "1500,-".
KRONER_WORDS = re.compile(r"^\s*(?:kr\.?|dkk)\s*|\s*(?:kr\.?|kroner|dkk)\s*$|,-\s*$", re.IGNORECASE)
#: Whole kroner with "." or a space between thousands, then at most two digits of øre after ",".
DANISH_AMOUNT = re.compile(r"(?P<kroner>\d{1,9}|\d{1,3}(?:[. \u00a0\u202f]\d{3}){1,3})(?:,(?P<ore>\d{1,2}))?")
MINUS_SIGNS = ("-", "\u2212")
#: One number in typed text, with its sign, its separators and a trailing ",-".
NUMBER_IN_TEXT = re.compile(r"[-\u2212]?\s?\d(?:[\d., \u00a0\u202f]*\d)?(?:,-)?")
#: Languages whose words count for everyone: the site's own two, which people in Denmark mix in.
ALWAYS_UNDERSTOOD = ("da", "en")


@dataclass(frozen=True)
class _Words:
    """The typed-answer words understood for one person, `plain`-normalised."""

    yes: frozenset[str]
    no: frozenset[str]
    never: frozenset[str]
    every_day: frozenset[str]
    number_filler: frozenset[str]
    none_chosen: frozenset[str]
    ambiguous: frozenset[str]  # yes in one of the languages, no in another


def parse_submitted(
    question: Question, options: tuple[Option, ...], values: list[str], none_chosen: bool = False
):
    """Check the values of a submitted form for `question` and return the answer.

    For a multi, `none_chosen` is the explicit "none of these"; an empty tick list is not.
    """
    if question.kind == "number":
        return _parse_number(question, values[0] if values else "")
    if question.kind == "multi":
        if none_chosen and not values:
            return []
        return _parse_multi(options, values)
    return _parse_choice(options, values[0] if len(values) == 1 else None)


def interpret_typed(
    question: Question,
    options: tuple[Option, ...],
    text: str,
    translate: Callable[[str], str],
    language: str,
):
    """Read typed words as an answer to `question`, or return None when they are not one.

    "ja", "nej", "aldrig", a number of days (in any script's digits) or the words of a quick
    reply count, in the person's `language` (`translate` gives the label as they see it) or in
    English. Yes, no, never and the like are read from the person's language file and from
    Danish and English only (`understood_words`).
    """
    words = normalise(text)
    if not words:
        return None
    understood = understood_words(language)
    if question.kind == "number":
        return _typed_number(question, text, understood)
    if question.kind == "multi":
        return _typed_multi(options, text, translate, understood)
    return _typed_choice(options, words, translate, understood)


@cache
def understood_words(language: str) -> _Words:
    """The words that answer yes, no, never … for a person using `language`: that language's,
    Danish and English, never all nine.

    A yes or a no changes a clinical screening, and the languages disagree: "no" is no in
    English but yes in colloquial Polish, "na" is no in Urdu and Persian. Reading every
    language's words for everyone would turn such a word into the wrong answer for someone;
    the person's own language, and the two the site and Denmark speak, are what they type.
    A word that is yes in one of these and no in another is no answer at all: the person is
    asked again, and the buttons are always there.
    """
    files = all_languages()
    chosen = [files[code] for code in dict.fromkeys((language, *ALWAYS_UNDERSTOOD)) if code in files]

    def gather(key):
        return frozenset(plain(word) for words in chosen for word in getattr(words, key))

    yes, no, never = gather("yes"), gather("no"), gather("never")
    ambiguous = yes & no
    return _Words(
        yes=yes - ambiguous,
        no=no - ambiguous,
        never=never - yes,
        every_day=gather("every_day"),
        number_filler=gather("number_filler"),
        none_chosen=(never | no | gather("none_chosen")) - yes,
        ambiguous=ambiguous,
    )


def normalise(text: str) -> str:
    """Lower case, no punctuation, single spaces, accents kept (æøå matter), digits 0–9 and
    Arabic-script marks and letter variants evened out (`intake.folding.plain`)."""
    text = re.sub(r"[^\w\s'-]", " ", plain(text))
    return " ".join(text.split())


def _parse_number(question: Question, raw: str) -> int:
    low, high = question.number_range
    text = plain_digits(raw).strip()
    if not text:
        raise InvalidAnswer(N_("Please write a number."))
    value = _kroner(text) if question.unit == "dkk" else _whole_number(question, text)
    if not low <= value <= high:
        raise InvalidAnswer(
            N_("Please write a number from %(low)s to %(high)s."), low=low, high=high
        )
    return value


def _whole_number(question: Question, text: str) -> int:
    """Digits only. "2.5", "2,5" and "1.0" are refused, never read as 25, 2 or 1: a day count
    is whole (ASI-5 counts days), and guessing what a decimal meant would change the score."""
    if re.fullmatch(r"\d+(?:[.,]\d+)+", text) and question.unit == "days":
        raise InvalidAnswer(N_("Please write whole days, for example 2 or 3."))
    if not re.fullmatch(r"\d{1,9}", text):
        raise InvalidAnswer(N_("Please write a whole number, using digits only."))
    return int(text)


def _kroner(text: str) -> int:
    """An amount as Danes write it: "1500", "1.500", "1 500", "1.500,00", "1500 kr", "kr. 1500",
    "1500,-". Øre are rounded to whole kroner. "1,500" (1.5 or 1500?) and "1.50" are ambiguous
    and refused, as is a negative amount."""
    text = KRONER_WORDS.sub("", text).strip()
    negative = text[:1] in MINUS_SIGNS
    match = DANISH_AMOUNT.fullmatch(text[1:].strip() if negative else text)
    if not match:
        raise InvalidAnswer(N_("Please write the amount in whole kroner, for example 1500 or 1.500."))
    if negative:
        raise InvalidAnswer(N_("Please write an amount of 0 kroner or more."))
    kroner = Decimal(re.sub(r"\D", "", match["kroner"]) + "." + (match["ore"] or "0"))
    return int(kroner.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _parse_choice(options: tuple[Option, ...], raw: str | None):
    for option in options:
        if raw is not None and str(option.value) == raw:
            return option.value
    raise InvalidAnswer(N_("Please choose one of the answers."))


def _parse_multi(options: tuple[Option, ...], values: list[str]) -> list:
    if not values:
        raise InvalidAnswer(N_("Please tick at least one answer, or choose the button for none."))
    known = {str(option.value): option.value for option in options}
    if any(value not in known for value in values):
        raise InvalidAnswer(N_("Please choose among the answers shown."))
    if len(set(values)) != len(values):
        raise InvalidAnswer(N_("Please choose each answer only once."))
    return [known[value] for value in values]


def _typed_number(question: Question, text: str, understood: _Words):
    """One number among filler words ("ca. 1.500 kr", "12 dage", "١٢ يوم"), "aldrig" or "hver
    dag"; a sentence with other words ("hvad hvis jeg er 16") is not an answer."""
    low, high = question.number_range
    words = normalise(text)
    if words in understood.never:
        return 0
    if question.unit == "days" and words in understood.every_day:
        return high
    text = plain_digits(text)
    numbers = NUMBER_IN_TEXT.findall(text)
    rest = set(normalise(NUMBER_IN_TEXT.sub(" ", text)).split()) - understood.number_filler
    if len(numbers) != 1 or rest:
        return None
    return _parse_number(question, numbers[0])


def _typed_choice(options: tuple[Option, ...], words: str, translate, understood: _Words):
    values = [option.value for option in options]
    if words in understood.ambiguous:
        return None
    if words in understood.yes and 1 in values:
        return 1
    if words in understood.no and 0 in values:
        return 0
    if words in understood.yes | understood.no and {"yes", "no"} <= set(values):
        return "yes" if words in understood.yes else "no"
    return _option_named(options, words, translate)


def _typed_multi(options: tuple[Option, ...], text: str, translate, understood: _Words):
    """A list of labels ("hash og kokain", "mother, friends"), or a word for none."""
    if normalise(text) in understood.none_chosen:
        return []
    parts = [normalise(part) for part in re.split(r"[,;&+\u060c\u061b]|\bog\b|\band\b", text.casefold())]
    chosen = [_option_named(options, part, translate) for part in parts if part]
    if not chosen or None in chosen:
        return None
    return list(dict.fromkeys(chosen))


def _option_named(options: tuple[Option, ...], words: str, translate):
    """The option whose label (as shown, or in English) the words give.

    The whole label, the label without its bracketed examples, or one word (three letters or
    more) that stands in exactly one label all count: "cannabis" and "hash" both name
    "Cannabis (hash, pot)", while "your" names nothing.
    """
    names = {option.value: _label_names(option.label, translate) for option in options}
    exact = [value for value, labels in names.items() if words in labels]
    if exact:
        return exact[0]
    if " " in words or len(words) < 3:
        return None
    containing = [value for value, labels in names.items() if any(words in label.split() for label in labels)]
    return containing[0] if len(containing) == 1 else None


def _label_names(label: str, translate) -> set[str]:
    shown = translate(label)
    return {normalise(text) for text in (shown, label, shown.split("(")[0], label.split("(")[0])}
