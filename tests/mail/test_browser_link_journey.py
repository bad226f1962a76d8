"""End to end, as a visitor of the newsletter's link would live it (issue #11), in a real Chromium
against the app on a real port, with a real SMTP server (aiosmtpd) receiving what the outbox sends:
ask for a desk through the shared link, read the e-mail, follow its proof link, see the booking
confirmed, then cancel it from the manage link of the confirmation e-mail."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar

from lib.booking import bookings, share_links
from lib.core import db
from lib.mail import notify
from tests.browser import browser_page, free_port, screenshot, start_app, stop_app
from tests.mail.conftest import body

pytestmark = pytest.mark.browser

VISITOR = "vi.sitor@example.net"


def _deliver(smtp_server) -> None:
    """What the app's sender thread does every 30 s, done now: send what the outbox holds."""
    result = notify.send_pending()
    assert result.configured and not result.server_down, result.error


def _link_in(message, parameter: str, url: str) -> str:
    found = re.search(rf"{re.escape(url)}/\?{parameter}=[A-Za-z0-9_\-]+", body(message))
    assert found, f"no ?{parameter}= link in: {body(message)}"
    return found.group(0)


def test_visitor_asks_proves_from_the_email_is_booked_and_cancels_from_the_email(demo_db, smtp_server, monkeypatch):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("CANTINE_APP_URL", url)  # where the e-mails' links lead
    token = share_links.create(db.OWNER, "Newsletter")
    proc, _ = start_app(port=port)
    try:
        with browser_page(390, 844) as page:  # a phone: how most members open the newsletter
            page.goto(f"{url}/link?t={token}")
            form = page.locator(".booker form")
            # the next open day: the form opens on today while today has a free slot (whose morning
            # may be over by the hour the suite runs)
            form.get_by_label("Jour", exact=True).select_option(
                bookings.next_open_day(bookings.booking_settings()).isoformat())
            form.locator("fieldset").get_by_text("Matin").click()
            form.get_by_label("Votre nom").fill("Vi Sitor")
            form.get_by_label("Votre e-mail").fill(VISITOR)
            form.get_by_role("button", name="Envoyer la demande").click()
            page.get_by_text("Vérifiez vos e-mails").first.wait_for()
            screenshot(page, "link-journey-check-email")
            with db.as_owner() as conn:  # nothing held, nothing booked before the proof
                assert conn.execute("select count(*) as n from public.bookings where guest_email = %s",
                                    (VISITOR,)).fetchone()["n"] == 0

            _deliver(smtp_server)
            (proof_mail,) = smtp_server.to(VISITOR)
            assert "Vi Sitor" not in proof_mail.as_string(), "no text typed by an unproven visitor in an e-mail"
            page.goto(_link_in(proof_mail, "proof", url))
            page.get_by_text("C'est réservé").first.wait_for()
            screenshot(page, "link-journey-proved")

            _deliver(smtp_server)
            confirmation = smtp_server.to(VISITOR)[-1]
            assert confirmation is not proof_mail and confirmation["Content-Language"] == "fr"
            ics = next(part for part in confirmation.iter_attachments() if part.get_content_type() == "text/calendar")
            (event,) = Calendar.from_ical(ics.get_content()).walk("VEVENT")
            with db.as_owner() as conn:
                booking = conn.execute("select id, lower(during) as starts, status from public.bookings"
                                       " where guest_email = %s", (VISITOR,)).fetchone()
            assert booking["status"] == "confirmed" and event.decoded("dtstart") == booking["starts"]

            page.goto(_link_in(confirmation, "manage", url))
            page.locator(".st-key-link_cancel button").click()
            page.locator(".st-key-link_cancel_yes button").click()  # cancelling asks first
            page.get_by_text("annulée", exact=True).first.wait_for()
            screenshot(page, "link-journey-cancelled")
    finally:
        stop_app(proc)
    with db.as_owner() as conn:
        assert conn.execute("select status from public.bookings where id = %s",
                            (booking["id"],)).fetchone()["status"] == "cancelled"
        receipt = conn.execute("select count(*) as n from public.notifications where booking_id = %s"
                               " and kind = 'booking_cancelled'", (booking["id"],)).fetchone()["n"]
    assert receipt == 1, "the person who cancelled gets a receipt"
