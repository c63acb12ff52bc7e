"""One turn of the chat: what a person sent for the current question, and what follows.

Typed words that are an answer count as the answer; anything else is matched against the FAQ
and then forgotten. Crisis words come first, before any other reading of the text.
"""

from collections.abc import Callable
from dataclasses import dataclass

from common.text import N_
from intake.answers import MAX_TEXT_LENGTH, InvalidAnswer, interpret_typed, parse_submitted
from intake.catalogue import Catalogue
from intake.faq import FaqEntry, is_crisis, match_faq

ANSWERED = "answered"
INVALID = "invalid"
FAQ = "faq"
CRISIS = "crisis"
NOT_UNDERSTOOD = "not_understood"


@dataclass(frozen=True)
class Turn:
    kind: str
    answers: dict
    crisis: bool = False
    faq: FaqEntry | None = None
    message: str | None = None
    params: dict | None = None


def take_turn(
    catalogue: Catalogue,
    answers: dict,
    served: list[str],
    question_id: str,
    values: list[str],
    text: str,
    translate: Callable[[str], str],
    language: str,
    none_chosen: bool = False,
) -> Turn:
    """Apply what was sent for `question_id` to `answers` (never changed in place)."""
    question = catalogue.get(question_id)
    if question is None or not catalogue.applies(question, answers):
        return _invalid(answers, N_("That question is not part of your screening. Here is where you are."))
    options = catalogue.options_for(question, answers, served)
    text = (text or "").strip()
    try:
        if text and not values and not none_chosen:
            return _typed_turn(catalogue, answers, question, options, text, translate, language)
        value = parse_submitted(question, options, values, none_chosen)
    except InvalidAnswer as error:
        return _invalid(answers, error.message, error.params)
    return _answered(catalogue, answers, question, value)


def _typed_turn(catalogue, answers, question, options, text, translate, language) -> Turn:
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidAnswer(N_("Please write at most %(count)s characters."), count=MAX_TEXT_LENGTH)
    if is_crisis(text):
        return Turn(CRISIS, answers, crisis=True)
    value = interpret_typed(question, options, text, translate, language)
    if value is not None:
        return _answered(catalogue, answers, question, value)
    entry = match_faq(text, language)
    return Turn(FAQ, answers, faq=entry) if entry else Turn(NOT_UNDERSTOOD, answers)


def _answered(catalogue, answers, question, value) -> Turn:
    updated = {**answers, question.id: value}
    return Turn(ANSWERED, updated, crisis=catalogue.crisis_in_answer(question, value))


def _invalid(answers, message, params=None) -> Turn:
    return Turn(INVALID, answers, message=message, params=params or {})
