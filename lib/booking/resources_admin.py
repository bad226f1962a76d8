"""Admins edit zones, desks and rooms, and closures in place (`st.data_editor`).

A save takes the edited table and the table as it was: every row is checked first and each
problem is reported with its row number; if any row is wrong nothing is written. Otherwise the
whole save is one transaction as the admin (row-level security applies). Deactivating a
resource that has future bookings needs a decision (cancel them, or keep them).

A removed row that has history (a resource's bookings or events, a zone's resources) is retired
instead of deleted: the database refuses the delete (private.keep_history), and the save then
unticks "active" and says so in `retired`. Removing a booked resource therefore asks about its
future bookings too, as deactivating it does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql

from lib.core import db
from lib.core.errors import UserError, from_db_error

Claims = dict[str, Any]

RESOURCE_COLUMNS = ["id", "name", "zone", "kind", "capacity", "booking_unit", "amenities", "pos_x", "pos_y",
                    "active"]
ZONE_COLUMNS = ["id", "name", "floor", "sort_order", "active"]
CLOSURE_COLUMNS = ["id", "starts_on", "ends_on", "resource", "reason"]


@dataclass
class SaveResult:
    changes: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)        # (row number, i18n key)
    needs_decision: list[dict[str, Any]] = field(default_factory=list)  # resources with future bookings
    retired: list[tuple[str, int]] = field(default_factory=list)  # (name, rows of history) removed rows kept


def _delete_or_retire(conn: psycopg.Connection, table: str, row_id: str, history_key: str) -> int | None:
    """Delete one zone or resource, or, when the database refuses because history hangs on it
    (`history_key`), retire it instead. Returns None when deleted, else the history's size the
    refusal gave. Whether a row has history is the database's answer, not restated here."""
    try:
        with conn.transaction():  # savepoint: the refused delete must not spoil the save
            conn.execute(sql.SQL("delete from public.{} where id = %s").format(sql.Identifier(table)), (row_id,))
        return None
    except psycopg.Error as exc:
        refusal = from_db_error(exc)
        if refusal.key != history_key:
            raise
    conn.execute(sql.SQL("update public.{} set active = false where id = %s").format(sql.Identifier(table)),
                 (row_id,))
    return int(refusal.params.get("n", 0))


# --------------------------------------------------------------------------- reading

def zones(claims: Claims) -> pd.DataFrame:
    with db.as_user(claims) as conn:
        rows = conn.execute("select id::text, name, floor, sort_order, active from public.zones"
                            " order by sort_order, name").fetchall()
    return pd.DataFrame(rows, columns=ZONE_COLUMNS)


def resources(claims: Claims) -> pd.DataFrame:
    """Resources with their zone's name and amenities as comma-separated text (what people edit)."""
    with db.as_user(claims) as conn:
        rows = conn.execute(
            "select r.id::text, r.name, z.name as zone, r.kind, r.capacity, r.booking_unit,"
            " array_to_string(r.amenities, ', ') as amenities, r.pos_x::float8 as pos_x, r.pos_y::float8 as pos_y,"
            " r.active from public.resources r join public.zones z on z.id = r.zone_id"
            " order by z.sort_order, z.name, r.kind, r.name").fetchall()
    return pd.DataFrame(rows, columns=RESOURCE_COLUMNS)


def closures(claims: Claims) -> pd.DataFrame:
    with db.as_user(claims) as conn:
        rows = conn.execute(
            "select c.id::text, c.starts_on, c.ends_on, r.name as resource, c.reason from public.closures c"
            " left join public.resources r on r.id = c.resource_id order by c.starts_on desc").fetchall()
    return pd.DataFrame(rows, columns=CLOSURE_COLUMNS)


def closure_hits(claims: Claims) -> pd.DataFrame:
    """Live future bookings that fall on a closure: the admin decides what to do with them.
    `email` says who would be told (not shown: `people_told` counts them)."""
    with db.as_user(claims) as conn:
        rows = conn.execute(
            "select b.id::text, b.day, r.name as resource, coalesce(m.full_name, b.guest_name) as who,"
            " c.reason, coalesce(m.email::text, b.guest_email) as email"
            " from public.bookings b join public.resources r on r.id = b.resource_id"
            " left join public.members m on m.id = b.member_id"
            " join public.closures c on b.day between c.starts_on and c.ends_on"
            "   and (c.resource_id is null or c.resource_id = b.resource_id)"
            " where b.status <> 'cancelled' and upper(b.during) > now() order by b.day, r.name").fetchall()
    # a booking on two overlapping closures comes twice: once is enough
    return pd.DataFrame(rows, columns=["id", "day", "resource", "who", "reason", "email"]).drop_duplicates("id")


def people_told(hits: pd.DataFrame) -> int:
    """How many people cancelling `hits` e-mails (one message each per booking, but a person
    with three bookings is one person to the admin deciding)."""
    return int(hits.email.dropna().str.casefold().nunique())


def check_closure(starts_on: dt.date | None, ends_on: dt.date | None, resource: str | None, reason: str | None,
                  resource_names: set[str]) -> dict[str, str]:
    """The problems of a new closure, field by field (field → i18n key), so the form shows each
    next to its field. The database checks the same (closures_order, closures_reason_present)."""
    problems: dict[str, str] = {}
    if starts_on is None:
        problems["starts_on"] = "resources.err.date_missing"
    if ends_on is None:
        problems["ends_on"] = "resources.err.date_missing"
    elif starts_on is not None and ends_on < starts_on:
        problems["ends_on"] = "resources.err.dates"
    if _blank(reason):
        problems["reason"] = "resources.err.reason"
    if resource and resource not in resource_names:
        problems["resource"] = "resources.err.name"
    return problems


def add_closure(claims: Claims, starts_on: dt.date, ends_on: dt.date, resource: str | None, reason: str) -> None:
    """Close the space (`resource` None) or one desk or room for whole days; refusals (a closure
    over a year) come back as UserError."""
    try:
        with db.as_user(claims) as conn:
            row = conn.execute("select id::text from public.resources where name = %s", (resource,)).fetchone() \
                if resource else None
            if resource and row is None:
                raise UserError("booking.resource_unavailable")
            conn.execute("insert into public.closures (starts_on, ends_on, resource_id, reason, created_by)"
                         " values (%s, %s, %s, %s, auth.uid())",
                         (starts_on, ends_on, row["id"] if row else None, reason.strip()))
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


def cancel_bookings(claims: Claims, booking_ids: list[str]) -> int:
    """Cancel several bookings as the team (one transaction)."""
    try:
        with db.as_user(claims) as conn:
            for booking_id in booking_ids:
                conn.execute("select public.cancel_booking(%s)", (booking_id,))
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc
    return len(booking_ids)


# --------------------------------------------------------------------------- checking

def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or (isinstance(value, str) and not value.strip())


def check_resource_row(row: dict[str, Any], zone_names: set[str]) -> str | None:
    """The first problem of an edited resource row (an i18n key), or None."""
    name = row.get("name")
    if _blank(name) or len(str(name).strip()) > 80:
        return "resources.err.name"
    if row.get("zone") not in zone_names:
        return "resources.err.zone"
    if row.get("kind") not in ("desk", "room"):
        return "resources.err.kind"
    capacity = row.get("capacity")
    if _blank(capacity) or not 1 <= int(capacity) <= 500 or (row["kind"] == "desk" and int(capacity) != 1):
        return "resources.err.capacity"
    for axis in ("pos_x", "pos_y"):
        value = row.get(axis)
        if not _blank(value) and not 0 <= float(value) <= 1000:
            return "resources.err.position"
    return None


def check_closure_row(row: dict[str, Any], resource_names: set[str]) -> str | None:
    if _blank(row.get("starts_on")) or _blank(row.get("ends_on")) or row["ends_on"] < row["starts_on"]:
        return "resources.err.dates"
    if _blank(row.get("reason")):
        return "resources.err.reason"
    if not _blank(row.get("resource")) and row["resource"] not in resource_names:
        return "resources.err.name"
    return None


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (None if _blank(v) else v) for k, v in r.items()} for r in frame.to_dict("records")]


# --------------------------------------------------------------------------- saving

def save_resources(claims: Claims, edited: pd.DataFrame, original: pd.DataFrame,
                   future: str | None = None) -> SaveResult:
    """Apply the edited resources table. `future` ("cancel" or "keep") answers what to do with
    the future bookings of resources being deactivated; without it, such a save stops and
    reports them in `needs_decision`."""
    result = SaveResult()
    rows = _rows(edited)
    with db.as_user(claims) as conn:
        zone_ids = {r["name"]: r["id"] for r in conn.execute("select id::text, name from public.zones").fetchall()}
    for number, row in enumerate(rows, start=1):
        problem = check_resource_row(row, set(zone_ids))
        if problem:
            result.errors.append((number, problem))
    if result.errors:
        return result
    before = {r["id"]: r for r in _rows(original)}
    kept_ids = {r["id"] for r in rows if r.get("id")}
    try:
        with db.as_user(claims) as conn:
            # rows made inactive, and removed rows (retired if they have history): their future bookings
            leaving = [row for row in rows if (old := before.get(row.get("id"))) and old["active"] and not row["active"]]
            leaving += [before[gone] for gone in set(before) - kept_ids if before[gone]["active"]]
            for row in leaving:
                n = conn.execute("select count(*) as n from public.bookings where resource_id = %s and"
                                 " status <> 'cancelled' and upper(during) > now()", (row["id"],)).fetchone()["n"]
                if n and future is None:
                    result.needs_decision.append({"id": row["id"], "name": row["name"], "count": n})
            if result.needs_decision:
                conn.rollback()
                return result
            for row in rows:
                amenities = [a.strip() for a in (row.get("amenities") or "").split(",") if a.strip()]
                values = (row["name"].strip(), zone_ids[row["zone"]], row["kind"], int(row["capacity"]),
                          "half_day" if row["kind"] == "desk" else "hour", amenities, row.get("pos_x"),
                          row.get("pos_y"), bool(row.get("active", True)))
                old = before.get(row.get("id"))
                if old is None:
                    conn.execute("insert into public.resources (name, zone_id, kind, capacity, booking_unit, amenities,"
                                 " pos_x, pos_y, active) values (%s, %s, %s, %s, %s, %s, %s, %s, %s)", values)
                    result.changes += 1
                elif any(old.get(k) != row.get(k) for k in RESOURCE_COLUMNS):
                    if old["active"] and not row["active"] and future == "cancel":
                        conn.execute("select public.cancel_future_bookings(%s, 'resource_inactive')", (row["id"],))
                    conn.execute("update public.resources set name = %s, zone_id = %s, kind = %s, capacity = %s,"
                                 " booking_unit = %s, amenities = %s, pos_x = %s, pos_y = %s, active = %s where id = %s",
                                 (*values, row["id"]))
                    result.changes += 1
            for gone in sorted(set(before) - kept_ids):
                history = _delete_or_retire(conn, "resources", gone, "booking.resource_has_history")
                if history is not None:
                    if future == "cancel":
                        conn.execute("select public.cancel_future_bookings(%s, 'resource_inactive')", (gone,))
                    result.retired.append((before[gone]["name"], history))
                result.changes += 1
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc
    return result


def save_zones(claims: Claims, edited: pd.DataFrame, original: pd.DataFrame) -> SaveResult:
    result = SaveResult()
    rows = _rows(edited)
    for number, row in enumerate(rows, start=1):
        if _blank(row.get("name")) or len(str(row["name"]).strip()) > 80:
            result.errors.append((number, "resources.err.name"))
    if result.errors:
        return result
    before = {r["id"]: r for r in _rows(original)}
    try:
        with db.as_user(claims) as conn:
            for row in rows:
                values = (row["name"].strip(), int(row.get("floor") or 0), int(row.get("sort_order") or 0),
                          bool(row.get("active", True)))
                old = before.get(row.get("id"))
                if old is None:
                    conn.execute("insert into public.zones (name, floor, sort_order, active) values (%s, %s, %s, %s)",
                                 values)
                    result.changes += 1
                elif any(old.get(k) != row.get(k) for k in ZONE_COLUMNS):
                    conn.execute("update public.zones set name = %s, floor = %s, sort_order = %s, active = %s"
                                 " where id = %s", (*values, row["id"]))
                    result.changes += 1
            for gone in sorted(set(before) - {r.get("id") for r in rows}):
                history = _delete_or_retire(conn, "zones", gone, "booking.zone_has_resources")
                if history is not None:
                    result.retired.append((before[gone]["name"], history))
                result.changes += 1
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc
    return result


def save_closures(claims: Claims, edited: pd.DataFrame, original: pd.DataFrame) -> SaveResult:
    result = SaveResult()
    rows = _rows(edited)
    with db.as_user(claims) as conn:
        resource_ids = {r["name"]: r["id"] for r in conn.execute("select id::text, name from public.resources").fetchall()}
    for number, row in enumerate(rows, start=1):
        for key in ("starts_on", "ends_on"):
            if isinstance(row.get(key), pd.Timestamp | dt.datetime):
                row[key] = row[key].date()
        problem = check_closure_row(row, set(resource_ids))
        if problem:
            result.errors.append((number, problem))
    if result.errors:
        return result
    before = {r["id"]: r for r in _rows(original)}
    try:
        with db.as_user(claims) as conn:
            for row in rows:
                values = (row["starts_on"], row["ends_on"], resource_ids.get(row.get("resource") or ""),
                          row["reason"].strip())
                old = before.get(row.get("id"))
                if old is None:
                    conn.execute("insert into public.closures (starts_on, ends_on, resource_id, reason, created_by)"
                                 " values (%s, %s, %s, %s, auth.uid())", values)
                    result.changes += 1
                elif any(old.get(k) != row.get(k) for k in CLOSURE_COLUMNS):
                    conn.execute("update public.closures set starts_on = %s, ends_on = %s, resource_id = %s,"
                                 " reason = %s where id = %s", (*values, row["id"]))
                    result.changes += 1
            for gone in set(before) - {r.get("id") for r in rows}:
                conn.execute("delete from public.closures where id = %s", (gone,))
                result.changes += 1
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc
    return result


def cancel_future(claims: Claims, resource_id: str, reason: str = "resource_inactive") -> int:
    """Cancel every future booking of a resource (admins), e.g. before taking it out of service."""
    try:
        with db.as_user(claims) as conn:
            return conn.execute("select public.cancel_future_bookings(%s, %s) as n", (resource_id, reason)).fetchone()["n"]
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc
