"""End to end in a real Chromium: a member books tomorrow morning from the grid and tomorrow
afternoon by clicking a desk on the floor plan, sees both in "My bookings" and cancels one; a
visitor books through a shared link and cancels through the manage link."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.booking import bookings, share_links
from lib.core import db
from lib.demo.seed import DEMO_PASSWORD
from tests.booking.conftest import proof_secret
from tests.browser import browser_page, running_app, screenshot, type_date
from tests.conftest import DEMO

pytestmark = pytest.mark.browser


def _sign_in(page, url: str, email: str) -> None:
    page.goto(url)
    page.locator(".st-key-sign_in_email input").fill(email)
    page.locator(".st-key-sign_in_password input").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Réserver", exact=True).first.wait_for()


def _free_first_desk_tomorrow() -> tuple[str, dt.date]:
    """Make sure the top-left desk of the plan (O01) is free tomorrow afternoon, whatever the seed did."""
    settings = bookings.booking_settings()
    day = bookings.next_open_day(settings)
    with db.as_owner() as conn:
        conn.execute("update public.bookings set status = 'cancelled' where day = %s and resource_id ="
                     " (select id from public.resources where name = 'O01')", (day,))
    return "O01", day


def _click_desk_on_plan(page, name: str) -> None:
    """Hover over the plan until the tooltip names the desk, then click there (the chart is a canvas)."""
    chart = page.locator(".st-key-book_plan")
    chart.wait_for()
    box = chart.bounding_box()
    for y in range(int(box["y"]) + 10, int(box["y"] + box["height"] / 2), 8):
        for x in range(int(box["x"]) + 10, int(box["x"] + box["width"] / 3), 8):
            page.mouse.move(x, y)
            tip = page.locator("#vg-tooltip-element")
            if tip.count() and tip.is_visible() and name in (tip.inner_text() or ""):
                page.mouse.click(x, y)
                return
    raise AssertionError(f"desk {name} not found on the floor plan")


def _wait_chosen(page, desk: str) -> None:
    """The desk clicked on the plan becomes the chosen one in the selectbox (text or input value)."""
    box = page.locator(".st-key-book_resource")
    for _ in range(60):
        inputs = box.locator("input")
        shown = box.inner_text() + " ".join(inputs.nth(i).input_value() for i in range(inputs.count()))
        if desk in shown:
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"{desk} was not chosen by the click on the plan")


def test_member_books_by_grid_and_by_floor_plan_then_cancels(demo_db):
    desk, day = _free_first_desk_tomorrow()
    with running_app() as url, browser_page() as page:
        _sign_in(page, url, DEMO["member"])
        # a new page load would be a new Streamlit session: move with the menu, as people do
        page.get_by_role("link", name="Réserver", exact=True).first.click()
        # the page opens on today while today has a free slot: move to the next open day
        type_date(page, "book_day", day)
        page.locator(".st-key-book_slot").get_by_text("Matin", exact=True).first.click()
        page.get_by_role("tab", name="Grille").click()
        page.locator(".st-key-book_go button").click()
        page.get_by_text("Réservé :").first.wait_for()
        screenshot(page, "booking-grid")

        page.locator(".st-key-book_slot").get_by_text("Après-midi", exact=True).first.click()  # .first: the old element may linger during a rerun
        page.get_by_role("tab", name="Plan").click()
        _click_desk_on_plan(page, desk)
        _wait_chosen(page, desk)
        page.locator(".st-key-book_go button").click()
        page.wait_for_timeout(1500)
        screenshot(page, "booking-floor-plan")
        page.get_by_text("13:30–19:00").first.wait_for()
        screenshot(page, "booking-floor-plan")

        page.get_by_role("link", name="Mes réservations").click()
        page.get_by_role("heading", name="Mes réservations").wait_for()
        # cancel the afternoon just booked (by its own button: another of the member's demo
        # bookings may be under way at this hour, which the cut-off refuses)
        with db.as_owner() as conn:
            afternoon = conn.execute(
                "select b.id::text from public.bookings b join public.members m on m.id = b.member_id"
                " join public.resources r on r.id = b.resource_id where m.email = %s and b.day = %s"
                " and r.name = %s and b.status = 'confirmed' and b.units = 0.5 order by lower(b.during) desc limit 1",
                (DEMO["member"], day, desk)).fetchone()["id"]
        cancel = page.locator(f".st-key-cancel_{afternoon} button")
        cancel.wait_for()
        assert page.get_by_role("button", name="Annuler").count() >= 2
        cancel.click()
        confirm = page.locator(f".st-key-cancel_yes_{afternoon} button")  # cancelling asks first
        confirm.click()
        confirm.wait_for(state="detached", timeout=30_000)
        screenshot(page, "my-bookings")
    with db.as_owner() as conn:
        live = conn.execute("select count(*) as n from public.bookings b join public.members m on m.id = b.member_id"
                            " where m.email = %s and b.day = %s and b.status = 'confirmed'",
                            (DEMO["member"], day)).fetchone()["n"]
    assert live == 1


def _take_morning(resource_id: str, day: str) -> None:
    starts, ends = bookings.slot_range(dt.date.fromisoformat(day), "am", bookings.booking_settings())
    with db.as_owner() as conn:
        conn.execute("insert into public.bookings (resource_id, guest_name, guest_email, during, status, source)"
                     " values (%s, 'Quick', 'quick@example.net', tstzrange(%s, %s), 'confirmed', 'admin')",
                     (resource_id, starts, ends))


def test_visitor_switches_to_english_in_the_form(demo_db):
    token = share_links.create(db.OWNER, "Newsletter")
    with running_app() as url, browser_page() as page:
        page.goto(f"{url}/link?t={token}")
        page.locator(".booker").get_by_role("button", name="English").click()
        page.get_by_role("heading", name="Book a desk").wait_for()
        assert page.locator(".booker form").get_by_label("Your email").is_visible()
        screenshot(page, "link-english")


def test_visitor_books_through_a_shared_link_and_cancels(demo_db):
    """The form itself (the e-mail's part of the journey is tests/mail/test_browser_link_journey.py):
    French refusals in the form, a desk taken a second ago, the request, its proof, the manage link."""
    token = share_links.create(db.OWNER, "Newsletter")
    with running_app() as url, browser_page() as page:
        page.goto(f"{url}/link?t={token}")
        page.get_by_text("Réserver un poste").first.wait_for()
        form = page.locator(".booker form")  # the form is drawn in the browser (lib/web/assets/link_booker.js)
        assert page.title().startswith("Réserver un poste ·")
        assert not page.get_by_text("Page not found").is_visible()
        # the next open day: the form opens on today while today has a free slot, and a morning
        # under way could no longer be cancelled below
        form.get_by_label("Jour", exact=True).select_option(
            bookings.next_open_day(bookings.booking_settings()).isoformat())
        form.locator("fieldset").get_by_text("Matin").click()  # a slot: the list of free desks follows, no server round trip
        send = form.get_by_role("button", name="Envoyer la demande")
        send.click()  # nothing typed yet: said in French, nothing sent
        assert form.locator(".error").inner_text() == "Indiquez votre nom (200 caractères au plus)."
        form.get_by_label("Votre nom").fill("Vi Sitor")
        form.get_by_label("Votre e-mail").fill("visitor@example.net")
        chosen = form.get_by_label("Poste", exact=True).input_value()
        _take_morning(chosen, form.get_by_label("Jour", exact=True).input_value())  # someone else, a second before
        send.click()
        form.locator(".error", has_text="vient d'être pris").wait_for()  # said in the form, typed text kept
        assert form.get_by_label("Votre e-mail").input_value() == "visitor@example.net"
        screenshot(page, "link-taken")
        assert form.get_by_label("Poste", exact=True).input_value() != chosen  # the fresh list no longer offers it
        send.click()
        page.get_by_text("Vérifiez vos e-mails").first.wait_for()
        screenshot(page, "link-requested")
        page.goto(f"{url}/?proof={proof_secret('visitor@example.net')}")  # the link of the e-mail
        page.get_by_text("C'est réservé").first.wait_for()
        page.wait_for_timeout(500)  # the manage link's monospace font
        screenshot(page, "link-booked")
        with page.expect_popup() as popup:  # the private manage link opens in its own tab
            page.get_by_role("link", name="Gérer ma réservation").click()
        page = popup.value
        page.locator(".st-key-link_cancel button").click()
        page.locator(".st-key-link_cancel_yes button").click()  # cancelling asks first
        page.get_by_text("annulée", exact=True).first.wait_for()  # the booking's status, shown after the cancel
        screenshot(page, "link-cancelled")
    with db.as_owner() as conn:
        row = conn.execute("select status from public.bookings where guest_email = 'visitor@example.net'").fetchone()
    assert row["status"] == "cancelled"
