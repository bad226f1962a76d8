"""The booking tests' shared ground: a tiny space (four desks and a room, open every day) with
Alice and Bob as members and a staff host, and helpers to book a slot and read a refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.booking import bookings
from lib.core import db
from lib.core.errors import UserError
from lib.demo.bookings import tiny_space
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
