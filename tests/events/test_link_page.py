"""The public page of an events link (lib/web/event_link_page.py), through AppTest: the link's events
as cards, the one picked with its registration form giving a private manage link, the manage page cancelling (and the
waiting list moving up), a refused link saying why, both languages. Through app.py, which
routes a link made for events to this page and a manage link it does not know as a booking
here."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from lib.booking import share_links
from lib.core import clock, db
from lib.core.i18n import t
from lib.events import events
from lib.web import event_link_page
from tests.booking.conftest import link_register_proven, proof_secret
from tests.conftest import APP


@pytest.fixture
def link(empty_db):
    event_link_page.forget()
    starts = clock.now() + dt.timedelta(days=5)
    with db.as_owner() as conn:
        event = conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status) values"
                             " ('Café UX', %s, %s, 1, 'published') returning id::text",
                             (starts, starts + dt.timedelta(hours=2))).fetchone()["id"]
        conn.execute("insert into public.event_speakers (event_id, name) values (%s, 'Léa Martin')", (event,))
    yield {"token": events.create_link(db.OWNER, "Newsletter"), "event": event}
    event_link_page.forget()


def page(token: str, lang: str = "fr", manage: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["t"] = token
    if manage:
        at.query_params["manage"] = manage
    at.session_state["lang"] = lang
    return at.run()


def test_a_visitor_asks_proves_and_gets_a_private_manage_link(link):
    at = page(link["token"])
    assert not at.exception
    assert at.title[0].value == "Événements"
    assert any(s.value == "Café UX" for s in at.subheader) and any("Léa Martin" in x.value for x in at.caption)
    assert not at.get("form"), "the list first: the form comes with the event picked"
    at.button(key=f"evl_pick_{link['event']}").click().run()
    assert at.get("form") and any(s.value == "Café UX" for s in at.subheader)
    at.text_input(key="evl_name").input("Vi Sitor")
    at.text_input(key="evl_email").input("visitor@example.net")
    at.button[-1].click().run()  # the form's submit button
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Vérifiez vos e-mails" in i.value and "Rien n'est réservé" in i.value for i in at.info)
    with db.as_owner() as conn:  # nothing until the proof
        assert conn.execute("select count(*) as n from public.registrations").fetchone()["n"] == 0
    proof = AppTest.from_file(APP, default_timeout=30)
    proof.query_params["proof"] = proof_secret("visitor@example.net")
    proof.session_state["lang"] = "fr"
    proof.run()
    assert not proof.exception
    assert any("vous êtes inscrit·e à « Café UX »" in s.value for s in proof.success)
    address = proof.code[0].value
    assert "?manage=" in address
    manage = address.split("manage=", 1)[1]
    assert events.link_registration(manage)["status"] == "registered"


def test_the_form_says_what_to_fix_in_english(link):
    at = page(link["token"], "en")
    at.button(key=f"evl_pick_{link['event']}").click().run()
    at.text_input(key="evl_name").input("Vi")
    at.text_input(key="evl_email").input("not-an-email")
    at.button[-1].click().run()
    assert [e.value for e in at.error] == ["Email address not valid: write it as name@domain.com."]
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.registrations").fetchone()["n"] == 0


def test_manage_page_cancels_and_the_waiting_list_moves_up(link):
    first = link_register_proven(link["token"], link["event"], "one@example.net", "One")
    second = link_register_proven(link["token"], link["event"], "two@example.net", "Two")
    at = page(link["token"], "en", manage=first)
    assert at.title[0].value == "Your registration" and any("Status: registered" == c.value for c in at.caption)
    at.button(key="evl_cancel").click().run()
    assert not at.exception and any("Your registration is cancelled." in s.value for s in at.success)
    assert events.link_registration(second)["status"] == "registered"
    at = page(link["token"], "fr", manage="nope")
    assert [e.value for e in at.error] == [t("link.manage_unknown", "fr")]


def test_a_full_event_says_waiting_list_and_a_revoked_link_says_so(link):
    link_register_proven(link["token"], link["event"], "one@example.net", "One")
    event_link_page.forget()
    at = page(link["token"], "en")
    assert any("Full: waiting list" in w.value for w in at.warning)
    assert at.button(key=f"evl_pick_{link['event']}").label == "Waiting list"
    share_links.revoke(db.OWNER, share_links.list_links(db.OWNER).id.iloc[0])
    event_link_page.forget()
    at = page(link["token"], "fr")
    assert at.error and "désactivé" in at.error[0].value and not at.get("form")


def test_the_list_is_read_once_for_every_visitor(link):
    first = event_link_page.link_events(link["token"])
    with db.as_owner() as conn:  # a change within the few seconds the list is shared...
        conn.execute("update public.events set title = 'Café UI' where id = %s", (link["event"],))
    assert event_link_page.link_events(link["token"]) == first  # ...is not read again for each visitor
    event_link_page.forget(link["token"])
    assert event_link_page.link_events(link["token"])[0]["title"] == "Café UI"


def test_a_link_for_both_opens_booking_then_its_events(link):
    token = events.create_link(db.OWNER, "Both", purpose="all")
    at = page(token, "en")
    (booker,) = at.get("bidi_component")  # the desk booking form first...
    assert json.loads(booker.proto.bytes)["events_too"] is True
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["t"] = token
    at.query_params["view"] = "events"
    at.session_state["lang"] = "en"
    at.run()  # ...and its events one link away
    assert at.title[0].value == "Events" and any(s.value == "Café UX" for s in at.subheader)
