"""End to end in a real Chromium: a member registers for an event from its card and cancels; a
host opens the team's events page, picks the evening's event and ticks an attendee present."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.core import clock, db
from lib.demo.seed import DEMO_PASSWORD
from tests.booking.conftest import proof_secret
from tests.browser import browser_page, click_until, open_from_menu, running_app, screenshot
from tests.conftest import DEMO, started_today

pytestmark = pytest.mark.browser


def _sign_in(page, url: str, email: str) -> None:
    page.goto(url)
    page.locator(".st-key-sign_in_email input").fill(email)
    page.locator(".st-key-sign_in_password input").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Accueil", exact=True).first.wait_for()


def _open(page, link: str, marker) -> None:
    open_from_menu(page, link, marker=marker)


def _setup() -> tuple[str, str]:
    """An open event the demo member is not registered for, and one that started 30 minutes ago
    (the first of the day, so the team's page shows it first) with the demo member registered."""
    now = clock.now()
    begun = started_today(30)  # half an hour ago, but on today's local day even at 00:10
    with db.as_owner() as conn:
        member = conn.execute("select id from public.members where email = %s", (DEMO["member"],)).fetchone()["id"]
        conn.execute("delete from public.registrations where member_id = %s", (member,))
        opened = conn.execute(
            # registration open until its start (the default closes 2 hours before)
            "insert into public.events (title, starts_at, ends_at, capacity, status, registration_closes_at) values"
            " ('Conférence navigateur', %s, %s, 20, 'published', %s) returning id::text",
            (now - dt.timedelta(minutes=1) + dt.timedelta(hours=1), now + dt.timedelta(hours=3),
             now - dt.timedelta(minutes=1) + dt.timedelta(hours=1))).fetchone()["id"]
        conn.execute("update public.events set starts_at = starts_at + interval '400 days',"
                     " ends_at = ends_at + interval '400 days' where id <> %s and starts_at > now()"
                     " and starts_at < now() + interval '1 hour'", (opened,))
        started = conn.execute(
            "insert into public.events (title, starts_at, ends_at, capacity, status) values"
            " ('Soirée présence', %s, %s, 20, 'published') returning id::text",
            (begun, now + dt.timedelta(hours=1))).fetchone()["id"]
        conn.execute("insert into public.registrations (event_id, member_id) values (%s, %s)", (started, member))
        # nothing else starts earlier today: the team's page opens on this event (their registrations
        # go first: an event with registrations is not deleted, migration 20261205110000_keep_history.sql)
        earlier = ("select id from public.events where id <> %s and starts_at >= %s - interval '1 day'"
                   " and starts_at < %s")
        conn.execute(f"delete from public.registrations where event_id in ({earlier})", (started, begun, begun))
        conn.execute(f"delete from public.events where id in ({earlier})", (started, begun, begun))
    return opened, started


def test_member_registers_and_cancels_then_the_team_marks_attendance(demo_db):
    opened, started = _setup()
    with running_app() as url:
        with browser_page() as page:
            _sign_in(page, url, DEMO["member"])
            _open(page, "Événements", page.locator(f".st-key-reg_{opened} button"))
            page.locator(f".st-key-reg_{opened} button").click()
            page.get_by_text("Vous êtes inscrit·e à « Conférence navigateur »").wait_for()
            screenshot(page, "events-registered")
            page.locator(f".st-key-unreg_{opened} button").click()
            page.get_by_text("Inscription annulée.").wait_for()
            page.locator(f".st-key-reg_{opened} button").wait_for()
            screenshot(page, "events-cancelled")
        with browser_page() as page:
            _sign_in(page, url, DEMO["staff"])
            with db.as_owner() as conn:
                rid = conn.execute("select x.id::text from public.registrations x join public.members m"
                                   " on m.id = x.member_id where m.email = %s and x.event_id = %s",
                                   (DEMO["member"], started)).fetchone()["id"]
            tab = page.get_by_role("tab", name="Inscrits et présence")
            for attempt in range(3):  # the whole way again if the page was left meanwhile
                try:
                    _open(page, "Événements (équipe)", tab)
                    click_until(page, tab, page.locator(f".st-key-eva_att_{rid}_registered label"), attempts=2)
                    break
                except Exception:
                    if attempt == 2:
                        raise
            # each tick is saved at once (issue #14): no save button, the page stays on this tab
            page.locator(f".st-key-eva_att_{rid}_registered label").click()
            page.locator(f".st-key-eva_att_{rid}_attended").wait_for()
            assert page.get_by_role("tab", name="Inscrits et présence").get_attribute("aria-selected") == "true"
            screenshot(page, "events-attendance")
    with db.as_owner() as conn:
        rows = {r["event_id"]: r["status"] for r in conn.execute(
            "select x.event_id::text, x.status from public.registrations x join public.members m on m.id = x.member_id"
            " where m.email = %s", (DEMO["member"],)).fetchall()}
    assert rows == {opened: "cancelled", started: "attended"}


def test_a_visitor_goes_from_a_link_for_both_to_its_events_registers_and_cancels(demo_db):
    from lib.events import events

    token = events.create_link(db.OWNER, "Newsletter", purpose="all")
    with running_app() as url, browser_page() as page:
        page.goto(f"{url}/link?t={token}")
        page.locator(".booker").get_by_role("link", name="Voir aussi les événements à venir").click()
        page.get_by_role("heading", name="Événements").wait_for()
        screenshot(page, "event-link")
        page.locator("[class*='st-key-evl_pick_'] button").first.click()
        page.locator(".st-key-evl_name input").fill("Vi Sitor")
        page.locator(".st-key-evl_email input").fill("visitor@example.net")
        page.locator("[data-testid=stFormSubmitButton] button").click()
        page.get_by_text("Vérifiez vos e-mails").first.wait_for()  # nothing registered before the proof
        page.goto(f"{url}/?proof={proof_secret('visitor@example.net')}")  # the link of the e-mail
        page.get_by_text("inscrit").first.wait_for()
        manage = page.locator("[data-testid=stCode]").inner_text()  # the private link, to copy
        assert "manage=" in manage
        page.goto(manage.replace("http://localhost:8501", url))
        page.locator(".st-key-evl_cancel button").click()
        page.get_by_text("annulée").first.wait_for()
        screenshot(page, "event-link-cancelled")
    with db.as_owner() as conn:
        row = conn.execute("select status from public.registrations where guest_email = 'visitor@example.net'"
                           ).fetchone()
    assert row["status"] == "cancelled"
