"""What events taking a zone cost a booking: `book_resource` throughput (as signed-in members,
one transaction per booking) on desks of a zone that holds a published event every evening of
the next 60 days (the booking trigger finds and checks them) against desks of a zone with no
event, and against the same bookings under the trigger as it was before (the events migration's
`private.bookings_respect_events`, put back for one slot in three), interleaved in the same run
on the same tables, so all three see the same data.

Usage: python bench/booking_zone.py
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._scratch import act_as, discard, fresh_database, people, scratch_data_dir

DATA = scratch_data_dir("booking_zone")

import psycopg
from psycopg.rows import dict_row

from lib.booking import bookings
from lib.core import db, embedded
from lib.demo.bookings import tiny_space

DESKS = 20
DAYS = 30
MIGRATIONS = Path(__file__).resolve().parent.parent / "supabase" / "migrations"


def trigger_function(migration: str) -> str:
    """The `create or replace function private.bookings_respect_events()` statement of a migration."""
    text = (MIGRATIONS / migration).read_text()
    start = text.index("create or replace function private.bookings_respect_events()")
    end = text.index("$$;", text.index("as $$", start) + 5) + 3
    return text[start:end]


def main() -> None:
    try:
        embedded.ensure_running(DATA)
        info = fresh_database(DATA, "bench_zone")
        with db.as_owner() as conn:
            space = tiny_space(conn, desks=DESKS)
            quiet = conn.execute("insert into public.zones (name) values ('Calme') returning id::text").fetchone()["id"]
            calm = [conn.execute("insert into public.resources (zone_id, name, kind) values (%s, %s, 'desk')"
                                 " returning id::text", (quiet, f"C{i:02d}")).fetchone()["id"] for i in range(DESKS)]
            crowd = people(conn, 2 * DESKS, plan=space["plan_unlimited"])
            tz = ZoneInfo(conn.execute("select time_zone from public.settings").fetchone()["time_zone"])
            today = dt.datetime.now(tz).date()
            # the open space hosts an event every evening (set-up from 19:00, when the desks' day ends)
            for d in range(1, 61):
                starts = dt.datetime.combine(today + dt.timedelta(days=d), dt.time(19, 30), tz)
                conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status, zone_id,"
                             " setup_minutes, clearup_minutes) values ('Soirée', %s, %s, 50, 'published', %s, 30, 30)",
                             (starts, starts + dt.timedelta(hours=2), space["zone"]))
        settings = bookings.booking_settings()
        before = trigger_function("20261204150000_events.sql")
        now = trigger_function("20261206110000_event_series.sql")
        timings: dict[str, float] = {"zone with events": 0.0, "zone without": 0.0, "before (old trigger)": 0.0}
        counts = dict.fromkeys(timings, 0)
        with psycopg.connect(info, row_factory=dict_row, autocommit=True) as owner, \
                psycopg.connect(info, row_factory=dict_row) as conn:
            for d in range(1, DAYS + 1):
                for n, half in enumerate(("am", "pm")):
                    starts, ends = bookings.slot_range(today + dt.timedelta(days=d), half, settings)
                    old = (2 * d + n) % 3 == 0  # one slot in three under the old trigger
                    owner.execute(before if old else now)
                    for k in range(DESKS):
                        chosen = ((("before (old trigger)", space["desks"][k], crowd[k]),) if old else
                                  (("zone with events", space["desks"][k], crowd[k]),
                                   ("zone without", calm[k], crowd[DESKS + k])))
                        for label, desk, person in chosen:
                            begin = time.perf_counter()
                            with conn.transaction():
                                act_as(conn, person[1], person[2])
                                conn.execute("select id from public.book_resource(%s, %s, %s)", (desk, starts, ends))
                            timings[label] += time.perf_counter() - begin
                            counts[label] += 1
        rates = {label: counts[label] / timings[label] for label in timings}
        for label, rate in rates.items():
            print(f"book_resource, {label}: {rate:.0f} bookings/s ({counts[label]} bookings)")
        print(f"ratio with ÷ without: {rates['zone with events'] / rates['zone without']:.2f}; "
              f"with ÷ before: {rates['zone with events'] / rates['before (old trigger)']:.2f}")
    finally:
        discard(DATA)


if __name__ == "__main__":
    main()
