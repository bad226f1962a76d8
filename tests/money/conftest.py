"""The money tests' shared ground: the tiny booking space, a small card plan, and one person of
each role (Alice is on the card plan, Bob on no plan)."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.booking import bookings
from lib.core import db
from lib.core.errors import UserError
from lib.demo.bookings import tiny_space
from tests.conftest import claims, make_member

ALICE = "alice@example.org"
BOB = "bob@example.org"
STAFF = "host@example.org"
ADMIN = "boss@example.org"
BOARD = "board-person@example.org"


@pytest.fixture
def money_space(empty_db):
    with db.as_owner() as conn:
        ids = tiny_space(conn)
        # days_per_month given on purpose: a card plan keeps no monthly quota whatever is written
        ids["card"] = conn.execute(
            "insert into public.plans (code, name_fr, name_en, billing, days_per_month, card_days, valid_days,"
            " price_cents) values ('card-2', 'Carnet 2 jours', '2-day card', 'card', 10, 2, 30, 3000)"
            " returning id::text").fetchone()["id"]
    ids["alice"] = make_member(ALICE)
    ids["bob"] = make_member(BOB)
    ids["staff"] = make_member(STAFF, role="staff")
    ids["admin"] = make_member(ADMIN, role="admin")
    ids["board"] = make_member(BOARD, role="board")
    with db.as_owner() as conn:
        conn.execute("update public.members set plan_id = %s where id = %s", (ids["card"], ids["alice"]))
    ids["settings"] = bookings.booking_settings()
    return ids


def day_ahead(settings: dict, days: int = 1) -> dt.date:
    return bookings.local_today(settings) + dt.timedelta(days=days)


def book(email: str, desk: str, day: dt.date, slot: str, settings: dict) -> dict:
    starts, ends = bookings.slot_range(day, slot, settings)
    return bookings.book(claims(email), desk, starts, ends)


def refused(call) -> UserError:
    with pytest.raises(UserError) as info:
        call()
    return info.value
