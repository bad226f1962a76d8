"""A lock that cannot be had gives up instead of waiting forever.

Every advisory lock of the SQL API is taken through private.lock(space, key) (key spaces in
private.lock_spaces), which waits at most 5 seconds, or less when the caller set a shorter
lock_timeout, and then lets PostgreSQL raise lock_not_available (SQLSTATE 55P03). Here one
connection holds a desk's lock, as a stuck transaction would, and a member tries to book it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg.rows import dict_row

from lib.booking import bookings
from lib.core import clock, db
from lib.core.errors import from_db_error, user_message
from lib.demo.bookings import tiny_space
from lib.identity import accounts

# With the suite moved to another day (CANTINE_TEST_NOW), the embedded server runs under
# libfaketime, which stops PostgreSQL's own timers (lock_timeout, statement_timeout never fire).
# The clock is never moved in CI, where these run.
pytestmark = pytest.mark.skipif(clock.offset_seconds() != 0,
                                reason="PostgreSQL's timers do not run under libfaketime (CANTINE_TEST_NOW)")


@pytest.fixture
def desk(empty_db) -> dict:
    with db.as_owner() as conn:
        space = tiny_space(conn)
        conn.execute("insert into public.members (email, full_name) values ('ann@example.org', 'Ann')")
        user_id = str(accounts.create_account(conn, "ann@example.org", None))
    settings = bookings.booking_settings()
    starts, ends = bookings.slot_range(bookings.local_today(settings) + dt.timedelta(days=1), "am", settings)
    return {"info": empty_db, "desk": space["desks"][0], "user_id": user_id, "starts": starts, "ends": ends}


@contextmanager
def held_lock(info: str, desk_id: str) -> Iterator[None]:
    """Another transaction holding the desk's lock: the key the SQL API has always used for a
    resource, hashtextextended(id, 0), taken directly (not through private.lock)."""
    with psycopg.connect(info) as holder:
        holder.execute("select pg_advisory_xact_lock(hashtextextended(%s, 0))", (desk_id,))
        try:
            yield
        finally:
            holder.rollback()


@contextmanager
def as_ann(d: dict) -> Iterator[psycopg.Connection]:
    with psycopg.connect(d["info"], row_factory=dict_row) as conn:
        conn.execute("select set_config('request.jwt.claims', %s, true)",
                     (json.dumps(db.claims_for(d["user_id"], "ann@example.org")),))
        conn.execute("set local role authenticated")
        # whatever happens, this test never hangs
        conn.execute("set local statement_timeout = '30s'")
        yield conn


def book(conn: psycopg.Connection, d: dict) -> dict:
    return conn.execute("select * from public.book_resource(%s, %s, %s)",
                        (d["desk"], d["starts"], d["ends"])).fetchone()


def test_a_held_lock_refuses_after_the_callers_own_shorter_timeout(desk):
    with held_lock(desk["info"], desk["desk"]), as_ann(desk) as conn:
        conn.execute("set local lock_timeout = '300ms'")
        started = time.monotonic()
        with pytest.raises(psycopg.errors.LockNotAvailable) as refused:
            book(conn, desk)
        assert time.monotonic() - started < 3
        assert refused.value.sqlstate == "55P03"
    # what a page shows: busy, try again (not "the database is not answering")
    assert from_db_error(refused.value).key == "app.busy"
    assert "try again" in user_message(refused.value, "en") and "réessayez" in user_message(refused.value, "fr")


def test_without_a_timeout_of_its_own_the_wait_stops_after_five_seconds(desk):
    with held_lock(desk["info"], desk["desk"]), as_ann(desk) as conn:
        assert conn.execute("select current_setting('lock_timeout') as t").fetchone()["t"] == "0"
        started = time.monotonic()
        with pytest.raises(psycopg.errors.LockNotAvailable):
            book(conn, desk)
        assert 4.5 <= time.monotonic() - started < 20


def test_once_the_lock_is_held_the_callers_timeout_is_back_and_the_booking_made(desk):
    with as_ann(desk) as conn:
        conn.execute("set local lock_timeout = '7s'")
        assert book(conn, desk)["status"] == "confirmed"
        assert conn.execute("select current_setting('lock_timeout') as t").fetchone()["t"] == "7s"
        conn.commit()
