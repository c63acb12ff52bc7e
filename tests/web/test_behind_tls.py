"""Served over TLS behind a reverse proxy, as a municipality runs it (issue 11 item 8): proxy
headers trusted only from the configured number of proxies, trusted host names, Secure cookies
and HSTS, and CSRF that works over https although no page sends a Referer."""

import dataclasses
import tomllib

import pytest

from app.config import DEFAULT_CONFIG_PATH, InvalidConfig, ServerSettings, load_settings, settings_from_dict

from citizen_client import Citizen

SITE = "indgang.example"


@pytest.fixture
def make_tls_app(make_app):
    def make(proxies=0, hosts=(SITE,)):
        settings = dataclasses.replace(load_settings(), demo=False, secure_cookies=True,
                                       server=ServerSettings(proxies=proxies, hosts=tuple(hosts)))
        return make_app(settings=settings)

    return make


class ClientAt:
    """Flask's test client, with every request sent to `base_url` (e.g. https://SITE)."""

    def __init__(self, app, base_url: str):
        self.client, self.base_url = app.test_client(), base_url

    def get(self, path, **kwargs):
        return self.client.get(path, base_url=self.base_url, **kwargs)

    def post(self, path, **kwargs):
        return self.client.post(path, base_url=self.base_url, **kwargs)

    def get_cookie(self, name):
        return self.client.get_cookie(name, domain=self.base_url.split("//")[1].split(":")[0])


def https_citizen(app) -> Citizen:
    return Citizen(ClientAt(app, f"https://{SITE}"))


def test_a_citizen_gets_through_the_chat_over_https(make_tls_app):
    # Given the site over https, where our pages send no Referer (Referrer-Policy: no-referrer)
    citizen = https_citizen(make_tls_app())
    citizen.get("/chat")
    # When the person answers, first without a session and then with one
    assert citizen.answer("age_band", "25_plus").status_code == 303
    assert citizen.answer("municipality", "Ishøj").status_code == 303
    assert citizen.current_question() == "other_support"
    # Then every answer was taken, and the cookie is Secure
    cookie = citizen.client.get_cookie("indgang")
    assert cookie.secure and cookie.http_only and cookie.same_site == "Strict"


def test_hsts_only_when_served_over_tls(make_tls_app, client):
    assert https_citizen(make_tls_app()).get("/").headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_a_post_in_a_session_from_another_site_is_refused_even_with_its_token(make_tls_app):
    citizen = https_citizen(make_tls_app())
    citizen.get("/chat")
    citizen.answer("age_band", "25_plus")
    answer = {"question": "municipality", "answer": "Ishøj"}
    for header in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        response = citizen.post("/chat", answer, headers=header)
        assert response.status_code == 400, header
    assert citizen.current_question() == "municipality"
    same_site = {"Origin": f"https://{SITE}", "Sec-Fetch-Site": "same-origin"}
    assert citizen.post("/chat", answer, headers=same_site).status_code == 303


def test_an_unknown_host_name_gets_400(make_tls_app):
    app = make_tls_app()
    assert ClientAt(app, "https://evil.example").get("/").status_code == 400
    assert https_citizen(app).get("/").status_code == 200


def test_no_host_list_accepts_any_host(make_tls_app):
    assert ClientAt(make_tls_app(hosts=()), "https://anything.example").get("/").status_code == 200


def behind_proxy(app, **headers):
    """The proxy speaks plain http to the app on the loopback and says what the browser asked."""
    return ClientAt(app, "http://127.0.0.1:5000"), {
        "X-Forwarded-Proto": "https", "X-Forwarded-Host": SITE, **headers}


def test_with_one_proxy_its_headers_say_scheme_and_host(make_tls_app):
    app = make_tls_app(proxies=1)
    client, headers = behind_proxy(app)
    response = client.post("/chat", data={"question": "age_band", "answer": "25_plus"},
                           headers={**headers, "Origin": f"https://{SITE}"})
    assert response.status_code == 303
    assert client.get("/", headers={**headers, "X-Forwarded-Host": "evil.example"}).status_code == 400


def test_without_a_proxy_forwarded_headers_are_ignored(make_tls_app):
    app = make_tls_app(proxies=0)
    client = ClientAt(app, f"https://{SITE}")
    spoofed = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}
    assert client.get("/", headers=spoofed).status_code == 200
    response = client.post("/chat", data={"question": "age_band", "answer": "25_plus"},
                           headers={**spoofed, "Origin": "https://evil.example"})
    assert response.status_code == 400


@pytest.mark.parametrize("server, field", [({"proxies": -1}, "server.proxies"), ({"proxies": "1"}, "server.proxies"),
                                           ({"hosts": ["https://x.dk"]}, "server.hosts"), ({"hosts": "x.dk"}, "server.hosts")])
def test_bad_server_settings_are_refused_by_name(server, field):
    with open(DEFAULT_CONFIG_PATH, "rb") as handle:
        data = tomllib.load(handle)
    data["server"] = server
    with pytest.raises(InvalidConfig, match=field.replace(".", r"\.")):
        settings_from_dict(data)
