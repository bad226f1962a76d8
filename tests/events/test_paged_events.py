"""The events page sends a page of event cards, not every coming event (issue #16), and paging
loses none: each coming event is on exactly one page, with its button."""

from __future__ import annotations

import datetime as dt

from lib.core import clock, db
from lib.events import events
from tests.conftest import DEMO, app_as, claims

PAGE = 10  # views/events.py's PAGE_SIZE


def _event_ids(at) -> set[str]:
    return {b.key.removeprefix("reg_").removeprefix("unreg_") for b in at.button
            if b.key and b.key.startswith(("reg_", "unreg_"))}


def test_events_page_pages_through_every_coming_event_once(demo_db):
    start = clock.now() + dt.timedelta(days=3)
    with db.as_owner() as conn:  # more events than a page, whatever the demo data holds today
        for i in range(PAGE + 2):
            conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status)"
                         " values (%s, %s, %s, 20, 'published')",
                         (f"Atelier {i}", start + dt.timedelta(hours=i), start + dt.timedelta(hours=i, minutes=30)))
    coming = events.upcoming(claims(DEMO["member"]))
    expected = {str(e) for e, s in zip(coming.event_id, coming.starts_at, strict=True) if s > clock.now()}
    assert len(coming) > PAGE
    at = app_as(DEMO["member"], "views/events.py", lang="en")
    assert not at.exception
    seen: list[str] = []
    for _ in range(len(coming) // PAGE + 1):
        ids = _event_ids(at)
        assert len(ids) <= PAGE, "a page of events, not all of them"
        seen += ids
        nxt = at.button(key="events_page_next")
        if nxt.disabled:
            break
        nxt.click().run()
        assert not at.exception
    assert len(seen) == len(set(seen)) and set(seen) == expected
