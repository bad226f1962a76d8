"""The sign-in page speaks the browser's language until the visitor chooses (issue #13), and its
language switch is on the page itself, not in the sidebar a phone keeps closed."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lib.core import db
from lib.core.i18n import t
from tests.conftest import APP, DEMO, user_id_of


def _visitor(locale: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if locale:
        at.context = {"locale": locale}
    at.run()
    assert not at.exception, at.exception
    return at


def _heading(at: AppTest) -> str:
    return at.title[0].value


def test_an_english_browser_gets_the_sign_in_page_in_english(demo_db):
    assert _heading(_visitor("en-GB")) == t("auth.sign_in", "en")
    assert _heading(_visitor("en-US")) == t("auth.sign_in", "en")


def test_a_french_or_unknown_browser_gets_the_space_language(demo_db):
    assert _heading(_visitor("fr-FR")) == t("auth.sign_in", "fr")
    assert _heading(_visitor("de-DE")) == t("auth.sign_in", "fr")  # the space's default (demo: French)
    assert _heading(_visitor(None)) == t("auth.sign_in", "fr")


def test_the_visitors_choice_wins_over_the_browser(demo_db):
    at = _visitor("en-US")
    switch = at.segmented_control(key="lang_switch")
    switch.set_value("fr").run()
    assert _heading(at) == t("auth.sign_in", "fr")
    at.run()  # and stays chosen on the next run, the browser still saying English
    assert _heading(at) == t("auth.sign_in", "fr")


def test_the_switch_is_on_the_sign_in_page_not_in_the_sidebar(demo_db):
    at = _visitor("en-US")
    assert [s.key for s in at.main.get("segmented_control")] == ["lang_switch"]
    assert not at.sidebar.get("segmented_control"), "a phone keeps the sidebar closed"


def test_a_signed_in_person_keeps_their_language_whatever_the_browser(demo_db):
    from lib.identity.auth import person_for_user

    with db.as_owner() as conn:
        conn.execute("update public.members set locale = 'fr' where email = %s", (DEMO["member"],))
    at = AppTest.from_file(APP, default_timeout=30)
    at.context = {"locale": "en-US"}
    person = person_for_user(user_id_of(DEMO["member"]))
    at.session_state["person"] = person
    at.session_state["lang"] = person.locale
    at.session_state["_lang_chosen"] = True
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["lang"] == "fr"
    # on a phone the menu is closed: the switch is also at the top of the page
    assert "lang_switch_top" in [s.key for s in at.main.get("segmented_control")]
    at.segmented_control(key="lang_switch_top").set_value("en").run()
    assert at.session_state["lang"] == "en"
    with db.as_owner() as conn:
        assert conn.execute("select locale from public.members where email = %s",
                            (DEMO["member"],)).fetchone()["locale"] == "en"


def test_the_accept_language_header_is_read_by_preference():
    from lib.web.shell import accepted_language

    assert accepted_language("de-DE,de;q=0.9,en;q=0.8,fr;q=0.5") == "en"
    assert accepted_language("fr-CA, en;q=0.9") == "fr"
    assert accepted_language("en;q=0, fr;q=0.1") == "fr"
    assert accepted_language("de, es") is None and accepted_language("") is None
