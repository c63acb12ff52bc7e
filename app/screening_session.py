"""A screening in progress, kept in the (server-side, sealed) session under one key.

The citizen's chat and the staff's phone intake run the same catalogue, scoring and turns;
only where they keep their state and which pages they render differ.
"""

import datetime as dt

from flask import request, session
from flask_babel import gettext

from app.db import get_db
from app.i18n import current_language
from app.state import code_key, settings, today_in_copenhagen, vault
from course import statistics
from intake import cases
from intake.catalogue import load_catalogue
from intake.chat import take_turn
from intake.eligibility import screen


class ScreeningSession:
    def __init__(self, key: str):
        self.key = key

    @property
    def state(self) -> dict:
        """Starting a screening records the day (not the time) of first contact."""
        if self.key not in session:
            statistics.count_event(get_db(), statistics.CHAT_STARTED, today_in_copenhagen())
            session[self.key] = {
                "answers": {},
                "first_contact_day": today_in_copenhagen().isoformat(),
                "editing": None,
            }
        return session[self.key]

    @property
    def answers(self) -> dict:
        return self.state["answers"]

    def save(self, answers: dict, editing: str | None = None) -> None:
        session[self.key] = {**self.state, "answers": answers, "editing": editing}

    def discard(self) -> None:
        session.pop(self.key, None)

    def shown_question(self):
        """The question being changed (after "back"), else the first one not yet answered."""
        catalogue = load_catalogue()
        editing = catalogue.get(self.state.get("editing") or "")
        if editing and catalogue.applies(editing, self.answers):
            return editing
        return catalogue.next_question(self.answers)

    def posted_question(self):
        catalogue = load_catalogue()
        question = catalogue.get(request.form.get("question", ""))
        return question if question and catalogue.applies(question, self.answers) else None

    def take_posted_turn(self):
        """Apply the posted form to the answers; saves them when it was an answer."""
        turn = take_turn(
            load_catalogue(),
            self.answers,
            list(settings().served_municipalities),
            request.form.get("question", ""),
            request.form.getlist("answer"),
            request.form.get("text", ""),
            gettext,
            current_language(),
            none_chosen=request.form.get("none") == "1",
        )
        if turn.kind == "answered":
            self.save(turn.answers)
        return turn

    def go_back(self) -> None:
        previous = load_catalogue().previous_question(self.posted_question(), self.answers)
        self.save(self.answers, editing=previous.id if previous else None)

    def question_context(self, question) -> dict:
        """What a template needs to show `question`: options, progress, the earlier answer."""
        catalogue = load_catalogue()
        answered, total = catalogue.progress(self.answers)
        return {
            "question": question,
            "options": catalogue.options_for(question, self.answers, settings().served_municipalities),
            "section": catalogue.sections[question.section],
            "previous_answer": self.answers.get(question.id),
            "can_go_back": catalogue.previous_question(question, self.answers) is not None,
            "answered": answered,
            "total": total,
        }

    def assessment(self):
        """The finished screening's assessment, or None while questions remain."""
        catalogue = load_catalogue()
        if catalogue.next_question(self.answers) is not None:
            return None
        config = settings()
        return screen(
            catalogue,
            self.answers,
            list(config.served_municipalities),
            config.burden_limit,
            config.money_factor,
        )

    def create_case(self, created_via: str = cases.WEB) -> tuple[str, str] | None:
        """Store the finished screening as a case: (case id, code), or None if unfinished."""
        assessment = self.assessment()
        if assessment is None:
            return None
        case_id, code = cases.create_case(
            get_db(),
            vault(),
            code_key(),
            answers=load_catalogue().relevant_answers(self.answers),
            assessment=assessment,
            first_contact_day=dt.date.fromisoformat(self.state["first_contact_day"]),
            created_via=created_via,
        )
        statistics.count_event(get_db(), statistics.SCREENING_EVENTS[assessment.outcome], today_in_copenhagen())
        self.discard()
        return case_id, code
