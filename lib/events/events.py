"""Events: talks, meetups and workshops; registering (or the waiting list), cancelling, attendance,
the team's programme editor, the shared link for events, statistics and exports.

Every rule lives in the database (`register_for_event`, `cancel_registration`, `link_register`,
`mark_attended`, `cancel_event`… in supabase/migrations/20261204150000_events.sql); these functions
call the SQL API as the person (`db.as_user`) or as the anonymous link visitor (`db.as_anon`), so
row-level security and the rules apply as they would to any other Supabase client. Places and
waiting lists are counted in SQL; pages receive small DataFrames.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import psycopg
from psycopg.types.json import Jsonb

from lib.booking import share_links
from lib.core import csv_excel, db
from lib.core.csv_excel import to_csv
from lib.core.errors import UserError, from_db_error
from lib.core.i18n import current_language, t
from lib.space import space

Claims = dict[str, Any]
KINDS = ("talk", "meetup", "workshop")
EDITABLE_STATUSES = ("draft", "published")  # cancelling has its own button (it tells people)
NOTICE_KINDS = ("event_cancelled", "waitlist_promoted")


def _user_call(claims: Claims, query: str, params: tuple) -> list[dict[str, Any]]:
    try:
        with db.as_user(claims) as conn:
            return conn.execute(query, params).fetchall()
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


def _anon_call(query: str, params: tuple) -> list[dict[str, Any]]:
    try:
        with db.as_anon() as conn:
            return conn.execute(query, params).fetchall()
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


# --------------------------------------------------------------------------- reading (members)

UPCOMING_COLUMNS = ["event_id", "title", "description", "kind", "starts_at", "ends_at", "room_name", "capacity",
                    "places_left", "waitlisted", "speakers", "my_registration_id", "my_status", "my_position"]


def upcoming(claims: Claims, limit: int = 100) -> pd.DataFrame:
    """Coming published events with places left, the waiting list and the person's own status."""
    rows = _user_call(claims, "select * from public.upcoming_events(%s)", (limit,))
    frame = pd.DataFrame(rows, columns=UPCOMING_COLUMNS)
    for col in ("event_id", "my_registration_id", "my_status", "room_name", "speakers", "description"):
        # pandas 3 reads text columns as `str`, where None becomes NaN (truthy): pages test for None
        frame[col] = pd.Series([str(v) if v is not None and not (isinstance(v, float) and pd.isna(v)) else None
                                for v in frame[col]], dtype=object, index=frame.index)
    # when registration closes (the event's own cut-off, else the space's default), so the page
    # offers "Register" only while the database would accept it
    closes = {r["id"]: r["closes"] for r in _user_call(
        claims, "select e.id::text as id, coalesce(e.registration_closes_at,"
        " e.starts_at - make_interval(mins => s.registration_cutoff_minutes)) as closes"
        " from public.events e cross join public.settings s where e.id = any(%s::uuid[])",
        (list(frame.event_id),))} if len(frame) else {}
    frame["registration_closes"] = [closes.get(e) for e in frame.event_id]
    return frame


MINE_COLUMNS = ["id", "event_id", "title", "starts_at", "ends_at", "room_name", "status", "event_status"]


def my_registrations(claims: Claims, member_id: str, upcoming_only: bool = True) -> pd.DataFrame:
    """The person's registrations (RLS: their own), soonest first; cancelled ones left out."""
    rows = _user_call(claims,
                      "select x.id::text, e.id::text as event_id, e.title, e.starts_at, e.ends_at,"
                      " r.name as room_name, x.status, e.status as event_status"
                      " from public.registrations x join public.events e on e.id = x.event_id"
                      " left join public.resources r on r.id = e.room_id"
                      " where x.member_id = %s and x.status <> 'cancelled' and (not %s or e.ends_at > now())"
                      " order by e.starts_at limit 200", (member_id, upcoming_only))
    return pd.DataFrame(rows, columns=MINE_COLUMNS)


# --------------------------------------------------------------------------- registering

def register(claims: Claims, event_id: str, member_id: str | None = None) -> dict[str, Any]:
    """Register (or join the waiting list); the team may pass another member. Raises UserError."""
    return _user_call(claims, "select * from public.register_for_event(%s, %s)", (event_id, member_id))[0]


def cancel_registration(claims: Claims, registration_id: str) -> dict[str, Any]:
    """Cancel; the first on the waiting list gets the place in the same transaction."""
    return _user_call(claims, "select * from public.cancel_registration(%s)", (registration_id,))[0]


def mark_attended(claims: Claims, registration_id: str, attended: bool = True) -> dict[str, Any]:
    return _user_call(claims, "select * from public.mark_attended(%s, %s)", (registration_id, attended))[0]


def cancel_event(claims: Claims, event_id: str) -> int:
    """Cancel an event (the team); returns how many registrations were cancelled (their holders
    are told by e-mail through the outbox)."""
    return _user_call(claims, "select public.cancel_event(%s) as n", (event_id,))[0]["n"]


# --------------------------------------------------------------------------- the team's programme

EDITOR_COLUMNS = ["id", "title", "kind", "starts_at", "ends_at", "room", "capacity", "status", "speakers",
                  "description", "registered", "waitlisted"]


def space_tz() -> ZoneInfo:
    return ZoneInfo(space.settings()["time_zone"])


def team_events(claims: Claims, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Events starting between two local days, as the team edits them: local times without a zone
    (what people type), the room by name, speakers as one line, places counted in SQL."""
    tz = space_tz()
    start = dt.datetime.combine(first, dt.time(0), tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tz)
    rows = _user_call(
        claims,
        "select e.id::text, e.title, e.kind, e.starts_at, e.ends_at, r.name as room, e.capacity, e.status,"
        " (select string_agg(sp.name, ', ' order by sp.position) from public.event_speakers sp"
        "   where sp.event_id = e.id) as speakers, e.description,"
        " (select count(*) from public.registrations x where x.event_id = e.id"
        "   and x.status in ('registered', 'attended'))::int as registered,"
        " (select count(*) from public.registrations x where x.event_id = e.id"
        "   and x.status = 'waitlisted')::int as waitlisted"
        " from public.events e left join public.resources r on r.id = e.room_id"
        " where e.starts_at >= %s and e.starts_at < %s order by e.starts_at limit 1000", (start, end))
    frame = pd.DataFrame(rows, columns=EDITOR_COLUMNS)
    for col in ("starts_at", "ends_at"):
        frame[col] = [v.astimezone(tz).replace(tzinfo=None) for v in frame[col]] if len(frame) else \
            pd.Series(dtype="datetime64[ns]")
    frame["starts_at"] = pd.to_datetime(frame["starts_at"])
    frame["ends_at"] = pd.to_datetime(frame["ends_at"])
    return frame


def rooms(claims: Claims) -> dict[str, str]:
    """Active rooms by name (the editor's choices)."""
    rows = _user_call(claims, "select id::text, name from public.resources where kind = 'room' and active"
                              " order by name", ())
    return {r["name"]: r["id"] for r in rows}


@dataclass
class SaveResult:
    changes: int = 0
    errors: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)  # (row, i18n key, params)


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _local(value: Any) -> dt.datetime | None:
    if _blank(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, dt.datetime) else None


def check_event_row(row: dict[str, Any], room_names: set[str]) -> str | None:
    """The first problem of an edited event row (an i18n key), or None. The database checks
    again (room free, capacity, cancelled stays cancelled)."""
    title = row.get("title")
    if _blank(title) or len(str(title).strip()) > 200:
        return "eventsadmin.err.title"
    if row.get("kind") not in KINDS:
        return "eventsadmin.err.kind"
    starts, ends = _local(row.get("starts_at")), _local(row.get("ends_at"))
    if starts is None or ends is None or ends <= starts or ends - starts > dt.timedelta(days=1):
        return "eventsadmin.err.times"
    if not _blank(row.get("room")) and row["room"] not in room_names:
        return "eventsadmin.err.room"
    capacity = row.get("capacity")
    try:
        if _blank(capacity) or not 1 <= int(capacity) <= 10000:
            return "eventsadmin.err.capacity"
    except (TypeError, ValueError):
        return "eventsadmin.err.capacity"
    if row.get("status") not in EDITABLE_STATUSES and row.get("status") != "cancelled":
        return "eventsadmin.err.status"
    return None


def _members_index(conn: psycopg.Connection) -> tuple[dict[str, str], dict[str, list[str]]]:
    rows = conn.execute("select id::text, email::text, full_name from public.members"
                        " where active and erased_at is null").fetchall()
    by_email = {r["email"].lower(): r["id"] for r in rows}
    by_name: dict[str, list[str]] = {}
    for r in rows:
        by_name.setdefault(r["full_name"].strip().casefold(), []).append(r["id"])
    return by_email, by_name


def parse_speakers(text: str | None, by_email: dict[str, str], by_name: dict[str, list[str]],
                   names_of: dict[str, str] | None = None) -> list[tuple[str, str | None]]:
    """Speakers typed as one line ("Léa Martin, bob@example.org, Invitée Externe") as (name,
    member id): an e-mail or a member's exact, unambiguous full name links the member."""
    out: list[tuple[str, str | None]] = []
    for part in re.split(r"[,;\n]", text or ""):
        item = " ".join(part.split())
        if not item:
            continue
        if "@" in item and item.lower() in by_email:
            member = by_email[item.lower()]
            out.append(((names_of or {}).get(member, item.split("@")[0]), member))
            continue
        ids = by_name.get(item.casefold(), [])
        out.append((item[:200], ids[0] if len(ids) == 1 else None))
    return out[:20]


def _write_speakers(conn: psycopg.Connection, event_id: str, text: str | None) -> None:
    by_email, by_name = _members_index(conn)
    names_of = {r["id"]: r["full_name"] for r in conn.execute(
        "select id::text, full_name from public.members where active").fetchall()}
    conn.execute("delete from public.event_speakers where event_id = %s", (event_id,))
    for position, (name, member) in enumerate(parse_speakers(text, by_email, by_name, names_of)):
        conn.execute("insert into public.event_speakers (event_id, member_id, name, position) values (%s, %s, %s, %s)",
                     (event_id, member, name, position))


def _same(a: Any, b: Any) -> bool:
    if _blank(a) and _blank(b):
        return True
    if isinstance(a, pd.Timestamp) or isinstance(b, pd.Timestamp):
        return _local(a) == _local(b)
    return a == b


def save_events(claims: Claims, edited: pd.DataFrame, original: pd.DataFrame) -> SaveResult:
    """Apply the edited programme as the team: new rows are created, changed rows updated, removed
    rows deleted (drafts without registrations only). Every row is checked first; then one
    transaction, a savepoint a row, so each refusal of the database is reported on its row; if
    any row is wrong, nothing is written."""
    result = SaveResult()
    tz = space_tz()
    room_ids = rooms(claims)
    rows = edited.to_dict("records")
    for number, row in enumerate(rows, start=1):
        problem = check_event_row(row, set(room_ids))
        if problem:
            result.errors.append((number, problem, {}))
    if result.errors:
        return result
    before = {r["id"]: r for r in original.to_dict("records") if not _blank(r.get("id"))}
    kept = {r.get("id") for r in rows if not _blank(r.get("id"))}
    fields = ["title", "kind", "starts_at", "ends_at", "room", "capacity", "status", "speakers", "description"]
    try:
        with db.as_user(claims) as conn:
            for event_id in [i for i in before if i not in kept]:
                try:
                    with conn.transaction():
                        # a draft with registrations is refused by the database (private.keep_history)
                        gone = conn.execute("delete from public.events where id = %s and status = 'draft'"
                                            " returning id", (event_id,)).fetchone()
                    if gone is None:
                        result.errors.append((0, "eventsadmin.err.delete", {}))
                    else:
                        result.changes += 1
                except psycopg.Error as exc:
                    err = from_db_error(exc)
                    result.errors.append((0, err.key, err.params))
            for number, row in enumerate(rows, start=1):
                old = before.get(row.get("id")) if not _blank(row.get("id")) else None
                if old is not None and all(_same(row.get(f), old.get(f)) for f in fields):
                    continue
                values = (str(row["title"]).strip(), row["kind"], _local(row["starts_at"]).replace(tzinfo=tz),
                          _local(row["ends_at"]).replace(tzinfo=tz),
                          room_ids.get(row["room"]) if not _blank(row.get("room")) else None, int(row["capacity"]),
                          row["status"], None if _blank(row.get("description")) else str(row["description"]))
                try:
                    with conn.transaction():
                        if old is None:
                            event_id = conn.execute(
                                "insert into public.events (title, kind, starts_at, ends_at, room_id, capacity,"
                                " status, description) values (%s, %s, %s, %s, %s, %s, %s, %s) returning id::text",
                                values).fetchone()["id"]
                        else:
                            event_id = old["id"]
                            conn.execute(
                                "update public.events set title = %s, kind = %s, starts_at = %s, ends_at = %s,"
                                " room_id = %s, capacity = %s, status = %s, description = %s where id = %s",
                                (*values, event_id))
                        if old is None or not _same(row.get("speakers"), old.get("speakers")):
                            _write_speakers(conn, event_id, None if _blank(row.get("speakers")) else row["speakers"])
                    result.changes += 1
                except psycopg.Error as exc:
                    err = from_db_error(exc)
                    result.errors.append((number, err.key, err.params))
            if result.errors:
                conn.rollback()
                result.changes = 0
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc
    return result


# --------------------------------------------------------------------------- attendees

ATTENDEE_COLUMNS = ["id", "who", "email", "guest", "status", "created_at", "present", "position"]


def attendees(claims: Claims, event_id: str) -> pd.DataFrame:
    """Everyone registered or waiting for an event (the team, by RLS), in arrival order, with the
    waiting list's positions; names sorted by arrival, not alphabet (that is the waiting list)."""
    rows = _user_call(
        claims,
        "select x.id::text, coalesce(m.full_name, x.guest_name) as who, coalesce(m.email::text, x.guest_email) as email,"
        " x.member_id is null as guest, x.status, x.created_at, x.status = 'attended' as present,"
        " case when x.status = 'waitlisted' then row_number() over (partition by x.status = 'waitlisted'"
        "   order by x.created_at, x.id) end as position"
        " from public.registrations x left join public.members m on m.id = x.member_id"
        " where x.event_id = %s and x.status <> 'cancelled' order by x.created_at, x.id", (event_id,))
    return pd.DataFrame(rows, columns=ATTENDEE_COLUMNS)


def save_attendance(claims: Claims, edited: pd.DataFrame, original: pd.DataFrame) -> int:
    """Apply the ticked "present" boxes in one transaction; returns how many changed."""
    was = dict(zip(original["id"], original["present"], strict=False))
    changes = [(rid, bool(now)) for rid, now in zip(edited["id"], edited["present"], strict=False)
               if rid in was and bool(now) != bool(was[rid])]
    if not changes:
        return 0
    try:
        with db.as_user(claims) as conn:
            for rid, present in changes:
                conn.execute("select public.mark_attended(%s, %s)", (rid, present))
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc
    return len(changes)


def attendees_csv(claims: Claims, event_id: str, lang: str = "fr") -> bytes:
    """The attendee list as a CSV that Excel opens correctly (lib/directory/csv_export.py)."""
    frame = attendees(claims, event_id)
    header = [t(f"eventsadmin.att.{c}", lang) for c in ("who", "email", "status", "arrived", "present")]
    zone = space.settings()["time_zone"]  # times on the space's clock, as Excel shows them
    rows = [[r.who, r.email, t(f"events.reg_status.{r.status}", lang), csv_excel.local_time(r.created_at, zone),
             r.present] for r in frame.itertuples()]
    return to_csv(header, rows, lang)


def live_registrations(claims: Claims, event_id: str) -> int:
    """People registered or waiting (what cancelling the event would cancel)."""
    return _user_call(claims, "select count(*)::int as n from public.registrations where event_id = %s"
                              " and status in ('registered', 'waitlisted')", (event_id,))[0]["n"]


def bookable_members(claims: Claims) -> list[dict[str, Any]]:
    """Active members the team may register (sorted by name in Python: the collation is C)."""
    rows = _user_call(claims, "select id::text, full_name, email::text from public.members where active"
                              " and erased_at is null", ())
    return sorted(rows, key=lambda r: (r["full_name"].casefold(), r["email"]))


# --------------------------------------------------------------------------- statistics

STATS_COLUMNS = ["event_id", "title", "kind", "starts_at", "room_name", "capacity", "registrations", "attended",
                 "waitlisted", "waitlisted_ever", "promoted", "cancelled", "fill_rate", "attendance_rate"]


def event_stats(who: db.Actor, first: dt.date, last: dt.date) -> pd.DataFrame:
    """One row per event held in the period (board and team, or db.OWNER)."""
    query = "select * from public.event_stats(%s, %s)"
    if who is db.OWNER:
        with db.acting_as(who) as conn:
            rows = conn.execute(query, (first, last)).fetchall()
    else:
        rows = _user_call(who, query, (first, last))
    frame = pd.DataFrame(rows, columns=STATS_COLUMNS)
    for col in ("fill_rate", "attendance_rate"):
        frame[col] = pd.to_numeric(frame[col]).astype(float)
    return frame


def stats_summary(frame: pd.DataFrame) -> dict[str, float | int | None]:
    """The dashboard's figures from event_stats: events held, registrations (places taken),
    attendance rate over events that started, share of events that used a waiting list, mean
    fill rate."""
    if frame.empty:
        return {"events": 0, "registrations": 0, "attendance_rate": None, "waitlist_share": None,
                "fill_rate": None}
    started = frame[frame.attendance_rate.notna()]
    taken = int(started.registrations.sum())
    return {
        "events": len(frame),
        "registrations": int(frame.registrations.sum()),
        "attendance_rate": float(started.attended.sum()) / taken if taken else None,
        "waitlist_share": float((frame.waitlisted_ever > 0).mean()),
        "fill_rate": float(frame.fill_rate.mean()),
    }


# --------------------------------------------------------------------------- shared link (anonymous)

def link_events(token: str) -> list[dict[str, Any]]:
    """The link's upcoming events (raises UserError for an unknown, expired or revoked link)."""
    rows = _anon_call("select * from public.link_events(%s)", (token,))
    return [{**r, "event_id": str(r["event_id"])} for r in rows]


def link_register(token: str, event_id: str, email: str, full_name: str) -> str:
    """Ask to register through a link: records the request and e-mails a proof link to `email`.
    Returns share_links.CHECK_EMAIL for any address; following the proof (share_links.prove)
    registers and gives the private manage token."""
    share_links.check_visitor(email, full_name)
    try:
        with db.as_anon() as conn:
            conn.execute("select set_config('cantine.locale', %s, true)", (current_language(),))
            return conn.execute("select public.link_register(%s, %s, %s, %s) as answer",
                                (token, event_id, email, full_name)).fetchone()["answer"]
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


def link_registration(manage_token: str) -> dict[str, Any] | None:
    rows = _anon_call("select * from public.link_registration(%s)", (manage_token,))
    return dict(rows[0]) if rows else None


def link_unregister(manage_token: str) -> str:
    return _anon_call("select public.link_unregister(%s) as status", (manage_token,))[0]["status"]


def create_link(who: db.Actor, label: str, expires_at: dt.datetime | None = None, max_per_day: int = 200,
                max_per_email_per_day: int = 2, purpose: str = "events") -> str:
    """A shared link for events (or 'all'); returns its token, shown once."""
    query = "select public.create_share_link(%s, %s, %s, %s, %s) as token"
    params = (label, expires_at, max_per_day, max_per_email_per_day, purpose)
    try:
        with db.acting_as(who) as conn:
            return conn.execute(query, params).fetchone()["token"]
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


# --------------------------------------------------------------------------- exports (command line)

EVENT_EXPORT_COLUMNS = ["id", "title", "kind", "status", "starts_at", "ends_at", "room", "capacity", "speakers",
                        "registered", "waitlisted", "attended", "created_at"]
REGISTRATION_EXPORT_COLUMNS = ["id", "event_id", "event_title", "event_starts_at", "member_email", "member_name",
                               "guest_name", "guest_email", "status", "source", "created_at", "promoted_at",
                               "attended_at", "cancelled_at", "cancel_reason"]


def export_events(conn: psycopg.Connection) -> tuple[list[str], list[list[Any]]]:
    rows = conn.execute(
        "select e.id::text, e.title, e.kind, e.status, e.starts_at, e.ends_at, r.name as room, e.capacity,"
        " (select string_agg(sp.name, ', ' order by sp.position) from public.event_speakers sp"
        "   where sp.event_id = e.id) as speakers,"
        " count(*) filter (where x.status in ('registered', 'attended')) as registered,"
        " count(*) filter (where x.status = 'waitlisted') as waitlisted,"
        " count(*) filter (where x.status = 'attended') as attended, e.created_at"
        " from public.events e left join public.resources r on r.id = e.room_id"
        " left join public.registrations x on x.event_id = e.id"
        " group by e.id, r.name order by e.starts_at").fetchall()
    return EVENT_EXPORT_COLUMNS, [[_cell(r[c]) for c in EVENT_EXPORT_COLUMNS] for r in rows]


def export_registrations(conn: psycopg.Connection) -> tuple[list[str], list[list[Any]]]:
    """Every registration (tokens never exported)."""
    rows = conn.execute(
        "select x.id::text, e.id::text as event_id, e.title as event_title, e.starts_at as event_starts_at,"
        " m.email::text as member_email, m.full_name as member_name, x.guest_name, x.guest_email, x.status,"
        " x.source, x.created_at, x.promoted_at, x.attended_at, x.cancelled_at, x.cancel_reason"
        " from public.registrations x join public.events e on e.id = x.event_id"
        " left join public.members m on m.id = x.member_id order by e.starts_at, x.created_at").fetchall()
    return REGISTRATION_EXPORT_COLUMNS, [[_cell(r[c]) for c in REGISTRATION_EXPORT_COLUMNS] for r in rows]


def _cell(value: Any) -> Any:
    # times on the space's clock, as a French Excel reads them (not UTC ISO instants)
    return csv_excel.local_time(value, space.settings()["time_zone"]) if isinstance(value, dt.datetime) else value


def cli_export(kind: str) -> tuple[str, int]:
    """For `python -m lib export events|registrations`: French Excel CSV, as the owner."""
    with db.as_owner() as conn:
        header, rows = (export_events if kind == "events" else export_registrations)(conn)
    return to_csv(header, rows, "fr").decode("utf-8"), len(rows)


# --------------------------------------------------------------------------- one event, series, zones (issue #14)

FREQUENCIES = ("weekly", "biweekly", "monthly_weekday", "monthly_day")


@dataclass
class NewEvent:
    """What the team's form holds for a new event (or the first date of a series): local times
    without a zone, as typed; `closes_minutes` None means the space's setting."""
    title: str = ""
    kind: str = "meetup"
    day: dt.date | None = None
    starts: dt.time | None = None
    ends: dt.time | None = None
    room: str | None = None
    capacity: int = 30
    status: str = "draft"
    description: str = ""
    speakers: str = ""
    zone_id: str | None = None
    setup_minutes: int = 0
    clearup_minutes: int = 0
    closes_minutes: int | None = None
    frequency: str | None = None  # None: one event
    until: dt.date | None = None
    count: int | None = None


def check_new_event(form: NewEvent, room_names: set[str]) -> dict[str, str]:
    """The form's problems by field (an i18n key each), so each shows next to its field. The
    database checks again (room free, capacity, series rules)."""
    problems: dict[str, str] = {}
    if not form.title.strip() or len(form.title.strip()) > 200:
        problems["title"] = "eventsadmin.err.title"
    if form.kind not in KINDS:
        problems["kind"] = "eventsadmin.err.kind"
    if form.day is None:
        problems["day"] = "eventsadmin.err.day"
    if form.starts is None or form.ends is None or form.ends <= form.starts:
        problems["times"] = "eventsadmin.err.form_times"
    if form.room and form.room not in room_names:
        problems["room"] = "eventsadmin.err.room"
    if not 1 <= int(form.capacity or 0) <= 10000:
        problems["capacity"] = "eventsadmin.err.capacity"
    if form.frequency is not None:
        if form.frequency not in FREQUENCIES:
            problems["frequency"] = "event.series_frequency"
        if (form.until is None) == (form.count is None) or (form.count is not None and not 2 <= form.count <= 200) \
                or (form.until is not None and form.day is not None and form.until <= form.day):
            problems["end"] = "event.series_end"
    return problems


def create_event(claims: Claims, form: NewEvent) -> str:
    """Create one event, or a series (`form.frequency`), as the team: returns the (first) event's
    id. Raises UserError with the database's refusal."""
    tz = space_tz()
    room_ids = rooms(claims)
    starts = dt.datetime.combine(form.day, form.starts, tz)
    ends = dt.datetime.combine(form.day, form.ends, tz)
    room = room_ids.get(form.room) if form.room else None
    description = form.description.strip() or None
    try:
        with db.as_user(claims) as conn:
            if form.frequency:
                series = conn.execute(
                    "select public.create_event_series(p_title => %s, p_starts => %s, p_ends => %s,"
                    " p_frequency => %s, p_until => %s, p_count => %s, p_kind => %s, p_room_id => %s,"
                    " p_capacity => %s, p_status => %s, p_description => %s, p_zone_id => %s,"
                    " p_setup_minutes => %s, p_clearup_minutes => %s, p_registration_closes_minutes => %s) as id",
                    (form.title.strip(), starts, ends, form.frequency, form.until, form.count, form.kind, room,
                     form.capacity, form.status, description, form.zone_id, form.setup_minutes,
                     form.clearup_minutes, form.closes_minutes)).fetchone()["id"]
                ids = [r["id"] for r in conn.execute(
                    "select id::text from public.events where series_id = %s order by starts_at", (series,))]
            else:
                closes = starts - dt.timedelta(minutes=form.closes_minutes) if form.closes_minutes is not None else None
                ids = [conn.execute(
                    "insert into public.events (title, kind, starts_at, ends_at, room_id, capacity, status,"
                    " description, zone_id, setup_minutes, clearup_minutes, registration_closes_at)"
                    " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) returning id::text",
                    (form.title.strip(), form.kind, starts, ends, room, form.capacity, form.status, description,
                     form.zone_id, form.setup_minutes, form.clearup_minutes, closes)).fetchone()["id"]]
            if form.speakers.strip():
                for event_id in ids:
                    _write_speakers(conn, event_id, form.speakers)
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc
    return ids[0]


def create_series(claims: Claims, title: str, starts: dt.datetime, ends: dt.datetime, frequency: str,
                  until: dt.date | None = None, count: int | None = None, **options: Any) -> str:
    """`public.create_event_series` as the team (options: kind, room_id, capacity, status,
    description, zone_id, setup_minutes, clearup_minutes, registration_closes_minutes); returns
    the series id."""
    names = ", ".join(f"p_{k} => %s" for k in options)
    query = ("select public.create_event_series(p_title => %s, p_starts => %s, p_ends => %s, p_frequency => %s,"
             f" p_until => %s, p_count => %s{', ' + names if names else ''})::text as id")
    return _user_call(claims, query, (title, starts, ends, frequency, until, count, *options.values()))[0]["id"]


def update_series_from(claims: Claims, event_id: str, changes: dict[str, Any]) -> int:
    """Change this occurrence and the following ones (`public.update_event_series_from`); times
    of day as `dt.time` or 'HH:MM'. Returns how many changed."""
    payload = {k: (v.strftime("%H:%M") if isinstance(v, dt.time) else v) for k, v in changes.items()}
    return _user_call(claims, "select public.update_event_series_from(%s, %s::jsonb) as n",
                      (event_id, Jsonb(payload)))[0]["n"]


def cancel_series_from(claims: Claims, event_id: str) -> int:
    """Cancel this occurrence and the following ones; their people are told. Returns how many."""
    return _user_call(claims, "select public.cancel_event_series_from(%s) as n", (event_id,))[0]["n"]


SERIES_COLUMNS = ["id", "title", "starts_at", "ends_at", "status", "registered", "waitlisted"]


def series_of(claims: Claims, event_id: str) -> pd.DataFrame:
    """The occurrences of the event's series (empty if it has none), soonest first, with the
    people registered or waiting on each."""
    rows = _user_call(
        claims,
        "select e.id::text, e.title, e.starts_at, e.ends_at, e.status,"
        " count(*) filter (where x.status in ('registered', 'attended'))::int as registered,"
        " count(*) filter (where x.status = 'waitlisted')::int as waitlisted"
        " from public.events e left join public.registrations x on x.event_id = e.id"
        " where e.series_id = (select series_id from public.events where id = %s)"
        " group by e.id order by e.starts_at limit 250", (event_id,))
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


ZONE_BOOKING_COLUMNS = ["booking_id", "resource_name", "who", "email", "starts_at", "ends_at", "status"]


def zone_bookings(claims: Claims, event_id: str) -> pd.DataFrame:
    """The live desk bookings the event's zone hold hits (team only), for the team to move or
    cancel."""
    rows = _user_call(claims, "select * from public.event_zone_bookings(%s)", (event_id,))
    frame = pd.DataFrame(rows, columns=ZONE_BOOKING_COLUMNS)
    frame["booking_id"] = frame["booking_id"].astype(str)
    frame["who"] = frame["who"].fillna("").astype(str)
    frame["email"] = frame["email"].fillna("").astype(str)
    return frame


def zones(claims: Claims) -> dict[str, str]:
    """Active zones by name (what an event may take)."""
    rows = _user_call(claims, "select id::text, name from public.zones where active order by sort_order, name", ())
    return {r["name"]: r["id"] for r in rows}


def registration_cutoff_minutes(claims: Claims) -> int:
    """The space's default: registration closes this many minutes before an event's start."""
    return _user_call(claims, "select registration_cutoff_minutes as m from public.settings", ())[0]["m"]


def update_occurrence(claims: Claims, event_id: str, changes: dict[str, Any]) -> int:
    """Change one date of a series alone (or any event), with the keys `update_series_from`
    takes for the form (title, starts_time, ends_time, capacity, status,
    registration_closes_minutes); a new start keeps the
    event's length unless an end is given. The team's right to change it is the table's RLS."""
    tz = space_tz()
    try:
        with db.as_user(claims) as conn:
            row = conn.execute("select starts_at, ends_at from public.events where id = %s for update",
                               (event_id,)).fetchone()
            if row is None:
                raise UserError("event.not_found")
            starts, ends = row["starts_at"].astimezone(tz), row["ends_at"].astimezone(tz)
            new_starts = (dt.datetime.combine(starts.date(), _time_of(changes["starts_time"]), tz)
                          if changes.get("starts_time") is not None else starts)
            new_ends = (dt.datetime.combine(starts.date(), _time_of(changes["ends_time"]), tz)
                        if changes.get("ends_time") is not None else new_starts + (ends - starts))
            title = changes.get("title")
            closes = changes.get("registration_closes_minutes")
            return conn.execute(
                "update public.events set title = coalesce(%s, title), capacity = coalesce(%s, capacity),"
                " status = coalesce(%s, status), starts_at = %s, ends_at = %s,"
                # a new cut-off, else the event's own moves with it (SET reads the row as it was)
                " registration_closes_at = case when %s::integer is not null"
                "   then %s - make_interval(mins => %s::integer)"
                "   else registration_closes_at + (%s - starts_at) end where id = %s",
                (title.strip() if title else None, changes.get("capacity"), changes.get("status"), new_starts,
                 new_ends, closes, new_starts, closes, new_starts, event_id)).rowcount
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


def _time_of(value: dt.time | str) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(value)
