"""Shared links: booking without an account.

Admins create, list and revoke links (`create_share_link`, `revoke_share_link`). A visitor
holding a link asks for a desk through `link_book` as the anonymous role: that only records a
request and e-mails a proof link to the address typed (the answer is the same for any address);
following the proof (`prove`, `link_prove`) books, and gives the private manage token for
`link_booking` / `link_cancel`. Tokens are made in the database (≥ 128 random bits), only their
sha-256 is stored, and they are never written to logs: the functions here take them as
parameters and never format them into messages.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import psycopg
from email_validator import EmailNotValidError, validate_email

from lib.core import db
from lib.core.errors import UserError, from_db_error
from lib.core.i18n import current_language
from lib.space import space as the_space

Claims = dict[str, Any]


def _anon(query: str, params: tuple, locale: str | None = None) -> list[dict[str, Any]]:
    """Run as the anonymous role; `locale` tells a request's SQL which language the visitor reads
    (the proof e-mail is written in it; clients other than the app get the space's language)."""
    try:
        with db.as_anon() as conn:
            if locale is not None:
                conn.execute("select set_config('cantine.locale', %s, true)", (locale,))
            return conn.execute(query, params).fetchall()
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


# Unicode categories no name or address needs: controls and invisible format characters
# (zero-width spaces and joiners, direction overrides, BOM…). The database refuses them too.
_HIDDEN = {"Cc", "Cf"}


def check_visitor(email: str, full_name: str) -> None:
    """What a shared-link visitor typed, checked before the database is asked, for a sentence in
    their language: a real-looking address (`email-validator`, without asking DNS: a visitor on a
    slow network must not wait, and the proof e-mail proves the address anyway) and a name with a
    letter or digit, neither holding a control or invisible character. The database checks again
    (private.check_link_visitor), for the clients that do not come through here."""
    email, name = (email or "").strip(), (full_name or "").strip()
    if any(unicodedata.category(c) in _HIDDEN for c in email):
        raise UserError("link.email_invalid")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise UserError("link.email_invalid") from None
    if any(unicodedata.category(c) in _HIDDEN for c in name):
        raise UserError("link.name_invisible")
    if not 1 <= len(name) <= 200 or not any(c.isalnum() for c in name):
        raise UserError("link.name_required")


# --------------------------------------------------------------------------- admins

def end_of_day(day: dt.date | None) -> dt.datetime | None:
    """When a link given an expiry day stops working: the end of that day in the space (what the
    person who typed the day means), or never (None)."""
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(23, 59, 59), ZoneInfo(the_space.settings()["time_zone"]))


PURPOSES = ("booking", "events", "all")


def create(who: db.Actor, label: str, expires_at: dt.datetime | None = None, max_per_day: int = 200,
           max_per_email_per_day: int = 2, purpose: str = "booking") -> str:
    """Create a link as `who` (an admin, or db.OWNER from the command line) and return its token
    (shown once). `purpose`: what it opens, desk booking, events or both (`PURPOSES`)."""
    query = "select public.create_share_link(%s, %s, %s, %s, %s) as token"
    params = (label, expires_at, max_per_day, max_per_email_per_day, purpose)
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
             " (select count(*) from public.bookings b where b.share_link_id = l.id) as bookings,"
             " (select count(*) from public.registrations r where r.share_link_id = l.id) as registrations"
             " from public.share_links l order by l.created_at desc")
    with db.acting_as(who) as conn:
        rows = conn.execute(query).fetchall()
    return pd.DataFrame(rows, columns=["id", "label", "purpose", "expires_at", "revoked_at", "max_per_day",
                                       "max_per_email_per_day", "created_at", "state", "bookings",
                                       "registrations"])


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


CHECK_EMAIL = "check_email"  # what link_book and link_register answer, whatever the address


def book(token: str, email: str, full_name: str, resource_id: str, starts: dt.datetime,
         ends: dt.datetime) -> str:
    """Ask for a desk through the link: records the request and e-mails a proof link to `email`.
    Returns CHECK_EMAIL for any address (nothing is booked or held until the proof)."""
    check_visitor(email, full_name)
    rows = _anon("select public.link_book(%s, %s, %s, %s, %s, %s) as answer",
                 (token, email, full_name, resource_id, starts, ends), locale=current_language())
    return rows[0]["answer"]


def prove(proof_token: str) -> dict[str, Any]:
    """Follow a proof link (a desk's or an event's): books or registers now, once. Returns
    {outcome, kind, manage_token, detail}: outcome 'confirmed', 'pending', 'registered',
    'waitlisted', or 'refused' with detail {key, params} (a UserError's). Raises UserError for an
    unknown, used or expired proof."""
    rows = _anon("select outcome, kind, manage_token, detail from public.link_prove(%s)", (proof_token,))
    return dict(rows[0])


def refusal_of(proved: dict[str, Any]) -> UserError | None:
    """The refusal a proof returned, as the UserError to show (None when it booked/registered)."""
    if proved["outcome"] != "refused":
        return None
    detail = proved["detail"] or {}
    return UserError(detail.get("key", "app.unexpected"), **(detail.get("params") or {}))


def managed_booking(manage_token: str) -> dict[str, Any] | None:
    rows = _anon("select * from public.link_booking(%s)", (manage_token,))
    return dict(rows[0]) if rows else None


def cancel(manage_token: str) -> str:
    return _anon("select public.link_cancel(%s) as status", (manage_token,))[0]["status"]
