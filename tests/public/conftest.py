"""The public face's fixtures: a small space with members of every visibility, skills, events
(coming, past, draft, cancelled) and speakers, all built here so the tests know what to expect."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lib.core import clock, db
from lib.demo.bookings import tiny_space
from tests.conftest import make_member
from tests.mail.conftest import no_smtp, smtp_server  # noqa: F401 (fixtures the contact tests share)

PUBLIC = "pia.public@example.org"        # public, accepts contact, speaks at events
QUIET = "quentin.quiet@example.org"      # public, no contact
MEMBERS_ONLY = "mo.members@example.org"  # members only
HIDDEN = "hugo.hidden@example.org"       # hidden, speaks at a coming event
GONE = "ines.inactive@example.org"       # public but inactive
VISITOR = "vi.sitor@example.net"


def add_skill(member_id: str, name: str, level: str = "expert") -> None:
    with db.as_owner() as conn:
        skill = conn.execute("insert into public.skills (name) values (%s) on conflict (name) do update"
                             " set name = excluded.name returning id", (name,)).fetchone()["id"]
        conn.execute("insert into public.member_skills (member_id, skill_id, level) values (%s, %s, %s)",
                     (member_id, skill, level))


def add_event(title: str, starts: dt.datetime, status: str = "published", room: str | None = None,
              speakers: list[tuple[str | None, str]] = (), created_by: str | None = None) -> str:
    """An event of one hour at `starts`; `speakers` are (member id or None, name) pairs."""
    with db.as_owner() as conn:
        event = conn.execute(
            "insert into public.events (title, description, starts_at, ends_at, room_id, capacity, status, created_by)"
            " values (%s, %s, %s, %s, %s, 6, %s, %s) returning id::text",
            (title, f"About {title}", starts, starts + dt.timedelta(hours=1), room, status, created_by)).fetchone()["id"]
        for position, (member_id, name) in enumerate(speakers):
            conn.execute("insert into public.event_speakers (event_id, member_id, name, position) values (%s, %s, %s, %s)",
                         (event, member_id, name, position))
    return event


@pytest.fixture
def face(empty_db) -> dict[str, Any]:
    """Members of every visibility, their skills, and events around now. Returns the ids."""
    with db.as_owner() as conn:
        space = tiny_space(conn)
    ids = {
        "public": make_member(PUBLIC, visibility="public", full_name="Pia Publique"),
        "quiet": make_member(QUIET, visibility="public", full_name="Quentin Discret"),
        "members_only": make_member(MEMBERS_ONLY, visibility="members", full_name="Mona Entre-Nous"),
        "hidden": make_member(HIDDEN, visibility="hidden", full_name="Hugo Caché"),
        "inactive": make_member(GONE, visibility="public", full_name="Ines Partie", active=False),
    }
    with db.as_owner() as conn:
        conn.execute("update public.members set contact_allowed = true, job_title = 'Développeuse',"
                     " company = 'Pia SARL', bio = 'Je fais du Python.', links = %s where id = %s",
                     ('{"website": "https://pia.example.org"}', ids["public"]))
        conn.execute("update public.members set contact_allowed = true where id = %s", (ids["members_only"],))
    add_skill(ids["public"], "Python", "expert")
    add_skill(ids["quiet"], "Illustration", "practising")
    add_skill(ids["hidden"], "Cobol", "expert")
    now = clock.now()
    room = space["room"]
    ids["past_talk"] = add_event("Past talk by Pia", now - dt.timedelta(days=30), speakers=[(ids["public"], "Pia")],
                                 room=room)
    ids["coming_talk"] = add_event("Coming talk by Pia", now + dt.timedelta(days=7),
                                   speakers=[(ids["public"], "Pia"), (None, "Guest Speaker")], room=room)
    ids["organised"] = add_event("Meetup organised by Pia", now + dt.timedelta(days=14), created_by=ids["public"])
    ids["hidden_talk"] = add_event("Talk with a hidden member", now + dt.timedelta(days=3),
                                   speakers=[(ids["hidden"], "Hugo Caché"), (ids["members_only"], "Mona Entre-Nous")])
    ids["draft"] = add_event("Draft event", now + dt.timedelta(days=5), status="draft",
                             speakers=[(ids["public"], "Pia")])
    ids["cancelled"] = add_event("Cancelled event", now + dt.timedelta(days=6), status="cancelled")
    ids["space"] = space
    return ids
