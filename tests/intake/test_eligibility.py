"""What the result means: outcome, reasons and named areas, with thresholds from config."""

import pytest

from intake.asi import COMPOSITES
from intake.catalogue import load_catalogue
from intake.eligibility import FITS, ORDINARY, UNDER_18, assess, screen

from builders import FITTING_ANSWERS, answers

SERVED = ["Ishøj", "Vallensbæk"]
LIMIT = 0.30


def scores(**overrides):
    base = dict.fromkeys(COMPOSITES, 0.1)
    base.update(overrides)
    return base


def items(**overrides):
    return {"D3": 0, "D4": 0, "D5": 0, "D6": 0, "D7": 0, "D8": 0, "D9": 0, "D10": 5, "D11": 0,
            "D12": 0, "D13": 0, "D27": 2, **overrides}


def test_fitting_person():
    result = assess(FITTING_ANSWERS, items(), scores(), SERVED, LIMIT)
    assert result.outcome == FITS
    assert result.reasons == ()
    assert result.combined == pytest.approx(0.1)


def test_screen_end_to_end_fits():
    result = screen(load_catalogue(), FITTING_ANSWERS, SERVED, LIMIT, 0.15)
    assert result.outcome == FITS
    assert set(result.scores) == set(COMPOSITES)
    assert result.combined <= LIMIT


@pytest.mark.parametrize(
    "given, reason",
    [
        (answers(other_support=1), "other_support"),
        (answers(municipality="other"), "not_served"),
        (answers(municipality="Brøndby"), "not_served"),
    ],
)
def test_reasons_for_ordinary_treatment(given, reason):
    result = assess(given, items(), scores(), SERVED, LIMIT)
    assert result.outcome == ORDINARY
    assert result.reasons == (reason,)


def test_no_drug_use_in_30_days():
    none = items(D10=0, D27=0)
    result = assess(FITTING_ANSWERS, none, scores(), SERVED, LIMIT)
    assert result.outcome == ORDINARY and result.reasons == ("no_recent_drug_use",)


def test_drug_problems_without_use_count_as_drug_problems():
    result = assess(FITTING_ANSWERS, items(D10=0, D27=3), scores(), SERVED, LIMIT)
    assert result.outcome == FITS


def test_combined_above_the_limit():
    result = assess(FITTING_ANSWERS, items(), scores(drug=0.9, psychiatric=0.9, legal=0.9), SERVED, LIMIT)
    assert result.outcome == ORDINARY
    assert "combined_above_limit" in result.reasons
    assert result.areas_above_limit == ("drug", "legal", "psychiatric")
    assert result.concerns == ("drug", "legal", "psychiatric")


def test_combined_exactly_at_the_limit_fits():
    result = assess(FITTING_ANSWERS, items(), scores(**dict.fromkeys(COMPOSITES, 0.3)), SERVED, LIMIT)
    assert result.combined == pytest.approx(0.3)
    assert result.outcome == FITS
    assert result.areas_above_limit == ()


def test_single_area_above_limit_is_named_but_combined_decides():
    result = assess(FITTING_ANSWERS, items(), scores(alcohol=0.5), SERVED, LIMIT)
    assert result.outcome == FITS
    assert result.concerns == ("alcohol",)


def test_employment_alone_is_shown_but_not_a_concern():
    result = assess(FITTING_ANSWERS, items(), scores(employment=1.0), SERVED, LIMIT)
    assert result.areas_above_limit == ("employment",)
    assert result.concerns == ()
    assert result.outcome == FITS


def test_threshold_comes_from_config():
    high = scores(drug=0.5, psychiatric=0.5, legal=0.5)  # combined 0.2714
    assert assess(FITTING_ANSWERS, items(), high, SERVED, 0.30).outcome == FITS
    assert assess(FITTING_ANSWERS, items(), high, SERVED, 0.25).outcome == ORDINARY


def test_under_18():
    result = screen(load_catalogue(), {"age_band": "under_18"}, SERVED, LIMIT, 0.15)
    assert result.outcome == UNDER_18
    assert result.scores is None and result.combined is None


def test_symptoms_only_from_alcohol_or_drugs_leave_the_psychiatric_composite_alone():
    # Given the same person twice: once with depression, anxiety and hallucinations that came
    # only from the drugs, once with none at all
    catalogue = load_catalogue()
    drug_induced = answers(feelings=["P4", "P5", "P6"], feelings_not_from_substances=[])
    induced = screen(catalogue, drug_induced, SERVED, LIMIT, 0.15)
    plain = screen(catalogue, FITTING_ANSWERS, SERVED, LIMIT, 0.15)
    # Then the psychiatric composite is the same (ASI-5 counts only what was not a direct
    # result of alcohol or drug use)
    assert induced.scores["psychiatric"] == plain.scores["psychiatric"]
    # And the same symptoms apart from the drugs raise it by 3/11
    apart = screen(catalogue, answers(feelings=["P4", "P5", "P6"], feelings_not_from_substances=["P4", "P5", "P6"]),
                   SERVED, LIMIT, 0.15)
    assert apart.scores["psychiatric"] == pytest.approx(plain.scores["psychiatric"] + 3 / 11, abs=1e-4)
