"""The members' events page browsed (issue #14): filter by type and month, search (accents and
case ignored), a month calendar, pages of 10 cards, and a `.ics` file for one event that any
calendar reads."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from lib.core import clock, db
from lib.events import browse, events
from lib.space import space
from tests.conftest import DEMO, app_as, claims


def _cards(at) -> set[str]:
    return {b.key.removeprefix("unreg_").removeprefix("reg_") for b in at.button
            if b.key and b.key.startswith(("reg_", "unreg_"))}


@pytest.fixture
def programme(demo_db):
    """Two events of our own, next month (the page's month filter offers it on any date)."""
    tz = ZoneInfo(space.settings()["time_zone"])
    month = (clock.now().astimezone(tz).date().replace(day=1) + dt.timedelta(days=40)).replace(day=1)
    starts = dt.datetime.combine(month + dt.timedelta(days=9), dt.time(18, 30), tz)
    with db.as_owner() as conn:
        ids = [conn.execute("insert into public.events (title, kind, starts_at, ends_at, capacity, status,"
                            " description) values (%s, %s, %s, %s, 20, 'published', %s) returning id::text",
                            (title, kind, starts + dt.timedelta(days=i), starts + dt.timedelta(days=i, hours=2),
                             text)).fetchone()["id"]
               for i, (title, kind, text) in enumerate([("Atelier Décoration zéro déchet", "workshop", "Fabriquer"),
                                                        ("Rust à Brest", "talk", "Ownership")])]
    return month, ids


def test_filters_by_type_month_and_search_narrow_the_cards(programme):
    month, (workshop, talk) = programme
    at = app_as(DEMO["member"], "views/events.py", lang="fr")
    assert not at.exception, at.exception
    everything = _cards(at)
    assert len(everything) <= 10  # a page of cards, not the 8,500-pixel list
    at.text_input(key="events_search").input("decoration ZERO").run()
    assert _cards(at) == {workshop}
    at.text_input(key="events_search").input("").run()
    at.selectbox(key="events_kind_fr").set_value("talk").run()
    coming = events.upcoming(claims(DEMO["member"]), browse.UPCOMING_LIMIT)
    talks = {e for e, k in zip(coming.event_id, coming.kind, strict=True) if k == "talk"}
    assert _cards(at) and _cards(at) <= talks and (talk in _cards(at) or len(talks) > 10)
    at.selectbox(key="events_month_fr").set_value(month.isoformat()).run()
    tz = ZoneInfo(space.settings()["time_zone"])
    expected = {e for e, k, s in zip(coming.event_id, coming.kind, coming.starts_at, strict=True)
                if k == "talk" and s.astimezone(tz).date().replace(day=1) == month}
    assert _cards(at) == expected or len(expected) > 10
    at.text_input(key="events_search").input("aucun événement ne s'appelle ainsi").run()
    assert not _cards(at) and "Aucun événement ne correspond à ces filtres." in [i.value for i in at.info]


def test_the_calendar_lays_the_month_out_by_day(programme):
    month, _ = programme
    at = app_as(DEMO["member"], "views/events.py", lang="en")
    at.selectbox(key="events_month_en").set_value(month.isoformat()).run()
    at.segmented_control(key="events_view").set_value("calendar").run()
    assert not at.exception, at.exception
    assert month.strftime("%B") in [s.value for s in at.subheader][0]
    captions = " ".join(c.value for c in at.caption)
    assert "18:30 Atelier Décoration zéro déchet" in captions.replace("\\", "")
    assert "Mon" in captions and "Sun" in captions
    assert not _cards(at)  # the calendar, not the cards


def test_one_event_as_a_calendar_file_that_icalendar_reads(programme):
    _, (workshop, _) = programme
    coming = events.upcoming(claims(DEMO["member"]), browse.UPCOMING_LIMIT)
    row = next(r for r in coming.itertuples() if r.event_id == workshop)
    parsed = icalendar.Calendar.from_ical(browse.event_ics(row, "Cantine"))
    (event,) = parsed.walk("VEVENT")
    assert str(event["summary"]) == "Atelier Décoration zéro déchet"
    assert event.decoded("dtstart") == row.starts_at.astimezone(dt.UTC)
    assert str(event["uid"]) == f"event-{workshop}@cantine"
    at = app_as(DEMO["member"], "views/events.py", lang="fr")
    at.text_input(key="events_search").input("Décoration").run()
    assert [b.key for b in at.get("download_button")] == [f"ics_{workshop}"]


def test_past_its_cut_off_an_event_offers_no_register_button_and_says_when_it_closed(demo_db):
    """The database refuses registering after the cut-off (issue #14): the page says so instead
    of offering a button that can only be refused. An event without its own cut-off follows the
    space's default."""
    starts = clock.now() + dt.timedelta(days=2)
    with db.as_owner() as conn:
        closed, open_ = (conn.execute(
            "insert into public.events (title, starts_at, ends_at, capacity, status, registration_closes_at)"
            " values (%s, %s, %s, 20, 'published', %s) returning id::text",
            (title, starts, starts + dt.timedelta(hours=2), closes)).fetchone()["id"]
            for title, closes in (("Closed early", clock.now() - dt.timedelta(hours=1)), ("Still open", None)))
    at = app_as(DEMO["member"], "views/events.py", lang="en")
    at.text_input(key=next(w.key for w in at.text_input if w.key and w.key.startswith("events_search"))) \
        .input("Closed early").run()
    assert closed not in _cards(at)
    assert any("Registration closed on" in c.value for c in at.caption), [c.value for c in at.caption]
    at.text_input(key=next(w.key for w in at.text_input if w.key and w.key.startswith("events_search"))) \
        .input("Still open").run()
    assert open_ in _cards(at)
