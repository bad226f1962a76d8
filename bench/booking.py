"""What booking costs, on a fresh embedded database:

1. bookings per second through `book_resource` (every rule, locks, as a signed-in member) vs a
   bare `INSERT` of the same kind of rows into the same table (same run, same connection, one
   transaction per booking), and their ratio;
2. 50 concurrent attempts on one desk and half-day, each on its own connection: the outcome
   (must be exactly 1 success and 49 `booking.taken` refusals);
3. p50/p95 latency of the day-grid query (`day_grid`) on the small demo data and on the large
   one (`seed --demo --scale large`: three years of bookings on the large space).

Usage: python bench/booking.py [--quick]   (--quick skips the large data set)
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._scratch import act_as, discard, fresh_database, people, percentile, scratch_data_dir

DATA = scratch_data_dir("booking")

import psycopg
from psycopg.rows import dict_row

from lib.booking import bookings
from lib.core import db, embedded
from lib.core.errors import from_db_error
from lib.demo import seed
from lib.demo.bookings import tiny_space


def throughput(info: str) -> None:
    with db.as_owner() as conn:
        space = tiny_space(conn, desks=20)
        crowd = people(conn, 20, plan=space["plan_unlimited"])
    settings = bookings.booking_settings()
    today = bookings.local_today(settings)
    plan = [(k, today + dt.timedelta(days=d), half) for d in range(1, 31) for half in ("am", "pm") for k in range(20)]
    with psycopg.connect(info, row_factory=dict_row) as conn:
        start = time.perf_counter()
        for k, day, half in plan:
            starts, ends = bookings.slot_range(day, half, settings)
            with conn.transaction():
                act_as(conn, crowd[k][1], crowd[k][2])
                conn.execute("select id from public.book_resource(%s, %s, %s)", (space["desks"][k], starts, ends))
        rpc = len(plan) / (time.perf_counter() - start)
        conn.execute("reset role")
        conn.commit()
        start = time.perf_counter()
        for k, day, half in plan:  # the same rows 100 days later: the table has the same size to grow into
            starts, ends = bookings.slot_range(day + dt.timedelta(days=100), half, settings)
            with conn.transaction():
                conn.execute("insert into public.bookings (resource_id, member_id, during, units)"
                             " values (%s, %s, tstzrange(%s, %s), 0.5)", (space["desks"][k], crowd[k][0], starts, ends))
        bare = len(plan) / (time.perf_counter() - start)
    print(f"book_resource      {rpc:8.0f} bookings/s   ({len(plan)} bookings, one transaction each)")
    print(f"bare INSERT        {bare:8.0f} bookings/s   (same rows, same table, same connection)")
    print(f"ratio              {bare / rpc:8.2f} x      (rules, locks and checks cost this much per booking)")


def race(info: str, attempts: int = 50) -> None:
    with db.as_owner() as conn:
        conn.execute("truncate public.bookings cascade")  # and what refers to them (the outbox)
        desk = conn.execute("select id::text from public.resources where kind = 'desk' limit 1").fetchone()["id"]
        crowd = people(conn, attempts, prefix="racer")
    settings = bookings.booking_settings()
    starts, ends = bookings.slot_range(bookings.local_today(settings) + dt.timedelta(days=2), "am", settings)
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []
    lock = threading.Lock()
    times: list[float] = []

    def attempt(user_id: str, email: str) -> None:
        with psycopg.connect(info, row_factory=dict_row) as conn:
            act_as(conn, user_id, email)
            barrier.wait()
            t0 = time.perf_counter()
            try:
                conn.execute("select id from public.book_resource(%s, %s, %s)", (desk, starts, ends))
                conn.commit()
                result = "success"
            except psycopg.Error as exc:
                conn.rollback()
                result = from_db_error(exc).key
            with lock:
                outcomes.append(result)
                times.append((time.perf_counter() - t0) * 1000)

    threads = [threading.Thread(target=attempt, args=(u, e)) for _, u, e in crowd]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    summary = {k: outcomes.count(k) for k in sorted(set(outcomes))}
    print(f"50 concurrent attempts on one desk/half-day: {summary}   slowest answer {max(times):.0f} ms")


def grid_latency(info: str, label: str, n: int = 200) -> None:
    with psycopg.connect(info, row_factory=dict_row) as conn:
        user = conn.execute("select user_id::text as u, email::text as e from public.members"
                            " where email = 'member@example.org'").fetchone()
        count = conn.execute("select count(*) as n from public.bookings").fetchone()["n"]
        desks = conn.execute("select count(*) as n from public.resources where kind = 'desk'").fetchone()["n"]
        first, last = conn.execute("select min(day) as a, max(day) as b from public.bookings").fetchone().values()
    span = (last - first).days
    rng = random.Random(1)
    samples = []
    with psycopg.connect(info, row_factory=dict_row) as conn:
        for i in range(n + 10):
            day = first + dt.timedelta(days=rng.randint(0, span))
            t0 = time.perf_counter()
            with conn.transaction():
                act_as(conn, user["u"], user["e"])
                conn.execute("select * from public.day_grid(%s, 'desk')", (day,)).fetchall()
            if i >= 10:  # warm-up
                samples.append((time.perf_counter() - t0) * 1000)
    print(f"day grid, {label:<6} ({count:>7} bookings, {desks:>3} desks): p50 {percentile(samples, 0.5):6.2f} ms"
          f"   p95 {percentile(samples, 0.95):6.2f} ms   (n={n})")


def seeded(name: str, scale: str) -> str:
    info = fresh_database(DATA, name)
    t0 = time.perf_counter()
    with psycopg.connect(info, row_factory=dict_row) as conn:
        report = seed.seed_demo(conn, scale=scale)
        conn.commit()
    print(f"seed --demo --scale {scale}: {report.notes} in {time.perf_counter() - t0:.1f} s")
    return info


def main() -> None:
    quick = "--quick" in sys.argv
    try:
        embedded.ensure_running(DATA)
        info = fresh_database(DATA, "bench_rules")
        throughput(info)
        race(info)
        grid_latency(seeded("bench_small", "small"), "small")
        if not quick:
            grid_latency(seeded("bench_large", "large"), "large")
    finally:
        discard(DATA)


if __name__ == "__main__":
    main()
