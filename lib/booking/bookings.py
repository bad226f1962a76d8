"""Desk and room bookings: the day grid, booking (one day or several), my bookings, cancel,
check-in, and the staff day view.

Every rule lives in the database (`book_resource`, `cancel_booking`, `check_in`… in
supabase/migrations/20261204120000_bookings.sql); these functions call the SQL API as the
person (`db.as_user`), so row-level security and the rules apply exactly as they would to any
other Supabase client. A refusal comes back as a psycopg error that lib/core/errors.py translates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import psycopg
from psycopg import sql

from lib.core import clock, csv_excel, db
from lib.core.errors import UserError, from_db_error
from lib.core.i18n import t

Claims = dict[str, Any]
SLOTS = ("am", "pm", "day")


# --------------------------------------------------------------------------- settings and slots

def booking_settings() -> dict[str, Any]:
    """The settings rows that booking needs (not secret: read as the owner, cached by pages)."""
    with db.as_owner() as conn:
        row = conn.execute(
            "select space_name, time_zone, open_days, opens_at, midday_at, closes_at, booking_window_days,"
            " cancellation_cutoff_hours, release_unclaimed_minutes, guest_approval_required from public.settings"
        ).fetchone()
    return dict(row)


def local_today(settings: dict[str, Any]) -> dt.date:
    return clock.space_today(settings["time_zone"])


def slot_range(day: dt.date, slot: str, settings: dict[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    """The start and end of a desk slot (morning, afternoon, whole day) in the space's time zone."""
    tz = ZoneInfo(settings["time_zone"])
    bounds = {"am": (settings["opens_at"], settings["midday_at"]),
              "pm": (settings["midday_at"], settings["closes_at"]),
              "day": (settings["opens_at"], settings["closes_at"])}
    if slot not in bounds:
        raise ValueError(f"unknown slot {slot!r}")
    start, end = bounds[slot]
    return dt.datetime.combine(day, start, tz), dt.datetime.combine(day, end, tz)


def hour_range(day: dt.date, start: dt.time, end: dt.time, settings: dict[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    tz = ZoneInfo(settings["time_zone"])
    return dt.datetime.combine(day, start, tz), dt.datetime.combine(day, end, tz)


def next_open_day(settings: dict[str, Any], after: dt.date | None = None) -> dt.date:
    """The first opening day after `after` (default: today) — what most people book."""
    day = (after or local_today(settings)) + dt.timedelta(days=1)
    for _ in range(8):
        if day.isoweekday() in settings["open_days"]:
            return day
        day += dt.timedelta(days=1)
    return day


def day_status(claims: Claims, day: dt.date) -> dict[str, Any]:
    """Why `day` can or cannot be booked, from the database (`public.day_status`, the same tests
    as `book_resource`): {state: open|past|too_far|weekday|closure, reason, until_day, opens_on}."""
    with db.as_user(claims) as conn:
        return dict(conn.execute("select * from public.day_status(%s)", (day,)).fetchone())


def has_free(grid: pd.DataFrame) -> bool:
    """Whether a day's grid still holds a free slot (a slot not over yet, not taken, not closed)."""
    return bool((grid["state"] == "free").any()) if not grid.empty else False


def default_day(today_grid: pd.DataFrame, settings: dict[str, Any]) -> dt.date:
    """The day a booking page opens on: today while today still has a free slot (desks free this
    afternoon at 09:15), otherwise the next opening day. `today_grid` is today's day grid."""
    return local_today(settings) if has_free(today_grid) else next_open_day(settings)


def weekdays_between(first: dt.date, last: dt.date, iso_weekday: int) -> list[dt.date]:
    """Every date with this ISO weekday from `first` to `last` inclusive ("every Tuesday this month")."""
    day = first + dt.timedelta(days=(iso_weekday - first.isoweekday()) % 7)
    out = []
    while day <= last:
        out.append(day)
        day += dt.timedelta(days=7)
    return out


# --------------------------------------------------------------------------- reading

GRID_COLUMNS = ["resource_id", "resource_name", "zone_id", "zone_name", "kind", "pos_x", "pos_y", "slot",
                "slot_starts", "slot_ends", "state"]


def day_grid(claims: Claims, day: dt.date, kind: str = "desk") -> pd.DataFrame:
    """One row per resource and slot of `day` with its state (free, taken, mine, closed, past)."""
    with db.as_user(claims) as conn:
        rows = conn.execute("select * from public.day_grid(%s, %s)", (day, kind)).fetchall()
    return _grid_frame(rows)


def link_day_grid(token: str, day: dt.date, kind: str = "desk") -> pd.DataFrame:
    """The same grid for a shared-link visitor (anonymous; the link must be valid)."""
    with db.as_anon() as conn:
        rows = conn.execute("select * from public.link_day_grid(%s, %s, %s)", (token, day, kind)).fetchall()
    return _grid_frame(rows)


def link_window_states(token: str, days: list[dt.date], kind: str = "desk") -> list[dict[str, Any]]:
    """The link's grid for several days in one query (the shared-link form loads its whole
    booking window at once): rows of day, resource_id, resource_name, zone_name, slot, state, in
    the grid's order. Plain rows: a DataFrame per day cost more than the query."""
    with db.as_anon() as conn:
        return conn.execute(
            "select d.day, g.resource_id::text as resource_id, g.resource_name, g.zone_name, g.slot, g.state"
            " from unnest(%s::date[]) with ordinality as d(day, n),"
            " lateral public.link_day_grid(%s, d.day, %s) with ordinality as g"
            " order by d.n, g.ordinality", (days, token, kind)).fetchall()


def _grid_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=GRID_COLUMNS)
    frame["resource_id"] = frame["resource_id"].astype(str)
    frame["pos_x"] = pd.to_numeric(frame["pos_x"]).astype(float)
    frame["pos_y"] = pd.to_numeric(frame["pos_y"]).astype(float)
    return frame


def grid_table(grid: pd.DataFrame) -> pd.DataFrame:
    """Resources as rows, slots as columns, states as cells: the day grid people read."""
    if grid.empty:
        return pd.DataFrame()
    table = grid.pivot_table(index=["zone_name", "resource_name"], columns="slot", values="state",
                             aggfunc="first", sort=False)
    return table.reset_index()


def free_resources(grid: pd.DataFrame, slot: str) -> pd.DataFrame:
    """Desks free for a slot ("day" needs both halves free), in the grid's order."""
    if grid.empty:
        return grid
    halves = ["am", "pm"] if slot == "day" else [slot]
    part = grid[grid["slot"].isin(halves)]
    free = part["state"].eq("free").groupby(part["resource_id"], sort=False).agg(["all", "size"])
    ids = free.index[free["all"] & free["size"].eq(len(halves))]
    return grid[grid["resource_id"].isin(ids)].drop_duplicates("resource_id")[
        ["resource_id", "resource_name", "zone_name", "pos_x", "pos_y"]]


# When the person may check in, from the database's own rule (private.check_in_opens_at, used by
# check_in); null for the team, who may check anyone in at any time on the day.
CHECK_IN_FROM = sql.SQL("case when private.is_team() then null"
                        " else private.check_in_opens_at(lower(b.during)) end as check_in_from")


def check_in_state(check_in_from: dt.datetime | None, ends: dt.datetime, now: dt.datetime | None = None) -> str:
    """Whether check_in will accept a confirmed booking of today now: 'open', 'early' (before
    `check_in_from`) or 'ended'. `check_in_from` is the column above (None/NaT for the team)."""
    if check_in_from is None or pd.isna(check_in_from):
        return "open"
    now = now or clock.now()
    if now < check_in_from:
        return "early"
    return "open" if now < ends else "ended"


MY_COLUMNS = ["id", "resource_name", "zone_name", "kind", "day", "starts", "ends", "status", "checked_in_at",
              "check_in_from", "no_show_at", "cancelled_at", "cancel_reason", "closure_reason"]


def my_bookings(claims: Claims, member_id: str, upcoming: bool = True, limit: int = 200) -> pd.DataFrame:
    """The person's bookings, upcoming (soonest first) or past (latest first), cancelled ones
    included (with why), and the reason of a closure that falls on a live one (its member must
    hear of it: the team may not have cancelled it yet)."""
    order = "asc" if upcoming else "desc"
    cond = "upper(b.during) > now()" if upcoming else "upper(b.during) <= now()"
    with db.as_user(claims) as conn:
        rows = conn.execute(sql.SQL(
            "select b.id::text as id, r.name as resource_name, z.name as zone_name, r.kind, b.day,"
            " lower(b.during) as starts, upper(b.during) as ends, b.status, b.checked_in_at, {check_in_from},"
            " b.no_show_at, b.cancelled_at, b.cancel_reason,"
            " case when b.status <> 'cancelled' then (select c.reason from public.closures c"
            "   where b.day between c.starts_on and c.ends_on and (c.resource_id is null or c.resource_id = b.resource_id)"
            "   order by c.resource_id nulls first limit 1) end as closure_reason"
            " from public.bookings b join public.resources r on r.id = b.resource_id"
            " join public.zones z on z.id = r.zone_id"
            " where b.member_id = %s and {cond} order by lower(b.during) {order} limit %s").format(
                cond=sql.SQL(cond), order=sql.SQL(order), check_in_from=CHECK_IN_FROM),
            (member_id, limit)).fetchall()
    return pd.DataFrame(rows, columns=MY_COLUMNS)


def outcome(status: str, checked_in_at: Any, no_show_at: Any) -> str:
    """What became of a past booking, in the words of private.booking_outcomes: 'came',
    'no_show', 'cancelled', 'pending' (never approved) or 'unchecked' (nobody checked)."""
    if status == "cancelled":
        return "cancelled"
    if checked_in_at is not None and not pd.isna(checked_in_at):
        return "came"
    if no_show_at is not None and not pd.isna(no_show_at):
        return "no_show"
    return "pending" if status == "pending" else "unchecked"


def booking(claims: Claims, booking_id: str) -> dict[str, Any] | None:
    """One booking the person may see, with its resource's name."""
    with db.as_user(claims) as conn:
        return conn.execute(
            "select b.*, r.name as resource_name, z.name as zone_name from public.bookings b"
            " join public.resources r on r.id = b.resource_id join public.zones z on z.id = r.zone_id"
            " where b.id = %s", (booking_id,)).fetchone()


def today_bookings(claims: Claims, member_id: str) -> list[dict[str, Any]]:
    """The person's live bookings of today (for check-in on the home page)."""
    with db.as_user(claims) as conn:
        return conn.execute(sql.SQL(
            "select b.id::text as id, r.name as resource_name, lower(b.during) as starts, upper(b.during) as ends,"
            " b.status, b.checked_in_at, {check_in_from}"
            " from public.bookings b join public.resources r on r.id = b.resource_id"
            " where b.member_id = %s and b.status <> 'cancelled'"
            " and b.day = (now() at time zone (select time_zone from public.settings))::date"
            " order by lower(b.during)").format(check_in_from=CHECK_IN_FROM), (member_id,)).fetchall()


# --------------------------------------------------------------------------- writing

def book(claims: Claims, resource_id: str, starts: dt.datetime, ends: dt.datetime,
         member_id: str | None = None, looked_at: dt.datetime | None = None) -> dict[str, Any]:
    """Book through `book_resource` (one transaction). Raises UserError with the rule's message;
    a slot refused as taken that was already held at `looked_at` (when the page showed it, default
    now) says "already taken", not "just taken"."""
    looked_at = looked_at or clock.now()
    try:
        with db.as_user(claims) as conn:
            return conn.execute("select * from public.book_resource(%s, %s, %s, %s)",
                                (resource_id, starts, ends, member_id)).fetchone()
    except psycopg.Error as exc:
        err = from_db_error(exc)
        raise _taken_when(claims, err, resource_id, starts, ends, looked_at) from exc


def _taken_when(claims: Claims, err: UserError, resource_id: str, starts: dt.datetime, ends: dt.datetime,
                looked_at: dt.datetime, conn: psycopg.Connection | None = None) -> UserError:
    """`err`, or "already taken" for a "taken" refusal whose booking predates `looked_at`."""
    if err.key not in ("booking.taken", "db.bookings_no_overlap"):
        return err
    query = "select public.slot_taken_before(%s, %s, %s, %s) as before"
    params = (resource_id, starts, ends, looked_at)
    if conn is not None:
        before = conn.execute(query, params).fetchone()["before"]
    else:
        with db.as_user(claims) as fresh:
            before = fresh.execute(query, params).fetchone()["before"]
    return UserError("booking.taken_earlier") if before else err


@dataclass
class DayOutcome:
    day: dt.date
    booked: bool
    reason: str | None = None        # i18n key of the refusal
    params: dict[str, Any] | None = None
    booking_id: str | None = None


def book_many(claims: Claims, resource_id: str, days: list[dt.date], slot: str, settings: dict[str, Any],
              member_id: str | None = None) -> list[DayOutcome]:
    """Book the same desk and slot on several days as one action: one transaction, a savepoint a
    day, so each day that can be booked is, and each that cannot says why."""
    outcomes: list[DayOutcome] = []
    # nobody looked at these days: a desk held before the click was "already taken", not "just"
    looked_at = clock.now()
    with db.as_user(claims) as conn:
        for day in days:
            starts, ends = slot_range(day, slot, settings)
            try:
                with conn.transaction():
                    row = conn.execute("select id::text from public.book_resource(%s, %s, %s, %s)",
                                       (resource_id, starts, ends, member_id)).fetchone()
                outcomes.append(DayOutcome(day, True, booking_id=row["id"]))
            except psycopg.Error as exc:
                err = _taken_when(claims, from_db_error(exc), resource_id, starts, ends, looked_at, conn)
                outcomes.append(DayOutcome(day, False, err.key, err.params))
    return outcomes


def _call(claims: Claims, function: str, booking_id: str) -> dict[str, Any]:
    try:
        with db.as_user(claims) as conn:
            query = sql.SQL("select * from {}(%s)").format(sql.Identifier("public", function))
            return conn.execute(query, (booking_id,)).fetchone()
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


def cancel(claims: Claims, booking_id: str) -> dict[str, Any]:
    return _call(claims, "cancel_booking", booking_id)


def check_in(claims: Claims, booking_id: str) -> dict[str, Any]:
    return _call(claims, "check_in", booking_id)


def approve(claims: Claims, booking_id: str) -> dict[str, Any]:
    return _call(claims, "approve_booking", booking_id)


def mark_no_show(claims: Claims, booking_id: str) -> dict[str, Any]:
    return _call(claims, "mark_no_show", booking_id)


def check_in_today(claims: Claims, member_id: str) -> dict[str, Any]:
    """One click: check in to the person's first booking of today not yet checked in whose
    check-in is open (else the first one, so the database says why: too early, ended).
    Raises UserError('checkin.none_today') when there is nothing to check in to."""
    waiting = [row for row in today_bookings(claims, member_id)
               if row["checked_in_at"] is None and row["status"] == "confirmed"]
    if not waiting:
        raise UserError("checkin.none_today")
    row = next((r for r in waiting if check_in_state(r["check_in_from"], r["ends"]) == "open"), waiting[0])
    return check_in(claims, row["id"])


def release_unclaimed(claims: Claims) -> int:
    try:
        with db.as_user(claims) as conn:
            return conn.execute("select public.release_unclaimed() as n").fetchone()["n"]
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


# --------------------------------------------------------------------------- staff

def staff_day(claims: Claims, day: dt.date, search: str = "", show: str = "all") -> pd.DataFrame:
    """Who is booked where on `day` (team only, by row-level security): arrivals, guests to
    approve, no-shows. `search` matches name, email or desk; `show` filters by state."""
    filters = {
        "all": "b.status <> 'cancelled'",
        "expected": "b.status = 'confirmed' and b.checked_in_at is null and b.no_show_at is null",
        "checked_in": "b.checked_in_at is not null",
        "pending": "b.status = 'pending'",
        "no_show": "b.no_show_at is not null",
    }
    where = filters.get(show, filters["all"])
    pattern = f"%{search.strip()}%" if search and search.strip() else None
    with db.as_user(claims) as conn:
        rows = conn.execute(sql.SQL(
            "select b.id::text as id, r.name as resource_name, z.name as zone_name, r.kind,"
            " lower(b.during) as starts, upper(b.during) as ends,"
            " coalesce(m.full_name, b.guest_name) as who, coalesce(m.email::text, b.guest_email) as email,"
            " b.member_id is null as guest, b.status, b.checked_in_at, b.no_show_at, b.source,"
            " private.no_show_refusal(b) is null as no_show_allowed"
            " from public.bookings b join public.resources r on r.id = b.resource_id"
            " join public.zones z on z.id = r.zone_id left join public.members m on m.id = b.member_id"
            " where b.day = %(day)s and {where}"
            " and (%(p)s::text is null or coalesce(m.full_name, b.guest_name) ilike %(p)s"
            "      or coalesce(m.email::text, b.guest_email) ilike %(p)s or r.name ilike %(p)s)"
            " order by lower(b.during), r.name limit 2000").format(where=sql.SQL(where)),
            {"day": day, "p": pattern}).fetchall()
    return pd.DataFrame(rows, columns=["id", "resource_name", "zone_name", "kind", "starts", "ends", "who", "email",
                                       "guest", "status", "checked_in_at", "no_show_at", "source",
                                       "no_show_allowed"])


EXPORT_COLUMNS = ["id", "day", "starts", "ends", "resource", "zone", "kind", "member_email", "member_name",
                  "guest_name", "guest_email", "status", "source", "checked_in_at", "no_show_at", "created_at",
                  "cancelled_at", "cancel_reason"]


def export_rows(conn: psycopg.Connection, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Bookings of a date range for a CSV (runs in `conn`: as the team on a page, the owner on
    the command line). Tokens are never exported."""
    return conn.execute(
        "select b.id::text as id, b.day, lower(b.during) as starts, upper(b.during) as ends, r.name as resource,"
        " z.name as zone, r.kind, m.email::text as member_email, m.full_name as member_name, b.guest_name,"
        " b.guest_email, b.status, b.source, b.checked_in_at, b.no_show_at, b.created_at, b.cancelled_at,"
        " b.cancel_reason from public.bookings b join public.resources r on r.id = b.resource_id"
        " join public.zones z on z.id = r.zone_id left join public.members m on m.id = b.member_id"
        " where b.day between %s and %s order by b.day, lower(b.during), r.name", (first, last)).fetchall()


def to_csv(rows: list[dict[str, Any]], lang: str = "fr", time_zone: str | None = None) -> str:
    """The bookings as the text of a CSV file that Excel opens in `lang`'s region
    (lib/core/csv_excel.py): headers, statuses, kinds and sources in the reader's language, times
    on the space's clock (not UTC), formulas defused."""
    time_zone = time_zone or booking_settings()["time_zone"]

    def cell(column: str, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return csv_excel.local_time(value, time_zone)
        if column == "status" and value:
            return t(f"mybookings.status.{value}", lang)
        if column in ("kind", "source") and value:
            return t(f"export.booking.{column}.{value}", lang)
        return value

    header = [t(f"export.booking.{c}", lang) for c in EXPORT_COLUMNS]
    cells = [[cell(c, row[c]) for c in EXPORT_COLUMNS] for row in rows]
    return csv_excel.to_csv(header, cells, lang).decode("utf-8")


def export_csv(claims: Claims, first: dt.date, last: dt.date, lang: str = "fr") -> str:
    """The staff page's export: as the person, so only the team gets rows."""
    with db.as_user(claims) as conn:
        return to_csv(export_rows(conn, first, last), lang)


def occupancy(claims: Claims, first: dt.date, last: dt.date, zone_id: str | None = None,
              kind: str = "desk") -> pd.DataFrame:
    with db.as_user(claims) as conn:
        rows = conn.execute("select * from public.occupancy_daily(%s, %s, %s, %s)",
                            (first, last, zone_id, kind)).fetchall()
    return pd.DataFrame(rows, columns=["day", "booked_hours", "open_hours", "occupancy"])


def bookable_members(claims: Claims) -> list[dict[str, Any]]:
    """Active members the team may book for (row-level security decides who is listed),
    sorted by name in Python (the database collation is C)."""
    with db.as_user(claims) as conn:
        rows = conn.execute("select id::text, full_name, email::text from public.members where active").fetchall()
    return sorted(rows, key=lambda r: (r["full_name"].casefold(), r["email"]))


def week_of(claims: Claims, member_id: str, day: dt.date) -> pd.DataFrame:
    """The person's live bookings in the Monday-to-Sunday week holding `day`."""
    monday = day - dt.timedelta(days=day.isoweekday() - 1)
    with db.as_user(claims) as conn:
        rows = conn.execute(
            "select b.day, r.name as resource_name, lower(b.during) as starts, upper(b.during) as ends, b.status"
            " from public.bookings b join public.resources r on r.id = b.resource_id"
            " where b.member_id = %s and b.status <> 'cancelled' and b.day between %s and %s"
            " order by lower(b.during)", (member_id, monday, monday + dt.timedelta(days=6))).fetchall()
    return pd.DataFrame(rows, columns=["day", "resource_name", "starts", "ends", "status"])


def pending_days(claims: Claims) -> list[dict[str, Any]]:
    """Days from today with guest bookings waiting for approval, and how many (team only by RLS)."""
    with db.as_user(claims) as conn:
        return conn.execute(
            "select day, count(*)::int as n from public.bookings where status = 'pending'"
            " and day >= (now() at time zone (select time_zone from public.settings))::date"
            " group by day order by day limit 30").fetchall()


def _md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no markup, no column break (names come from admins)."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>~" else ch for ch in str(text)).replace("\n", " ")


def grid_markdown(grid: pd.DataFrame, lang: str) -> str:
    """The desks' day grid as a Markdown table (zone, desk, morning, afternoon): cheap to send."""
    table = grid_table(grid)
    if table.empty:
        return ""
    states = {s: t(f"book.state.{s}", lang) for s in ("free", "taken", "mine", "closed", "past")}
    lines = [f"| {t('book.zone', lang)} | {t('book.resource', lang)} | {t('book.slot.am', lang)} | "
             f"{t('book.slot.pm', lang)} |", "|---|---|---|---|"]
    for row in table.itertuples(index=False):
        am, pm = (states.get(getattr(row, col, ""), "") for col in ("am", "pm"))
        lines.append(f"| {_md_cell(row.zone_name)} | {_md_cell(row.resource_name)} | {am} | {pm} |")
    return "\n".join(lines)
