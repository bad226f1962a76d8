"""A volunteer's morning and a member's phone in a real Chromium (#13): the staff day at tablet
width (820×1180) — arrived, approve, no-show from each row, with no truncated button, cancel asking
first, "all done" once nothing is left to approve; a member at phone width (390×844) — several days
on another weekday, the closed / past / too-far sentences, and a closure on their booking."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.booking import bookings
from lib.core import db
from tests.booking.conftest import ALICE
from tests.browser import browser_page, running_app, screenshot, type_date
from tests.conftest import make_member, noon_zone

pytestmark = pytest.mark.browser
PASSWORD = "correct-horse-battery"
HOST = "host@example.org"


def _sign_in(page, url: str, email: str) -> None:
    with db.as_owner() as conn:  # an administrator exists, else the app asks for the first one
        has_admin = conn.execute("select count(*) as n from public.members where role = 'admin'").fetchone()["n"]
    if not has_admin:
        make_member("boss@example.org", role="admin")
    page.goto(url)
    page.locator(".st-key-sign_in_email input").fill(email)
    page.locator(".st-key-sign_in_password input").fill(PASSWORD)
    page.locator(".st-key-sign_in_password input").press("Enter")
    page.get_by_role("heading").first.wait_for()
    page.wait_for_timeout(1500)


def _go(page, url: str, path: str, heading: str) -> None:
    """Open a page from the menu (a new page load would be a new session). On a phone the menu
    is folded away: unfold it first."""
    opener = page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button')
    if opener.count() and opener.first.is_visible():
        opener.first.click()
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("link", name=heading, exact=True).first.click()
    page.get_by_role("heading", name=heading).first.wait_for()
    page.wait_for_timeout(800)
    closer = page.locator('[data-testid="stSidebarCollapseButton"] button')
    if page.viewport_size["width"] < 640 and closer.count() and closer.first.is_visible():
        closer.first.click()  # on a phone the open menu covers the page
        page.wait_for_timeout(500)


def _truncated(page, scope: str) -> list[str]:
    """Labels of buttons under `scope` whose text does not fit (drawn as "P…")."""
    return page.evaluate("""(scope) => [...document.querySelectorAll(scope + ' button')]
        .filter(b => b.offsetParent && [...b.querySelectorAll('p, span, div')].some(e => e.scrollWidth > e.clientWidth + 1))
        .map(b => b.innerText)""", scope)


def _insert(desk: str, member: str | None, day: dt.date, slot: str, status: str = "confirmed") -> str:
    starts, ends = bookings.slot_range(day, slot, bookings.booking_settings())
    with db.as_owner() as conn:
        return conn.execute(
            "insert into public.bookings (resource_id, member_id, guest_name, guest_email, during, units, status)"
            " values (%s, %s, %s, %s, tstzrange(%s, %s), 0.5, %s) returning id::text",
            (desk, member, None if member else "Gaspard Invité", None if member else "gaspard@example.net",
             starts, ends, status)).fetchone()["id"]


def _row(booking_id: str) -> dict:
    with db.as_owner() as conn:
        return conn.execute("select status, checked_in_at, no_show_at from public.bookings where id = %s",
                            (booking_id,)).fetchone()


def test_a_volunteers_morning_on_a_tablet(space):
    with db.as_owner() as conn:  # about 12:30 there: the morning under way, the afternoon to come
        conn.execute("update public.settings set time_zone = %s", (noon_zone(),))
    today = bookings.local_today(bookings.booking_settings())
    late = _insert(space["desks"][0], space["alice"], today, "am")
    here = _insert(space["desks"][1], space["bob"], today, "pm")
    guest = _insert(space["desks"][2], None, today, "pm", "pending")
    with running_app() as url, browser_page(820, 1180) as page:
        _sign_in(page, url, HOST)
        _go(page, url, "staff_day", "Journée de l'accueil")
        page.locator(f".st-key-staff_in_{here} button").first.wait_for()
        assert not _truncated(page, "[class*='st-key-staff_row_']"), "a row's button is cut"
        screenshot(page, "volunteer-staff-day-tablet")
        page.locator(f".st-key-staff_in_{here} button").first.click()
        page.locator(f".st-key-staff_in_{here}").wait_for(state="detached")
        page.locator(f".st-key-staff_ns_{late} button").first.click()
        page.locator(f".st-key-staff_ns_{late}").wait_for(state="detached")
        # cancel asks first; "keep" keeps
        page.locator(f".st-key-staff_x_{guest} button").first.click()
        page.locator(f".st-key-staff_x_no_{guest} button").first.click()
        page.locator(f".st-key-staff_ok_{guest} button").first.wait_for()
        assert _row(guest)["status"] == "pending"
        page.locator(".st-key-staff_show").get_by_text("À valider", exact=True).first.click()
        page.wait_for_timeout(800)
        page.locator(f".st-key-staff_ok_{guest} button").first.click()
        page.get_by_text("Tout est validé").first.wait_for()
        screenshot(page, "volunteer-staff-all-done")
    assert _row(here)["checked_in_at"] is not None and _row(late)["no_show_at"] is not None
    assert _row(guest)["status"] == "confirmed"




def _pick_day(page, day: dt.date) -> None:
    type_date(page, "book_day", day)


def test_a_members_phone_books_several_days_and_hears_why_not(space):
    settings = space["settings"]
    today = bookings.local_today(settings)
    closed = today + dt.timedelta(days=2)
    with db.as_owner() as conn:
        conn.execute("update public.settings set open_days = %s, booking_window_days = 40",
                     ([d for d in range(1, 8) if d != closed.isoweekday()],))
        conn.execute("insert into public.closures (starts_on, ends_on, reason) values (%s, %s, 'Dégât des eaux')",
                     (today + dt.timedelta(days=4), today + dt.timedelta(days=4)))
    _insert(space["desks"][3], space["alice"], today + dt.timedelta(days=4), "pm")  # hit by the closure
    moved = today + dt.timedelta(days=8)  # not the day the page opens on, another weekday
    with running_app() as url, browser_page(390, 844) as page:
        _sign_in(page, url, ALICE)
        _go(page, url, "book", "Réserver")
        for day, words in [(closed, "fermé le"), (today - dt.timedelta(days=1), "passé"),
                           (today + dt.timedelta(days=60), "ouvrent le")]:
            _pick_day(page, day)
            try:
                page.get_by_text(words).first.wait_for()
            except Exception:
                screenshot(page, "volunteer-phone-debug")
                raise
        screenshot(page, "volunteer-phone-too-far")
        _pick_day(page, moved)
        page.get_by_role("tab", name="Plan").click()
        page.wait_for_timeout(800)
        screenshot(page, "volunteer-phone-floor-plan")
        page.get_by_text("Plusieurs jours").first.click()
        type_date(page, "book_rep_until", moved + dt.timedelta(days=14))
        page.locator(".st-key-book_rep_go button").first.click()
        page.get_by_text("réservé").first.wait_for()
        _go(page, url, "my_bookings", "Mes réservations")
        page.get_by_text("Dégât des eaux").first.wait_for()
        screenshot(page, "volunteer-phone-my-bookings")
    with db.as_owner() as conn:
        days = [r["day"] for r in conn.execute(
            "select day from public.bookings where member_id = %s and status <> 'cancelled' and day >= %s"
            " order by day", (space["alice"], moved))]
    assert days and {d.isoweekday() for d in days} == {moved.isoweekday()}, days



def test_a_visitors_phone_keeps_english_and_sees_the_whole_manage_link(space):
    from lib.booking import share_links
    from tests.booking.conftest import proof_secret

    token = share_links.create(db.OWNER, "Newsletter")
    settings = space["settings"]
    starts, ends = bookings.slot_range(bookings.local_today(settings) + dt.timedelta(days=2), "day", settings)
    with running_app() as url, browser_page(390, 844) as page:
        page.goto(f"{url}/link?t={token}")
        page.locator(".booker").get_by_role("button", name="English").click()
        page.get_by_role("heading", name="Book a desk").wait_for()
        page.wait_for_timeout(800)
        page.reload()  # a new session: the address keeps the language chosen
        page.get_by_role("heading", name="Book a desk").wait_for()
        page.get_by_text("Desk map").first.click()
        page.wait_for_timeout(800)
        screenshot(page, "volunteer-link-phone-map")
        share_links.book(token, "visitor@example.net", "Vi Sitor", space["desks"][0], starts, ends)
        page.goto(f"{url}/?proof={proof_secret('visitor@example.net')}&lang=en")
        copy = page.get_by_role("button", name="Copy the link")
        copy.wait_for()
        assert copy.is_visible(), "the copy button shows without hovering"
        overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, "the manage link runs off the screen"
        screenshot(page, "volunteer-link-phone-manage")
