"""The event door: the team on a tablet at the entrance picks the day's event, searches a name as
they type, ticks people present one tap at a time and adds walk-ins; and event no-shows.

The rules live in supabase/migrations/20261206120000_event_door.sql (`register_walk_in`,
`mark_attended`, `door_events`, `door_people`, `door_event_counts`, `event_no_shows`): the door's
window (from 2 hours before the start until 7 days after the end), who may act (the team), and
that walk-ins may take an event over capacity while registrations never do.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
import psycopg

from lib.core import db
from lib.core.errors import from_db_error
from lib.events.events import Claims

PEOPLE_LIMIT = 40  # rows a keystroke reads: a tablet screenful and some scrolling


def _call(claims: Claims, query: str, params: tuple) -> list[dict[str, Any]]:
    try:
        with db.as_user(claims) as conn:
            return conn.execute(query, params).fetchall()
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


def window(claims: Claims) -> tuple[dt.timedelta, dt.timedelta]:
    """The door's window as the database defines it: (opens before the start, closes after the end)."""
    row = _call(claims, "select * from public.event_door_window()", ())[0]
    return dt.timedelta(minutes=row["opens_before_minutes"]), dt.timedelta(minutes=row["closes_after_minutes"])


DAY_COLUMNS = ["event_id", "title", "starts_at", "ends_at", "room_name", "capacity", "registered", "present",
               "walk_ins", "waiting", "door_open"]


def day_events(claims: Claims, day: dt.date) -> pd.DataFrame:
    """The published events starting on a local day, with their counts and whether the door is open."""
    rows = _call(claims, "select event_id::text, title, starts_at, ends_at, room_name, capacity, registered, present,"
                         " walk_ins, waiting, door_open from public.door_events(%s)", (day,))
    return pd.DataFrame(rows, columns=DAY_COLUMNS)


def counts(claims: Claims, event_id: str) -> dict[str, int]:
    """capacity, registered (walk-ins apart), present (walk-ins included), walk_ins, waiting."""
    rows = _call(claims, "select * from public.door_event_counts(%s)", (event_id,))
    return dict(rows[0]) if rows else {"capacity": 0, "registered": 0, "present": 0, "walk_ins": 0, "waiting": 0}


PEOPLE_COLUMNS = ["registration_id", "who", "email", "status", "walk_in", "guest"]


def people(claims: Claims, event_id: str, search: str | None = None, limit: int = PEOPLE_LIMIT) -> pd.DataFrame:
    """The event's live registrations matching `search` (name or e-mail, accents and case ignored;
    filtered in SQL), the waiting list last, at most `limit` rows."""
    rows = _call(claims, "select registration_id::text, who, email, status, walk_in, guest"
                         " from public.door_people(%s, %s, %s)", (event_id, search or None, limit))
    frame = pd.DataFrame(rows, columns=PEOPLE_COLUMNS)
    frame["email"] = frame["email"].fillna("")  # a walk-in may have none: shown as nothing, never "None"
    return frame


def set_present(claims: Claims, registration_id: str, present: bool) -> dict[str, Any]:
    """Tick (or untick) one person at once; unticking a walk-in removes it. Raises UserError."""
    return _call(claims, "select * from public.mark_attended(%s, %s)", (registration_id, present))[0]


def walk_in(claims: Claims, event_id: str, full_name: str, email: str | None = None) -> dict[str, Any]:
    """Add someone at the door, present at once, even on a full event. Raises UserError."""
    return _call(claims, "select * from public.register_walk_in(%s, %s, %s)", (event_id, email or None, full_name))[0]


def waitlist_position(claims: Claims, registration_id: str) -> int | None:
    """A waiting registration's place in the queue (1 = next), as the team sees it; None if not waiting."""
    rows = _call(claims, "select case when x.status = 'waitlisted' then (select count(*) from public.registrations w"
                         " where w.event_id = x.event_id and w.status = 'waitlisted'"
                         " and (w.created_at, w.id) <= (x.created_at, x.id)) end::int as n"
                         " from public.registrations x where x.id = %s", (registration_id,))
    return rows[0]["n"] if rows else None


# --------------------------------------------------------------------------- no-shows (dashboard)

NO_SHOW_COLUMNS = ["month", "event_id", "title", "starts_at", "events", "expected", "came", "no_shows",
                   "no_show_rate"]


def no_shows(claims: Claims, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Event no-shows over a period: one row per event where attendance was taken, a total row per
    month (event_id None) and one for the period (month None). Board accounts: counts under 5 and
    rates over fewer than 5 people are None, no titles (in SQL)."""
    rows = _call(claims, "select month, event_id::text, title, starts_at, events, expected, came, no_shows,"
                         " no_show_rate from public.event_no_shows(%s, %s)", (first, last))
    frame = pd.DataFrame(rows, columns=NO_SHOW_COLUMNS)
    frame["no_show_rate"] = [float(v) if isinstance(v, Decimal) else None for v in frame["no_show_rate"]]
    return frame
