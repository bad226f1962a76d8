"""Fifty people try to book the same desk and half-day at the same moment: exactly one wins.

Each attempt runs in its own thread on its own connection (not the pool), as a signed-in
member, released together by a barrier. `book_resource` serialises per resource with an
advisory lock; the others get the clear `booking.taken` refusal, never a deadlock or a raw
exclusion error.
"""

from __future__ import annotations

import datetime as dt
import json
import threading

import psycopg
from psycopg.rows import dict_row

from lib.booking import bookings
from lib.core import db
from lib.core.errors import from_db_error
from lib.demo.bookings import tiny_space
from lib.identity import accounts

ATTEMPTS = 50


def test_fifty_concurrent_attempts_one_success(empty_db):
    with db.as_owner() as conn:
        space = tiny_space(conn)
        people = []
        for i in range(ATTEMPTS):
            email = f"racer{i}@example.org"
            conn.execute("insert into public.members (email, full_name) values (%s, %s)", (email, f"Racer {i}"))
            people.append((str(accounts.create_account(conn, email, None)), email))
    settings = bookings.booking_settings()
    day = bookings.local_today(settings) + dt.timedelta(days=1)
    starts, ends = bookings.slot_range(day, "am", settings)
    barrier = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(user_id: str, email: str) -> None:
        with psycopg.connect(empty_db, row_factory=dict_row) as conn:
            conn.execute("select set_config('request.jwt.claims', %s, true)",
                         (json.dumps(db.claims_for(user_id, email)),))
            conn.execute("set local role authenticated")
            barrier.wait()
            try:
                conn.execute("select * from public.book_resource(%s, %s, %s)", (space["desks"][0], starts, ends))
                conn.commit()
                result = "ok"
            except psycopg.Error as exc:
                conn.rollback()
                result = from_db_error(exc).key
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=p) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(outcomes) == ATTEMPTS
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count("booking.taken") == ATTEMPTS - 1, outcomes
    with db.as_owner() as conn:
        n = conn.execute("select count(*) as n from public.bookings where resource_id = %s",
                         (space["desks"][0],)).fetchone()["n"]
    assert n == 1
