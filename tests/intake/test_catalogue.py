"""The question catalogue: its own rules, and what follows from answers."""

import random

import pytest

from intake.asi import RELATIONSHIP_ITEMS, SCORED_ITEMS, composite_scores
from intake.catalogue import (
    CatalogueError,
    _check,
    _condition_source,
    _condition_test,
    forget_last_answers,
    load_catalogue,
)

from builders import FITTING_ANSWERS, answers

SERVED = ["Ishøj", "Vallensbæk"]


@pytest.fixture
def catalogue():
    return load_catalogue()


def test_every_scored_item_has_a_question(catalogue):
    assert set(SCORED_ITEMS) <= catalogue.item_codes()


def test_intake_questions_exist(catalogue):
    for question_id in ("age_band", "municipality", "other_support", "language"):
        assert catalogue.get(question_id) is not None


def test_ids_unique_and_texts_present(catalogue):
    ids = [q.id for q in catalogue.questions]
    assert len(ids) == len(set(ids))
    for question in catalogue.questions:
        assert question.text.strip()
        assert all(option.label.strip() for option in question.options)


def test_conditions_refer_to_earlier_questions(catalogue):
    order = [q.id for q in catalogue.questions]
    for question in catalogue.questions:
        for value in question.when.values():
            source = value[0] if isinstance(value, list) else value
            assert order.index(source) < order.index(question.id), question.id


def test_day_questions_ask_within_30_days(catalogue):
    for question in catalogue.questions:
        if question.unit == "days":
            assert question.number_range == (0, 30)


def test_money_is_asked_in_kroner(catalogue):
    money = [q for q in catalogue.questions if q.item in ("E12", "D23", "E17")]
    assert {q.unit for q in money} == {"dkk"}


def test_broken_catalogue_is_refused(catalogue):
    from dataclasses import replace

    broken = replace(catalogue, questions=catalogue.questions + (catalogue.questions[0],))
    with pytest.raises(CatalogueError, match="unique"):
        _check(broken)
    without_m6 = replace(catalogue, questions=tuple(q for q in catalogue.questions if q.id != "M6"))
    with pytest.raises(CatalogueError, match="M6"):
        _check(without_m6)


def test_a_full_screening_gives_every_item(catalogue):
    assert catalogue.next_question(FITTING_ANSWERS) is None
    items = catalogue.asi_items(FITTING_ANSWERS, money_factor=0.15)
    composite_scores(items)  # raises if any item is missing or out of range
    assert items["D10"] == 10 and items["D8"] == 0  # not chosen: 0 days
    assert items["D2"] == 1


def test_money_is_converted_by_the_factor(catalogue):
    items = catalogue.asi_items(FITTING_ANSWERS, money_factor=0.15)
    assert items["E12"] == pytest.approx(22000 * 0.15)
    assert items["D23"] == pytest.approx(300 * 0.15)


def test_relationships_from_contact_and_problems(catalogue):
    items = catalogue.asi_items(answers(family_contact=["F18", "F21"], family_problems=["F21"]), 1)
    assert items["F18"] == 0 and items["F21"] == 1
    assert {items[item] for item in RELATIONSHIP_ITEMS if item not in ("F18", "F21")} == {"N"}


def test_nobody_in_contact_means_all_no_contact(catalogue):
    given = answers(family_contact=[])
    del given["family_problems"]
    assert catalogue.next_question(given) is None
    items = catalogue.asi_items(given, 1)
    assert {items[item] for item in RELATIONSHIP_ITEMS} == {"N"}


def test_psychiatric_flags_count_only_what_was_not_from_alcohol_or_drugs(catalogue):
    # Given depression, anxiety and suicidal thoughts, of which only the anxiety went on apart
    # from alcohol or drugs (ASI-5's condition for P4-P10)
    given = answers(feelings=["P4", "P5", "P9"], feelings_not_from_substances=["P5"])
    # Then only the anxiety is a psychiatric flag
    items = catalogue.asi_items(given, 1)
    assert items["P5"] == 1
    assert items["P4"] == 0 and items["P9"] == 0 and items["P6"] == 0


def test_the_condition_is_asked_only_about_what_was_ticked(catalogue):
    given = answers(feelings=["P4", "P10"])
    question = catalogue.next_question(given)
    assert question.id == "feelings_not_from_substances"
    assert [option.value for option in catalogue.options_for(question, given, SERVED)] == ["P4", "P10"]
    assert not catalogue.applies(question, answers(feelings=[]))


def test_a_tick_no_longer_in_feelings_does_not_count(catalogue):
    # Given P4 was confirmed, and then the person went back and unticked it in feelings
    given = answers(feelings=["P5"], feelings_not_from_substances=["P4", "P5"])
    items = catalogue.asi_items(given, 1)
    assert items["P4"] == 0 and items["P5"] == 1


def test_prescribed_medicine_has_no_condition(catalogue):
    assert catalogue.get("P11").item == "P11"
    assert catalogue.asi_items(answers(P11=1), 1)["P11"] == 1
    assert "P11" not in [option.value for option in catalogue.get("feelings").options]


def test_follow_ups_only_for_what_was_chosen(catalogue):
    given = {"age_band": "25_plus", "municipality": "Ishøj", "other_support": 0, "language": "da",
             "substances": ["D8", "D9"]}
    assert catalogue.next_question(given).id == "D8"
    assert catalogue.next_question({**given, "D8": 3}).id == "D9"
    assert catalogue.next_question({**given, "D8": 3, "D9": 2}).id == "D13"


def test_no_drinking_skips_drunk_days_and_money(catalogue):
    given = answers(D1=0)
    del given["D2"], given["D23"]
    assert catalogue.next_question(given) is None
    items = catalogue.asi_items(given, 1)
    assert items["D2"] == 0 and items["D23"] == 0


def test_under_18_stops_the_screening(catalogue):
    assert catalogue.next_question({"age_band": "under_18"}) is None
    assert catalogue.stopped_early({"age_band": "under_18"})
    assert not catalogue.stopped_early(FITTING_ANSWERS)


def test_previous_question_and_progress(catalogue):
    given = {"age_band": "25_plus", "municipality": "Ishøj"}
    current = catalogue.next_question(given)
    assert current.id == "other_support"
    assert catalogue.previous_question(current, given).id == "municipality"
    assert catalogue.previous_question(catalogue.get("age_band"), given) is None
    answered, total = catalogue.progress(given)
    assert answered == 2 and total == len(catalogue.questions)  # every follow-up may still apply


def test_a_question_stands_where_it_is_asked_and_nowhere_when_it_is_not(catalogue):
    given = {"age_band": "25_plus", "municipality": "Ishøj", "substances": ["cannabis"]}
    asked = catalogue.applicable(given)
    assert [catalogue.position(question, given) for question in asked] == list(range(len(asked)))
    skipped = [question for question in catalogue.questions if question not in asked]
    assert skipped and all(catalogue.position(question, given) is None for question in skipped)
    assert all(not catalogue.applies(question, given) for question in skipped)
    assert catalogue.previous_question(None, given) == asked[-1]


def test_progress_counts_at_most_what_can_still_apply_and_never_grows(catalogue):
    # Given a person answering the fitting way, one question at a time
    given, totals = {}, []
    while (question := catalogue.next_question(given)) is not None:
        totals.append(catalogue.progress(given)[1])
        given[question.id] = FITTING_ANSWERS[question.id]
    # Then the "at most" never grows, and ends at the number actually asked
    assert totals == sorted(totals, reverse=True)
    assert totals[-1] == len(catalogue.applicable(given)) < totals[0]
    assert catalogue.progress({"age_band": "under_18"}) == (1, 1)


def test_changed_answer_hides_follow_ups_but_keeps_them(catalogue):
    given = answers(substances=["D8"], D8=5)
    assert "D10" not in catalogue.relevant_answers(given)
    assert catalogue.asi_items(given, 1)["D10"] == 0
    assert catalogue.relevant_answers(answers(substances=["D10", "D8"], D8=5))["D10"] == 10


def test_municipality_options_come_from_config(catalogue):
    options = catalogue.options_for(catalogue.get("municipality"), {}, SERVED)
    assert [option.value for option in options] == ["Ishøj", "Vallensbæk", "other"]


def test_problem_options_are_the_people_in_contact(catalogue):
    options = catalogue.options_for(catalogue.get("family_problems"), {"family_contact": ["F19", "F24"]}, SERVED)
    assert [option.value for option in options] == ["F19", "F24"]


def test_suicidal_thoughts_or_attempt_is_a_crisis_whatever_the_cause(catalogue):
    # Safety first: the crisis is on the question asked before the cause
    feelings = catalogue.get("feelings")
    assert catalogue.next_question(answers(feelings=["P9"])).id == "feelings_not_from_substances"
    assert catalogue.crisis_in_answer(feelings, ["P9"])
    assert catalogue.crisis_in_answer(feelings, ["P4", "P10"])
    assert not catalogue.crisis_in_answer(feelings, ["P4", "P5"])
    assert not catalogue.crisis_in_answer(catalogue.get("D10"), 30)


def test_a_crisis_option_the_question_does_not_offer_is_refused(catalogue):
    from dataclasses import replace

    feelings = catalogue.get("feelings")
    renamed = replace(feelings, crisis_if_chosen=("P9", "P99"))
    broken = replace(catalogue, questions=tuple(renamed if q is feelings else q for q in catalogue.questions))
    with pytest.raises(CatalogueError, match="crisis_if_chosen"):
        _check(broken)


def test_options_from_a_later_question_is_refused(catalogue):
    from dataclasses import replace

    follow_up = catalogue.get("feelings_not_from_substances")
    moved = tuple(q for q in catalogue.questions if q is not follow_up)
    index = moved.index(catalogue.get("feelings"))
    broken = replace(catalogue, questions=moved[:index] + (follow_up,) + moved[index:])
    with pytest.raises(CatalogueError, match="options_from"):
        _check(broken)


def test_a_condition_resting_on_a_later_question_is_refused(catalogue):
    from dataclasses import replace

    follow_up = catalogue.get("D10")  # asked when "substances" has D10 ticked
    moved = tuple(q for q in catalogue.questions if q is not follow_up)
    broken = replace(catalogue, questions=(follow_up,) + moved)
    with pytest.raises(CatalogueError, match="earlier question"):
        _check(broken)


def could_still_apply(catalogue, question, answers, stop) -> bool:
    """The definition of "may still apply", question by question, as the progress states it."""
    if stop is not None and catalogue.questions.index(question) > stop:
        return False
    source = catalogue.get(_condition_source(question.when) or "")
    if source is not None and source.id not in answers and could_still_apply(catalogue, source, answers, stop):
        return True
    return _condition_test(question.when)(answers)


@pytest.mark.parametrize("seed", range(40))
def test_progress_counts_what_the_definition_counts_on_random_screenings(catalogue, seed):
    chooser = random.Random(seed)
    given = {}
    while (question := catalogue.next_question(given)) is not None:
        stop = catalogue._stop_index(given)
        expected = sum(could_still_apply(catalogue, q, given, stop) for q in catalogue.questions)
        assert catalogue.progress(given)[1] == expected
        options = catalogue.options_for(question, given, SERVED)
        if question.kind == "number":
            given[question.id] = chooser.choice([0, 0, 3, 30])
        elif question.kind == "multi":
            given[question.id] = [o.value for o in options if chooser.random() < 0.4]
        else:
            given[question.id] = chooser.choice(options).value


def test_where_the_same_answers_lead_is_worked_out_once(catalogue, walks):
    """A page asks about the same answers five times (is it asked, where, what comes before,
    what next, how far): one pass over the questions answers them all, until the thread forgets."""
    given = {"age_band": "25_plus", "municipality": "Ishøj", "substances": ["cannabis"]}
    question = catalogue.next_question(given)
    asked = catalogue.applicable(given)
    position = catalogue.position(question, given)
    assert asked[position] == question and catalogue.applies(question, given)
    assert catalogue.previous_question(question, given) == asked[position - 1]
    assert catalogue.progress(given)[0] == 3
    assert len(walks) == 1
    forget_last_answers()
    catalogue.next_question(given)
    assert len(walks) == 2


def test_answers_changed_in_place_are_not_mistaken_for_the_last_ones(catalogue):
    """The catalogue keeps a thread's last applicable questions: a list of ticks changed in place
    afterwards must not find them again."""
    given = {"age_band": "25_plus", "municipality": "Ishøj", "other_support": 0, "language": "da",
             "substances": ["D8"]}
    before = {q.id for q in catalogue.applicable(given)}
    given["substances"].append("D10")
    after = {q.id for q in catalogue.applicable(given)}
    assert "D10" in after - before
    given["substances"].remove("D10")
    assert {q.id for q in catalogue.applicable(given)} == before
