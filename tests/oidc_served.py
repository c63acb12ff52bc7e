"""A real OpenID Connect provider for the sign-in tests: the certified `oidc-provider` (npm),
installed by `make test` (`npm ci` in tests/oidc) and started here on a free loopback port by
tests/oidc/provider.mjs, with a signing key made here (so a test can also sign a token with the
provider's own key), one client `indgang`, and the test users of provider.mjs:

    anna  intake group, signed in with a second factor (amr "mfa")
    pia   provider group (Lænke-ambulatoriet Hvidovre), with a second factor
    ida   admin and intake groups (admin is listed first here, so she is admin), with a second factor
    otto  no group of Indgang's, with a second factor
    nils  intake group, password only (no "mfa")
"""

import copy
import json
import os
import shutil
import tomllib
import urllib.error
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
import tomli_w
from joserfc.jwk import KeySet, RSAKey

from app.config import DEFAULT_CONFIG_PATH

from served import LOOPBACK, PROJECT_ROOT, direct, free_port, running

PROVIDER_FOLDER = PROJECT_ROOT / "tests" / "oidc"
CLIENT_ID = "indgang"
CLIENT_SECRET = "a test secret, not a real one"
SECRET_VARIABLE = "INDGANG_TEST_OIDC_CLIENT_SECRET"
#: Where Flask's test client says it is (url_for(..., _external=True) in a test request).
TEST_CLIENT_BASE = "http://localhost"
GROUPS = {
    "indgang-admin": {"role": "admin"},
    "indgang-intake": {"role": "intake"},
    "indgang-provider-hvidovre": {"role": "provider", "provider": "laenke-hvidovre"},
}
BREAK_GLASS = "admin"  # the demo admin account (password "demo")


@dataclass(frozen=True)
class OidcProvider:
    issuer: str
    signing_key: RSAKey  # the provider's own (private) key
    app_port: int  # the port the OIDC live server must use (its callback is registered there)

    def discovery(self) -> dict:
        with direct.open(f"{self.issuer}/.well-known/openid-configuration", timeout=1) as response:
            return json.loads(response.read())


def oidc_table(provider_issuer: str, **changes) -> dict:
    return {"issuer": provider_issuer, "client_id": CLIENT_ID, "client_secret_env": SECRET_VARIABLE, "required_amr": ["mfa"],
            "break_glass_account": BREAK_GLASS, "groups": copy.deepcopy(GROUPS), **changes}


def config_with_oidc(provider_issuer: str, **changes) -> dict:
    """The embedded default configuration with [staff.oidc] pointing at `provider_issuer`."""
    with open(DEFAULT_CONFIG_PATH, "rb") as handle:
        data = tomllib.load(handle)
    data["staff"]["oidc"] = oidc_table(provider_issuer, **changes)
    return data


def start_provider(tmp_path_factory):
    """Yield a running `OidcProvider`; its client accepts callbacks at Flask's test client and at
    `app_port` on loopback."""
    node = shutil.which("node")
    if node is None or not (PROVIDER_FOLDER / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the test OpenID provider is not installed: run `make test` (or `npm ci --prefix tests/oidc`)")
    folder = tmp_path_factory.mktemp("oidc-provider")
    port, app_port = free_port(), free_port()
    issuer = f"http://{LOOPBACK}:{port}"
    key = RSAKey.generate_key(2048, parameters={"kid": "provider-key", "use": "sig", "alg": "RS256"}, private=True)
    env = {**os.environ, "OIDC_PORT": str(port), "OIDC_CLIENT_SECRET": CLIENT_SECRET,
           "OIDC_REDIRECT_BASES": f"{TEST_CLIENT_BASE} http://{LOOPBACK}:{app_port}",
           "OIDC_JWKS": json.dumps(KeySet([key]).as_dict(private=True))}
    provider = OidcProvider(issuer=issuer, signing_key=key, app_port=app_port)

    def ready() -> bool:
        try:
            return provider.discovery()["issuer"] == issuer
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    with running([node, "tests/oidc/provider.mjs"], env, folder / "provider.log", ready, "oidc-provider"):
        yield provider


def serve_with_oidc(tmp_path_factory, provider: OidcProvider):
    """The live server (tests/served.py) with [staff.oidc] on, at the port the provider knows."""
    from served import serve

    path = Path(tmp_path_factory.mktemp("config")) / "oidc.toml"
    path.write_text(tomli_w.dumps(config_with_oidc(provider.issuer)))
    yield from serve(tmp_path_factory, port=provider.app_port,
                     environment={"INDGANG_CONFIG": str(path), SECRET_VARIABLE: CLIENT_SECRET})


def sign_in_at_provider(authorization_url: str, username: str) -> str:
    """What a browser does at the provider: open the authorization request, sign in as
    `username`, follow the redirects; returns the address the provider sends the browser back to."""
    with requests.Session() as browser:
        browser.trust_env = False  # loopback only, never a proxy
        page = browser.get(authorization_url, timeout=5)
        page.raise_for_status()
        response = browser.post(page.url, data={"username": username}, allow_redirects=False, timeout=5)
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if urlsplit(location).netloc != urlsplit(authorization_url).netloc:
                return location
            response = browser.get(location, allow_redirects=False, timeout=5)
        raise AssertionError(f"the provider did not send the browser back: {response.status_code} {response.text[:500]}")
