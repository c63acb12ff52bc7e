"""The production example in docs/ (issue 11 item 9) is a configuration start-up accepts, with
every production setting on, and the Caddy example serves the same host to the app's port."""

import re
import tomllib
from pathlib import Path

from app import gunicorn_conf
from app.config import DEFAULT_CONFIG_PATH, load_settings

DOCS = Path(__file__).parents[2] / "docs"


def test_the_production_example_is_valid_and_safe():
    settings = load_settings(DOCS / "production.toml")
    assert settings.demo is False and settings.secure_cookies is True
    assert settings.server.proxies == 1 and settings.server.hosts == ("indgang.ishoj.dk",)
    assert settings.staff.require_totp is True


def test_the_caddy_example_serves_that_host_to_the_app_and_passes_no_address():
    caddyfile = (DOCS / "Caddyfile").read_text()
    host = load_settings(DOCS / "production.toml").server.hosts[0]
    assert re.search(rf"^{re.escape(host)} {{$", caddyfile, re.M)
    assert f"reverse_proxy {gunicorn_conf.bind} {{" in caddyfile
    assert "header_up -X-Forwarded-For" in caddyfile
    assert not re.search(r"^\s*log\b", caddyfile, re.M)


def test_the_production_example_differs_from_the_default_only_in_production_settings():
    def read(path):
        with open(path, "rb") as handle:
            return tomllib.load(handle)

    production, default = read(DOCS / "production.toml"), read(DEFAULT_CONFIG_PATH)
    changed = {key for key in production.keys() | default.keys() if production.get(key) != default.get(key)}
    assert changed == {"demo", "secure_cookies", "server", "staff", "providers"}
    # The providers differ only in their street addresses, which production requires
    without_address = [[{k: v for k, v in p.items() if k != "address"} for p in config["providers"]]
                       for config in (production, default)]
    assert without_address[0] == without_address[1]
    assert production["staff"] == {**default["staff"], "require_totp": True}
