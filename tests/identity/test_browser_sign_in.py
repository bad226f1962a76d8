"""In a real browser (Playwright + Debian's Chromium) against `streamlit run app.py`: the demo
member signs in, survives a page reload (remember-me cookie), switches to English, sees the
member's home page and menu, is refused the accounts page, signs out, and stays out after a
reload. Screenshots go to artifacts/sign_in_*.png.

The first request goes straight to /team on a freshly started server: Streamlit's
pages-folder mode runs that file without app.py on a process's first run, and the page must
still refuse (see lib/session.require_page).
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
        page.get_by_label("Adresse e-mail").wait_for()
        page.get_by_text("Français", exact=True).wait_for()
        page.wait_for_timeout(1000)  # let the first reruns settle before the picture
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

        _wait_for_cookie(page)
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


def _wait_for_cookie(page, timeout_s: float = 20) -> None:
    """The remember-me cookie is written by a component after sign-in, on a later rerun: wait for
    it (on a loaded machine it can take seconds) instead of a fixed pause."""
    from lib.identity.auth import COOKIE_NAME

    for _ in range(int(timeout_s * 4)):
        if any(c["name"] == COOKIE_NAME for c in page.context.cookies()):
            return
        page.wait_for_timeout(250)
    raise AssertionError("the remember-me cookie was never written")


def test_every_role_sees_exactly_its_pages_in_both_languages(demo_db):
    """Each demo role signs in; its menu lists exactly `navigation.pages_for(role)`, in French
    and in English, and a page of another role is refused through app.py's navigation."""
    from lib.core import db
    from lib.core.i18n import t
    from lib.web import navigation

    def menu(page, wanted: set[str]) -> set[str]:
        """The menu's page names once they are drawn (waits up to 20 s for the expected ones)."""
        links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]')
        for _ in range(80):
            found = {text.strip().split("\n")[-1] for text in links.all_inner_texts()}  # after the icon
            if found == wanted:
                break
            page.wait_for_timeout(250)
        return found

    def expected(role: str, lang: str) -> set[str]:
        return {t(p.title_key, lang) for p in navigation.pages_for(role) if (db.ROOT / p.path).exists()}

    with running_app({"CANTINE_DEMO": "0"}) as url:
        for role in ("admin", "staff", "board", "member"):
            with browser_page() as page:
                page.goto(url)
                page.get_by_label("Adresse e-mail").fill(f"{role}@example.org")
                page.get_by_label("Mot de passe").fill("cantine-demo")
                page.get_by_role("button", name="Se connecter").click()
                page.get_by_text(f"({t(f'role.{role}', 'fr')})").wait_for()
                assert menu(page, expected(role, "fr")) == expected(role, "fr"), role
                page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
                page.get_by_text(f"({t(f'role.{role}', 'en')})").wait_for()
                assert menu(page, expected(role, "en")) == expected(role, "en"), role
                forbidden = [p for p in navigation.PAGES if not navigation.allowed(p, role)
                             and (db.ROOT / p.path).exists()]
                if forbidden:
                    _wait_for_cookie(page)  # a new page load is a new session: signed in by the cookie
                    page.goto(f"{url}/{forbidden[0].url_path}")
                    page.get_by_text(t("nav.refused", "en", role=t(f"role.{role}", "en"))).wait_for()
                screenshot(page, f"roles_{role}_en")
