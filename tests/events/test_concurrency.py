"""Thirty people click "register" for the last five places at the same moment: exactly five get a
place, twenty-five join the waiting list in arrival order, and nobody sees an error.

Each attempt runs in its own thread on its own connection, as a signed-in member, released
together by a barrier. `register_for_event` locks the event row before counting places; without
that lock the count would be read by all thirty at once and the event oversold.
"""

from __future__ import annotations

import datetime as dt
import json
import threading

import psycopg
from psycopg.rows import dict_row

from lib.core import clock, db
from lib.core.errors import from_db_error
from lib.identity import accounts

ATTEMPTS = 30
CAPACITY = 20
ALREADY = 15  # registered before the rush: 5 places left


def test_thirty_people_for_the_last_five_places(empty_db):
    starts = clock.now() + dt.timedelta(days=3)
    with db.as_owner() as conn:
        event = conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status)"
                             " values ('Rush', %s, %s, %s, 'published') returning id::text",
                             (starts, starts + dt.timedelta(hours=2), CAPACITY)).fetchone()["id"]
        for i in range(ALREADY):
            member = conn.execute("insert into public.members (email, full_name) values (%s, %s) returning id",
                                  (f"early{i}@example.org", f"Early {i}")).fetchone()["id"]
            conn.execute("insert into public.registrations (event_id, member_id) values (%s, %s)", (event, member))
        people = []
        for i in range(ATTEMPTS):
            email = f"racer{i}@example.org"
            conn.execute("insert into public.members (email, full_name) values (%s, %s)", (email, f"Racer {i}"))
            people.append((str(accounts.create_account(conn, email, None)), email))
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
                row = conn.execute("select status from public.register_for_event(%s)", (event,)).fetchone()
                conn.commit()
                result = row["status"]
            except psycopg.Error as exc:
                conn.rollback()
                result = f"error {from_db_error(exc).key} {exc}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=p) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(outcomes) == ATTEMPTS
    assert outcomes.count("registered") == 5, outcomes
    assert outcomes.count("waitlisted") == ATTEMPTS - 5, outcomes
    with db.as_owner() as conn:
        counts = {r["status"]: r["n"] for r in conn.execute(
            "select status, count(*)::int as n from public.registrations where event_id = %s group by status",
            (event,)).fetchall()}
        # arrival order holds: every place was given before anyone queued
        order = [r["status"] for r in conn.execute(
            "select status from public.registrations where event_id = %s order by created_at, id", (event,))]
    assert counts == {"registered": CAPACITY, "waitlisted": ATTEMPTS - 5}
    assert order == ["registered"] * CAPACITY + ["waitlisted"] * (ATTEMPTS - 5)
