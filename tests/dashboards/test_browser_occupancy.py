"""In a real browser: the board member signs in, opens the occupancy dashboard from the menu,
sees five figures and four drawn charts in French, then in English after switching language.
Screenshots go to artifacts/occupancy_browser_*.png."""

import pytest

from tests.browser import browser_page, open_from_menu, running_app, screenshot

pytestmark = pytest.mark.browser


def test_board_member_reads_the_dashboard_in_both_languages(demo_db):
    with running_app() as url, browser_page(height=2400) as page:
        page.goto(url)
        page.get_by_label("Adresse e-mail").fill("board@example.org")
        page.get_by_label("Mot de passe").fill("cantine-demo")
        page.get_by_role("button", name="Se connecter").click()
        open_from_menu(page, "Occupation", "Par jour et demi-journée")
        # the last 3 months have open days and events on any date (this month so far, the
        # default, has neither on 1 May)
        page.locator(".st-key-occ_preset").get_by_text("3 derniers mois", exact=True).click()
        page.get_by_text("Jour record").wait_for()
        page.wait_for_timeout(1000)  # the rerun for the new period
        page.wait_for_selector('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')
        assert page.locator('[data-testid="stMetric"]').count() == 5 + 4  # the space, then its events
        assert page.locator('[data-testid="stVegaLiteChart"]').count() == 4
        screenshot(page, "occupancy_browser_fr")
        page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
        page.get_by_role("heading", name="By weekday and half day").wait_for()
        page.get_by_text("Members seen").wait_for()
        assert page.get_by_text("Download the daily series (CSV)").count() == 1
        screenshot(page, "occupancy_browser_en")
