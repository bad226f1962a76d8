"""In a real browser (Playwright + Debian's Chromium) against `streamlit run app.py`: the demo
member signs in, survives a page reload (remember-me cookie), switches to English, sees the
member's home page and menu, is refused the accounts page, signs out, and stays out after a
reload. Screenshots go to artifacts/sign_in_*.png.

The first request goes straight to /team on a freshly started server: Streamlit's
pages-folder mode runs that file without app.py on a process's first run, and the page must
still refuse (see lib/session.require_page).
"""

import time

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
        cookie = _session_cookie(page)
        assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"
        assert 11.5 * 3600 < cookie["expires"] - time.time() <= 12 * 3600 + 60  # DEFAULT_COOKIE_HOURS
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
        for _ in range(80):  # the browser forgets the cookie too
            if _session_cookie(page) is None:
                break
            page.wait_for_timeout(250)
        assert _session_cookie(page) is None
        page.reload()
        page.get_by_role("heading", name="Se connecter").wait_for()
        assert page.get_by_text("Alex Membre").count() == 0


def _session_cookie(page) -> dict | None:
    from lib.identity.auth import COOKIE_NAME

    return next((c for c in page.context.cookies() if c["name"] == COOKIE_NAME), None)


def _wait_for_cookie(page, timeout_s: float = 20) -> None:
    """The remember-me cookie is written by a script drawn after sign-in: wait for it (on a loaded
    machine it can take seconds) instead of a fixed pause."""
    for _ in range(int(timeout_s * 4)):
        if _session_cookie(page) is not None:
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


def test_signing_in_sends_no_rerun_of_its_own(demo_db):
    """After the sign-in click, the browser sends the server nothing until the person acts: a rerun
    sent by a cookie component (as before) carried the home page's address, and when it crossed
    the person's first click in the menu it took them back home (twice on CI)."""
    with running_app({"CANTINE_DEMO": "0"}) as url, browser_page() as page:
        sent: list[float] = []
        page.on("websocket", lambda ws: ws.on("framesent", lambda _frame: sent.append(time.monotonic())))
        page.goto(url)
        page.get_by_label("Adresse e-mail").fill("member@example.org")
        page.get_by_label("Mot de passe").fill("cantine-demo")
        page.wait_for_timeout(1000)  # the fields' own messages are sent
        before = len(sent)
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_role("heading", name="Bienvenue à La Cantine des Lices").wait_for()
        _wait_for_cookie(page)
        page.wait_for_timeout(3000)
        assert len(sent) - before == 1  # the click itself, nothing after it
        page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Réserver", exact=True).click()
        page.get_by_role("heading", name="Réserver", exact=True).wait_for()
        page.wait_for_timeout(3000)
        assert page.get_by_role("heading", name="Réserver", exact=True).count() == 1
