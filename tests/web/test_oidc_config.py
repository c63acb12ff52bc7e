"""[staff.oidc]: sign-in through the municipality's OpenID Connect provider, off in the embedded
default; every bad field is refused with its name."""

import copy
import tomllib

import pytest

from app.config import DEFAULT_CONFIG_PATH, InvalidConfig, settings_from_dict

SECRET_VARIABLE = "INDGANG_TEST_OIDC_SECRET"
OIDC = {
    "issuer": "https://login.microsoftonline.com/tenant/v2.0",
    "client_id": "indgang",
    "client_secret_env": SECRET_VARIABLE,
    "required_amr": ["mfa"],
    "break_glass_account": "Breakglass",
    "groups": {
        "g-admin": {"role": "admin"},
        "g-intake": {"role": "intake"},
        "g-hvidovre": {"role": "provider", "provider": "laenke-hvidovre"},
    },
}


@pytest.fixture
def config(monkeypatch):
    monkeypatch.setenv(SECRET_VARIABLE, "s3cret")
    with open(DEFAULT_CONFIG_PATH, "rb") as handle:
        data = tomllib.load(handle)
    data["demo"] = False
    for provider in data["providers"]:
        provider["address"] = "Vej 1, 2650 Hvidovre"
    data["staff"]["oidc"] = copy.deepcopy(OIDC)
    return data


def test_the_embedded_default_signs_in_with_passwords():
    with open(DEFAULT_CONFIG_PATH, "rb") as handle:
        assert settings_from_dict(tomllib.load(handle)).staff.oidc is None


def test_a_full_oidc_table_is_read_in_order_with_the_secret_from_the_environment(config):
    oidc = settings_from_dict(config).staff.oidc
    assert oidc.client_secret == "s3cret" and "s3cret" not in repr(oidc)
    assert [value for value, _ in oidc.groups] == ["g-admin", "g-intake", "g-hvidovre"]
    assert oidc.groups[2][1].role == "provider" and oidc.groups[2][1].provider_id == "laenke-hvidovre"
    assert (oidc.groups_claim, oidc.username_claim, oidc.scopes) == ("groups", "preferred_username", ("openid",))
    assert oidc.required_amr == ("mfa",) and oidc.required_acr == ()
    assert oidc.break_glass_account == "breakglass"


def test_a_loopback_issuer_may_use_plain_http(config):
    config["staff"]["oidc"]["issuer"] = "http://127.0.0.1:9000"
    assert settings_from_dict(config).staff.oidc.issuer == "http://127.0.0.1:9000"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda o: o.update(issuer="http://idp.example"), r"^staff\.oidc\.issuer is 'http://idp\.example': expected an https:// URL"),
        (lambda o: o.pop("client_id"), r"^staff\.oidc\.client_id is missing"),
        (lambda o: o.update(client_secret_env="NOT_SET_ANYWHERE"), r"^staff\.oidc\.client_secret_env names NOT_SET_ANYWHERE, which is not set"),
        (lambda o: o.update(groups={}), r"^staff\.oidc\.groups is \{\}: expected a table"),
        (lambda o: o["groups"].update({"g-x": {"role": "boss"}}), r"^staff\.oidc\.groups\.g-x\.role is 'boss'"),
        (lambda o: o["groups"].update({"g-x": {"role": "provider"}}), r"^staff\.oidc\.groups\.g-x\.provider is missing"),
        (lambda o: o["groups"].update({"g-x": {"role": "provider", "provider": "nowhere"}}), r"^staff\.oidc\.groups\.g-x\.provider is 'nowhere'"),
        (lambda o: o["groups"].update({"g-x": {"role": "intake", "provider": "laenke-hvidovre"}}), r"^staff\.oidc\.groups\.g-x\.provider: only a provider"),
        (lambda o: o.update(scopes=["profile"]), r"^staff\.oidc\.scopes is \['profile'\]: expected a list with \"openid\""),
        (lambda o: o.update(required_amr="mfa"), r"^staff\.oidc\.required_amr is 'mfa'"),
    ],
)
def test_a_bad_oidc_field_is_named(config, change, message):
    change(config["staff"]["oidc"])
    with pytest.raises(InvalidConfig, match=message):
        settings_from_dict(config)
