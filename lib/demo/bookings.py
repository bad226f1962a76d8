"""Demo bookings for `seed --demo`, and a tiny space for tests and benchmarks.

The demo history is believable rather than random: Tuesday to Thursday busier than Monday and
Friday, most bookings made the day before, about one in ten a no-show, a few cancelled, and the
coming weeks partly booked. Rows go in with COPY (a year of bookings in about a second); the
`day` trigger fills the local day, and the audit trigger is paused meanwhile (the audit log is
for changes people make, not for the seed).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from lib.core import clock

# share of desks taken on an ISO weekday (1 = Monday)
WEEKDAY_LOAD = {1: 0.45, 2: 0.75, 3: 0.8, 4: 0.75, 5: 0.4, 6: 0.1, 7: 0.05}


def _settings(conn: psycopg.Connection) -> dict[str, Any]:
    return conn.execute("select * from public.settings").fetchone()


def seed_demo(conn: psycopg.Connection, rng: random.Random, scale: str) -> str:
    """A year (small) or three years (large) of bookings up to today, and the next two weeks."""
    s = _settings(conn)
    tz = ZoneInfo(s["time_zone"])
    today = clock.now().astimezone(tz).date()
    years = 1 if scale == "small" else 3
    first, last = today - dt.timedelta(days=365 * years), today + dt.timedelta(days=14)
    desks = [r["id"] for r in conn.execute(
        "select id from public.resources where kind = 'desk' and active order by name").fetchall()]
    rooms = [r["id"] for r in conn.execute(
        "select id from public.resources where kind = 'room' and active and capacity <= 10 order by name").fetchall()]
    members = [r["id"] for r in conn.execute(
        "select id from public.members where active and role = 'member' and email not like '%@example.org'"
        " order by email").fetchall()]
    if not desks or not members:
        return "bookings: no desks or members, nothing added"
    demo_member = conn.execute("select id from public.members where email = 'member@example.org'").fetchone()
    rows = []
    now = clock.now().astimezone(tz)
    day = first
    while day <= last:
        if day.isoweekday() in s["open_days"]:
            rows.extend(_day_rows(rng, day, desks, rooms, members, s, tz, now))
        day += dt.timedelta(days=1)
    if demo_member:  # the demo member has something to see and to check in to
        rows.extend(_demo_member_rows(demo_member["id"], desks, s, tz, today, rows))
    # history, not people booking now: no audit entries, and no confirmation e-mail per booking
    conn.execute("alter table public.bookings disable trigger bookings_audit")
    conn.execute("alter table public.bookings disable trigger bookings_queue_confirmed")
    with conn.cursor() as cur:
        with cur.copy("copy public.bookings (resource_id, member_id, during, day, units, status, checked_in_at,"
                      " no_show_at, source, created_at, cancelled_at, cancel_reason) from stdin") as copy:
            for row in rows:
                copy.write_row(row)
    conn.execute("alter table public.bookings enable trigger bookings_audit")
    conn.execute("alter table public.bookings enable trigger bookings_queue_confirmed")
    return f"bookings: {len(rows)} from {first} to {last}"


def _range(day: dt.date, start: dt.time, end: dt.time, tz: ZoneInfo) -> str:
    a, b = dt.datetime.combine(day, start, tz), dt.datetime.combine(day, end, tz)
    return f"[{a.isoformat()},{b.isoformat()})"


def _day_rows(rng: random.Random, day: dt.date, desks: list, rooms: list, members: list, s: dict[str, Any],
              tz: ZoneInfo, now: dt.datetime) -> list[tuple]:
    rows = []
    load = WEEKDAY_LOAD[day.isoweekday()] * rng.uniform(0.85, 1.1)
    people = rng.sample(members, min(len(members), int(len(desks) * 1.2)))
    used: set = set()
    for desk in desks:
        if rng.random() > load:
            continue
        kind = rng.choices(["day", "am", "pm"], [0.6, 0.25, 0.15])[0]
        member = next((p for p in people if p not in used), None)
        if member is None:
            break
        used.add(member)
        start, end = {"day": (s["opens_at"], s["closes_at"]), "am": (s["opens_at"], s["midday_at"]),
                      "pm": (s["midday_at"], s["closes_at"])}[kind]
        rows.append(_row(rng, desk, member, day, start, end, 1 if kind == "day" else 0.5, tz, now, s))
    for room in rooms:
        for hour in (10, 14, 16):
            if rng.random() < load * 0.5:
                rows.append(_row(rng, room, rng.choice(members), day, dt.time(hour), dt.time(hour + 1), 0, tz, now, s))
    return rows


def _row(rng: random.Random, resource: Any, member: Any, day: dt.date, start: dt.time, end: dt.time,
         units: float, tz: ZoneInfo, now: dt.datetime, s: dict[str, Any]) -> tuple:
    starts = dt.datetime.combine(day, start, tz)
    # most bookings are made the day before; some a week ahead, some the same morning
    lead = rng.choices([dt.timedelta(days=1), dt.timedelta(days=rng.randint(2, 10)), dt.timedelta(hours=2)],
                       [0.6, 0.3, 0.1])[0]
    created = min(starts - lead + dt.timedelta(minutes=rng.randint(0, 600)), now)
    status, checked_in, no_show, cancelled, reason = "confirmed", None, None, None, None
    if rng.random() < 0.05:
        status, cancelled, reason = "cancelled", min(starts - dt.timedelta(hours=5), now), "member"
    elif starts < now:
        if rng.random() < 0.1:
            no_show = starts + dt.timedelta(hours=1)
        else:
            checked_in = starts + dt.timedelta(minutes=rng.randint(0, 45))
    return (resource, member, _range(day, start, end, tz), day, units, status, checked_in, no_show, "app",
            created, cancelled, reason)


def _demo_member_rows(member: Any, desks: list, s: dict[str, Any], tz: ZoneInfo, today: dt.date,
                      rows: list[tuple]) -> list[tuple]:
    """Today and a day next week, on a desk left free that day, for the demo member (tomorrow
    stays free for them to book)."""
    taken = {(r[0], r[3]) for r in rows}
    mine = {r[3] for r in rows if r[1] == member}
    out = []
    day, added = today, 0
    while added < 2:
        if day.isoweekday() in s["open_days"] and day not in mine:
            desk = next((d for d in desks if (d, day) not in taken), None)
            if desk is not None and (day == today or day >= today + dt.timedelta(days=6)):
                out.append((desk, member, _range(day, s["opens_at"], s["closes_at"], tz), day, 1, "confirmed",
                            None, None, "app", clock.now().astimezone(tz), None, None))
                added += 1
        day += dt.timedelta(days=1)
        if day > today + dt.timedelta(days=13):
            break
    return out


# --------------------------------------------------------------------------- a tiny space

def tiny_space(conn: psycopg.Connection, desks: int = 4) -> dict[str, Any]:
    """One zone, `desks` desks, one room and two plans (1 day/month, unlimited), open every day:
    what tests and benchmarks need, owned by the caller's transaction. Returns the ids."""
    conn.execute("update public.settings set open_days = '{1,2,3,4,5,6,7}'")
    zone = conn.execute("insert into public.zones (name) values ('Plateau') returning id::text").fetchone()["id"]
    ids = []
    for i in range(desks):
        ids.append(conn.execute(
            "insert into public.resources (zone_id, name, kind, pos_x, pos_y) values (%s, %s, 'desk', %s, 2)"
            " returning id::text", (zone, f"D{i + 1:02d}", 2 + 2 * i)).fetchone()["id"])
    room = conn.execute(
        "insert into public.resources (zone_id, name, kind, capacity, booking_unit, pos_x, pos_y)"
        " values (%s, 'Salle', 'room', 6, 'hour', 2, 8) returning id::text", (zone,)).fetchone()["id"]
    one = conn.execute(
        "insert into public.plans (code, name_fr, name_en, days_per_month, price_cents)"
        " values ('one-day', 'Un jour', 'One day', 1, 1500) returning id::text").fetchone()["id"]
    unlimited = conn.execute(
        "insert into public.plans (code, name_fr, name_en, days_per_month, price_cents)"
        " values ('unlimited', 'Illimité', 'Unlimited', null, 29000) returning id::text").fetchone()["id"]
    return {"zone": zone, "desks": ids, "room": room, "plan_one_day": one, "plan_unlimited": unlimited}
