"""User text is shown as text, never as Markdown or HTML (issue #12). Every place a person can
type — names, titles, speakers, skills, rooms, plans, guests — holds a hostile value; then every
signed-in page (`PAGES`, so a new page is walked too) is opened as each role, and the public
link pages as a visitor, and nothing Streamlit renders as Markdown may carry the value unescaped:
no outside image, no link, no bold, no colour, no formula, no HTML."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from lib.booking import share_links
from lib.core import caches, clock, db
from lib.events import events
from lib.web import navigation
from lib.web.ui import md
from tests.booking.conftest import link_register_proven
from tests.conftest import APP, DEMO, app_as, started_today

# what a hostile member types as their name (and an organiser copies into the speakers)
HOSTILE = ("![x](https://tracker.example/x.png) **bold** [click](https://phish.example) "
           "<img src=x onerror=alert(1)> :red[red] $x^2$ :material/home: www.phish.example")
# the same for fields limited to 60–80 characters
SHORT = "![x](https://tracker.example/x.png)**bold**:red[r]$x^2$"
SKILL = "**bold**[click](https://phish.example)"

# none of these may reach a Markdown element as they were typed (a backslash before one escapes it)
RAW = ("](https://tracker", "![x]", "**bold**", "[click]", "<img", ":red[", "$x^2$", "https://phish",
       "tracker.example", "phish.example", ":material/home:", "www.phish")
_RAW = re.compile("|".join(rf"(?<!\\){re.escape(raw)}" for raw in RAW))

# proto fields Streamlit draws as Markdown (bodies, labels, tooltips, metric values, options of
# radios and button groups); plain-text elements (st.text, st.code) and select options are not
MARKDOWN_FIELDS = {"body", "label", "help", "delta", "caption", "content"}
PLAIN_MESSAGES = {"Text", "Code"}


def _strings(message: Message) -> Iterator[str]:
    if message.DESCRIPTOR.name in PLAIN_MESSAGES:
        return
    for field, value in message.ListFields():
        values = value if field.is_repeated else [value]
        for item in values:
            if isinstance(item, Message):
                yield from _strings(item)
            elif isinstance(item, str) and (field.name in MARKDOWN_FIELDS
                                            or (message.DESCRIPTOR.name == "Radio" and field.name == "options")):
                yield item


def markdown_texts(at: AppTest) -> list[str]:
    """Every string of the page that Streamlit renders as Markdown (main area and sidebar)."""
    found: list[str] = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            found.extend(_strings(proto))
    return found


def unescaped(at: AppTest) -> list[str]:
    return [text for text in markdown_texts(at) if _RAW.search(text)]


def _hostile_data() -> dict:
    """Hostile values wherever a person types, as the owner (the demo data around them)."""
    starts = clock.now() + dt.timedelta(days=3)
    with db.as_owner() as conn:
        conn.execute("update public.settings set space_name = %s", (SHORT,))
        conn.execute("update public.members set full_name = %s || ' ' || left(id::text, 4),"
                     " company = %s, job_title = %s, bio = %s", (HOSTILE, HOSTILE, HOSTILE, HOSTILE))
        conn.execute("update public.members set visibility = 'public', contact_allowed = true"
                     " where email in (%s, %s)", (DEMO["member"], DEMO["staff"]))
        conn.execute("update public.members set erasure_requested_at = now() where email = %s", (DEMO["staff"],))
        conn.execute("update public.skills set name = %s || left(id::text, 8)", (SKILL,))
        conn.execute("insert into public.skills (name, status, proposed_by)"
                     " select %s, 'proposed', id from public.members where email = %s", (SKILL + "?", DEMO["member"]))
        conn.execute("update public.zones set name = %s || left(id::text, 8)", (SHORT,))
        conn.execute("update public.resources set name = %s || left(id::text, 8)", (SHORT,))
        conn.execute("update public.plans set name_fr = %s, name_en = %s", (SHORT, SHORT))
        conn.execute("update public.events set title = %s, description = %s", (HOSTILE, HOSTILE))
        conn.execute("update public.event_speakers set name = %s", (HOSTILE,))
        conn.execute("update public.bookings set guest_name = %s where guest_name is not null", (HOSTILE,))
        conn.execute("update public.registrations set guest_name = %s where guest_name is not null", (HOSTILE,))
        event = conn.execute(
            "insert into public.events (title, description, starts_at, ends_at, capacity, status)"
            " values (%s, %s, %s, %s, 1, 'published') returning id::text",
            (HOSTILE, HOSTILE, starts, starts + dt.timedelta(hours=2))).fetchone()["id"]
        conn.execute("insert into public.event_speakers (event_id, name) values (%s, %s)", (event, HOSTILE))
        # today, for the team's day and the member's home: a booking covering now
        now_from, now_to = started_today(30), clock.now() + dt.timedelta(hours=2)
        conn.execute("update public.bookings set status = 'cancelled' where during && tstzrange(%s, %s)",
                     (now_from, now_to))
        conn.execute("insert into public.bookings (resource_id, member_id, during, units)"
                     " select (select id from public.resources where kind = 'desk' order by name limit 1), id,"
                     " tstzrange(%s, %s), 0.5 from public.members where email = %s",
                     (now_from, now_to, DEMO["member"]))
    booking_link = share_links.create(db.OWNER, SHORT)
    event_link = events.create_link(db.OWNER, SHORT)
    registration = link_register_proven(event_link, event, "guest@example.net", HOSTILE)
    caches.forget_all()  # the settings read before are kept a few seconds
    return {"booking_link": booking_link, "event_link": event_link, "event": event,
            "registration": registration}


@pytest.fixture
def hostile(demo_db) -> dict:
    return _hostile_data()


def test_the_hostile_values_are_in_place(hostile):
    """Else the walks below would check nothing."""
    from lib.space import space

    assert space.settings()["space_name"] == SHORT
    with db.as_owner() as conn:
        names = conn.execute("select count(*) filter (where full_name like %s) as hostile, count(*) as n"
                             " from public.members", (HOSTILE + "%",)).fetchone()
    assert names["hostile"] == names["n"] > 0


def test_md_escapes_what_markdown_would_draw():
    shown = md(HOSTILE + "\n# heading\u202e\u200b\x07")
    assert not _RAW.search(shown)
    assert "\n" not in shown and "\u202e" not in shown and "\u200b" not in shown and "\x07" not in shown
    assert shown.startswith("\\!\\[x\\]") and "\\# heading" in shown
    assert md("Léa Martin") == "Léa Martin" and md(None) == ""


@pytest.mark.parametrize("role", sorted(navigation.ALL_ROLES))
def test_every_signed_in_page_shows_hostile_text_as_text(hostile, role):
    at = app_as(DEMO[role], lang="en")
    pages = navigation.pages_for(role)
    assert pages
    walked = []
    for spec in pages:
        at.switch_page(spec.path)
        at.run()
        assert not at.exception, (spec.path, [e.value for e in at.exception])
        assert not unescaped(at), (spec.path, unescaped(at))
        walked.append(spec.path)
    assert walked == [p.path for p in pages]
    # the parts of pages that only show after a choice
    if role in ("admin", "staff", "member"):
        at.switch_page("views/events.py")
        at.run()
        assert any(md(HOSTILE) in text for text in markdown_texts(at)), "the hostile title is on the page, escaped"
        at.switch_page("views/directory.py")
        at.run()
        with db.as_owner() as conn:
            target = conn.execute("select id::text from public.members where email = %s",
                                  (DEMO["member"],)).fetchone()["id"]
        at.query_params["member"] = target
        at.run()
        assert not at.exception and not unescaped(at), unescaped(at)
        at.query_params.pop("member", None)


def test_the_public_pages_show_hostile_text_as_text(hostile):
    booking = AppTest.from_file(APP, default_timeout=30)
    booking.query_params["t"] = hostile["booking_link"]
    booking.session_state["lang"] = "en"
    booking.run()
    assert not booking.exception and not unescaped(booking), unescaped(booking)

    listing = AppTest.from_file(APP, default_timeout=30)
    listing.query_params["t"] = hostile["event_link"]
    listing.session_state["lang"] = "en"
    listing.run()
    assert not listing.exception and not unescaped(listing), unescaped(listing)
    assert any(md(HOSTILE) in text for text in markdown_texts(listing)), "the speakers are shown, escaped"
    listing.button(key=f"evl_pick_{hostile['event']}").click().run()
    assert not listing.exception and not unescaped(listing), unescaped(listing)

    manage = AppTest.from_file(APP, default_timeout=30)
    manage.query_params["t"] = hostile["event_link"]
    manage.query_params["manage"] = hostile["registration"]
    manage.session_state["lang"] = "en"
    manage.run()
    assert not manage.exception and not unescaped(manage), unescaped(manage)
