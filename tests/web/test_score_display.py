"""Scores as people read them: rounding never contradicts the comparison with the limit."""

import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import flask_babel
import pytest
from babel.numbers import format_decimal
from flask import render_template
from flask_babel import force_locale

from app import i18n
from app.i18n import format_score, shown_score
from intake.asi import COMPOSITES
from intake.eligibility import ORDINARY, Assessment

from builders import visible_text

LIMIT = 0.30
TEMPLATES = Path(__file__).parents[2] / "app" / "templates"


@pytest.mark.parametrize(
    "score, shown",
    [
        (0.2999, "0.2999"),  # "0.30" and "0.300" would look like the limit: it is below
        (0.3, "0.30"),  # at the limit, shown as the limit
        (0.3001, "0.3001"),  # above, however little
        (0.302, "0.302"),  # "0.30" beside "above 0.30" was the contradiction
        (0.305, "0.31"),  # half away from zero, not to even
        (0.2949, "0.29"),
        (0.0, "0.00"),
        (1.0, "1.00"),
    ],
)
def test_a_score_is_shown_with_the_fewest_decimals_that_keep_its_side_of_the_limit(score, shown):
    assert shown_score(score, LIMIT) == Decimal(shown)


def assessment(combined, **scores):
    all_scores = {**dict.fromkeys(COMPOSITES, 0.1), **scores}
    above = tuple(name for name in COMPOSITES if all_scores[name] > LIMIT)
    return Assessment(ORDINARY, ("combined_above_limit",), combined, above, all_scores)


def test_citizen_result_shows_the_third_decimal_beside_the_verdict(app):
    # Given a combined score of 0.302 and areas of 0.3015 and 0.305, all above the limit 0.30
    given = assessment(0.302, alcohol=0.3015, drug=0.305)
    with app.test_request_context("/?lang=da"):
        html = render_template("_assessment.html", assessment=given)
    # Then the page says "above 0,30" and shows no score above the limit as 0,30
    page = visible_text(html)
    assert "Din samlede ASI-score er over 0,30" in page
    assert "(gennemsnittet af de syv områder): 0,302." in page
    area_scores = dict(re.findall(r'"area-name">([^<]+)</span>\s*<span class="area-score">([^<]+)<', html))
    assert area_scores["Alkohol"] == "0,302"
    assert area_scores["Stoffer"] == "0,31"
    assert area_scores["Fysisk helbred"] == "0,10"


def test_staff_and_provider_scores_follow_the_same_rule(app):
    given = SimpleNamespace(assessment=assessment(0.302, alcohol=0.3015, medical=0.2999))
    with app.test_request_context("/?lang=en"):
        page = visible_text(render_template("_staff_scores.html", case=given))
    assert "Combined score 0.302" in page
    assert "Alcohol 0.302" in page
    assert "Physical health 0.2999" in page


def test_no_template_rounds_a_score_its_own_way():
    for template in TEMPLATES.glob("*.html"):
        source = template.read_text()
        assert not re.search(r"format_decimal\(\s*(?:score|assessment\.combined)", source), template.name


@pytest.mark.parametrize("language", ["da", "en", "de", "ar", "fa", "uk", "pl", "so", "tr", "ur"])
@pytest.mark.parametrize("score", [0.0, 0.2999, 0.302, 0.305, 1.0])
def test_a_score_is_written_as_babel_writes_the_decimal_in_each_language(app, language, score):
    shown = shown_score(score, LIMIT)
    with app.test_request_context(), force_locale(language):
        written = format_score(score, LIMIT)
    assert written == format_decimal(shown, format="0." + "0" * -shown.as_tuple().exponent, locale=language)


@pytest.mark.parametrize("language", ["da", "en", "ar"])
@pytest.mark.parametrize("number, pattern", [(0.3, "0.00"), (1234567.891, "#,##0.00"), (Decimal("12.5"), None)])
def test_a_number_is_formatted_as_flask_babel_formats_it(app, language, number, pattern):
    with app.test_request_context(), force_locale(language):
        assert i18n.format_decimal(number, pattern) == flask_babel.format_decimal(number, format=pattern)
