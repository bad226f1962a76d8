"""What carnets cost a booking, on a fresh embedded database, in one run:

`book_resource` throughput (one transaction a booking, as a signed-in member) for
1. members on a card plan, each booking drawing on a carnet (the trigger finds the carnet that
   expires first and checks what is left),
2. members on an unlimited monthly plan (the trigger runs and returns at once),
3. the same as 2 with the money trigger switched off (what booking cost before issue #18),
interleaved in rounds on fresh days so that no group has a warmer or fuller table than another.

Usage: python bench/money.py [--rounds N]
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._scratch import act_as, discard, fresh_database, people, scratch_data_dir

DATA = scratch_data_dir("money")

import psycopg
from psycopg.rows import dict_row

from lib.booking import bookings
from lib.core import db, embedded
from lib.demo.bookings import tiny_space

PEOPLE = 10


def main() -> None:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    try:
        embedded.ensure_running(DATA)
        info = fresh_database(DATA, "bench_money")
        with db.as_owner() as conn:
            space = tiny_space(conn, desks=3 * PEOPLE)
            card = conn.execute(
                "insert into public.plans (code, name_fr, name_en, billing, card_days, valid_days, price_cents)"
                " values ('card-bench', 'Carnet', 'Card', 'card', 500, 365, 12000) returning id::text").fetchone()["id"]
            carded = people(conn, PEOPLE, prefix="card", plan=card)
            monthly = people(conn, PEOPLE, prefix="month", plan=space["plan_unlimited"])
            plain = people(conn, PEOPLE, prefix="off", plan=space["plan_unlimited"])
            for member, _, _ in carded:
                conn.execute("select public.sell_carnet(%s, %s, 'cash')", (member, card))
        settings = bookings.booking_settings()
        today = bookings.local_today(settings)
        groups = {"card (carnet drawn)": (carded, 0), "monthly (trigger passes)": (monthly, PEOPLE),
                  "trigger off (before)": (plain, 2 * PEOPLE)}
        spent = {name: 0.0 for name in groups}
        done = {name: 0 for name in groups}
        with psycopg.connect(info, row_factory=dict_row) as conn:
            for r in range(rounds):
                days = [today + dt.timedelta(days=1 + r * 15 + d) for d in range(15)]
                for name, (crowd, offset) in groups.items():
                    off = name.startswith("trigger off")
                    if off:
                        conn.execute("alter table public.bookings disable trigger bookings_money")
                        conn.commit()
                    start = time.perf_counter()
                    for day in days:
                        for half in ("am", "pm"):
                            starts, ends = bookings.slot_range(day, half, settings)
                            for k, (_, user_id, email) in enumerate(crowd):
                                with conn.transaction():
                                    act_as(conn, user_id, email)
                                    conn.execute("select id from public.book_resource(%s, %s, %s)",
                                                 (space["desks"][offset + k], starts, ends))
                    spent[name] += time.perf_counter() - start
                    done[name] += len(days) * 2 * len(crowd)
                    if off:
                        conn.execute("reset role")
                        conn.execute("alter table public.bookings enable trigger bookings_money")
                        conn.commit()
        base = done["trigger off (before)"] / spent["trigger off (before)"]
        for name in groups:
            rate = done[name] / spent[name]
            print(f"{name:26s} {rate:8.0f} bookings/s  ({done[name]} bookings)  {base / rate:5.2f}x the time of before")
        with db.as_owner() as conn:
            left = conn.execute("select min(private.carnet_left(id)) as m from public.carnets").fetchone()["m"]
        print(f"carnets: {left} days left at least (500 bought, {done['card (carnet drawn)'] // PEOPLE / 2:.0f} used each)")
    finally:
        discard(DATA)


if __name__ == "__main__":
    main()
