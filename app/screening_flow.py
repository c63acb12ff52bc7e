"""A screening in progress, kept in the (server-side, sealed) session under one key, and the two
steps that reach the domain: saving a posted answer, and finishing the screening.

The citizen's chat and the staff's phone intake run the same catalogue, scoring and turns; only
where they keep their state and which pages they render differ.
"""

import dataclasses
from typing import NamedTuple

from flask_babel import gettext

from app.context import code_key, get_db, now, settings, this_request, this_session, today, vault
from app.i18n import current_language
from app.multidicts import first
from app.sessions import leave_as_stored
from booking import for_case
from intake import cases, screening
from intake.catalogue import load_catalogue
from intake.chat import ANSWERED, Turn, take_turn
from intake.eligibility import SCORING_VERSION, Assessment, screen
from store.times import day, parse_day


class PostedAnswer(NamedTuple):
    """One chat turn as posted: the question it answers, the chosen option values (none, one or
    several), typed text, or "none of these". Lengths are cut, not refused: the chat explains.
    (Read straight from the form: nothing here is validated as a form, and building a WTForms
    form cost a tenth of the request, three times over.)"""

    question: str
    answers: list[str]
    text: str
    none_chosen: bool

    @classmethod
    def from_request(cls) -> "PostedAnswer":
        form = this_request().form
        return cls(first(form, "question")[:40], form.getlist("answer"), first(form, "text")[:2000],
                   first(form, "none")[:1] == "1")


class ScreeningFlow:
    """The screening's state in the session: answers, the day of first contact, the question
    being changed, and once it is finished its assessment. Reads and writes the session only.

    The assessment is worked out when the last answer is saved (and again whenever an answer
    changes) and kept beside the answers, with what it was worked out from: the result page is
    viewed again and again, and scoring a screening cost a fifth of its instructions. It is
    trusted under the same settings and the same version of the questions and the scoring
    (`_scored_under`); otherwise it is worked out again (and not stored: reading a page writes
    nothing)."""

    def __init__(self, key: str):
        self.key = key

    @property
    def state(self) -> dict:
        """A screening not yet begun has no answers; its first contact is today (a day, not a time)."""
        return this_session().get(self.key) or {"answers": {}, "first_contact_day": day(today()), "editing": None}

    @property
    def answers(self) -> dict:
        return self.state["answers"]

    @property
    def first_contact_day(self):
        return parse_day(self.state["first_contact_day"])

    def save(self, answers: dict, editing: str | None = None) -> None:
        """Keep `answers`; a screening's first save also gives it the id its case is to have, so
        that finishing it twice at once (a double tap) makes one case (`screening.finish`)."""
        state = {**self.state, "answers": answers, "editing": editing}
        if "case_id" not in state:
            state["case_id"] = cases.new_case_id()
        assessment = _assess(answers)
        state["assessment"] = None if assessment is None else {
            "under": _scored_under(), "is": dataclasses.asdict(assessment)}
        this_session()[self.key] = state

    def discard(self) -> None:
        this_session().pop(self.key, None)

    def shown_question(self):
        """The question being changed (after "back"), else the first one not yet answered."""
        catalogue = load_catalogue()
        editing = catalogue.get(self.state.get("editing") or "")
        if editing and catalogue.applies(editing, self.answers):
            return editing
        return catalogue.next_question(self.answers)

    def reached_question(self, question_id: str):
        """The question `question_id` if it applies and has been answered or is next, else None."""
        catalogue, answers = load_catalogue(), self.answers
        question = catalogue.get(question_id)
        if question is None or not catalogue.applies(question, answers):
            return None
        # `is`: both come from the one catalogue, and `==` compares the dataclasses field by field
        return question if question.id in answers or question is catalogue.next_question(answers) else None

    def posted_question(self):
        catalogue = load_catalogue()
        question = catalogue.get(PostedAnswer.from_request().question)
        return question if question and catalogue.applies(question, self.answers) else None

    def last_question(self):
        """The last question that applies: where "change an answer" on the result begins."""
        return load_catalogue().previous_question(None, self.answers)

    def go_back(self) -> None:
        previous = load_catalogue().previous_question(self.posted_question(), self.answers)
        self.save(self.answers, editing=previous.id if previous else None)

    def question_context(self, question) -> dict:
        """What a template needs to show `question`: options, progress, the earlier answer."""
        catalogue, answers = load_catalogue(), self.answers
        answered, total = catalogue.progress(answers)
        previous = catalogue.previous_question(question, answers)
        options = catalogue.options_for(question, answers, _served_if_offered(catalogue, question))
        return {
            "question": question,
            "options": options,
            # what tells these options apart from the question's own, for a page that keeps them (_answer_form.html)
            "options_key": None if options is question.options else tuple(option.value for option in options),
            "section": catalogue.sections[question.section],
            "previous_answer": answers.get(question.id),
            "previous_question": previous,
            "can_go_back": previous is not None,
            "number": catalogue.position(question, answers) + 1,
            "answered": answered,
            "total": total,
        }

    def assessment(self) -> Assessment | None:
        """The finished screening's assessment, or None while questions remain."""
        state = self.state
        kept = state.get("assessment")
        if kept is not None and kept["under"] == _scored_under():
            return Assessment.from_dict(kept["is"])
        return _assess(state["answers"])


def _served_if_offered(catalogue, question) -> list[str]:
    """The served municipalities when `question` offers them; for any other question none: only
    the municipality question reads the settings (and asks the database whether they changed)."""
    if question is None or not catalogue.offers_municipalities(question):
        return []
    return list(settings().served_municipalities)


def _assess(answers: dict) -> Assessment | None:
    """The assessment of `answers`, or None while questions remain."""
    catalogue = load_catalogue()
    if catalogue.next_question(answers) is not None:
        return None
    config = settings()
    return screen(catalogue, answers, list(config.served_municipalities), config.burden_limit, config.money_factor)


def _scored_under() -> list:
    """What an assessment depends on besides the answers, as it reads back from the session."""
    config = settings()
    return [SCORING_VERSION, list(config.served_municipalities), config.burden_limit, config.money_factor]


def take_posted_answer(flow: ScreeningFlow) -> Turn:
    """Apply the posted form to the screening; an answer is saved, and the first one counts the
    screening as started."""
    posted, answers, catalogue = PostedAnswer.from_request(), flow.answers, load_catalogue()
    turn = take_turn(
        catalogue,
        answers,
        _served_if_offered(catalogue, catalogue.get(posted.question)),
        posted.question,
        posted.answers,
        posted.text,
        gettext,
        current_language(),
        none_chosen=posted.none_chosen,
    )
    if turn.kind == ANSWERED:
        if not answers:
            screening.count_started(get_db(), today())
        flow.save(turn.answers)
    return turn


def finish_screening(flow: ScreeningFlow, created_via: str = cases.WEB):
    """Store the finished screening as a case and check its treatment guarantee (a case with no
    free slot before its deadline is at risk at once, phone-intake cases too). Returns the new
    case and its code, or None while questions remain; raises `screening.AlreadyFinished` when
    another request of the session made its case meanwhile (and then this request writes
    nothing back to the session)."""
    assessment = flow.assessment()
    if assessment is None:
        return None
    config = settings()
    try:
        case_id, code = screening.finish(
            get_db(), vault(), code_key(),
            answers=load_catalogue().relevant_answers(flow.answers), assessment=assessment,
            first_contact_day=flow.first_contact_day, today=today(), created_via=created_via,
            case_id=flow.state.get("case_id"),
        )
    except screening.AlreadyFinished:
        leave_as_stored(this_session())  # as the request that made the case left it
        raise
    flow.discard()
    case = cases.load_case(get_db(), vault(), case_id)
    for_case.review_guarantee(get_db(), case, config.providers, now(), config.guarantee_days, config.booking)
    return case, code
