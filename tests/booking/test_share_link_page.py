"""The shared-link page, signed out, through AppTest and the functions behind its form: the
page opens without the sign-in shell and hands the form the whole booking window; a visitor
asks with name and email, follows the proof link, gets a manage link, cancels through it; bad input gets its message
and books nothing; an expired or revoked link says so. The form itself is clicked through in a
real browser in test_browser_booking.py."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from lib.booking import share_links
from lib.core import clock, db
from lib.core.errors import UserError
from lib.web import link_page
from tests.booking.conftest import proof_secret, prove_latest
from tests.conftest import APP


def link_app(lang: str = "en", **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def form_data(at: AppTest) -> dict:
    (booker,) = at.get("bidi_component")
    return json.loads(booker.proto.bytes)


def first_free(data: dict, slot: str = "day") -> tuple[str, str]:
    """A day and a desk free for the slot, read from the form's own data like the browser does."""
    halves = (0, 1) if slot == "day" else ((0,) if slot == "am" else (1,))
    for day, _ in data["days"]:
        row = data["states"][day]
        for i, desk in enumerate(data["desks"]):
            if all(row[2 * i + h] == "f" for h in halves) and day > clock.now().date().isoformat():
                return day, desk[0]
    raise AssertionError("nothing free in the window")


def test_link_page_opens_alone_with_the_whole_window(demo_db):
    token = share_links.create(db.OWNER, "Newsletter")
    at = link_app(t=token)
    assert not at.exception
    assert not at.sidebar.button, "no sign-in shell, no menu on the public page"
    data = form_data(at)
    with db.as_owner() as conn:
        desks = conn.execute("select count(*) as n from public.resources where kind = 'desk' and active").fetchone()["n"]
    assert len(data["desks"]) == desks and data["days"]
    assert all(len(row) == 2 * desks for row in data["states"].values())
    assert data["labels"]["title"] == "Book a desk" and data["labels"]["book"] == "Send the request" and data["other_lang"] == "fr"
    # today while today still has a free desk, else the next day that has one
    assert data["default_day"] == next(day for day, _ in data["days"] if "f" in data["states"][day])
    french = form_data(link_app("fr", t=token))
    assert french["labels"]["book"] == "Envoyer la demande" and french["labels"]["other_language"] == "English"


def test_visitor_asks_proves_then_cancels_through_manage_link(demo_db):
    token = share_links.create(db.OWNER, "Newsletter")
    day, desk = first_free(form_data(link_app(t=token)))
    done = link_page.book_request(token, {"day": day, "slot": "day", "resource": desk, "name": "Vi Sitor",
                                          "email": "visitor@example.net"})
    assert done["email"] == "visitor@example.net" and done["when"]
    at = link_app(proof=proof_secret("visitor@example.net"))
    assert not at.exception and at.title[0].value == "Confirmation"
    assert any("Booked" in s.value for s in at.success)
    (copier,) = [c for c in at.get("bidi_component") if "manage=" in c.proto.bytes.decode()]
    manage = json.loads(copier.proto.bytes)["url"].split("manage=", 1)[1]  # the address with its copy button
    at = link_app(manage=manage)
    assert at.title[0].value == "Your booking"
    at.button(key="link_cancel").click().run()
    at.button(key="link_cancel_yes").click().run()  # cancelling asks first
    assert not at.exception
    assert share_links.managed_booking(manage)["status"] == "cancelled"


@pytest.mark.parametrize("change, key", [
    ({"day": "31/12/2026"}, "linkform.day_invalid"),
    ({"slot": "evening"}, "linkform.slot_invalid"),
    ({"resource": "desk 12"}, "linkform.resource_invalid"),
    ({"email": "visitor.example.net"}, "link.email_invalid"),
    ({"name": "  "}, "link.name_required"),
])
def test_bad_input_says_what_to_fix_and_books_nothing(demo_db, change, key):
    token = share_links.create(db.OWNER, "Newsletter")
    day, desk = first_free(form_data(link_app(t=token)))
    request = {"day": day, "slot": "am", "resource": desk, "name": "Vi Sitor", "email": "visitor@example.net",
               **change}
    with pytest.raises(UserError) as refused:
        link_page.book_request(token, request)
    assert refused.value.key == key
    assert refused.value.message("fr") != refused.value.message("en")
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.bookings where share_link_id is not null"
                            ).fetchone()["n"] == 0


def test_a_desk_taken_a_second_ago_is_refused_clearly(demo_db):
    token = share_links.create(db.OWNER, "Newsletter")
    day, desk = first_free(form_data(link_app(t=token)))
    request = {"day": day, "slot": "day", "resource": desk, "name": "First", "email": "first@example.net"}
    link_page.book_request(token, request)
    assert prove_latest("first@example.net")["outcome"] == "confirmed"
    with pytest.raises(UserError) as refused:  # the second visitor still saw it free
        link_page.book_request(token, {**request, "name": "Second", "email": "second@example.net"})
    assert refused.value.key == "booking.taken"


def test_revoked_link_says_so(demo_db):
    token = share_links.create(db.OWNER, "Old")
    share_links.revoke(db.OWNER, share_links.list_links(db.OWNER).id.iloc[0])
    at = link_app(t=token)
    assert any("switched off" in e.value for e in at.error)
    assert not at.get("bidi_component")


def test_the_form_offers_at_most_three_months_whatever_the_window(demo_db):
    with db.as_owner() as conn:
        conn.execute("update public.settings set booking_window_days = 700")
    token = share_links.create(db.OWNER, "Newsletter")
    data = form_data(link_app(t=token))
    last = dt.date.fromisoformat(data["days"][-1][0])
    assert clock.now().date() + dt.timedelta(days=80) < last <= clock.now().date() + dt.timedelta(days=link_page.LINK_WINDOW_DAYS + 1)


@pytest.mark.timeout(60)
def test_the_form_data_is_built_for_a_link_never_seen_before(demo_db):
    """The data asks what the link serves while holding its own cache's lock: it must not wait
    on itself (it did once, and the page hung)."""
    token = share_links.create(db.OWNER, "Fresh")
    data = json.loads(link_page.window_payload(token, "fr"))
    assert data["desks"] and data["events_too"] is False


@pytest.mark.timeout(60)
def test_while_one_visitor_refreshes_the_data_the_others_keep_the_previous_copy(demo_db):
    token = share_links.create(db.OWNER, "Burst")
    first = link_page.window_payload(token, "fr")
    link_page._window_cache[(token, "fr")] = (0.0, first)  # due now
    with link_page._window_lock:  # another visitor is refreshing it
        assert link_page.window_payload(token, "fr") is first  # served at once, not queued
    link_page.window_payload(token, "fr")  # the next one refreshes it
    assert link_page._window_cache[(token, "fr")][0] > 0.0
