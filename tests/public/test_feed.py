"""The agenda's .ics feed (issue #14): parses with icalendar, lists the coming public events only,
keeps each event's UID, and is rewritten when an event changes."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from lib.core import clock, db
from lib.directory import showcase
from lib.web import startup
from tests.public.conftest import add_event


def _events(path) -> dict[str, dict]:
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(e["summary"]): {"uid": str(e["uid"]), "start": e.decoded("dtstart"), "location": str(e["location"]),
                                "description": str(e.get("description", ""))}
            for e in calendar.walk("VEVENT")}


def test_the_feed_parses_and_lists_the_coming_public_events_only(face, tmp_path):
    path = showcase.write_feed(db.ANONYMOUS, tmp_path, "La Cantine", "https://cantine.example")
    events = _events(path)
    with db.as_owner() as conn:
        expected = {r["title"]: r for r in conn.execute(
            "select id, title, starts_at from public.events where status = 'published' and ends_at > now()").fetchall()}
    assert set(events) == set(expected) == {"Coming talk by Pia", "Meetup organised by Pia", "Talk with a hidden member"}
    coming = events["Coming talk by Pia"]
    assert coming["start"] == expected["Coming talk by Pia"]["starts_at"].replace(microsecond=0)
    assert coming["uid"] == f"event-{face['coming_talk']}@cantine"
    assert coming["location"] == "Salle — La Cantine"
    assert f"https://cantine.example/?agenda={face['coming_talk']}" in coming["description"]
    assert "Hugo" not in path.read_text() and "Mona" not in path.read_text(), "non-public speakers stay unnamed"


def test_the_app_rewrites_the_feed_when_an_event_changes(face, tmp_path, monkeypatch):
    monkeypatch.setattr(startup, "_feed_state", {"next_check": 0.0, "version": None, "written": 0.0})
    assert startup.refresh_public_feed(tmp_path)
    assert "Late addition" not in _events(tmp_path / showcase.FEED_NAME)
    add_event("Late addition", clock.now() + dt.timedelta(days=2))
    assert not startup.refresh_public_feed(tmp_path), "checked at most once a minute"
    monkeypatch.setitem(startup._feed_state, "next_check", 0.0)
    assert startup.refresh_public_feed(tmp_path)
    assert "Late addition" in _events(tmp_path / showcase.FEED_NAME)
