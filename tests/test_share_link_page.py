"""The shared-link page through AppTest, signed out: a visitor books with name and email, gets a
manage link, cancels through it; a revoked link says so."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lib import share_links
from tests.conftest import APP


def link_app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = "en"
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("views/link.py")
    at.run()
    return at


def test_visitor_books_then_cancels_through_manage_link(demo_db):
    token = share_links.create("Newsletter")
    at = link_app(t=token)
    assert not at.exception
    assert at.title[0].value == "Book a desk"
    grid = next(m.value for m in at.markdown if m.value.startswith("| Zone"))  # availability at a glance
    assert grid.count("\n") == 25 and "| Morning | Afternoon |" in grid and ("free" in grid or "taken" in grid)
    at.text_input(key="link_name").set_value("Vi Sitor")
    at.text_input(key="link_email").set_value("visitor@example.net")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Booked:" in s.value for s in at.success)
    manage = at.code[0].value.split("?manage=", 1)[1]
    page = link_app(manage=manage)
    assert page.title[0].value == "Your booking"
    page.button(key="link_cancel").click().run()
    assert not page.exception
    assert share_links.managed_booking(manage)["status"] == "cancelled"


def test_revoked_link_says_so(demo_db):
    token = share_links.create("Old")
    share_links.revoke(share_links.list_links().id.iloc[0])
    at = link_app(t=token)
    assert any("switched off" in e.value for e in at.error)
