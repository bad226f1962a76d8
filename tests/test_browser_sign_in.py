"""In a real browser (Playwright + Debian's Chromium) against `streamlit run app.py`: the demo
member signs in, survives a page reload (remember-me cookie), switches to English, sees the
member's home page and menu, is refused the accounts page, signs out, and stays out after a
reload. Screenshots go to artifacts/sign_in_*.png.

The first request goes straight to /team on a freshly started server: Streamlit's
pages-folder mode runs that file without app.py on a process's first run, and the page must
still refuse (see lib/auth.require_page).
"""

import pytest

from tests.browser import browser_page, running_app, screenshot

pytestmark = pytest.mark.browser


def test_member_signs_in_switches_to_english_and_signs_out(demo_db):
    with running_app({"CANTINE_DEMO": "0"}) as url, browser_page() as page:
        page.goto(f"{url}/team")
        page.wait_for_selector("text=/Connectez-vous pour voir cette page|Se connecter/")
        assert page.get_by_text("Inviter quelqu'un").count() == 0, "a fresh server never shows a page to nobody"

        page.goto(url)
        page.get_by_role("heading", name="Se connecter").wait_for()
        screenshot(page, "sign_in_1_form_fr")
        page.get_by_label("Adresse e-mail").fill("member@example.org")
        page.get_by_label("Mot de passe").fill("wrong-password")
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_text("Adresse e-mail ou mot de passe incorrect.").wait_for()

        page.get_by_label("Mot de passe").fill("cantine-demo")
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_role("heading", name="Bienvenue à La Cantine des Lices").wait_for()
        page.get_by_text("Connecté·e : Alex Membre (Membre)").wait_for()
        screenshot(page, "sign_in_2_member_home_fr")

        page.wait_for_timeout(1500)  # let the cookie component write the remember-me cookie
        page.reload()
        page.get_by_role("heading", name="Bienvenue à La Cantine des Lices").wait_for()

        page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
        page.get_by_role("heading", name="Welcome to La Cantine des Lices").wait_for()
        page.get_by_text("Book a desk, sign up for events, find who knows what.").wait_for()
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_role("link", name="My account").count() == 1
        assert sidebar.get_by_role("link", name="Accounts").count() == 0
        assert sidebar.get_by_role("link", name="Settings").count() == 0
        screenshot(page, "sign_in_3_member_home_en")

        page.goto(f"{url}/team")
        page.get_by_text("This page is not available to your role (Member).").wait_for()
        assert page.get_by_text("Invite someone").count() == 0
        screenshot(page, "sign_in_4_refused_en")

        page.get_by_role("button", name="Sign out").click()
        page.get_by_text("You are signed out.").wait_for()
        screenshot(page, "sign_in_5_signed_out")
        page.wait_for_timeout(1500)
        page.reload()
        page.get_by_role("heading", name="Se connecter").wait_for()
        assert page.get_by_text("Alex Membre").count() == 0
