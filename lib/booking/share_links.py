"""Shared links: booking without an account.

Admins create, list and revoke links (`create_share_link`, `revoke_share_link`); a visitor
holding a link books through `link_book` as the anonymous role and gets a private manage token
for `link_booking` / `link_cancel`. Tokens are made in the database (≥ 128 random bits), only
their sha-256 is stored, and they are never written to logs: the functions here take them as
parameters and never format them into messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import psycopg

from lib.core import db
from lib.core.errors import from_db_error
from lib.space import space as the_space

Claims = dict[str, Any]


def _anon(query: str, params: tuple) -> list[dict[str, Any]]:
    try:
        with db.as_anon() as conn:
            return conn.execute(query, params).fetchall()
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


# --------------------------------------------------------------------------- admins

def end_of_day(day: dt.date | None) -> dt.datetime | None:
    """When a link given an expiry day stops working: the end of that day in the space (what the
    person who typed the day means), or never (None)."""
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(23, 59, 59), ZoneInfo(the_space.settings()["time_zone"]))


def create(who: db.Actor, label: str, expires_at: dt.datetime | None = None, max_per_day: int = 200,
           max_per_email_per_day: int = 2) -> str:
    """Create a link as `who` (an admin, or db.OWNER from the command line) and return its token
    (shown once)."""
    query = "select public.create_share_link(%s, %s, %s, %s) as token"
    params = (label, expires_at, max_per_day, max_per_email_per_day)
    try:
        with db.acting_as(who) as conn:
            return conn.execute(query, params).fetchone()["token"]
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


def list_links(who: db.Actor) -> pd.DataFrame:
    """Every link with its state and use (never its token: only a hash exists)."""
    query = ("select l.id::text as id, l.label, l.purpose, l.expires_at, l.revoked_at, l.max_per_day,"
             " l.max_per_email_per_day, l.created_at,"
             " case when l.revoked_at is not null then 'revoked' when l.expires_at <= now() then 'expired'"
             " else 'active' end as state,"
             " (select count(*) from public.bookings b where b.share_link_id = l.id) as bookings"
             " from public.share_links l order by l.created_at desc")
    with db.acting_as(who) as conn:
        rows = conn.execute(query).fetchall()
    return pd.DataFrame(rows, columns=["id", "label", "purpose", "expires_at", "revoked_at", "max_per_day",
                                       "max_per_email_per_day", "created_at", "state", "bookings"])


def revoke(who: db.Actor, link_id: str) -> dict[str, Any]:
    query = "select id::text, label, revoked_at from public.revoke_share_link(%s)"
    try:
        with db.acting_as(who) as conn:
            return conn.execute(query, (link_id,)).fetchone()
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


# --------------------------------------------------------------------------- visitors (anonymous)

def space(token: str) -> dict[str, Any]:
    """The space's booking settings and the link's label; refuses an unknown/expired/revoked link."""
    rows = _anon("select * from public.link_space(%s)", (token,))
    return dict(rows[0])


def book(token: str, email: str, full_name: str, resource_id: str, starts: dt.datetime,
         ends: dt.datetime) -> str:
    """Book through the link; returns the private manage token."""
    rows = _anon("select public.link_book(%s, %s, %s, %s, %s, %s) as token",
                 (token, email, full_name, resource_id, starts, ends))
    return rows[0]["token"]


def managed_booking(manage_token: str) -> dict[str, Any] | None:
    rows = _anon("select * from public.link_booking(%s)", (manage_token,))
    return dict(rows[0]) if rows else None


def cancel(manage_token: str) -> str:
    return _anon("select public.link_cancel(%s) as status", (manage_token,))[0]["status"]
