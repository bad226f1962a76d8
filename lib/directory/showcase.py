"""The space's public face (issue #17): the showcase of members who chose "public", the agenda
of coming published events, each member's talks, contact through a proven address, and the
`.ics` feed of the agenda.

Everything is read through the SQL functions of
supabase/migrations/20261206130000_public_face.sql, which apply visibility themselves; here
nothing decides who is shown. What a visitor reads is the same for every visitor (it names only
people who chose to be public), so it is kept once per process and database in memory, keyed by
`public_face_version()` — a number the database moves on every change of members, skills,
events or speakers — so an erased or newly hidden member is gone on the next page, while a
burst of visitors costs one tiny query each (bench/public_burst.py).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import psycopg

from lib.core import caches, db, ics
from lib.core.errors import from_db_error
from lib.directory.members import sort_key

T = TypeVar("T")
# Even with the version unchanged, a copy is kept at most this long: a change seen before its
# transaction committed, and events that end as time passes, are caught up within it.
_TTL_SECONDS = 20.0
_cache: dict[tuple[str, str, str], tuple[int, float, Any]] = {}
_lock = threading.Lock()


@caches.register
def forget() -> None:
    with _lock:
        _cache.clear()


def _run(who: db.Actor, query: str, params: tuple = (), settings: dict[str, str] | None = None) -> list[dict[str, Any]]:
    try:
        with db.acting_as(who) as conn:
            for name, value in (settings or {}).items():
                if value is not None:
                    conn.execute("select set_config(%s, %s, true)", (name, value))
            return conn.execute(query, params).fetchall()
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


def version(who: db.Actor) -> int:
    """The public face's version (see the module's head)."""
    return int(_run(who, "select public.public_face_version() as v")[0]["v"])


def _cached(who: db.Actor, what: str, arg: str, read: Callable[[], T]) -> T:
    """`read()` once per version of the public face (and at most `_TTL_SECONDS`), shared by every
    visitor. Only for anonymous reads: what they return is the same for everyone."""
    current = version(who)
    key = (db.current_key(), what, arg)
    hit = _cache.get(key)
    if hit is not None and hit[0] == current and hit[1] > time.monotonic():
        return hit[2]
    value = read()
    with _lock:
        if len(_cache) >= 500:  # searches are many: a bound, not an eviction policy
            _cache.clear()
        _cache[key] = (current, time.monotonic() + _TTL_SECONDS, value)
    return value


def as_id(value: object) -> str | None:
    """A member's or event's id from an address, or None when it is not one (no database error
    for a mistyped address)."""
    try:
        return str(uuid.UUID(str(value)))
    except (TypeError, ValueError, AttributeError):
        return None


# --------------------------------------------------------------------------- members

def members(who: db.Actor, search: str | None = None) -> list[dict[str, Any]]:
    """The public members whose name, trade, company or a skill holds `search` (all without),
    sorted by name as a French reader expects."""
    text = " ".join((search or "").split())[:100]

    def read() -> list[dict[str, Any]]:
        rows = _run(who, "select * from public.public_members(%s)", (text or None,))
        return sorted(rows, key=lambda r: sort_key(r["full_name"]))

    return _cached(who, "members", text.casefold(), read)


def member(who: db.Actor, member_id: object) -> dict[str, Any] | None:
    """One public member's card with `talk_list` (newest first), or None when not public."""
    mid = as_id(member_id)
    if mid is None:
        return None

    def read() -> dict[str, Any] | None:
        rows = _run(who, "select * from public.public_member(%s)", (mid,))
        return rows[0] if rows else None

    return _cached(who, "member", mid, read)


def talks(who: db.Actor, member_id: object) -> list[dict[str, Any]]:
    """The talks a member gave and the events they organised, newest first, as `who` may see
    them (signed in: the directory's rule; anonymous: public members only). Not cached: a
    signed-in person's pages cache through lib/web/reads.py."""
    mid = as_id(member_id)
    if mid is None:
        return []
    return _run(who, "select * from public.member_talks(%s)", (mid,))


# --------------------------------------------------------------------------- events

def events(who: db.Actor) -> list[dict[str, Any]]:
    """The coming published events, soonest first."""
    return _cached(who, "events", "", lambda: _run(who, "select * from public.public_events()"))


def event(who: db.Actor, event_id: object) -> dict[str, Any] | None:
    """One published (or cancelled) event, past or coming, or None."""
    eid = as_id(event_id)
    if eid is None:
        return None

    def read() -> dict[str, Any] | None:
        rows = _run(who, "select * from public.public_event(%s)", (eid,))
        return rows[0] if rows else None

    return _cached(who, "event", eid, read)


# --------------------------------------------------------------------------- contact

def contact(who: db.Actor, member_id: object, from_email: str, from_name: str, message: str,
            client: str | None = None, locale: str | None = None) -> str:
    """Ask to write to a public member: records the request and e-mails the visitor a proof link
    (public_contact_member). Returns 'check_email'; refusals raise UserError. `client` is the
    visitor's address (per-client limit), `locale` the language of the proof e-mail."""
    mid = as_id(member_id)
    rows = _run(who, "select public.public_contact_member(%s, %s, %s, %s) as answer",
                (mid, from_email, from_name, message), {"cantine.client": client, "cantine.locale": locale})
    return str(rows[0]["answer"])


def prove_contact(who: db.Actor, token: str) -> str:
    """Follow a contact proof link: the message goes to the member. Returns the member's name."""
    return str(_run(who, "select public.public_contact_prove(%s) as name", (token,))[0]["name"])


# --------------------------------------------------------------------------- the .ics feed

FEED_NAME = "agenda.ics"


def feed(who: db.Actor, space_name: str, app_url: str | None = None) -> str:
    """The coming public events as one calendar (RFC 5545, through lib/core/ics.py): each event
    keeps its UID across regenerations, so a subscribed calendar updates it in place."""
    items = []
    for e in events(who):
        speakers = ", ".join(s["name"] for s in e["speakers"] or [] if s.get("name"))
        description = "\n\n".join(part for part in (
            e["description"] or "", speakers,
            f"{app_url.rstrip('/')}/?agenda={e['id']}" if app_url else "") if part)
        items.append({"uid": f"event-{e['id']}@cantine", "starts": e["starts_at"], "ends": e["ends_at"],
                      "summary": e["title"], "location": f"{e['room']} — {space_name}" if e["room"] else space_name,
                      "description": description})
    return ics.calendar(items, space_name)


def write_feed(who: db.Actor, folder: Path, space_name: str, app_url: str | None = None) -> Path:
    """Write the feed to `folder`/agenda.ics, atomically (another process may be writing it or a
    calendar reading it): a temporary file, then a rename."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / FEED_NAME
    temporary = folder / f".{FEED_NAME}.{os.getpid()}.{threading.get_ident()}"
    temporary.write_text(feed(who, space_name, app_url), encoding="utf-8")
    os.replace(temporary, target)
    return target


def coming(rows: list[dict[str, Any]], now: dt.datetime) -> list[dict[str, Any]]:
    """The rows not over at `now` (a cached agenda may hold one that ended a moment ago)."""
    return [r for r in rows if r["ends_at"] > now]
