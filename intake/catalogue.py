"""The question catalogue (questions.toml): loading, checking, and what follows from answers.

Answers are kept per question id: a choice holds its option value, a number an int, a multi the
list of chosen option values. `asi_items` turns them into the ASI-5 items the composites need.
"""

import threading
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from intake import asi

CATALOGUE_PATH = Path(__file__).with_name("questions.toml")
KINDS = ("choice", "number", "multi", "municipality")
UNIT_RANGES = {"days": (0, 30), "dkk": (0, 10_000_000), "count": (0, 1000)}
DERIVATIONS = ("none", "flags", "relationship")
OTHER_MUNICIPALITY = "other"


#: Per thread, until `forget_last_answers`: (catalogue, a copy of the answers, where they lead),
#: see `Catalogue._walked`.
_LAST_WALK = threading.local()


class CatalogueError(ValueError):
    """The catalogue file breaks one of its own rules."""


@dataclass(frozen=True)
class Option:
    value: str | int
    label: str


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    kind: str
    text: str
    item: str | None = None
    help: str | None = None
    options: tuple[Option, ...] = ()
    unit: str | None = None
    when: dict = field(default_factory=dict)
    skip_value: object = None
    stop_if: tuple = ()
    derive: str = "none"
    options_from: str | None = None
    none_label: str | None = None
    other_label: str | None = None
    crisis_if_chosen: tuple[str, ...] = ()

    @property
    def number_range(self) -> tuple[int, int]:
        return UNIT_RANGES[self.unit]


class Walk:
    """Where one person's answers lead through the questions: those asked, worked out at once
    (one pass up to a stopping answer, if one was given: nothing after it is asked), and what
    follows from them, each worked out when a page first needs it (`Catalogue._walked`)."""

    def __init__(self, conditions: tuple, answers: dict):
        self._conditions, self._answers = conditions, answers
        self.asked = tuple(q for q, holds, _source in conditions if holds is None or holds(answers))

    @cached_property
    def positions(self) -> dict[str, int]:
        """Question id -> where it stands among those asked."""
        return {question.id: index for index, question in enumerate(self.asked)}

    @cached_property
    def next_question(self) -> Question | None:
        """The first question asked without an answer."""
        answers = self._answers
        return next((question for question in self.asked if question.id not in answers), None)

    @cached_property
    def progress(self) -> tuple[int, int]:
        """(answered, at most), see `Catalogue.progress`. A question may still apply when it is
        asked, or when the question its condition rests on (always an earlier one, `_check`) is
        unanswered and is asked or may itself still apply: one pass in order over the questions
        with a condition settles each from the ones before it."""
        answers, asked, may_apply = self._answers, self.positions, set()
        for question, holds, source in self._conditions:
            if holds is not None and question.id not in asked and source not in answers \
                    and (source in asked or source in may_apply):
                may_apply.add(question.id)
        return len(asked.keys() & answers.keys()), len(asked) + len(may_apply)


@dataclass(frozen=True)
class Catalogue:
    questions: tuple[Question, ...]
    sections: dict[str, str]

    @cached_property
    def _by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def get(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def offers_municipalities(self, question: Question) -> bool:
        """Whether `question`'s options are the served municipalities (`options_for`'s `served`,
        which no other question needs)."""
        return question.kind == "municipality"

    def options_for(self, question: Question, answers: dict, served: list[str]) -> tuple:
        """The options to offer now: a multi may offer only what an earlier multi chose."""
        if self.offers_municipalities(question):
            return tuple(Option(name, name) for name in served) + (
                Option(OTHER_MUNICIPALITY, question.other_label),
            )
        if question.options_from:
            chosen = set(answers.get(question.options_from, []))
            source = self.get(question.options_from)
            return tuple(option for option in source.options if option.value in chosen)
        return question.options

    def applies(self, question: Question, answers: dict) -> bool:
        """Whether `question` is asked, given the answers so far."""
        return question.id in self._walked(answers).positions

    def position(self, question: Question, answers: dict) -> int | None:
        """Where `question` stands among the questions asked (0 for the first), or None when it
        is not asked."""
        return self._walked(answers).positions.get(question.id)

    def _stop_index(self, answers: dict) -> int | None:
        """Where the first question whose answer stops the screening stands, if one does:
        nothing after it is asked."""
        return next((index for index, question_id, stop_if in self._stopping if answers.get(question_id) in stop_if), None)

    @cached_property
    def _stopping(self) -> tuple[tuple[int, str, tuple], ...]:
        """(position, id, stopping answers) of the questions an answer can stop the screening at."""
        return tuple((index, q.id, q.stop_if) for index, q in enumerate(self.questions) if q.stop_if)

    def applicable(self, answers: dict) -> list[Question]:
        """The questions asked, given the answers so far, in order."""
        return list(self._walked(answers).asked)

    def next_question(self, answers: dict) -> Question | None:
        """The first applicable question without an answer; None when the screening is done."""
        return self._walked(answers).next_question

    def previous_question(self, current: Question | None, answers: dict) -> Question | None:
        """The applicable question before `current` (or the last one when finished)."""
        walk = self._walked(answers)
        index = walk.positions.get(current.id) if current is not None else None
        if index is None:
            index = len(walk.asked)
        return walk.asked[index - 1] if index > 0 else None

    def progress(self, answers: dict) -> tuple[int, int]:
        """(answered, at most): the questions answered that apply, and how many questions can
        still apply at most. The second never grows as answers come in, so "question 3 of at most
        49" is honest from the first screen and shrinks as follow-ups fall away."""
        return self._walked(answers).progress

    def _walked(self, answers: dict) -> Walk:
        """Where `answers` lead. A thread keeps the last walk until the request ends
        (`forget_last_answers`): one page asks about the same answers five times, and comparing
        them costs a fraction of walking again."""
        last = getattr(_LAST_WALK, "found", None)
        if last is not None and last[0] is self and last[1] == answers:
            return last[2]
        kept = _snapshot(answers)
        walk = Walk(self._conditions_until_stop(kept), kept)
        _LAST_WALK.found = (self, kept, walk)
        return walk

    @cached_property
    def _conditions(self) -> tuple[tuple[Question, Callable[[dict], bool] | None, str | None], ...]:
        """Each question with its condition as a test of the answers (None: always asked) and the
        question that condition rests on, worked out once: every page walks them, most questions
        have none."""
        return tuple((q, _condition_test(q.when) if q.when else None, _condition_source(q.when)) for q in self.questions)

    def _conditions_until_stop(self, answers: dict) -> tuple:
        """`_conditions` up to a stopping answer, if one was given (nothing after it is asked)."""
        stop = self._stop_index(answers)
        return self._conditions if stop is None else self._conditions[:stop + 1]

    def relevant_answers(self, answers: dict) -> dict:
        """Drop answers to questions that no longer apply (an earlier answer was changed)."""
        return {q.id: answers[q.id] for q in self.applicable(answers) if q.id in answers}

    def stopped_early(self, answers: dict) -> bool:
        return self._stop_index(answers) is not None

    def asi_items(self, answers: dict, money_factor: float) -> dict:
        """The ASI-5 items for the composites; money is converted from DKK by `money_factor`."""
        items = {}
        asked = {question.id for question in self.applicable(answers)}
        for question in self.questions:
            applies = question.id in asked
            if question.item:
                value = answers.get(question.id) if applies else question.skip_value
                if value is not None:
                    items[question.item] = value * money_factor if question.unit == "dkk" else value
            elif question.derive == "flags":
                items.update(self._flag_items(question, answers, applies))
            elif question.derive == "relationship":
                items.update(self._relationship_items(question, answers, applies))
        return items

    def item_codes(self) -> set[str]:
        """Every ASI item some question gives, directly or through a multi."""
        codes = set()
        for question in self.questions:
            if question.item:
                codes.add(question.item)
            elif question.derive in ("flags", "relationship"):
                codes.update(option.value for option in self._all_options(question))
        return codes

    def _all_options(self, question: Question) -> tuple[Option, ...]:
        """Every option `question` can offer: its own, or all of the multi it draws from."""
        return self.get(question.options_from).options if question.options_from else question.options

    def _flag_items(self, question: Question, answers: dict, applies: bool) -> dict:
        """Each option is an item, 1 when ticked. A follow-up (options_from) counts a tick only
        while the earlier multi still has it, so going back and unticking there takes it away."""
        chosen = set(answers.get(question.id, [])) if applies else set()
        if question.options_from:
            chosen &= set(answers.get(question.options_from, []))
        return {option.value: int(option.value in chosen) for option in self._all_options(question)}

    def _relationship_items(self, question: Question, answers: dict, applies: bool) -> dict:
        contact = set(answers.get(question.options_from, []))
        problems = set(answers.get(question.id, [])) if applies else set()
        source = self.get(question.options_from)
        return {
            o.value: (int(o.value in problems) if o.value in contact else asi.NO_CONTACT)
            for o in source.options
        }

    def crisis_in_answer(self, question: Question, value) -> bool:
        """A yes to P9/P10 (suicidal thoughts or attempt) must show emergency help at once."""
        return bool(set(question.crisis_if_chosen) & set(value if isinstance(value, list) else []))


def forget_last_answers() -> None:
    """Drop this thread's copy of the last answers the catalogue walked: call it when the work for
    one person is done (the end of a request), so their answers do not wait in memory for the
    thread's next person."""
    vars(_LAST_WALK).clear()


def _snapshot(answers: dict) -> dict:
    """A copy of `answers` that later changes to them cannot reach: an answer is a number, a
    text or a list of texts, so copying the lists is enough (`copy.deepcopy` cost seven times
    as much, on every page)."""
    return {question_id: value[:] if type(value) is list else value for question_id, value in answers.items()}


def _condition_source(when: dict) -> str | None:
    """The id of the question a condition rests on."""
    if "chosen" in when or "chosen_at_least" in when:
        return (when.get("chosen") or when["chosen_at_least"])[0]
    return when.get("above_zero")


def _condition_test(when: dict):
    """`when` as a test of the answers (its kind read once, not on every page)."""
    if "chosen" in when:
        question_id, value = when["chosen"]
        return lambda answers: value in answers.get(question_id, ())
    if "chosen_at_least" in when:
        question_id, count = when["chosen_at_least"]
        return lambda answers: len(answers.get(question_id, ())) >= count
    if "above_zero" in when:
        question_id = when["above_zero"]
        return lambda answers: answers.get(question_id, 0) > 0
    return lambda answers: True


@cache
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """Read and check the catalogue once; a broken file fails loudly at start-up."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    scales = {
        name: tuple(Option(**option) for option in options)
        for name, options in data.get("scales", {}).items()
    }
    questions = tuple(_question(raw, scales) for raw in data["questions"])
    catalogue = Catalogue(questions=questions, sections=dict(data["sections"]))
    _check(catalogue)
    return catalogue


def _question(raw: dict, scales: dict) -> Question:
    raw = dict(raw)
    scale = raw.pop("scale", None)
    options = scales[scale] if scale else tuple(Option(**o) for o in raw.pop("options", ()))
    for key in ("stop_if", "crisis_if_chosen"):
        if key in raw:
            raw[key] = tuple(raw[key])
    return Question(options=options, **raw)


def _check(catalogue: Catalogue) -> None:
    ids = [q.id for q in catalogue.questions]
    if len(ids) != len(set(ids)):
        raise CatalogueError("question ids are not unique")
    for question in catalogue.questions:
        _check_question(question, catalogue)
    missing = set(asi.SCORED_ITEMS) - catalogue.item_codes()
    if missing:
        raise CatalogueError(f"no question gives ASI items {sorted(missing)}")


def _check_question(question: Question, catalogue: Catalogue) -> None:
    problem = None
    if question.kind not in KINDS:
        problem = f"kind must be one of {KINDS}"
    elif question.section not in catalogue.sections:
        problem = f"section {question.section!r} is not listed under [sections]"
    elif question.kind == "number" and question.unit not in UNIT_RANGES:
        problem = f"unit must be one of {tuple(UNIT_RANGES)}"
    elif question.kind in ("choice", "multi") and not (question.options or question.options_from):
        problem = "needs options"
    elif question.derive not in DERIVATIONS:
        problem = f"derive must be one of {DERIVATIONS}"
    elif question.when and question.item and question.skip_value is None:
        problem = "a conditional question with an item needs skip_value"
    elif question.kind == "multi" and not question.none_label:
        problem = "a multi needs none_label"
    elif question.options_from and not _earlier_multi(question.options_from, question, catalogue):
        problem = "options_from must name an earlier multi"
    elif _condition_source(question.when) and not _earlier(_condition_source(question.when), question, catalogue):
        problem = "its condition must rest on an earlier question"
    elif set(question.crisis_if_chosen) - {option.value for option in question.options}:
        problem = "crisis_if_chosen must name options the question offers"
    if problem:
        raise CatalogueError(f"question {question.id}: {problem}")


def _earlier_multi(source_id: str, question: Question, catalogue: Catalogue) -> bool:
    source = catalogue.get(source_id)
    return source is not None and source.kind == "multi" and _earlier(source_id, question, catalogue)


def _earlier(source_id: str, question: Question, catalogue: Catalogue) -> bool:
    source = catalogue.get(source_id)
    order = catalogue.questions
    return source is not None and order.index(source) < order.index(question)
