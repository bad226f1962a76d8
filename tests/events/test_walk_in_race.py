"""Fifty at once at the door, an hour before the start: 25 walk-ins added by the team and 25
members registering in the app, on an event with 10 places left. What the team allowed
(supabase/migrations/20261206120000_event_door.sql): every walk-in comes in, even over capacity;
a registration gets a place only while places taken (walk-ins included) are under capacity, else
the waiting list — so registrations never take the event over capacity, whatever the interleaving.

Each attempt runs in its own thread on its own connection, released together by a barrier.
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

WALK_INS = 25
REGISTRATIONS = 25
CAPACITY = 20
ALREADY = 10


def test_fifty_racing_walk_ins_and_registrations_never_exceed_what_the_team_allowed(empty_db):
    starts = clock.now() + dt.timedelta(hours=1)  # the door is open, registration too
    with db.as_owner() as conn:
        # registration stays open until the start (the default cut-off is 2 hours before it)
        event = conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status,"
                             " registration_closes_at) values ('Rush at the door', %s, %s, %s, 'published', %s)"
                             " returning id::text",
                             (starts, starts + dt.timedelta(hours=2), CAPACITY, starts)).fetchone()["id"]
        for i in range(ALREADY):
            member = conn.execute("insert into public.members (email, full_name) values (%s, %s) returning id",
                                  (f"early{i}@example.org", f"Early {i}")).fetchone()["id"]
            conn.execute("insert into public.registrations (event_id, member_id) values (%s, %s)", (event, member))
        conn.execute("insert into public.members (email, full_name, role) values ('host@example.org', 'Host', 'staff')")
        host = (str(accounts.create_account(conn, "host@example.org", None)), "host@example.org")
        members = []
        for i in range(REGISTRATIONS):
            email = f"racer{i}@example.org"
            conn.execute("insert into public.members (email, full_name) values (%s, %s)", (email, f"Racer {i}"))
            members.append((str(accounts.create_account(conn, email, None)), email))
    barrier = threading.Barrier(WALK_INS + REGISTRATIONS)
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()

    def attempt(kind: str, user_id: str, email: str, n: int) -> None:
        with psycopg.connect(empty_db, row_factory=dict_row) as conn:
            conn.execute("select set_config('request.jwt.claims', %s, true)",
                         (json.dumps(db.claims_for(user_id, email)),))
            conn.execute("set local role authenticated")
            barrier.wait()
            try:
                if kind == "walk_in":
                    row = conn.execute("select status from public.register_walk_in(%s, null, %s)",
                                       (event, f"Walk-in {n}")).fetchone()
                else:
                    row = conn.execute("select status from public.register_for_event(%s)", (event,)).fetchone()
                conn.commit()
                result = row["status"]
            except psycopg.Error as exc:
                conn.rollback()
                result = f"error {from_db_error(exc).key} {exc}"
        with lock:
            outcomes.append((kind, result))

    threads = [threading.Thread(target=attempt, args=("walk_in", *host, n)) for n in range(WALK_INS)]
    threads += [threading.Thread(target=attempt, args=("app", *m, n)) for n, m in enumerate(members)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(outcomes) == WALK_INS + REGISTRATIONS
    assert sorted(r for k, r in outcomes if k == "walk_in") == ["attended"] * WALK_INS, outcomes
    app = [r for k, r in outcomes if k == "app"]
    assert set(app) <= {"registered", "waitlisted"}, outcomes
    with db.as_owner() as conn:
        order = conn.execute("select status, source from public.registrations where event_id = %s"
                             " order by created_at, id", (event,)).fetchall()
    # replay the arrivals in the order the database serialised them: each registration had a
    # place exactly when places taken before it were under capacity; walk-ins always came in
    taken = 0
    for row in order:
        if row["source"] == "walk_in":
            assert row["status"] == "attended"
        else:
            assert row["status"] == ("registered" if taken < CAPACITY else "waitlisted"), order
        taken += row["status"] in ("registered", "attended")
    registered = sum(1 for r in order if r["source"] != "walk_in" and r["status"] == "registered")
    assert registered <= CAPACITY
    assert taken == registered + WALK_INS
    assert app.count("registered") == registered - ALREADY
