"""The [course] settings: the seed 000 defaults, and refusal of each bad field by name."""

import tomllib

import pytest

from app.config import DEFAULT_CONFIG_PATH, CourseSettings, InvalidConfig, settings_from_dict


@pytest.fixture
def default():
    with open(DEFAULT_CONFIG_PATH, "rb") as handle:
        return tomllib.load(handle)


def test_the_default_is_seed_000(default):
    assert settings_from_dict(default).course == CourseSettings(
        weeks=16, discharge_after_no_shows=2, passive_after_days=21, self_visitation_per_year=5)


def test_a_file_without_course_settings_gets_seed_000(default):
    del default["course"]
    assert settings_from_dict(default).course == CourseSettings()


def test_zero_self_visitations_leaves_every_decision_to_the_municipality(default):
    default["course"]["self_visitation_per_year"] = 0
    assert settings_from_dict(default).course.self_visitation_per_year == 0


@pytest.mark.parametrize(
    "key, bad",
    [("weeks", 0), ("weeks", 53), ("weeks", "16"),
     ("discharge_after_no_shows", 0), ("discharge_after_no_shows", 2.0),
     ("passive_after_days", 0), ("passive_after_days", 91), ("passive_after_days", True),
     ("self_visitation_per_year", -1), ("self_visitation_per_year", 101)],
)
def test_a_bad_course_field_is_refused_by_name(default, key, bad):
    default["course"][key] = bad
    with pytest.raises(InvalidConfig) as error:
        settings_from_dict(default)
    assert str(error.value).startswith(f"course.{key} is {bad!r}: expected ")
