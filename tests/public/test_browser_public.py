"""Issue #17's "done when", in a real Chromium on a phone-sized viewport, signed out, against the
app on a real port with a real SMTP server: the showcase lists exactly the public members, a
search by skill finds one, their page shows their talks, the contact form reaches them by e-mail
without revealing their address; the agenda lists the coming public events and an event's own
address opens it; a member switching to "members only" is gone on the next visit."""

from __future__ import annotations

import re

import pytest

from lib.core import db
from lib.mail import notify
from tests.browser import browser_page, free_port, screenshot, start_app, stop_app
from tests.conftest import authenticate_as, make_member
from tests.mail.conftest import body
from tests.public.conftest import PUBLIC, QUIET, VISITOR

pytestmark = pytest.mark.browser

HOSTILE = "<b>Bold</b> <img src=x onerror=alert(1)> **stars** [x](https://evil.example)"


def face_text(page) -> str:
    """What the public page shows: its component draws in a shadow root, which Playwright's
    locators pierce (page.inner_text("body") does not)."""
    return page.locator(".face").inner_text()


def _deliver() -> None:
    result = notify.send_pending()
    assert result.configured and not result.server_down, result.error


def test_a_visitor_on_a_phone_finds_a_member_reads_their_talks_writes_to_them_and_opens_the_agenda(
        face, smtp_server, monkeypatch):
    make_member("hostile@example.org", visibility="public", full_name=HOSTILE)
    with db.as_owner() as conn:
        conn.execute("update public.members set bio = %s where email = 'hostile@example.org'", (HOSTILE,))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("CANTINE_APP_URL", url)
    proc, _ = start_app(port=port)
    try:
        with browser_page(390, 844) as page:
            page.goto(f"{url}/?showcase")
            page.get_by_text("Pia Publique").first.wait_for()
            text = face_text(page)
            assert "Quentin Discret" in text and "3 membres" in text
            assert HOSTILE in text and page.locator(".face img, .face b").count() == 0, "shown as text"
            for secret in ("Hugo", "Mona", "Ines", "@"):
                assert secret not in text, secret
            screenshot(page, "public-showcase-phone")

            search = page.get_by_label("Chercher une compétence, un métier, un nom")
            search.fill("python")
            search.press("Enter")
            page.get_by_text("1 membre").wait_for()
            assert "Quentin Discret" not in face_text(page)
            assert "q=python" in page.url

            page.get_by_role("link", name="Voir le profil").first.click()
            page.get_by_role("heading", name="Pia Publique", exact=True).wait_for()
            page.get_by_text("Coming talk by Pia").first.wait_for()
            text = face_text(page)
            assert text.index("Meetup organised by Pia") < text.index("Coming talk by Pia") < text.index("Past talk by Pia")
            assert f"showcase={face['public']}" in page.url
            screenshot(page, "public-member-phone")

            page.get_by_label("Votre nom").fill("Vi Sitor")
            page.get_by_label("Votre e-mail").fill(VISITOR)
            page.get_by_label("Votre message").fill("Bonjour Pia, un café ?")
            page.get_by_role("button", name="Envoyer").click()
            page.get_by_text("Vérifiez vos e-mails").wait_for()
            assert PUBLIC not in page.content() + page.locator(".face").inner_html()

            _deliver()
            (proof,) = smtp_server.to(VISITOR)
            link = re.search(rf"{re.escape(url)}/\?contact=[A-Za-z0-9_\-]+", body(proof))
            assert link, body(proof)
            page.goto(link.group(0))
            page.get_by_text("C'est envoyé").wait_for()
            assert PUBLIC not in page.content()
            _deliver()
            (relayed,) = smtp_server.to(PUBLIC)
            assert "Bonjour Pia, un café ?" in body(relayed)
            assert relayed["Reply-To"].addresses[0].addr_spec == VISITOR
            assert all(PUBLIC not in m.as_string() for m in smtp_server.to(VISITOR))

            page.goto(f"{url}/?agenda")
            page.get_by_text("Coming talk by Pia").first.wait_for()
            text = face_text(page)
            assert "Meetup organised by Pia" in text and "Talk with a hidden member" in text
            assert "Past talk by Pia" not in text and "Draft event" not in text and "Cancelled event" not in text
            screenshot(page, "public-agenda-phone")
            page.goto(f"{url}/?agenda={face['coming_talk']}")
            page.get_by_role("heading", name="Coming talk by Pia", exact=True).wait_for()
            page.get_by_text("Guest Speaker").first.wait_for()

            with authenticate_as(QUIET) as conn:
                conn.execute("update public.members set visibility = 'members' where email = %s", (QUIET,))
            page.goto(f"{url}/?showcase")
            page.get_by_text("2 membres").wait_for()
            assert "Quentin Discret" not in face_text(page)

            page.get_by_role("link", name="English").click()  # remembered in this browser
            page.get_by_text("2 members").wait_for()
            page.goto(f"{url}/?agenda")  # a bare address, opened later
            page.get_by_text("What's on at").wait_for()
            assert "lang=en" in page.url
    finally:
        stop_app(proc)
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.notifications where kind = 'contact_message'"
                            ).fetchone()["n"] == 1
