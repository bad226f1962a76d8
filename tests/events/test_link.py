"""The shared link for events: anonymous visitors list the link's events and register through
`link_*` functions only. A known member's email registers as that member; anyone else as a guest;
limits per link and per address a day (`+tags` count as one address); a booking link does not
open events; the private manage token cancels and gives the place to the waiting list.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lib.booking import share_links
from lib.core import clock, db
from lib.core.errors import UserError
from lib.events import events
from tests.booking.conftest import link_register_proven
from tests.conftest import make_member


@pytest.fixture
def link(empty_db):
    ids = {"alice": make_member("alice@example.org")}
    ids["token"] = events.create_link(db.OWNER, "Newsletter", max_per_day=4, max_per_email_per_day=2)
    return ids


def make_event(capacity: int = 10, status: str = "published", in_hours: float = 48, title: str = "Atelier Figma") -> str:
    starts = clock.now() + dt.timedelta(hours=in_hours)
    with db.as_owner() as conn:
        return conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status)"
                            " values (%s, %s, %s, %s, %s) returning id::text",
                            (title, starts, starts + dt.timedelta(hours=2), capacity, status)).fetchone()["id"]


def refusal(call) -> UserError:
    with pytest.raises(UserError) as info:
        call()
    return info.value


def test_the_link_lists_published_upcoming_events_with_places(link):
    shown = make_event(capacity=2)
    make_event(status="draft", title="Brouillon")
    make_event(in_hours=-1, title="Commencé")
    with db.as_owner() as conn:
        conn.execute("insert into public.event_speakers (event_id, name) values (%s, 'Léa Martin')", (shown,))
    rows = events.link_events(link["token"])
    assert [r["title"] for r in rows] == ["Atelier Figma"]
    assert rows[0]["places_left"] == 2 and rows[0]["speakers"] == "Léa Martin" and rows[0]["link_label"] == "Newsletter"


def test_guest_registers_sees_and_cancels_through_the_manage_token(link):
    event = make_event()
    manage = link_register_proven(link["token"], event, "Visitor@Example.net", "Vi Sitor")
    assert len(manage) >= 40
    seen = events.link_registration(manage)
    assert seen["full_name"] == "Vi Sitor" and seen["status"] == "registered" and seen["title"] == "Atelier Figma"
    with db.as_owner() as conn:
        row = conn.execute("select * from public.registrations").fetchone()
        assert row["member_id"] is None and row["guest_email"] == "visitor@example.net" and row["source"] == "link"
        assert row["token_hash"] != manage
    err = refusal(lambda: link_register_proven(link["token"], event, "visitor@example.net", "Again"))
    assert err.key == "event.already_registered"
    assert events.link_unregister(manage) == "cancelled"
    assert events.link_registration(manage)["status"] == "cancelled"
    assert refusal(lambda: events.link_unregister(manage)).key == "event.already_cancelled"
    assert refusal(lambda: events.link_unregister("not-a-token")).key == "link.manage_unknown"


def test_known_email_registers_as_the_member_without_revealing_them(link):
    event = make_event()
    manage = link_register_proven(link["token"], event, "ALICE@example.org", "whatever")
    with db.as_owner() as conn:
        row = conn.execute("select member_id::text, guest_email from public.registrations").fetchone()
    assert row["member_id"] == link["alice"] and row["guest_email"] is None
    assert events.link_registration(manage)["full_name"] == "whatever"


def test_unregistering_through_the_link_promotes_the_waiting_list(link):
    event = make_event(capacity=1)
    first = link_register_proven(link["token"], event, "one@example.net", "One")
    second = link_register_proven(link["token"], event, "two@example.net", "Two")
    assert events.link_registration(second)["status"] == "waitlisted"
    events.link_unregister(first)
    assert events.link_registration(second)["status"] == "registered"
    with db.as_owner() as conn:
        told = conn.execute("select to_email, payload from public.notifications where kind = 'waitlist_promoted'").fetchall()
    assert [n["to_email"] for n in told] == ["two@example.net"] and told[0]["payload"]["guest"] is True


def test_limits_per_link_and_per_address(link):
    first, second, third = make_event(title="A"), make_event(title="B"), make_event(title="C")
    link_register_proven(link["token"], first, "ann+1@example.net", "Ann")
    link_register_proven(link["token"], second, "Ann+2@example.net", "Ann")
    err = refusal(lambda: link_register_proven(link["token"], third, "ann@example.net", "Ann"))
    assert err.key == "event.link_email_limit" and "2" in err.message("fr") and "2" in err.message("en")
    link_register_proven(link["token"], third, "bea@example.net", "Bea")
    link_register_proven(link["token"], first, "cid@example.net", "Cid")
    err = refusal(lambda: link_register_proven(link["token"], second, "dan@example.net", "Dan"))
    assert err.key == "event.link_limit" and "aujourd'hui" in err.message("fr")
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.registrations").fetchone()["n"] == 4


def test_bad_input_and_closed_events_say_why(link):
    event = make_event()
    assert refusal(lambda: link_register_proven(link["token"], event, "not-an-email", "X")).key == "link.email_invalid"
    assert refusal(lambda: link_register_proven(link["token"], event, "x@example.net", "  ")).key == "link.name_required"
    draft = make_event(status="draft")
    assert refusal(lambda: link_register_proven(link["token"], draft, "x@example.net", "X")).key == "event.not_found"
    started = make_event(in_hours=-1)
    assert refusal(lambda: link_register_proven(link["token"], started, "x@example.net", "X")).key == "event.started"
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.registrations").fetchone()["n"] == 0


def test_only_links_for_events_open_events(link):
    event = make_event()
    booking_only = share_links.create(db.OWNER, "Desks")
    assert refusal(lambda: events.link_events(booking_only)).key == "link.unknown"
    assert refusal(lambda: link_register_proven(booking_only, event, "x@example.net", "X")).key == "link.unknown"
    both = events.create_link(db.OWNER, "Everything", purpose="all")
    assert [r["title"] for r in events.link_events(both)] == ["Atelier Figma"]
    # and an events link does not book desks
    assert refusal(lambda: share_links.space(link["token"])).key == "link.unknown"


def test_expired_and_revoked_links_say_so(link):
    event = make_event()
    with db.as_owner() as conn:
        conn.execute("update public.share_links set expires_at = now() - interval '1 day'")
    err = refusal(lambda: link_register_proven(link["token"], event, "g@example.net", "G"))
    assert err.key == "link.expired"
    token = events.create_link(db.OWNER, "Chat")
    share_links.revoke(db.OWNER, share_links.list_links(db.OWNER).query("label == 'Chat'").id.iloc[0])
    assert refusal(lambda: events.link_events(token)).key == "link.revoked"
