"""First run: with no administrator in the database, the app shows only the "create the first
admin" form (and the command-line alternative); nothing else is reachable until then.
CANTINE_DEMO=0 turns off demo seeding so an empty embedded database reaches this form."""

from lib.core.i18n import t
from lib.identity import accounts
from lib.space import settings_admin
from tests.conftest import app_as, make_member


def test_empty_database_shows_only_the_first_admin_form(empty_db):
    at = app_as(None)
    assert not at.exception
    assert at.title[0].value == t("firstrun.title", "fr")
    assert "python -m lib create-admin EMAIL" in at.caption[0].value
    assert not at.sidebar.get("page_link") and not at.text_input(key="first_email").value
    labels = {b.label for b in at.button}
    assert t("auth.sign_in", "fr") not in labels, "no sign-in form before an admin exists"


def test_a_member_without_admin_still_sees_the_first_run_form(empty_db):
    make_member("someone@example.org")
    at = app_as(None)
    assert at.title[0].value == t("firstrun.title", "fr")


def test_first_admin_is_created_and_signed_in(empty_db):
    at = app_as(None, lang="en")
    at.text_input(key="first_name").input("Ada Admin")
    at.text_input(key="first_email").input("ada@example.org")
    at.text_input(key="first_password").input("short")
    at.text_input(key="first_repeat").input("short")
    next(b for b in at.button if b.label == t("firstrun.create", "en")).click().run()
    assert [e.value for e in at.error] == [t("password.too_short", "en")]
    assert accounts.needs_first_admin(), "nothing was created"

    at.text_input(key="first_password").input("a-long-enough-password")
    at.text_input(key="first_repeat").input("a-long-enough-password")
    next(b for b in at.button if b.label == t("firstrun.create", "en")).click().run()
    assert not at.exception
    assert at.session_state["person"].role == "admin"
    assert not accounts.needs_first_admin()
    labels = {link.proto.label for link in at.sidebar.get("page_link")}
    assert {"Accounts", "Settings"} <= labels

    again = app_as(None)
    assert again.title[0].value == t("auth.sign_in", "fr"), "afterwards visitors get the sign-in page"


def test_demo_seeding_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("CANTINE_DEMO", "0")
    assert settings_admin.demo_autoseed() is False
    monkeypatch.setenv("CANTINE_DEMO", "1")
    assert settings_admin.demo_autoseed() is True
