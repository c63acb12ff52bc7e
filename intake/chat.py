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
    """Apply what was sent for `question_id` to `answers` (never changed in place).

    A button or ticks are read first and the question's place looked up among the answers with
    the new one: the same place (a question's own answer never decides whether it is asked,
    only earlier ones do), found in the walk that then finds the next question."""
    question = catalogue.get(question_id)
    if question is None:
        return _not_asked(answers)
    options = catalogue.options_for(question, answers, served)
    text = (text or "").strip()
    if text and not values and not none_chosen:
        if not catalogue.applies(question, answers):
            return _not_asked(answers)
        try:
            return _typed_turn(catalogue, answers, question, options, text, translate, language)
        except InvalidAnswer as error:
            return _invalid(answers, error.message, error.params)
    try:
        value = parse_submitted(question, options, values, none_chosen)
    except InvalidAnswer as error:
        if not catalogue.applies(question, answers):
            return _not_asked(answers)
        return _invalid(answers, error.message, error.params)
    turn = _answered(catalogue, answers, question, value)
    return turn if catalogue.applies(question, turn.answers) else _not_asked(answers)


def _not_asked(answers) -> Turn:
    return _invalid(answers, N_("That question is not part of your screening. Here is where you are."))


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
