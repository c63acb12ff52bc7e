"""The TOML configuration: the embedded default, replacement by file, and refusal of bad fields."""

import copy
import datetime as dt
import tomllib

import pytest
import tomli_w

from app.config import DEFAULT_CONFIG_PATH, InvalidConfig, load_settings, settings_from_dict
from booking.rules import BookingRules
from booking.slots import is_closed


@pytest.fixture
def default():
    with open(DEFAULT_CONFIG_PATH, "rb") as handle:
        return tomllib.load(handle)


def test_embedded_default_is_seed_000():
    settings = load_settings(DEFAULT_CONFIG_PATH)
    assert settings.served_municipalities == ("Ishøj", "Vallensbæk")
    assert settings.guarantee_days == 14 and settings.burden_limit == 0.30
    assert [p.name for p in settings.providers] == [
        "Stofrådgivningen", "Lænke-ambulatoriet Hvidovre", "Lænke-ambulatoriet Lyngby-Taarbæk"]
    assert all(settings.is_outside(p) for p in settings.providers)
    assert settings.rates[0].valid_from == dt.date(2015, 7, 1) and settings.rates[0].dkk_per_day == 71
    assert settings.provider("stofraadgivningen").age_bands == ("18_24",)
    assert "Pitstop" in settings.ordinary_offer.name and "Pitstop" in settings.youth_offer.name


@pytest.mark.parametrize("month_day", ["06-05", "12-24", "12-31"])
def test_the_embedded_default_closes_every_provider_on_the_customary_days_off(month_day):
    # Constitution Day, Christmas Eve and New Year's Eve are no public holidays in law, but the
    # providers close on them; 1 May is an ordinary working day unless a provider says otherwise.
    settings = load_settings(DEFAULT_CONFIG_PATH)
    for provider in settings.providers:
        assert month_day in provider.closed_yearly and "05-01" not in provider.closed_yearly
        assert is_closed(provider, dt.date.fromisoformat(f"2026-{month_day}"))
        assert not is_closed(provider, dt.date(2026, 5, 1))


def test_closed_yearly_is_optional(default):
    del default["providers"][0]["closed_yearly"]
    assert settings_from_dict(default).providers[0].closed_yearly == ()


def test_a_bad_yearly_closing_day_names_itself_and_an_example(default):
    default["providers"][0]["closed_yearly"] = ["06-05", "13-01"]
    with pytest.raises(InvalidConfig, match=r"^providers\[0\]\.closed_yearly\[1\] is '13-01': expected a month-day such as 12-24"):
        settings_from_dict(default)


def test_environment_variable_replaces_the_default(tmp_path, monkeypatch, default):
    changed = copy.deepcopy(default)
    changed["guarantee"]["days"] = 10
    path = tmp_path / "mine.toml"
    path.write_text(tomli_w.dumps(changed))
    monkeypatch.setenv("INDGANG_CONFIG", str(path))
    assert load_settings().guarantee_days == 10


def test_fewer_than_two_providers_is_refused(default):
    default["providers"] = default["providers"][:1]
    with pytest.raises(InvalidConfig, match=r"§ 101a stk\. 2"):
        settings_from_dict(default)


def test_no_provider_outside_is_refused(default):
    for provider in default["providers"]:
        provider["municipality"] = "Ishøj"
    with pytest.raises(InvalidConfig, match=r"§ 101a stk\. 2.*outside"):
        settings_from_dict(default)


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda c: c["guarantee"].update(days="14"), "guarantee.days"),
        (lambda c: c["guarantee"].update(days=0), "guarantee.days"),
        (lambda c: c["screening"].update(burden_limit=3), "screening.burden_limit"),
        (lambda c: c["screening"].pop("money_factor"), "screening.money_factor"),
        (lambda c: c["municipality"].update(served=[]), "municipality.served"),
        (lambda c: c.update(quick_exit_url="http://x"), "quick_exit_url"),
        (lambda c: c.update(demo="yes"), "demo"),
        (lambda c: c["providers"][1].update(slot_minutes=5), "providers[1].slot_minutes"),
        (lambda c: c["providers"][0].update(age_bands=["kids"]), "providers[0].age_bands"),
        (lambda c: c["providers"][0].update(languages=["da", "arabic"]), "providers[0].languages"),
        (lambda c: c["providers"][2].update(meeting_modes=["video"]), "providers[2].meeting_modes"),
        (lambda c: c["providers"][0].update(meeting_modes=["phone_in"]), "providers[0].phone"),
        (lambda c: c["providers"][0].update(opening_hours={"mon": ["9-17"]}), "providers[0].opening_hours.mon"),
        (lambda c: c["providers"][0].update(opening_hours={"funday": []}), "providers[0].opening_hours.funday"),
        (lambda c: c["providers"][0].update(id="Bad Id"), "providers[0].id"),
        (lambda c: c["providers"][1].update(id=c["providers"][0]["id"]), "providers[].id"),
        (lambda c: c["rates"][0].update(dkk_per_day=-1), "rates[0].dkk_per_day"),
        (lambda c: c["ordinary_offer"].pop("phone"), "ordinary_offer.phone"),
        (lambda c: c["booking"].update(hold_hours=0), "booking.hold_hours"),
        (lambda c: c["booking"].update(minimum_notice_working_days=-1), "booking.minimum_notice_working_days"),
        (lambda c: c["booking"].update(minimum_notice_working_days="1"), "booking.minimum_notice_working_days"),
        (lambda c: c["booking"].update(minimum_notice_working_days=11), "booking.minimum_notice_working_days"),
        (lambda c: c["booking"].update(confirmation="maybe"), "booking.confirmation"),
        (lambda c: c["booking"].update(minimum_notice_working_days=0), "booking.minimum_notice_working_days"),
        (lambda c: c["providers"][0].update(closed_yearly=["12-24", "13-01"]), "providers[0].closed_yearly[1]"),
        (lambda c: c["providers"][1].update(closed_yearly=["02-30"]), "providers[1].closed_yearly[0]"),
        (lambda c: c["providers"][1].update(closed_yearly=["24-12"]), "providers[1].closed_yearly[0]"),
        (lambda c: c["providers"][2].update(closed_yearly=[dt.date(2026, 12, 24)]), "providers[2].closed_yearly[0]"),
        (lambda c: c["providers"][2].update(closed_yearly="12-24"), "providers[2].closed_yearly"),
    ],
)
def test_bad_field_is_refused_by_name(default, change, field):
    change(default)
    with pytest.raises(InvalidConfig) as error:
        settings_from_dict(default)
    assert str(error.value).startswith(field)


def test_booking_rules_default_to_one_working_days_notice_and_staff_confirmation(default):
    # The embedded file says so, and a file without [booking] gets the same rules
    assert load_settings(DEFAULT_CONFIG_PATH).booking == BookingRules(
        hold_hours=48, minimum_notice_working_days=1, confirmation="staff")
    del default["booking"]
    assert settings_from_dict(default).booking == BookingRules()


def test_no_notice_is_allowed_only_when_booked_times_are_confirmed_at_once(default):
    default["booking"].update(minimum_notice_working_days=0, confirmation="automatic")
    assert settings_from_dict(default).booking == BookingRules(
        hold_hours=48, minimum_notice_working_days=0, confirmation="automatic")

    default["booking"]["confirmation"] = "staff"
    with pytest.raises(InvalidConfig, match=r"^booking\.minimum_notice_working_days is 0: .*staff"):
        settings_from_dict(default)


def test_unreadable_or_broken_file(tmp_path):
    with pytest.raises(InvalidConfig, match="cannot read"):
        load_settings(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("demo = = true")
    with pytest.raises(InvalidConfig, match="not valid TOML"):
        load_settings(broken)


def test_start_up_refuses_a_bad_config(tmp_path, monkeypatch, default):
    from app import create_app

    default["providers"] = default["providers"][:1]
    path = tmp_path / "bad.toml"
    path.write_text(tomli_w.dumps(default))
    monkeypatch.setenv("INDGANG_CONFIG", str(path))
    monkeypatch.setenv("INDGANG_INSTANCE", str(tmp_path / "instance"))
    with pytest.raises(InvalidConfig, match=r"§ 101a stk\. 2"):
        create_app()



def test_demo_accounts_are_refused_together_with_tls_cookies(default):
    default.update(demo=True, secure_cookies=True)
    with pytest.raises(InvalidConfig) as refused:
        settings_from_dict(default)
    assert "demo" in str(refused.value) and "secure_cookies" in str(refused.value)
    default.update(demo=False)
    for number, provider in enumerate(default["providers"], start=1):
        provider["address"] = f"Hovedgaden {number}, 2650 Hvidovre"
    assert settings_from_dict(default).secure_cookies is True


def test_an_in_person_provider_needs_a_street_and_number_outside_demo_mode(default):
    # Given the embedded providers, whose addresses name only their units
    assert settings_from_dict(default).demo is True  # allowed while trying the service out
    default.update(demo=False)
    # Then outside demo mode the first one is refused, naming the field
    with pytest.raises(InvalidConfig, match=r"providers\[0\]\.address is 'Stofrådgivningen, København': expected a street and number"):
        settings_from_dict(default)
    for number, provider in enumerate(default["providers"], start=1):
        provider["address"] = f"Hovedgaden {number} B, 2650 Hvidovre"
    assert settings_from_dict(default).providers[0].has_street_address


def test_a_provider_may_speak_any_of_the_nine_languages(default):
    default["providers"][0]["languages"] = ["da", "en", "ar", "fa", "ur", "tr", "pl", "uk", "so"]
    assert settings_from_dict(default).providers[0].languages[-1] == "so"
