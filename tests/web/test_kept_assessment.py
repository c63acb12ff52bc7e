"""A finished screening keeps its assessment beside its answers in the (sealed) session, so that
the result page does not score it again on every view; an assessment is trusted only for the
answers, the settings and the version of the scoring it was worked out with."""

import dataclasses

import pytest

from app import screening_flow
from app.config import load_settings
from intake import asi, catalogue, eligibility
from intake.catalogue import CATALOGUE_PATH
from intake.eligibility import SCORING_VERSION, scoring_version

from citizen_client import Citizen

FITS = "Det anonyme forløb passer sandsynligvis til dig"
ORDINARY = "Almindelig behandling passer måske bedre til dig"


@pytest.fixture
def scorings(monkeypatch):
    """How many times a screening is scored from here on."""
    counted = []
    scored = screening_flow.screen

    def counting(*args, **kwargs):
        counted.append(1)
        return scored(*args, **kwargs)

    monkeypatch.setattr(screening_flow, "screen", counting)
    return counted


def test_the_result_page_shows_the_kept_assessment_without_scoring_again(citizen, scorings):
    citizen.finish_screening()
    shown, scored_at_the_end = citizen.page, len(scorings)
    assert FITS in shown and scored_at_the_end == 1  # the last answer
    assert citizen.get("/result").status_code == 200
    assert citizen.page == shown and len(scorings) == scored_at_the_end


def test_an_answer_changed_after_the_end_is_assessed_again(citizen):
    citizen.finish_screening()
    assert FITS in citizen.page
    assert citizen.answer("other_support", "1").status_code == 303
    citizen.get("/result")
    assert ORDINARY in citizen.page


def test_an_assessment_worked_out_under_other_settings_is_worked_out_again(make_app, scorings):
    citizen = Citizen(make_app().test_client())
    citizen.finish_screening()
    assert FITS in citizen.page
    # the same instance (database, keys): the person's session opens in an app with a stricter limit
    stricter = make_app(settings=dataclasses.replace(load_settings(), burden_limit=0.01)).test_client()
    stricter.set_cookie("indgang", citizen.client.get_cookie("indgang").value)
    page = stricter.get("/result").get_data(as_text=True)
    assert ORDINARY in page and "0,01" in page


def test_an_assessment_kept_under_another_version_of_the_scoring_is_worked_out_again(citizen, scorings, monkeypatch):
    """A new version of the questions or the scoring, after a restart, scores anew."""
    citizen.finish_screening()
    shown, scored = citizen.page, len(scorings)
    monkeypatch.setattr(screening_flow, "SCORING_VERSION", "another version")
    citizen.get("/result")
    assert citizen.page == shown and len(scorings) == scored + 1


def test_the_version_of_the_scoring_changes_with_any_file_that_decides_it(tmp_path):
    questions, scoring = tmp_path / "questions.toml", tmp_path / "asi.py"
    questions.write_text("[[questions]]\nid = 'age_band'\n")
    scoring.write_text("LIMIT = 0.30\n")
    before = scoring_version((questions, scoring))
    assert scoring_version((questions, scoring)) == before
    scoring.write_text("LIMIT = 0.31\n")
    assert scoring_version((questions, scoring)) != before
    assert scoring_version((CATALOGUE_PATH, catalogue.__file__, asi.__file__, eligibility.__file__)) == SCORING_VERSION
