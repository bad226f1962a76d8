"""The app shell per role, through AppTest on a real database: which pages the menu lists,
the refusal for the others, signing in (success, failure, deactivated), signing out, and the
language switch remembered per person.

Routing: the screens live in `views/`, not `pages/`, so Streamlit never enters its pages-folder
mode (which runs a page file *without* app.py and rebuilt a list of every page on each rerun:
46% of a rerun's time under a burst, measured with py-spy). Every run goes through app.py, in a
real server and in AppTest alike. Pages still guard themselves (`session.require_page`).
"""

import pytest

from lib.core import db
from lib.core.i18n import t
from lib.identity import accounts
from lib.web import navigation
from tests.conftest import app_as, make_member, open_address

ROLES = ("admin", "staff", "board", "member")


PASSWORD = "correct-horse-battery"


@pytest.fixture
def people(empty_db):
    """One person per role (the first is the admin, so the first-run form does not show)."""
    return {role: (make_member(f"{role}@cantine.test", role=role, full_name=f"Prénom {role.title()}"),
                   f"{role}@cantine.test")[1] for role in ROLES}


def _menu(at) -> set[str]:
    return {link.proto.label for link in at.sidebar.get("page_link")}


def _expected_menu(role: str, lang: str = "fr") -> set[str]:
    return {t(p.title_key, lang) for p in navigation.pages_for(role) if (db.ROOT / p.path).exists()}


@pytest.mark.parametrize("role", ROLES)
def test_menu_lists_exactly_the_pages_of_the_role(people, role):
    at = app_as(people[role])
    assert not at.exception
    menu = _menu(at)
    assert menu == _expected_menu(role)
    assert ("Comptes" in menu) == ("Réglages" in menu) == (role == "admin")
    assert "Mon compte" in menu and "Accueil" in menu
    assert at.sidebar.get("page_link"), "the menu is drawn"
    assert any(t(f"home.intro.{role}", "fr") == m.value for m in at.markdown), "the home page is made for the role"


@pytest.mark.parametrize("role", ("staff", "board", "member"))
@pytest.mark.parametrize("page", ("views/team.py", "views/settings.py"))
def test_admin_pages_are_refused_to_other_roles(people, role, page):
    at = app_as(people[role], page=page)
    assert not at.exception
    assert [w.value for w in at.warning] == [t("nav.refused", "fr", role=t(f"role.{role}", "fr"))]
    assert not at.title, "nothing of the page is drawn"
    assert not at.get("form")


def test_a_refused_or_signed_out_visitor_never_sees_the_page(people):
    at = app_as(people["member"], page="views/team.py")
    assert [w.value for w in at.warning] == [t("nav.refused", "fr", role=t("role.member", "fr"))]
    assert not at.title
    at = app_as(people["admin"])
    at.session_state["person"] = None  # a visitor who is nobody, as on a fresh server
    open_address(at, "settings").run()
    assert [i.value for i in at.info] == [t("auth.please_sign_in", "fr")]
    assert [h.value for h in at.title] == [t("auth.sign_in", "fr")], "the sign-in form, not the settings"


def test_the_screens_folder_keeps_streamlit_out_of_its_pages_folder_mode():
    from lib.core.db import ROOT

    assert not (ROOT / "pages").exists(), "a pages/ folder makes Streamlit run page files without app.py"


def test_admin_opens_accounts_and_settings(people):
    at = app_as(people["admin"], page="views/team.py")
    assert not at.exception and at.title[0].value == "Comptes"
    at.switch_page("views/settings.py").run()
    assert not at.exception and at.title[0].value == "Réglages"


def _sign_in(at, email: str, password: str):
    at.text_input(key="sign_in_email").input(email)
    at.text_input(key="sign_in_password").input(password)
    next(b for b in at.button if b.label == t("auth.sign_in", "fr")).click().run()
    return at


def test_sign_in_success_then_sign_out(people):
    at = app_as(None)
    assert at.title[0].value == "Se connecter" and not _menu(at)
    _sign_in(at, "MEMBER@cantine.test", PASSWORD)
    assert not at.exception
    assert at.session_state["person"].role == "member"
    assert _menu(at) == _expected_menu("member")
    at.button(key="sign_out").click().run()
    assert at.title[0].value == "Se connecter"
    assert any(s.value == t("auth.signed_out", "fr") for s in at.success)
    assert "person" not in at.session_state


@pytest.mark.parametrize("password", ["wrong-password", ""])
def test_wrong_password_and_unknown_email_get_the_same_refusal(people, password):
    at = _sign_in(app_as(None), "member@cantine.test", password)
    wrong = [e.value for e in at.error]
    at = _sign_in(app_as(None), "nobody@cantine.test", PASSWORD)
    assert wrong == [e.value for e in at.error] == [t("auth.wrong_credentials", "fr")]
    assert "person" not in at.session_state


def test_deactivated_member_cannot_sign_in_and_open_session_ends(people):
    open_session = app_as(people["member"])
    admin = app_as(people["admin"])
    member_id = open_session.session_state["person"].member_id
    accounts.set_active(admin.session_state["person"].claims(), member_id, False)
    at = _sign_in(app_as(None), people["member"], PASSWORD)
    assert [e.value for e in at.error] == [t("auth.wrong_credentials", "fr")]
    open_session.run()
    assert open_session.title[0].value == "Se connecter"
    assert any(i.value == t("auth.session_ended", "fr") for i in open_session.info)


def test_language_switch_is_remembered_for_the_person(people):
    at = app_as(people["member"])
    assert at.title[0].value.startswith("Bienvenue")
    at.segmented_control(key="lang_switch").set_value("en").run()
    assert not at.exception
    assert at.title[0].value.startswith("Welcome")
    assert _menu(at) == _expected_menu("member", "en")
    with db.as_owner() as conn:
        assert conn.execute("select locale from public.members where email = %s",
                            (people["member"],)).fetchone()["locale"] == "en"
    # a new browser session: French until the person signs in, then their English
    fresh = app_as(None)
    assert fresh.title[0].value == "Se connecter"
    _sign_in(fresh, people["member"], PASSWORD)
    assert fresh.title[0].value.startswith("Welcome")
    assert fresh.segmented_control(key="lang_switch").value == "en"


def test_a_signed_out_visitor_opening_a_page_gets_the_sign_in_form_then_that_page(people):
    at = app_as(None)
    open_address(at, "team").run()
    assert [i.value for i in at.info] == [t("auth.please_sign_in", "fr")]
    assert at.title[0].value == "Se connecter" and not at.get("dataframe"), "nothing of the page is shown"
    _sign_in(at, people["admin"], PASSWORD)
    assert at.title[0].value == "Comptes", "after signing in, the page that was asked for"
