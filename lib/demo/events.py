"""Demo events for `seed --demo`: a believable year of a cantine numérique's programme.

About 200 events a year (talks, meetups and workshops, French titles with some English ones),
mostly on Tuesday to Thursday evenings in the event space, workshops also in the small room.
Talks and meetups fill to 50–100 % and the popular ones run a waiting list; about 70 % of the
people registered come; a few registrations are cancelled (the waiting list then moves up) and a
few events are cancelled. The coming two months are published and partly filled, with a draft or
two for the team. Members speak at some events (linked to their profile), outside speakers at others.

Rows go in with plain inserts for events (their trigger checks the room) and COPY for
registrations; the audit triggers are paused meanwhile (the audit log is for people's changes).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from lib.core import clock

TALKS = [
    "Accessibilité web : les bases du RGAA", "Introduction à Rust", "Le RGPD pour les indépendants",
    "Écoconception de services numériques", "Design systems : retour d'expérience", "PostgreSQL : index et performances",
    "Les bases du SEO en 2026", "Sobriété numérique : mesurer pour agir", "Tester ses interfaces avec Playwright",
    "Freelance : fixer son TJM", "L'IA générative au quotidien, sans se raconter d'histoires", "Typographie pour le web",
    "Observability 101", "Building accessible forms", "From monolith to modules", "What's new in Python",
    "Product discovery in practice", "Open source : contribuer sans se brûler",
]
MEETUPS = [
    "Meetup Python Rennes", "Apéro freelance", "Café UX", "Meetup JS", "Apéro data", "Rust Meetup",
    "Breizh Design Meetup", "Soirée jeux de société", "Women in Tech : rencontre", "Apéro des nouveaux membres",
    "Drupal Camp local", "Meetup WordPress",
]
WORKSHOPS = [
    "Atelier Figma pour débutants", "Atelier : facturer en freelance", "Atelier Git, pas à pas",
    "Atelier photo produit", "Hands-on Docker", "Atelier écriture web", "Atelier portfolio",
    "Atelier accessibilité : auditer une page", "Atelier CSS Grid", "Workshop: your first API with FastAPI",
]
OUTSIDE_SPEAKERS = [
    "Claire Le Moal", "Yann Kervella", "Sophie Marchand", "Pierre-Alain Hamon", "Nolwenn Riou", "Marc Jégou",
    "Anne-Sophie Coz", "Jean Dubreuil", "Priya Raman", "Tom Harris",
]
DESCRIPTIONS = {
    "talk": "Une conférence de 45 minutes suivie de questions, puis un verre pour continuer la discussion.",
    "meetup": "Rencontre ouverte à toutes et tous : courtes présentations, échanges et apéro.",
    "workshop": "Atelier pratique en petit groupe : venez avec votre ordinateur.",
}
# share of opening weekdays that host an event (ISO weekday), and the chance of a second one
DAY_CHANCE = {1: 0.3, 2: 0.8, 3: 0.8, 4: 0.8, 5: 0.25}
SECOND_EVENT = 0.38


def _ascii(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return "".join(ch for ch in s.lower() if ch.isalnum())


def seed_demo(conn: psycopg.Connection, rng: random.Random, scale: str) -> str:
    """A year (small) or three years (large, twice as busy) of events up to today, and the next two months."""
    s = conn.execute("select * from public.settings").fetchone()
    tz = ZoneInfo(s["time_zone"])
    now = clock.now().astimezone(tz)
    today = now.date()
    years = 1 if scale == "small" else 3
    busy = 1.0 if scale == "small" else 2.0
    rooms = conn.execute("select id, name, capacity from public.resources where kind = 'room' and active"
                         " order by capacity desc, name").fetchall()
    if not rooms:
        return "events: no rooms, nothing added"
    big, small = rooms[0], (rooms[1] if len(rooms) > 1 else rooms[0])
    members = conn.execute("select id, full_name from public.members where active and role = 'member'"
                           " and email not like '%@example.org' order by email").fetchall()
    demo = conn.execute("select id, full_name from public.members where email = 'member@example.org'").fetchone()
    team = conn.execute("select id from public.members where role in ('admin', 'staff') order by email").fetchall()
    if not members:
        return "events: no members, nothing added"

    for trigger in ("events_audit", "event_speakers_audit", "registrations_audit", "event_series_audit"):
        table = {"events_audit": "events", "event_series_audit": "event_series"}.get(trigger,
                                                                                      trigger.removesuffix("_audit"))
        conn.execute(f"alter table public.{table} disable trigger {trigger}")
    # history, not people registering now: no confirmation e-mail per demo registration
    conn.execute("alter table public.registrations disable trigger registrations_queue_made")
    made = regs = 0
    rows: list[tuple] = []
    day = today - dt.timedelta(days=365 * years)
    last = today + dt.timedelta(days=60)
    while day <= last:
        chance = DAY_CHANCE.get(day.isoweekday(), 0) * busy
        plans = []
        while chance > 0 and rng.random() < min(chance, 1.0):
            plans.append(len(plans))
            chance = SECOND_EVENT * busy if len(plans) == 1 else 0.15 * (busy - 1)
        for slot in plans[:3]:
            event = _plan(rng, day, slot, big, small, tz)
            status = "published"
            if day > today + dt.timedelta(days=40) and rng.random() < 0.15:
                status = "draft"
            elif rng.random() < 0.03:
                status = "cancelled"
            starts = dt.datetime.combine(day, event["start"], tz)
            ends = starts + event["length"]
            created = starts - dt.timedelta(days=rng.randint(20, 45))
            row = conn.execute(
                "insert into public.events (title, description, kind, starts_at, ends_at, room_id, capacity, status,"
                " created_by, created_at, published_at) values (%s, %s, %s, %s, %s, %s, %s, 'draft', %s, %s, %s)"
                " returning id", (event["title"], DESCRIPTIONS[event["kind"]], event["kind"], starts, ends,
                                  event["room"]["id"], event["capacity"], rng.choice(team)["id"] if team else None,
                                  min(created, now), None)).fetchone()
            event_id = row["id"]
            _speakers(conn, rng, event_id, event["kind"], members)
            if status != "draft":
                conn.execute("update public.events set status = 'published', published_at = %s where id = %s",
                             (min(created + dt.timedelta(days=1), now), event_id))
            made += 1
            if status == "draft":
                continue
            new_rows = _registrations(rng, event_id, event, starts, created, members, now, status)
            rows.extend(new_rows)
            regs += len(new_rows)
            if status == "cancelled":
                conn.execute("update public.events set status = 'cancelled', cancelled_at = %s where id = %s",
                             (min(starts - dt.timedelta(days=2), now), event_id))
        day += dt.timedelta(days=1)
    made += _series(conn, today, tz)
    if demo is not None:
        rows.extend(_demo_member(conn, demo["id"], now, rows))
    with conn.cursor() as cur:
        with cur.copy("copy public.registrations (event_id, member_id, guest_name, guest_email, status, source,"
                      " created_at, waitlisted_at, promoted_at, attended_at, cancelled_at, cancel_reason)"
                      " from stdin") as copy:
            for row in rows:
                copy.write_row(row)
    for trigger in ("events_audit", "event_speakers_audit", "registrations_audit", "event_series_audit"):
        table = {"events_audit": "events", "event_series_audit": "event_series"}.get(trigger,
                                                                                      trigger.removesuffix("_audit"))
        conn.execute(f"alter table public.{table} enable trigger {trigger}")
    conn.execute("alter table public.registrations enable trigger registrations_queue_made")
    return f"events: {made} with {len(rows)} registrations from {today - dt.timedelta(days=365 * years)} to {last}"


def _plan(rng: random.Random, day: dt.date, slot: int, big: dict[str, Any], small: dict[str, Any],
          tz: ZoneInfo) -> dict[str, Any]:
    """What happens that day: the first event in the event space in the evening; a second one is a
    workshop, in the afternoon in the event space or in the evening in the small room."""
    if slot == 0:
        kind = rng.choices(["talk", "meetup", "workshop"], [0.45, 0.4, 0.15])[0]
        room, start, length = big, dt.time(18, 30), dt.timedelta(hours=2)
    elif slot == 1:
        kind = "workshop"
        if rng.random() < 0.5:
            room, start, length = big, dt.time(14, 0), dt.timedelta(hours=3)
        else:
            room, start, length = small, dt.time(18, 30), dt.timedelta(hours=2)
    else:
        kind, room, start, length = "meetup", small, dt.time(12, 0), dt.timedelta(hours=1, minutes=30)
    title = rng.choice({"talk": TALKS, "meetup": MEETUPS, "workshop": WORKSHOPS}[kind])
    if kind == "workshop":
        capacity = min(room["capacity"], rng.choice([8, 10, 12, 15]))
    else:
        capacity = min(room["capacity"], rng.choice([30, 40, 50, 60]))
    return {"kind": kind, "title": title, "room": room, "start": start, "length": length, "capacity": capacity}


def _speakers(conn: psycopg.Connection, rng: random.Random, event_id: Any, kind: str, members: list) -> None:
    if kind == "meetup" and rng.random() < 0.5:
        return  # an open meetup has hosts, not speakers
    for position in range(rng.choice([1, 1, 1, 2])):
        if rng.random() < 0.55:
            member = rng.choice(members)
            conn.execute("insert into public.event_speakers (event_id, member_id, name, position)"
                         " values (%s, %s, %s, %s)", (event_id, member["id"], member["full_name"], position))
        else:
            conn.execute("insert into public.event_speakers (event_id, name, position) values (%s, %s, %s)",
                         (event_id, rng.choice(OUTSIDE_SPEAKERS), position))


def _registrations(rng: random.Random, event_id: Any, event: dict[str, Any], starts: dt.datetime,
                   opened: dt.datetime, members: list, now: dt.datetime, status: str) -> list[tuple]:
    """Who registered, in arrival order: demand around the capacity (popular events overflow into a
    waiting list), a third guests from the newsletter link; then cancellations (the waiting list
    moves up) and, once the event is over, about 70 % attendance."""
    capacity = event["capacity"]
    popularity = rng.choice([0.45, 0.6, 0.75, 0.9, 1.05, 1.25])
    if starts > now:  # still filling up: registrations so far
        popularity *= max(0.25, 1 - (starts - now).days / 45)
    demand = max(1, int(capacity * popularity * rng.uniform(0.85, 1.15)))
    people = rng.sample(members, min(len(members), int(demand * 0.65) + 1))
    span = max((min(starts, now) - opened).total_seconds(), 3600)
    times = sorted(opened + dt.timedelta(seconds=rng.uniform(0, span)) for _ in range(demand))
    out: list[list] = []
    for i, created in enumerate(times):
        if i < len(people):
            member, name, email, source = people[i]["id"], None, None, rng.choice(["app", "app", "link"])
        else:
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            member, name, source = None, f"{first} {last}", "link"
            email = f"{_ascii(first)}.{_ascii(last)}{rng.randint(1, 999)}@exemple.fr"
        waitlisted = i >= capacity
        out.append([event_id, member, name, email, "waitlisted" if waitlisted else "registered", source, created,
                    created if waitlisted else None, None, None, None, None])
    # a few cancel before the event; the first waiting gets the place
    for row in out:
        if row[4] == "registered" and rng.random() < 0.08 and row[6] < now:
            cancel_at = min(row[6] + (starts - row[6]) * rng.uniform(0.2, 0.9), now)
            row[4], row[10], row[11] = "cancelled", cancel_at, "member"
            waiting = next((w for w in out if w[4] == "waitlisted"), None)
            if waiting is not None and waiting[6] < cancel_at:
                waiting[4], waiting[8] = "registered", cancel_at
    # emails must be unique per event among live registrations
    seen: set = set()
    for row in out:
        key = row[1] or row[3]
        if key in seen and row[4] != "cancelled":
            row[4], row[10], row[11] = "cancelled", row[6], "member"
        seen.add(key)
    if status == "cancelled":
        for row in out:
            if row[4] in ("registered", "waitlisted"):
                row[4], row[10], row[11] = "cancelled", min(starts - dt.timedelta(days=2), now), "event_cancelled"
    elif starts + dt.timedelta(hours=1) < now:
        for row in out:
            if row[4] == "registered" and rng.random() < 0.7:
                row[4], row[9] = "attended", starts + dt.timedelta(minutes=rng.randint(-10, 20))
    return [tuple(r) for r in out]


def _demo_member(conn: psycopg.Connection, member: Any, now: dt.datetime, rows: list[tuple]) -> list[tuple]:
    """The demo member is registered for the next published event that has a place, so "my
    registrations" shows something (and the events page offers to cancel it)."""
    upcoming = conn.execute("select id, capacity from public.events where status = 'published' and starts_at > %s"
                            " order by starts_at limit 10", (now + dt.timedelta(days=2),)).fetchall()
    for event in upcoming:
        live = [r for r in rows if r[0] == event["id"] and r[4] in ("registered", "attended")]
        if len(live) < event["capacity"] and not any(r[0] == event["id"] and r[1] == member for r in rows):
            return [(event["id"], member, None, None, "registered", "app", now - dt.timedelta(days=1), None, None,
                     None, None, None)]
    return []


_FIRST = "Agathe Bastien Céline Damien Elsa Fabien Gaëlle Hervé Iris Jonas Katell Laurent Maïwenn Noé Oriane".split()
_LAST = "Allain Bozec Cadiou Derrien Even Floch Gourvès Hénaff Inizan Jaouen Kerhervé Lagadec Morvan Nédélec".split()


def seed_walk_ins(conn: psycopg.Connection, rng: random.Random, scale: str) -> str:
    """Walk-ins (issue #14) on past events where attendance was taken: people added at the door,
    present, some with an e-mail (a guest), some a name only, a few members who had not registered;
    full events get them too (walk-ins may go over capacity, supabase/migrations/20261206120000_event_door.sql)."""
    now = clock.now()
    held = conn.execute(
        "select e.id, e.starts_at from public.events e where e.status = 'published' and e.ends_at < %s"
        " and exists (select 1 from public.registrations x where x.event_id = e.id and x.status = 'attended')"
        " order by e.starts_at", (now,)).fetchall()
    members = conn.execute("select id from public.members where active and role = 'member'"
                           " and email not like '%@example.org' order by email").fetchall()
    rows: list[tuple] = []
    for event in held:
        taken = {r["member_id"] for r in conn.execute(
            "select member_id from public.registrations where event_id = %s and member_id is not null"
            " and status <> 'cancelled'", (event["id"],)).fetchall()}
        for i in range(rng.choice([0, 0, 1, 1, 2, 3])):
            at = event["starts_at"] + dt.timedelta(minutes=rng.randint(-5, 40))
            spare = [m["id"] for m in members if m["id"] not in taken]
            if spare and rng.random() < 0.2:
                member = rng.choice(spare)
                taken.add(member)
                rows.append((event["id"], member, None, None, at))
                continue
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            email = f"{_ascii(first)}.{_ascii(last)}.{i}{rng.randint(1, 999)}@exemple.fr" if rng.random() < 0.5 else None
            rows.append((event["id"], None, f"{first} {last}", email, at))
    conn.execute("alter table public.registrations disable trigger registrations_audit")
    with conn.cursor() as cur, cur.copy(
            "copy public.registrations (event_id, member_id, guest_name, guest_email, created_at, attended_at,"
            " status, source) from stdin") as copy:
        for event_id, member, name, email, at in rows:
            copy.write_row((event_id, member, name, email, at, at, "attended", "walk_in"))
    conn.execute("alter table public.registrations enable trigger registrations_audit")
    return f"events: {len(rows)} walk-ins on {len(held)} past events"


def _series(conn: psycopg.Connection, today: dt.date, tz: ZoneInfo) -> int:
    """Two series through the team's own SQL function: a weekly meetup on Thursday evenings and a
    monthly apéro on the first Friday, both in the first zone (the open space), from two months
    ago to two months ahead. They start at 19:00 with no set-up time, when the space has closed:
    they take the open space (its desks show taken then) without taking a desk anyone could book
    by day, so the demo's bookings and the tests that book on it are never hit. Deterministic:
    dates follow from today."""
    zone = conn.execute("select id from public.zones where active order by sort_order, name limit 1").fetchone()
    if zone is None:
        return 0
    thursday = today - dt.timedelta(days=56 + (today.isoweekday() - 4) % 7)
    month = (today.replace(day=1) - dt.timedelta(days=62)).replace(day=1)
    first_friday = month + dt.timedelta(days=(5 - month.isoweekday()) % 7)
    made = 0
    for title, first, frequency, count, capacity, hours in (
            ("Meetup Python du jeudi", thursday, "weekly", 17, 40, 2),
            ("Apéro du premier vendredi", first_friday, "monthly_weekday", 5, 60, 3)):
        starts = dt.datetime.combine(first, dt.time(19), tz)
        series = conn.execute(
            "select public.create_event_series(p_title => %s, p_starts => %s, p_ends => %s, p_frequency => %s,"
            " p_count => %s, p_kind => 'meetup', p_capacity => %s, p_status => 'published', p_description => %s,"
            " p_zone_id => %s) as id",
            (title, starts, starts + dt.timedelta(hours=hours), frequency, count, capacity, DESCRIPTIONS["meetup"],
             zone["id"])).fetchone()["id"]
        made += conn.execute("select count(*) as n from public.events where series_id = %s",
                             (series,)).fetchone()["n"]
    return made
