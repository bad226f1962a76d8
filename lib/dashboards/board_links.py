"""Board links: revocable, expiring addresses that open the dashboards read-only without an
account (`?board=<token>`, lib/web/board_page.py), for board members and funders who never sign
in. Only a hash of the token is stored (supabase/migrations/20261205180000_board.sql); admins
create, list and revoke them; what a link shows is aggregated under k-anonymity in SQL
(`link_board_*`, granted to anon)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg

from lib.core import db
from lib.core.errors import from_db_error
from lib.identity import accounts


def _call(who: db.Actor, query: str, params: tuple) -> list[dict[str, Any]]:
    try:
        with db.acting_as(who) as conn:
            return conn.execute(query, params).fetchall()
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


def create(who: db.Actor, label: str, days: int) -> str:
    """A new link valid `days` days; returns its token (shown once, never stored)."""
    return _call(who, "select public.create_board_link(%s, %s) as token", (label, days))[0]["token"]


def address(token: str) -> str:
    """The address to give out: the app's public address (CANTINE_APP_URL) + `?board=`."""
    return f"{(accounts.configured_app_url() or 'http://localhost:8501').rstrip('/')}/?board={token}"


def revoke(who: db.Actor, link_id: str) -> None:
    _call(who, "select public.revoke_board_link(%s)", (link_id,))


def listing(who: db.Actor) -> list[dict[str, Any]]:
    """Every board link, newest first, with whether it still opens (admins)."""
    rows = _call(who, "select id::text, label, expires_at, revoked_at, created_at, "
                      " revoked_at is null and expires_at > now() as live"
                      " from public.board_links order by created_at desc", ())
    return rows


def opened(token: str) -> dict[str, Any]:
    """What a visitor's token opens (label, expiry, space name, the space's today), or a
    UserError `board.link_invalid` for an unknown, revoked or expired token alike."""
    row = _call(db.ANONYMOUS, "select * from public.link_board_open(%s)", (token,))[0]
    return dict(row)


def slots(token: str, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Desk occupancy by weekday and half day through the link (null where fewer than 5 people)."""
    return _call(db.ANONYMOUS, "select isodow, half, occupancy::float as occupancy"
                               " from public.link_board_slots(%s, %s, %s)", (token, first, last))
