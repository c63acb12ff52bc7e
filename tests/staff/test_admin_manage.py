"""The admin runs the service from the browser: providers, closed days, the municipality's
settings and staff accounts, each change audited and in effect at once (issue 15)."""

import dataclasses
import datetime as dt
import re

import pytest

from app.config import load_settings
from app.context import get_db
from booking import managed

from citizen_client import SLOT, Citizen
from staff_helpers import add_account, audit_rows, new_staff

EVERY_DAY = {f"hours_{day}": "08:00-20:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
NEW_PLACE = {
    "id": "soevej", "name": "Søvejens Rådgivning", "address": "Ishøj Søvej 1, 2635 Ishøj", "municipality": "Ishøj",
    "phone": "", "age_bands": ["25_plus"], "languages": ["da", "en"], "meeting_modes": ["in_person"],
    "slot_minutes": "60", "closed_dates": "", "closed_yearly": "", **EVERY_DAY,
}
LINK = re.compile(r'id="one-time-link">http://localhost(/staff/set-password\?token=([^<]+))<')
GET_ONLY = ("/admin/providers", "/admin/accounts")


@pytest.fixture
def admin(app):
    add_account(app, "root", "admin")
    staff = new_staff(app)
    staff.sign_in("root")
    return staff


def citizen_of(app) -> Citizen:
    citizen = Citizen(app.test_client())
    citizen.finish_screening()
    citizen.get_code()
    return citizen


def offered(citizen, provider_id) -> list[str]:
    citizen.get(f"/book/{provider_id}")
    return SLOT.findall(citizen.page)


def add_place(admin, **changes):
    admin.get("/admin/providers/new")
    return admin.post("/admin/providers/new", {**NEW_PLACE, **changes})


def stored_providers(app):
    with app.app_context():
        return managed.load(get_db())


# --- providers ------------------------------------------------------------------------------


def test_a_provider_added_is_offered_to_a_citizen_at_once_and_audited(app, admin):
    citizen = citizen_of(app)
    assert add_place(admin).status_code == 302
    citizen.get("/book")
    assert "Søvejens Rådgivning" in citizen.page
    assert offered(citizen, "soevej")
    entry = audit_rows(app)[-1]
    assert (entry["username"], entry["action"]) == ("root", "provider_added")
    assert "name: null → Søvejens Rådgivning" in entry["detail"]


def test_closing_a_day_takes_its_times_away_and_the_audit_says_old_and_new(app, admin):
    citizen = citizen_of(app)
    add_place(admin)
    first = offered(citizen, "soevej")[0]
    day = dt.datetime.strptime(first.split("@")[1], "%Y%m%dT%H%MZ").date()
    admin.get("/admin/providers/soevej")
    edited = {key: value for key, value in NEW_PLACE.items() if key != "id"}  # the edit form has no id
    assert admin.post("/admin/providers/soevej", {**edited, "closed_dates": day.isoformat()}).status_code == 302
    assert not any(slot.startswith(f"soevej@{day:%Y%m%d}") for slot in offered(citizen, "soevej"))
    entry = audit_rows(app)[-1]
    assert entry["action"] == "provider_changed"
    assert entry["detail"] == f'soevej: closed_dates: [] → ["{day.isoformat()}"]'


def test_another_worker_sees_a_change_at_once(app, make_staff_app, admin):
    other_worker = make_staff_app()  # the same database, its own cached settings
    citizen = Citizen(other_worker.test_client())
    citizen.finish_screening()
    citizen.get_code()
    citizen.get("/book")
    assert "Søvejens Rådgivning" not in citizen.page
    add_place(admin)
    citizen.get("/book")
    assert "Søvejens Rådgivning" in citizen.page


@pytest.mark.parametrize("changes, message", [
    ({"name": " "}, "Skriv behandlingsstedets navn."),
    ({"hours_mon": "9-17"}, "Skriv åbningstider som 09:00-15:00"),
    ({"hours_mon": "17:00-09:00"}, "Skriv åbningstider som 09:00-15:00"),
    ({"languages": ["xx"]}, "Vælg en af mulighederne."),
    ({"languages": []}, "Vælg mindst ét sprog."),
    ({"slot_minutes": "99999999999999999999"}, "Skriv et helt tal."),
    ({"slot_minutes": "5"}, "Skriv et tal fra 15 til 240."),
    ({"closed_dates": "2026-02-30"}, "Skriv én dato pr. linje"),
    ({"closed_yearly": "13-01"}, "Skriv måned-dage som 12-24"),
    ({"id": "Not An Id"}, "Brug 2 til 40 små bogstaver"),
    ({"meeting_modes": ["phone_in"]}, "Skriv telefonnummeret"),
    ({"address": "Søvejens Rådgivning, Ishøj"}, "Skriv gade og nummer"),
    ({**dict.fromkeys(EVERY_DAY, "")}, "Angiv åbningstider på mindst én ugedag."),
])
def test_bad_input_is_refused_naming_the_field_in_danish(app, admin, changes, message):
    response = add_place(admin, **changes)
    assert response.status_code == 400
    assert message in admin.page
    assert "soevej" not in [p.id for p in stored_providers(app).providers]


def test_adding_the_same_provider_twice_names_the_taken_short_name(app, admin):
    add_place(admin)
    assert add_place(admin).status_code == 400
    assert "Det korte navn er taget" in admin.page


def test_retiring_until_paragraph_101a_refuses(app, admin):
    for provider_id in ("stofraadgivningen", "laenke-hvidovre"):
        admin.get(f"/admin/providers/{provider_id}/retire")
        if provider_id == "laenke-hvidovre":
            break
        assert admin.post(f"/admin/providers/{provider_id}/retire").status_code == 302
    response = admin.post("/admin/providers/laenke-hvidovre/retire")
    assert response.status_code == 409
    assert "§ 101a stk. 2" in admin.page
    assert [p.id for p in stored_providers(app).providers] == ["laenke-hvidovre", "laenke-lyngby"]


def test_retiring_twice_is_a_404_the_second_time(app, admin):
    admin.get("/admin/providers/stofraadgivningen/retire")
    admin.post("/admin/providers/stofraadgivningen/retire")
    assert admin.post("/admin/providers/stofraadgivningen/retire").status_code == 404


def test_a_retired_provider_still_names_its_bookings(app, admin):
    admin.get("/admin/providers/stofraadgivningen/retire")
    admin.post("/admin/providers/stofraadgivningen/retire")
    with app.test_request_context():
        from app.context import settings
        assert settings().provider("stofraadgivningen").name == "Stofrådgivningen"
        assert "stofraadgivningen" not in [p.id for p in settings().providers]


def test_retiring_or_closing_hours_with_a_booking_lists_it_and_changes_nothing(app, admin):
    citizen = Citizen(app.test_client())
    citizen.book_first_time("laenke-hvidovre")
    with app.app_context():
        booking = next(get_db().query("select bookings.starts_at, cases.referral_number from bookings join cases on cases.id = bookings.case_id"))
    admin.get("/admin/providers/laenke-hvidovre/retire")
    assert admin.post("/admin/providers/laenke-hvidovre/retire").status_code == 409
    assert booking["referral_number"] in admin.page and "Flyt eller aflys" in admin.page
    day = dt.date.fromisoformat(booking["starts_at"][:10])
    admin.get("/admin/providers/laenke-hvidovre")
    form = {**NEW_PLACE, "id": "", "name": "Lænke-ambulatoriet Hvidovre", "address": "Hvidovrevej 1, 2650 Hvidovre",
            "municipality": "Hvidovre", "closed_dates": day.isoformat(),
            "hours_mon": "09:00-15:00", "hours_tue": "09:00-15:00", "hours_wed": "12:00-19:00", "hours_thu": "09:00-15:00",
            "hours_fri": "", "hours_sat": "", "hours_sun": ""}
    assert admin.post("/admin/providers/laenke-hvidovre", form).status_code == 409
    assert booking["referral_number"] in admin.page
    assert stored_providers(app).providers[1].closed_dates == ()


@pytest.mark.parametrize("path", ["/admin/providers", "/admin/providers/new", "/admin/providers/laenke-lyngby",
                                  "/admin/providers/laenke-lyngby/retire", "/admin/settings", "/admin/accounts",
                                  "/admin/accounts/new"])
def test_other_roles_may_not_open_the_admin_pages(app, path):
    add_account(app, "anna", "intake")
    intake = new_staff(app)
    intake.sign_in("anna")
    assert intake.get(path).status_code == 403
    if path not in GET_ONLY:
        assert intake.post(path, {**NEW_PLACE}).status_code == 403
    assert len(stored_providers(app).providers) == 3


def test_a_form_without_its_csrf_token_is_refused(app, admin):
    response = admin.client.post("/admin/providers/new", data=NEW_PLACE)
    assert response.status_code == 400
    assert len(stored_providers(app).providers) == 3


# --- the municipality's settings ------------------------------------------------------------


def settings_form(admin) -> dict:
    admin.get("/admin/settings")
    fields = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', admin.page))
    fields.pop("csrf_token", None)
    fields["confirmation"] = "staff"
    fields.pop("require_totp", None)
    return fields


def test_changing_a_contact_is_shown_to_citizens_and_audited_old_to_new(app, admin):
    form = settings_form(admin)
    assert form["phone"] == "43 57 75 75"
    assert admin.post("/admin/settings", {**form, "phone": "11 22 33 44"}).status_code == 302
    entry = audit_rows(app)[-1]
    assert (entry["action"], entry["detail"]) == ("settings_changed", "municipality.phone: 43 57 75 75 → 11 22 33 44")
    with app.test_request_context():
        from app.context import settings
        assert settings().municipality_contact.phone == "11 22 33 44"


def test_saving_unchanged_settings_writes_nothing(app, admin):
    form = settings_form(admin)
    before = len(audit_rows(app))
    admin.post("/admin/settings", form)
    assert len(audit_rows(app)) == before


@pytest.mark.parametrize("changes, message", [
    ({"notice": "0"}, "Vælg 1 eller flere"),
    ({"notice": "11"}, "Skriv et tal fra 0 til 10."),
    ({"case_days": "731"}, "Skriv et tal fra 0 til 730."),
    ({"case_days": "-1"}, "Skriv et tal fra 0 til 730."),
    ({"confirmation": "whenever"}, "Vælg en af mulighederne."),
    ({"youth_phone": ""}, "Skriv telefonnummeret."),
    ({"hours_fri": "nine to five"}, "Skriv åbningstider som 09:00-15:00"),
])
def test_bad_settings_are_refused_naming_the_field(app, admin, changes, message):
    form = settings_form(admin)
    assert admin.post("/admin/settings", {**form, **changes}).status_code == 400
    assert message in admin.page


def test_requiring_two_step_sign_in_applies_to_the_next_page(app, admin):
    admin.post("/admin/settings", {**settings_form(admin), "require_totp": "y"})
    assert admin.get("/admin/").status_code == 302
    assert "/staff/totp" in admin.client.get("/admin/").headers["Location"]


# --- staff accounts -------------------------------------------------------------------------


def create(admin, username="bo", role="intake", provider_id=""):
    admin.get("/admin/accounts/new")
    return admin.post("/admin/accounts/new", {"username": username, "role": role, "provider_id": provider_id})


def use_link(app, admin_page, password, repeated=None):
    """The owner opens the link shown to the admin and chooses a password; returns the owner."""
    address, token = LINK.search(admin_page).groups()
    owner = new_staff(app)
    owner.get(address)
    assert 'name="token"' in owner.page
    owner.post("/staff/set-password", {"token": token, "password": password, "repeated": repeated or password})
    return owner


def test_a_new_account_gets_a_link_its_owner_uses_to_sign_in(app, admin):
    assert create(admin).status_code == 201
    owner = use_link(app, admin.page, "my own passphrase")
    assert "Din adgangskode er valgt" in owner.get("/staff/login").get_data(as_text=True)
    assert owner.sign_in("bo", "my own passphrase").headers["Location"] == "/staff/"
    admin.get("/admin/accounts")
    bo_row = admin.page.split("<td>bo</td>")[1].split("</tr>")[0]
    assert "Aldrig" not in bo_row and str(dt.date.today().year) in bo_row
    assert [row["action"] for row in audit_rows(app) if row["username"] == "bo"] == ["password_set", "sign_in"]


def test_a_link_works_once(app, admin):
    create(admin)
    use_link(app, admin.page, "my own passphrase")
    second = use_link(app, admin.page, "another passphrase")
    assert "Linket virker ikke" in second.page
    assert second.sign_in("bo", "another passphrase").status_code == 401


def test_a_link_refuses_different_or_short_passwords(app, admin):
    create(admin)
    assert "De to adgangskoder er forskellige" in use_link(app, admin.page, "my own passphrase", "my own passphrasE").page
    assert "mindst 10 tegn" in use_link(app, admin.page, "short").page
    use_link(app, admin.page, "my own passphrase")  # still usable after both refusals


@pytest.mark.parametrize("form, message", [
    ({"username": "Bo Bo"}, "Brug 2 til 40 små bogstaver"),
    ({"role": "boss"}, "Vælg en af mulighederne."),
    ({"role": "provider", "provider_id": ""}, "Vælg behandlingsstedet"),
    ({"role": "provider", "provider_id": "nowhere"}, "Vælg behandlingsstedet"),
])
def test_bad_account_input_is_refused(app, admin, form, message):
    assert create(admin, **form).status_code == 400
    assert message in admin.page


def test_creating_the_same_account_twice_is_refused(app, admin):
    create(admin)
    assert create(admin).status_code == 400
    assert "Der findes allerede en konto med det brugernavn." in admin.page


def test_disabling_signs_the_owner_out_and_enabling_lets_them_back(app, admin):
    add_account(app, "anna", "intake")
    anna = new_staff(app)
    anna.sign_in("anna")
    admin.get("/admin/accounts")
    assert admin.post("/admin/accounts/anna/disable").status_code == 303
    assert anna.get("/staff/").status_code == 302
    admin.get("/admin/accounts")
    admin.post("/admin/accounts/anna/enable")
    assert anna.sign_in("anna").headers["Location"] == "/staff/"
    assert [row["action"] for row in audit_rows(app) if row["detail"] == "anna"] == ["account_disabled", "account_enabled"]


def test_the_last_admin_cannot_be_disabled(app, admin):
    admin.get("/admin/accounts")
    admin.post("/admin/accounts/root/disable")
    admin.get("/admin/accounts")
    assert "sidste administrator" in admin.page
    assert admin.get("/admin/").status_code == 200


def test_a_password_link_ends_the_old_password(app, admin):
    add_account(app, "anna", "intake")
    admin.get("/admin/accounts")
    assert admin.post("/admin/accounts/anna/reset").status_code == 200
    assert LINK.search(admin.page)
    assert new_staff(app).sign_in("anna").status_code == 401


def test_an_unknown_account_is_a_404(app, admin):
    admin.get("/admin/accounts")
    assert admin.post("/admin/accounts/nobody/disable").status_code == 404


@pytest.mark.parametrize("path", ["/admin/providers/new", "/admin/providers/laenke-lyngby", "/admin/settings", "/admin/accounts/new"])
def test_a_form_opens_without_errors_and_reading_it_writes_nothing(app, admin, path):
    before = (stored_providers(app), len(audit_rows(app)))
    assert admin.get(path).status_code == 200
    assert 'class="error' not in admin.page
    assert (stored_providers(app), len(audit_rows(app))) == before


def test_an_edit_keeps_the_name_that_bookings_courses_and_invoices_show(app, admin):
    citizen = Citizen(app.test_client())
    citizen.book_first_time("laenke-hvidovre")
    admin.get("/admin/providers/laenke-hvidovre")
    assert 'name="name"' not in admin.page
    form = {key: value for key, value in NEW_PLACE.items() if key != "id"}
    admin.post("/admin/providers/laenke-hvidovre", {**form, "name": "Et nyt navn", "address": "Hvidovrevej 2, 2650 Hvidovre",
                                                     "municipality": "Hvidovre", "hours_sat": "", "hours_sun": ""})
    assert stored_providers(app).providers[1].name == "Lænke-ambulatoriet Hvidovre"
    assert stored_providers(app).providers[1].address == "Hvidovrevej 2, 2650 Hvidovre"
    citizen.get("/status")
    assert "Lænke-ambulatoriet Hvidovre" in citizen.page and "Et nyt navn" not in citizen.page


def test_the_file_seeds_once_and_a_later_change_in_it_is_named_as_ignored(make_app, capsys):
    first = load_settings()
    make_app(settings=first)
    capsys.readouterr()
    later = dataclasses.replace(first, providers=first.providers[:2], staff=dataclasses.replace(first.staff, require_totp=True))
    app = make_app(settings=later)
    assert "the configuration file's values are ignored: staff.require_totp, providers" in capsys.readouterr().out
    assert len(stored_providers(app).providers) == 3
