"""The `[staff]` configuration keys: documented defaults, refused by name when wrong."""

import tomllib

import pytest

from app.config import DEFAULT_CONFIG_PATH, InvalidConfig, StaffSettings, load_settings, settings_from_dict


@pytest.fixture
def default():
    with open(DEFAULT_CONFIG_PATH, "rb") as handle:
        return tomllib.load(handle)


def test_embedded_default_documents_the_staff_keys(default):
    assert default["staff"] == {"require_totp": False, "idle_minutes": 30}
    assert load_settings(DEFAULT_CONFIG_PATH).staff == StaffSettings(require_totp=False, idle_minutes=30)


def test_staff_keys_may_be_left_out(default):
    del default["staff"]
    assert settings_from_dict(default).staff == StaffSettings()


@pytest.mark.parametrize(
    "staff, field",
    [({"require_totp": "yes"}, "staff.require_totp"), ({"idle_minutes": 0}, "staff.idle_minutes"),
     ({"idle_minutes": "30"}, "staff.idle_minutes"), ({"idle_minutes": 481}, "staff.idle_minutes")],
)
def test_bad_staff_keys_are_refused_by_name(default, staff, field):
    default["staff"] = staff
    with pytest.raises(InvalidConfig) as error:
        settings_from_dict(default)
    assert str(error.value).startswith(field)
