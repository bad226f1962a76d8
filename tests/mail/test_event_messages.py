"""E-mails about events go through the same outbox as bookings' (lib/mail/notify.py sends them to a
REAL SMTP server here): the people of a cancelled event are told, in their language, and so is
whoever gets a place from the waiting list. A member cancelling their own place queues nothing."""

from __future__ import annotations

import datetime as dt

from lib.core import clock, db
from lib.events import events
from lib.mail import notify
from tests.booking.conftest import link_register_proven
from tests.conftest import make_member
from tests.mail.conftest import forget_queued
from tests.mail.test_notify import ALICE, BOB, HOST, body, claims

# the fixtures of tests/mail/test_notify.py, shared


def make_event(ids: dict, capacity: int = 1) -> str:
    starts = clock.now() + dt.timedelta(days=2)
    with db.as_owner() as conn:
        return conn.execute("insert into public.events (title, starts_at, ends_at, room_id, capacity, status)"
                            " values ('Atelier accessibilité', %s, %s, %s, %s, 'published') returning id::text",
                            (starts, starts + dt.timedelta(hours=2), ids["room"], capacity)).fetchone()["id"]


def test_cancelled_event_tells_everyone_in_their_language(space, smtp_server):
    event = make_event(space)
    events.register(claims(ALICE), event)
    events.register(claims(BOB), event)  # waiting list: told too
    forget_queued()  # their confirmations: tests/mail/test_messages.py
    assert events.cancel_event(claims(HOST), event) == 2
    result = notify.send_pending()
    assert result.sent == 2 and result.failed == 0
    (to_alice,) = smtp_server.to(ALICE)
    assert to_alice["Subject"].startswith("Event cancelled: Atelier accessibilité")
    assert "Hello Alice Martin" in body(to_alice) and "Place: Salle" in body(to_alice)
    (to_bob,) = smtp_server.to(BOB)
    assert to_bob["Subject"].startswith("Événement annulé : Atelier accessibilité")
    assert "est annulé" in body(to_bob)


def test_a_place_from_the_waiting_list_is_announced_and_own_cancel_is_silent(space, smtp_server):
    event = make_event(space)
    first = events.register(claims(ALICE), event)
    events.register(claims(BOB), event)
    forget_queued()  # their confirmations: tests/mail/test_messages.py
    events.cancel_registration(claims(ALICE), str(first["id"]))
    assert notify.send_pending().sent == 1
    assert smtp_server.to(ALICE) == []
    (to_bob,) = smtp_server.to(BOB)
    assert to_bob["Subject"].startswith("Une place s'est libérée : Atelier accessibilité")
    assert "vous êtes maintenant inscrit" in body(to_bob)


def test_a_guest_promoted_is_told_to_use_their_private_link(space, smtp_server):
    event = make_event(space)
    token = events.create_link(db.OWNER, "Newsletter")
    first = link_register_proven(token, event, "first@example.net", "First")
    link_register_proven(token, event, "guest@example.net", "Guest Person")
    forget_queued()  # the proofs and the confirmations: tests/mail/test_messages.py
    events.link_unregister(first)
    notify.send_pending()
    (message,) = smtp_server.to("guest@example.net")
    assert "lien privé" in body(message) and "Guest Person" in message["To"]


def test_an_erased_member_is_not_written_to(space):
    event = make_event(space)
    other = make_member("carl@example.org")
    events.register(claims(ALICE), event)
    forget_queued()  # her confirmation: tests/mail/test_messages.py
    with db.as_owner() as conn:
        conn.execute("insert into public.registrations (event_id, member_id, status) values (%s, %s, 'waitlisted')",
                     (event, other))
        conn.execute("select public.erase_member(%s)", (other,))
    events.cancel_event(claims(HOST), event)
    with db.as_owner() as conn:
        told = [r["to_email"] for r in conn.execute("select to_email from public.notifications").fetchall()]
    assert told == [ALICE]
