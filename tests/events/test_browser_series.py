"""End to end in a real Chromium (issue #14): staff create a weekly series of 10 in a room from
the team's form, change the time of one date, cancel the rest from the 6th (after confirming); a
member registers to the 3rd; an event published in the open space while a member is about to book
one of its desks makes the booking fail with the event's name."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from lib.booking import bookings
from lib.core import clock, db
from lib.core.i18n import fmt_date
from lib.demo.seed import DEMO_PASSWORD
from tests.browser import browser_page, open_from_menu, running_app, screenshot, type_date
from tests.conftest import DEMO

pytestmark = pytest.mark.browser
TITLE = "Meetup navigateur"


def _sign_in(page, url: str, email: str) -> None:
    page.goto(url)
    page.locator(".st-key-sign_in_email input").fill(email)
    page.locator(".st-key-sign_in_password input").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Accueil", exact=True).first.wait_for()


def _open(page, link: str, marker) -> None:
    open_from_menu(page, link, marker=marker)


def _choose(page, key: str, text: str) -> None:
    """Type into a select box (or a time box) and take the first match."""
    box = page.locator(f".st-key-{key} input")
    box.click()
    box.fill(text)
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)


def _type_segments(page, key: str, digits: str) -> None:
    """A date or time box is a row of segments (day, month, year; hours, minutes): click the first
    and type the digits, each segment moves on to the next when full."""
    page.locator(f".st-key-{key} [role=spinbutton]").first.click()
    page.keyboard.type(digits)
    page.wait_for_timeout(200)


def _series() -> list[dict]:
    with db.as_owner() as conn:
        return conn.execute("select id::text, starts_at, status from public.events where title = %s"
                            " order by starts_at", (TITLE,)).fetchall()


def _setup() -> tuple[str, dt.date, str]:
    """Nothing else in the coming weeks (the series' dates head the members' list), the event
    space's name, the first date, and the open space's first desk free on the next open day."""
    with db.as_owner() as conn:
        conn.execute("update public.events set starts_at = starts_at + interval '400 days',"
                     " ends_at = ends_at + interval '400 days' where starts_at > now() - interval '1 day'")
        room = conn.execute("select name from public.resources where kind = 'room' and active"
                            " order by capacity desc, name limit 1").fetchone()["name"]
        tz = conn.execute("select time_zone from public.settings").fetchone()["time_zone"]
    first = clock.space_today(tz) + dt.timedelta(days=7)
    day = bookings.next_open_day(bookings.booking_settings())
    with db.as_owner() as conn:
        conn.execute("update public.bookings set status = 'cancelled' where day = %s and (resource_id ="
                     " (select id from public.resources where name = 'O01') or member_id ="
                     " (select id from public.members where email = %s))", (day, DEMO["member"]))
    return room, first, day.isoformat()


def test_a_weekly_series_changed_cancelled_registered_and_an_event_taking_the_open_space(demo_db):
    room, first, desk_day = _setup()
    with running_app() as url:
        with browser_page() as page:
            _sign_in(page, url, DEMO["staff"])
            _open(page, "Événements (équipe)", page.get_by_text("Nouvel événement ou série"))
            page.get_by_text("Nouvel événement ou série").click()
            page.locator(".st-key-eva_new_title input").fill(TITLE)
            _type_segments(page, "eva_new_day", first.strftime("%d%m%Y"))
            _type_segments(page, "eva_new_starts", "1900")
            _type_segments(page, "eva_new_ends", "2100")
            _choose(page, "eva_new_status", "Publié")
            _choose(page, "eva_new_room", room)
            _choose(page, "eva_new_repeat", "Chaque semaine")
            page.locator(".st-key-eva_new_count input").fill("10")
            page.locator(".st-key-eva_new_go button").click()
            page.get_by_text(f"Série « {TITLE} » créée").first.wait_for()
            screenshot(page, "series-created")
            dates = _series()
            assert len(dates) == 10 and {d["status"] for d in dates} == {"published"}

            tz = ZoneInfo("Europe/Paris")
            fourth = dates[3]
            _choose(page, "eva_manage", fmt_date(fourth["starts_at"].astimezone(tz).date()))
            page.locator(f".st-key-eva_from_starts_{fourth['id']}").wait_for()
            _type_segments(page, f"eva_from_starts_{fourth['id']}", "2000")
            page.locator(f".st-key-eva_from_go_{fourth['id']} button").click()
            page.get_by_text("Dates modifiées : 1.").first.wait_for()

            sixth = dates[5]
            _choose(page, "eva_manage", fmt_date(sixth["starts_at"].astimezone(tz).date()))
            sure = page.locator(f".st-key-eva_series_sure_{sixth['id']}")
            sure.wait_for()
            sure.get_by_text("Oui, annuler ces dates").click()
            page.locator(f".st-key-eva_series_cancel_{sixth['id']} button").click()
            page.get_by_text("Dates annulées : 5.").first.wait_for()
            screenshot(page, "series-cancelled-from-the-sixth")
        after = _series()
        assert [a["status"] for a in after] == ["published"] * 5 + ["cancelled"] * 5
        hours = [a["starts_at"].astimezone(tz).hour for a in after]
        assert hours[:5] == [19, 19, 19, 20, 19]

        third = after[2]["id"]
        with browser_page() as page:
            _sign_in(page, url, DEMO["member"])
            _open(page, "Événements", page.locator(f".st-key-reg_{third} button"))
            page.locator(f".st-key-reg_{third} button").click()
            page.get_by_text(f"« {TITLE} »").first.wait_for()

            # the day field, not the button: on today's date after noon there may be nothing to book
            _open(page, "Réserver", page.locator(".st-key-book_day"))
            day = dt.date.fromisoformat(desk_day)
            type_date(page, "book_day", day)  # the page opens on today while today has a free slot
            page.get_by_role("tab", name="Grille").click()
            page.wait_for_timeout(500)
            # the team publishes an event taking the open space while the member is on the page
            with db.as_owner() as conn:
                zone = conn.execute("select zone_id from public.resources where name = 'O01'").fetchone()["zone_id"]
                conn.execute(
                    "insert into public.events (title, starts_at, ends_at, capacity, status, zone_id, setup_minutes)"
                    " values ('Grand Forum', %s, %s, 80, 'published', %s, 60)",
                    (dt.datetime.combine(day, dt.time(10), tz), dt.datetime.combine(day, dt.time(17), tz), zone))
            page.locator(".st-key-book_go button").click()
            page.get_by_text("Grand Forum").first.wait_for()
            screenshot(page, "desk-refused-for-an-event")
    with db.as_owner() as conn:
        regs = conn.execute("select x.event_id::text, x.status from public.registrations x join public.members m"
                            " on m.id = x.member_id where m.email = %s and x.event_id = any(%s::uuid[])",
                            (DEMO["member"], [a["id"] for a in after])).fetchall()
        booked = conn.execute("select count(*) as n from public.bookings b join public.members m on m.id = b.member_id"
                              " where m.email = %s and b.day = %s and b.status <> 'cancelled'",
                              (DEMO["member"], day)).fetchone()["n"]
    assert regs == [{"event_id": third, "status": "registered"}]
    assert booked == 0
