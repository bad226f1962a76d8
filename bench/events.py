"""What event registration costs, on a fresh embedded database:

1. registrations per second through `register_for_event` (every rule, the event row locked, as
   a signed-in member) vs a bare `INSERT` of the same rows into the same table (same run, same
   connection, one transaction each), and their ratio;
2. 50 people registering at once for the last 5 places, each on its own connection: the outcome
   (must be exactly 5 registered and 45 on the waiting list, in arrival order, no error);
3. p50/p95 latency of what the pages ask on the demo data: the coming events as a member
   (`upcoming_events`) and a year of statistics as a board member (`event_stats`).

Usage: python bench/events.py
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._scratch import act_as, discard, fresh_database, people, percentile, scratch_data_dir

DATA = scratch_data_dir("events")

import psycopg
from psycopg.rows import dict_row

from lib.core import clock, embedded
from lib.core.errors import from_db_error
from lib.demo import seed


def new_events(conn: psycopg.Connection, n: int, capacity: int) -> list[str]:
    starts = clock.now() + dt.timedelta(days=7)
    return [conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status) values"
                         " (%s, %s, %s, %s, 'published') returning id::text",
                         (f"Bench {i}", starts + dt.timedelta(hours=3 * i), starts + dt.timedelta(hours=3 * i + 2),
                          capacity)).fetchone()["id"] for i in range(n)]


def throughput(info: str) -> None:
    with psycopg.connect(info, row_factory=dict_row) as conn:
        crowd = people(conn, 50)
        events = new_events(conn, 40, 100)
        conn.commit()
        plan = [(person, event) for event in events[:20] for person in crowd]
        start = time.perf_counter()
        for (_, user, email), event in plan:
            with conn.transaction():
                act_as(conn, user, email)
                conn.execute("select id from public.register_for_event(%s)", (event,))
        rpc = len(plan) / (time.perf_counter() - start)
        start = time.perf_counter()
        for ((member, _, _), _), event in zip(plan, [e for e in events[20:] for _ in crowd], strict=True):
            with conn.transaction():
                conn.execute("insert into public.registrations (event_id, member_id) values (%s, %s)", (event, member))
        bare = len(plan) / (time.perf_counter() - start)
    print(f"register_for_event {rpc:8.0f} registrations/s   ({len(plan)}, one transaction each)")
    print(f"bare INSERT        {bare:8.0f} registrations/s   (same rows, same table, same connection)")
    print(f"ratio              {bare / rpc:8.2f} x")


def race(info: str, attempts: int = 50, places: int = 5) -> None:
    with psycopg.connect(info, row_factory=dict_row) as conn:
        crowd = people(conn, attempts, prefix="racer")
        (event,) = new_events(conn, 1, places)
        conn.commit()
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []
    times: list[float] = []
    lock = threading.Lock()

    def attempt(user: str, email: str) -> None:
        with psycopg.connect(info, row_factory=dict_row) as conn:
            act_as(conn, user, email)
            barrier.wait()
            t0 = time.perf_counter()
            try:
                status = conn.execute("select status from public.register_for_event(%s)", (event,)).fetchone()["status"]
                conn.commit()
            except psycopg.Error as exc:
                conn.rollback()
                status = from_db_error(exc).key
            with lock:
                outcomes.append(status)
                times.append((time.perf_counter() - t0) * 1000)

    threads = [threading.Thread(target=attempt, args=(u, e)) for _, u, e in crowd]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    with psycopg.connect(info, row_factory=dict_row) as conn:
        order = [r["status"] for r in conn.execute("select status from public.registrations where event_id = %s"
                                                   " order by created_at", (event,)).fetchall()]
    in_order = order == ["registered"] * places + ["waitlisted"] * (attempts - places)
    summary = {k: outcomes.count(k) for k in sorted(set(outcomes))}
    print(f"{attempts} at once for the last {places} places: {summary}, places in arrival order: {in_order},"
          f" slowest answer {max(times):.0f} ms")


def latency(info: str, n: int = 200) -> None:
    with psycopg.connect(info, row_factory=dict_row) as conn:
        seed.seed_demo(conn)
        conn.commit()
        member = conn.execute("select user_id::text as u, email::text as e from public.members"
                              " where email = 'member@example.org'").fetchone()
        board = conn.execute("select user_id::text as u, email::text as e from public.members"
                             " where email = 'board@example.org'").fetchone()
        counts = conn.execute("select (select count(*) from public.events) as e,"
                              " (select count(*) from public.registrations) as r").fetchone()
    today = clock.now().date()
    for label, who, query, params in [
            ("upcoming_events (member)", member, "select * from public.upcoming_events(100)", ()),
            ("event_stats, a year (board)", board, "select * from public.event_stats(%s, %s)",
             (today - dt.timedelta(days=365), today))]:
        samples = []
        with psycopg.connect(info, row_factory=dict_row) as conn:
            for i in range(n + 10):
                t0 = time.perf_counter()
                with conn.transaction():
                    act_as(conn, who["u"], who["e"])
                    conn.execute(query, params).fetchall()
                if i >= 10:  # warm-up
                    samples.append((time.perf_counter() - t0) * 1000)
        print(f"{label:<28} ({counts['e']} events, {counts['r']} registrations): p50 {percentile(samples, 0.5):6.2f} ms"
              f"   p95 {percentile(samples, 0.95):6.2f} ms   (n={n})")


def main() -> None:
    try:
        embedded.ensure_running(DATA)
        throughput(fresh_database(DATA, "bench_events"))
        race(fresh_database(DATA, "bench_race"))
        latency(fresh_database(DATA, "bench_demo"))
    finally:
        discard(DATA)


if __name__ == "__main__":
    main()
