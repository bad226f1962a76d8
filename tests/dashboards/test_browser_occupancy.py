"""In a real browser: the board member signs in, opens the occupancy dashboard from the menu,
sees five figures and four drawn charts in French, then in English after switching language, and
downloads the annual report, a chart's PNG and its CSV; a funder opens a board link signed out,
sees no group under 5 and no name, and is refused once the link is revoked.
Screenshots go to artifacts/occupancy_browser_*.png and board_link_browser*.png."""

import pytest

from lib.core import db
from lib.dashboards import board_links
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
        # the space, its events, then event no-shows beside the desks' (the demo took attendance)
        assert page.locator('[data-testid="stMetric"]').count() == 5 + 4 + 2
        assert page.locator('[data-testid="stVegaLiteChart"]').count() == 4
        screenshot(page, "occupancy_browser_fr")
        page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
        page.get_by_role("heading", name="By weekday and half day").wait_for()
        page.get_by_text("Members seen").wait_for()
        screenshot(page, "occupancy_browser_en")
        for button, starts in (("Picture (PNG)", b"\x89PNG"), ("Data (CSV)", "\ufeff".encode()),
                               ("Download the report (PDF)", b"%PDF")):
            with page.expect_download() as download:
                page.get_by_role("button", name=button).first.click()
            with open(download.value.path(), "rb") as f:
                assert f.read().startswith(starts), button


def test_a_funder_opens_the_board_link_signed_out_then_is_refused(demo_db):
    token = board_links.create(db.OWNER, "Funder", 30)
    with db.as_owner() as conn:
        names = [r["full_name"] for r in conn.execute("select full_name from public.members")]
    with running_app() as url, browser_page(height=2000) as page:
        page.goto(f"{url}/?board={token}")
        page.get_by_text("Lecture seule, sans compte").wait_for()
        page.get_by_text("L'année en chiffres").wait_for()
        page.wait_for_timeout(1000)
        body = page.inner_text("body")
        assert "Se connecter" not in body, "no sign-in shell"
        assert not [n for n in names if n in body]
        screenshot(page, "board_link_browser")
        with db.as_owner() as conn:
            link_id = conn.execute("select id::text from public.board_links").fetchone()["id"]
        board_links.revoke(db.OWNER, link_id)
        page.reload()
        page.get_by_text("Ce lien n'est pas ou plus valable").wait_for()
        assert page.get_by_text("L'année en chiffres").count() == 0
        screenshot(page, "board_link_browser_revoked")
