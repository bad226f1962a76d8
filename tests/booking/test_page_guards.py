"""Booking pages guard themselves: Streamlit may run a page file without app.py (its pages-folder
mode on a process's first run, AppTest's switch_page), so each page refuses roles it is not for."""

from __future__ import annotations

import pytest

from tests.conftest import DEMO, app_as


@pytest.mark.parametrize(("email", "page", "title"), [
    (DEMO["board"], "views/book.py", "Book"),
    (DEMO["board"], "views/my_bookings.py", "My bookings"),
    (DEMO["member"], "views/staff_day.py", "Staff day"),
    (DEMO["staff"], "views/resources.py", "Desks, rooms and closures"),
])
def test_page_refuses_other_roles(demo_db, email, page, title):
    at = app_as(email, page, lang="en")
    assert not at.exception
    assert not any(t.value == title for t in at.title), "nothing of the page is drawn"
    assert any("not available to your role" in w.value for w in at.warning)


def test_signed_out_visitor_is_asked_to_sign_in_on_booking_pages(demo_db):
    at = app_as(DEMO["member"], "views/book.py", lang="en")
    at.session_state["person"] = None
    at.switch_page("views/book.py").run()
    assert not at.exception and not any(t.value == "Book" for t in at.title)
