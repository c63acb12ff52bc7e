"""The municipality's admin runs the service from a phone (issue 15): adds a provider whose times
a citizen sees at once, closes a day, meets the § 101a stk. 2 refusal, and gives a new colleague
an account, who sets a password and signs in without JavaScript. The server has two gunicorn
workers, so a change made through one is seen through the other with no restart. Every admin
page passes axe with no violation (axe runs as a script, so the admin's phone runs JavaScript;
the admin pages have none of their own, and tests/staff/test_admin_manage.py drives every form
with no script at all).

This module serves its own app (a fresh database): it retires providers the other browser tests
book at.
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from served import serve
from test_citizen_browser import confirm_code, finish_chat, get_code, start_chat, violations
from test_staff_browser import sign_in

pytestmark = pytest.mark.browser

NEW_PLACE = {"id": "soevej", "name": "Søvejens Rådgivning", "address": "Ishøj Søvej 1, 2635 Ishøj",
             "municipality": "Ishøj", "slot_minutes": "60"}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLOTS = "form.booking input[name=slot]"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """This module's own server (tests/served.py): two workers, a fresh instance."""
    yield from serve(tmp_path_factory)


def check(page, name: str, problems: list) -> None:
    problems.extend(violations(page, name))


def submit(page) -> None:
    page.locator("main form.staff-form button.primary").click()
    page.wait_for_load_state()


def add_provider(admin, problems) -> None:
    admin.goto("/admin/providers")
    admin.locator('main a[href="/admin/providers/new"]').click()
    check(admin, "new provider", problems)
    submit(admin)  # nothing filled in: refused, naming the fields
    expect(admin.locator(".error-summary")).to_be_visible()
    expect(admin.locator("#name-error")).to_have_text("Skriv behandlingsstedets navn.")
    check(admin, "new provider, refused", problems)
    for field, value in NEW_PLACE.items():
        admin.locator(f"main [name={field}]").fill(value)
    for day in WEEKDAYS:
        admin.locator(f"main [name=hours_{day}]").fill("08:00-20:00")
    for name, value in (("age_bands", "25_plus"), ("languages", "da"), ("meeting_modes", "in_person")):
        admin.locator(f'main input[name={name}][value="{value}"]').check()
    submit(admin)
    assert urlsplit(admin.url).path == "/admin/providers"
    expect(admin.locator("main table.providers")).to_contain_text("Søvejens Rådgivning")
    check(admin, "providers", problems)


def offered_slots(citizen) -> list[str]:
    citizen.goto("/book/soevej")
    return [slot.get_attribute("value") for slot in citizen.locator(SLOTS).all()]


def retire(admin, provider_id) -> None:
    admin.goto(f"/admin/providers/{provider_id}/retire")
    admin.locator("main form button.primary").click()
    admin.wait_for_load_state()


def test_the_admin_runs_the_service_from_a_phone(phone, live_server):
    problems = []
    admin = phone()
    admin.goto("/admin/")
    sign_in(admin, "admin")
    assert urlsplit(admin.url).path == "/admin/"
    check(admin, "admin home", problems)

    # A new provider's times are offered to a citizen at once (two workers, no restart)
    add_provider(admin, problems)
    citizen = phone()
    start_chat(citizen)
    finish_chat(citizen)
    confirm_code(citizen, get_code(citizen))
    expect(citizen.locator('main a[href*="/book/soevej"]')).to_be_visible()
    slots = offered_slots(citizen)
    assert slots, "no time offered at the new provider"

    # Closing a day takes its times away
    day = slots[0].split("@")[1][:8]
    admin.goto("/admin/providers/soevej")
    admin.locator("main [name=closed_dates]").fill(f"{day[:4]}-{day[4:6]}-{day[6:]}")
    submit(admin)
    assert urlsplit(admin.url).path == "/admin/providers"
    left = offered_slots(citizen)
    assert left and not any(slot.startswith(f"soevej@{day}") for slot in left)

    # Retiring providers until § 101a stk. 2 refuses
    retire(admin, "stofraadgivningen")
    retire(admin, "laenke-hvidovre")
    expect(admin.locator("main table.providers")).not_to_contain_text("Lænke-ambulatoriet Hvidovre")
    retire(admin, "laenke-lyngby")
    expect(admin.locator("main .error-summary")).to_contain_text("§ 101a stk. 2")
    check(admin, "retire, refused", problems)
    admin.goto("/admin/providers")
    expect(admin.locator("main table.providers tbody tr")).to_have_count(2)

    # The municipality's settings page
    admin.goto("/admin/settings")
    check(admin, "settings", problems)

    # A new intake account: its owner chooses a password through the one-time link and signs in
    admin.goto("/admin/accounts")
    check(admin, "accounts", problems)
    admin.locator('main a[href="/admin/accounts/new"]').click()
    check(admin, "new account", problems)
    admin.locator("main [name=username]").fill("bo")
    admin.locator("main [name=role]").select_option("intake")
    submit(admin)
    link = admin.locator("#one-time-link").get_attribute("href")
    check(admin, "one-time link", problems)
    admin.goto(link)  # reading the page uses nothing up
    check(admin, "set password", problems)
    colleague = phone(java_script_enabled=False)
    colleague.goto(link)
    colleague.locator("main [name=password]").fill("bo's own passphrase")
    colleague.locator("main [name=repeated]").fill("bo's own passphrase")
    submit(colleague)
    assert urlsplit(colleague.url).path == "/staff/login"
    sign_in(colleague, "bo", "bo's own passphrase")
    assert urlsplit(colleague.url).path == "/staff/"

    # ... and is disabled: signed out at the next page
    admin.goto("/admin/accounts")
    admin.locator('main form[action="/admin/accounts/bo/disable"] button').click()
    admin.wait_for_load_state()
    expect(admin.locator("main .flash")).to_contain_text("bo")
    colleague.goto("/staff/")
    assert urlsplit(colleague.url).path == "/staff/login"

    assert problems == []
