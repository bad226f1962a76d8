"""In a real Chromium: the public events page with a hostile title and speaker loads nothing from
outside and holds no image, link or HTML from them — the visitor reads the text as it was typed
(what AppTest cannot see: Streamlit's own rewriting of the rendered text, autolinks and icons)."""

from __future__ import annotations

import pytest

from tests.browser import browser_page, running_app, screenshot
from tests.web.test_hostile_text import HOSTILE, _hostile_data

pytestmark = pytest.mark.browser


def test_public_events_page_draws_hostile_text_as_text(demo_db):
    token = _hostile_data()["event_link"]
    with running_app() as url, browser_page() as page:
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{url}/link?t={token}")
        page.get_by_role("heading", name="Événements").wait_for()
        page.get_by_text("**bold**").first.wait_for()
        page.wait_for_timeout(1000)  # whatever the page would fetch, let it ask
        screenshot(page, "hostile-event-link")
        main = page.locator("[data-testid=stMain]")
        assert not [u for u in requested if "tracker.example" in u or "phish.example" in u], requested
        assert main.locator("img").count() == 0, "no image drawn from the text"
        links = [main.locator("a").nth(i).get_attribute("href") or "" for i in range(main.locator("a").count())]
        assert not [href for href in links if "phish" in href or "tracker" in href], links
        texts = "[data-testid=stHeading], [data-testid=stCaptionContainer]"
        assert main.locator(texts).locator("[data-testid=stIconMaterial], .katex").count() == 0, "no icon, formula"
        shown = main.inner_text().replace("\u2060", "")
        assert HOSTILE in shown, "the title and the speakers read exactly as typed"
