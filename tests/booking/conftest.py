"""The booking tests' shared ground: a tiny space (four desks and a room, open every day) with
Alice and Bob as members and a staff host, and helpers to book a slot and read a refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.booking import bookings, share_links
from lib.core import db
from lib.core.errors import UserError
from lib.demo.bookings import tiny_space
from lib.events import events
from tests.conftest import claims, make_member


@pytest.fixture
def space(empty_db):
    with db.as_owner() as conn:
        ids = tiny_space(conn)
    ids["alice"] = make_member("alice@example.org")
    ids["bob"] = make_member("bob@example.org")
    ids["staff"] = make_member("host@example.org", role="staff")
    ids["settings"] = bookings.booking_settings()
    return ids


ALICE = "alice@example.org"
BOB = "bob@example.org"


def future_day(settings: dict, days: int = 1) -> dt.date:
    return bookings.local_today(settings) + dt.timedelta(days=days)


def refusal(call) -> UserError:
    with pytest.raises(UserError) as info:
        call()
    return info.value


def count_bookings() -> int:
    with db.as_owner() as conn:
        return conn.execute("select count(*) as n from public.bookings where status <> 'cancelled'").fetchone()["n"]


def book_slot(email: str, resource: str, day: dt.date, slot: str, settings: dict, member_id: str | None = None):
    starts, ends = bookings.slot_range(day, slot, settings)
    return bookings.book(claims(email), resource, starts, ends, member_id)


# --------------------------------------------------------------------------- shared links: request, then prove

def proof_secret(email: str) -> str | None:
    """The secret of the newest proof e-mail queued to `email` (read as the owner, as the sender
    does), or None when none was queued."""
    with db.as_owner() as conn:
        row = conn.execute(
            "select s.token from private.notification_secrets s join public.notifications n on n.id = s.notification_id"
            " where n.kind = 'link_proof' and n.to_email = lower(btrim(%s))"
            " order by n.created_at desc, n.id desc limit 1", (email,)).fetchone()
    return row["token"] if row else None


def prove_latest(email: str) -> dict:
    """Follow the newest proof link e-mailed to `email`: {outcome, kind, manage_token, detail}."""
    secret = proof_secret(email)
    assert secret is not None, f"no proof e-mail queued to {email}"
    return share_links.prove(secret)


def _proven(proved: dict) -> str:
    refused = share_links.refusal_of(proved)
    if refused is not None:
        raise refused
    return proved["manage_token"]


def link_book_proven(token: str, email: str, full_name: str, resource: str, starts: dt.datetime,
                     ends: dt.datetime) -> str:
    """What the immediate `link_book` used to be: ask through the link, then follow the proof e-mailed
    to the address. Returns the manage token; raises the refusal (at request or at proof) as UserError."""
    assert share_links.book(token, email, full_name, resource, starts, ends) == share_links.CHECK_EMAIL
    return _proven(prove_latest(email))


def link_register_proven(token: str, event_id: str, email: str, full_name: str) -> str:
    """The same for an event: ask to register, then follow the proof. Returns the manage token."""
    assert events.link_register(token, event_id, email, full_name) == share_links.CHECK_EMAIL
    return _proven(prove_latest(email))


def clear_outbox() -> None:
    """Drop what the proof queued (the proof e-mail, the confirmation): for tests about later messages."""
    with db.as_owner() as conn:
        conn.execute("delete from public.notifications")
