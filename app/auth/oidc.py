"""Sign-in through the municipality's OpenID Connect provider (`[staff.oidc]`), with Authlib.

The authorization code flow with PKCE (S256): `start` keeps `state`, `nonce` and the PKCE
verifier in the (server-side, sealed) session and sends the browser to the provider; `finish`
checks the `state`, exchanges the code, and has the ID token's signature checked against the
keys the provider's discovery document names (fetched again when an unknown key id turns up) and
its claims against the issuer of the configuration, this client, the `nonce`, and the time
(`exp` and `iat`, 2 minutes' leeway for clocks). Then `sign_in_claims` decides who the person is
here: the `sub` claim finds their account, the mapped group claim gives the role, and the
required `amr`/`acr` values are checked. Every refusal raises `Refused` with a reason.
"""

from dataclasses import dataclass

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from authlib.oidc.core import CodeIDToken
from flask import Flask, current_app, url_for
from joserfc.errors import JoseError

from app.config import GroupRole, OidcSettings
from app.i18n import QUERY_KEY

CLIENT_NAME = "municipality"
#: Seconds of difference between our clock and the provider's that `exp`/`iat` allow.
LEEWAY_SECONDS = 120
#: Why a sign-in through the provider is refused (the page's words: app/words.py OIDC_REFUSALS).
FAILED, UNAVAILABLE, NO_GROUP, NO_MFA, DISABLED = "failed", "unavailable", "no_group", "no_mfa", "disabled"
#: Everything that a callback's checks or the provider's answers can raise.
CHECK_ERRORS = (AuthlibBaseError, JoseError, ValueError, KeyError, TypeError)


class Refused(Exception):
    """The sign-in through the provider is refused; `reason` is one of the reasons above."""

    def __init__(self, reason: str, subject: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.subject = subject


@dataclass(frozen=True)
class Person:
    """Who the provider vouched for, reduced to what an account needs."""

    subject: str
    username_hint: str | None
    group_role: GroupRole


def install_oidc(app: Flask, oidc: OidcSettings | None) -> None:
    """Register the provider with Authlib when `[staff.oidc]` is configured."""
    if oidc is None:
        return
    OAuth(app).register(
        CLIENT_NAME,
        client_id=oidc.client_id,
        client_secret=oidc.client_secret,
        server_metadata_url=f"{oidc.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": " ".join(oidc.scopes), "code_challenge_method": "S256", "timeout": 10},
    )


def client():
    return current_app.extensions["authlib.integrations.flask_client"].create_client(CLIENT_NAME)


def start(oidc: OidcSettings):
    """The redirect to the provider's sign-in; raises Refused(UNAVAILABLE) when it cannot be reached."""
    try:
        _check_discovery(oidc)
        return client().authorize_redirect(_registered_url("auth.oidc_callback"))
    except (requests.RequestException, *CHECK_ERRORS):
        current_app.logger.exception("the identity provider's discovery document could not be used")
        raise Refused(UNAVAILABLE) from None


def finish(oidc: OidcSettings) -> tuple[Person, str]:
    """Check the callback of this request; returns the person and the raw ID token (for
    RP-initiated logout). Raises Refused."""
    try:
        token = client().authorize_access_token(claims_options=_claims_options(), leeway=LEEWAY_SECONDS)
        claims, id_token = token["userinfo"], token["id_token"]
    except requests.RequestException:
        raise Refused(UNAVAILABLE) from None
    except CHECK_ERRORS:
        raise Refused(FAILED) from None
    return sign_in_claims(oidc, claims), id_token


def sign_in_claims(oidc: OidcSettings, claims: dict) -> Person:
    """Who the (already validated) ID token's `claims` make the person here, or Refused."""
    subject = claims["sub"]
    if oidc.required_amr and not set(oidc.required_amr) & set(_strings(claims.get("amr"))):
        raise Refused(NO_MFA, subject)
    if oidc.required_acr and claims.get("acr") not in oidc.required_acr:
        raise Refused(NO_MFA, subject)
    group_role = role_for_groups(oidc, _strings(claims.get(oidc.groups_claim)))
    if group_role is None:
        raise Refused(NO_GROUP, subject)
    hint = claims.get(oidc.username_claim)
    return Person(subject, hint if isinstance(hint, str) else None, group_role)


def role_for_groups(oidc: OidcSettings, groups: list[str]) -> GroupRole | None:
    """The first configured group the person is in decides (the file's order)."""
    return next((group_role for value, group_role in oidc.groups if value in groups), None)


def validate_id_token(id_token: str, nonce: str) -> dict:
    """The claims of `id_token` after Authlib's checks (as in `finish`), or a JoseError/ValueError:
    for tests of tokens the provider would not issue (expired, signed with another key)."""
    return dict(client().parse_id_token({"id_token": id_token}, nonce, claims_options=_claims_options(),
                                        claims_cls=CodeIDToken, leeway=LEEWAY_SECONDS))


def logout_url(id_token: str | None) -> str | None:
    """The provider's end-session address (RP-initiated logout) back to our signed-out page, or
    None when the provider has none (or cannot be reached: the local session is ended anyway)."""
    try:
        end_session = client().load_server_metadata().get("end_session_endpoint")
    except (requests.RequestException, *CHECK_ERRORS):
        return None
    if not end_session:
        return None
    return client().create_logout_url(
        post_logout_redirect_uri=_registered_url("auth.signed_out"), id_token_hint=id_token,
        client_id=client().client_id)["url"]


def _registered_url(endpoint: str) -> str:
    """A full address registered at the provider, which compares it exactly: without the
    language a page may carry (`app.i18n`)."""
    return url_for(endpoint, _external=True, **{QUERY_KEY: None})


def _check_discovery(oidc: OidcSettings) -> None:
    """OpenID Connect Discovery 1.0 § 4.3: the document's issuer is exactly the one configured."""
    issuer = client().load_server_metadata().get("issuer", "")
    if issuer.rstrip("/") != oidc.issuer:
        raise ValueError(f"the discovery document names the issuer {issuer!r}, not {oidc.issuer!r}")


def _claims_options() -> dict:
    issuer = client().load_server_metadata()["issuer"]
    return {"iss": {"essential": True, "values": [issuer]}}


def _strings(value) -> list[str]:
    """A claim that may be one string or a list of them (Entra ID and AD FS differ)."""
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
