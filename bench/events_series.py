"""What creating a series costs: `create_event_series` for 52 weekly dates (each occurrence an
event row through its triggers: room checks, audit), as a staff member through the SQL API, on a
fresh embedded database. Also 52 single inserts of the same events in one transaction, for scale.

Usage: python bench/events_series.py [--repeat N]   (default 5 runs; prints min / median)
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._scratch import act_as, discard, fresh_database, people, scratch_data_dir

DATA = scratch_data_dir("events_series")

import psycopg
from psycopg.rows import dict_row

from lib.core import clock, db, embedded
from lib.demo.bookings import tiny_space


def main() -> None:
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 5
    try:
        embedded.ensure_running(DATA)
        info = fresh_database(DATA, "bench_series")
        with db.as_owner() as conn:
            space = tiny_space(conn)
            (_, user, email), = people(conn, 1, prefix="host")
            conn.execute("update public.members set role = 'staff' where email = %s", (email,))
        tz = ZoneInfo("Europe/Paris")
        series_ms, single_ms = [], []
        with psycopg.connect(info, row_factory=dict_row) as conn:
            for run in range(repeat):
                # a year of Thursdays in the room, each run in its own year (the room stays free)
                first = clock.space_today("Europe/Paris") + dt.timedelta(days=7 + 400 * run)
                starts = dt.datetime.combine(first, dt.time(19), tz)
                with conn.transaction():
                    act_as(conn, user, email)
                    begin = time.perf_counter()
                    conn.execute("select public.create_event_series(p_title => 'Meetup', p_starts => %s,"
                                 " p_ends => %s, p_frequency => 'weekly', p_count => 52, p_room_id => %s,"
                                 " p_capacity => 6, p_status => 'published')",
                                 (starts, starts + dt.timedelta(hours=2), space["room"]))
                    series_ms.append((time.perf_counter() - begin) * 1000)
                with conn.transaction():
                    act_as(conn, user, email)
                    later = starts + dt.timedelta(days=200)  # between this run's series and the next one's
                    begin = time.perf_counter()
                    for week in range(52):
                        at = later + dt.timedelta(days=7 * week)
                        conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status)"
                                     " values ('Meetup', %s, %s, 6, 'published')", (at, at + dt.timedelta(hours=2)))
                    single_ms.append((time.perf_counter() - begin) * 1000)
        print(f"create_event_series, 52 weekly dates: min {min(series_ms):.1f} ms, "
              f"median {statistics.median(series_ms):.1f} ms over {repeat} runs")
        print(f"52 single inserts (one transaction, from Python): min {min(single_ms):.1f} ms, "
              f"median {statistics.median(single_ms):.1f} ms")
    finally:
        discard(DATA)


if __name__ == "__main__":
    main()
