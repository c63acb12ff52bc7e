"""Lists typed into the admin's provider form (hours, closed days) from any keyboard."""

from app.admin.forms import parse_dates, split_list


def test_a_list_splits_on_commas_arabic_commas_and_lines():
    assert split_list("09:00-12:00، 13:00-15:00\n16:00-17:00, ") == ["09:00-12:00", "13:00-15:00", "16:00-17:00"]


def test_digits_of_any_script_are_read_as_0_to_9():
    assert split_list("٠٩:٠٠-١٥:٠٠") == ["09:00-15:00"]
    assert [day.isoformat() for day in parse_dates("۲۰۲۶-۱۲-۲۴")] == ["2026-12-24"]
