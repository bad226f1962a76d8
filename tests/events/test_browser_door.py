"""End to end in a real Chromium at tablet size (820×1180): staff open the door page on a full
event under way, tick two people present with one tap each, add a walk-in; the counts follow and
every tap is in the database without a save button (issue #14)."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.core import clock, db
from tests.browser import browser_page, running_app, screenshot
from tests.conftest import DEMO, started_today
from tests.events.test_browser_events import _open, _sign_in

pytestmark = pytest.mark.browser


def _full_event_under_way() -> tuple[str, list[str]]:
    """A published event that started 20 minutes ago, full with two demo members, the only one
    of the day (the door opens on it)."""
    begun = started_today(20)
    with db.as_owner() as conn:
        others = ("select id from public.events where starts_at >= %s - interval '1 day'"
                  " and starts_at < %s + interval '1 day'")
        conn.execute(f"delete from public.registrations where event_id in ({others})", (begun, begun))
        conn.execute(f"delete from public.events where id in ({others})", (begun, begun))
        event = conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status) values"
                             " ('Soirée porte', %s, %s, 2, 'published') returning id::text",
                             (begun, clock.now() + dt.timedelta(hours=2))).fetchone()["id"]
        members = conn.execute("select id from public.members where role = 'member' and active"
                               " and email not like '%%@example.org' order by email limit 2").fetchall()
        regs = [conn.execute("insert into public.registrations (event_id, member_id) values (%s, %s)"
                             " returning id::text", (event, m["id"])).fetchone()["id"] for m in members]
    return event, regs


def _counts(page) -> list[str]:
    return page.locator('.st-key-door_counts [data-testid="stMetricValue"]').all_inner_texts()


def test_staff_at_the_door_tick_two_people_and_add_a_walk_in_to_a_full_event(demo_db):
    event, regs = _full_event_under_way()
    with running_app() as url, browser_page(width=820, height=1180) as page:
        _sign_in(page, url, DEMO["staff"])
        _open(page, "Accueil d'événement", page.locator(".st-key-door_counts"))
        page.locator(f".st-key-door_{regs[0]}_registered").wait_for()
        assert _counts(page) == ["2", "0", "0", "0"]  # registered, present, walk-ins, waiting
        for rid in regs:
            page.locator(f".st-key-door_{rid}_registered label").click()
            page.locator(f".st-key-door_{rid}_attended").wait_for()  # saved: the list redrew it ticked
        page.wait_for_function("() => [...document.querySelectorAll('.st-key-door_counts "
                               "[data-testid=\"stMetricValue\"]')].map(e => e.innerText).join(',') === '2,2,0,0'")
        page.locator(".st-key-door_wi_name input").fill("Zoé Sur-Place")
        page.get_by_role("button", name="Ajouter présent·e").click()
        page.wait_for_function("() => [...document.querySelectorAll('.st-key-door_counts "
                               "[data-testid=\"stMetricValue\"]')].map(e => e.innerText).join(',') === '2,3,1,0'")
        page.get_by_text("Zoé Sur-Place").first.wait_for()
        screenshot(page, "door-tablet")
    with db.as_owner() as conn:
        rows = conn.execute("select status, source from public.registrations where event_id = %s"
                            " order by created_at", (event,)).fetchall()
    assert [(r["status"], r["source"]) for r in rows] == [("attended", "app"), ("attended", "app"),
                                                          ("attended", "walk_in")]
