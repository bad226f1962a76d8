"""The accounts page (admins) and what follows from it, through AppTest: inviting someone
shows a one-time link once; that link (public set-password page) sets the password once;
role changes, deactivation and reset links; a person changes their own password."""

import pytest

from lib.core.errors import UserError
from lib.core.i18n import t
from lib.identity import accounts, auth
from tests.conftest import app_as, make_member, shown

PASSWORD = "correct-horse-battery"


@pytest.fixture
def team(empty_db):
    make_member("boss@cantine.test", role="admin", full_name="Camille Boss")
    make_member("alex@cantine.test", role="member", full_name="Alex Membre")
    return "boss@cantine.test"


def _click(at, label: str):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def _token_from(at) -> str:
    link = at.code[0].value
    assert "set_password?token=" in link
    return link.split("token=", 1)[1]


def _choose(at, email: str):
    at.text_input(key="team_search").input(email).run()
    at.selectbox(key="team_member").set_value(at.selectbox(key="team_member").options[0]).run()
    return at


def test_invite_then_set_password_through_the_link(team):
    at = app_as(team, page="views/team.py", lang="en")
    at.text_input[0].input("Nora Nouvelle")
    at.text_input[1].input("nora@cantine.test")
    at.selectbox[0].set_value("staff")
    _click(at, t("team.invite_button", "en"))
    token = _token_from(at)
    assert accounts.link_info(token)["purpose"] == "invite"

    visitor = app_as(None)
    visitor.query_params["token"] = token
    visitor.switch_page("views/set_password.py").run()
    assert t("setpw.for_invite", "fr", email="nora@cantine.test") in [shown(m.value) for m in visitor.markdown]
    visitor.text_input[0].input("nora-password-1")
    visitor.text_input[1].input("nora-password-2")
    _click(visitor, t("setpw.save", "fr"))
    assert [e.value for e in visitor.error] == [t("password.mismatch", "fr")]
    visitor.text_input[0].input("nora-password-1")
    visitor.text_input[1].input("nora-password-1")
    _click(visitor, t("setpw.save", "fr"))
    assert any(s.value == t("setpw.done", "fr") for s in visitor.success)
    assert auth.check_credentials("nora@cantine.test", "nora-password-1", None).role == "staff"

    again = app_as(None)
    again.query_params["token"] = token
    again.switch_page("views/set_password.py").run()
    assert [e.value for e in again.error] == [t("account.link_invalid", "fr")], "a link works once"


def test_role_change_deactivation_and_reset_link(team):
    member_session = app_as("alex@cantine.test")
    at = _choose(app_as(team, page="views/team.py"), "alex@cantine.test")
    at.selectbox(key=next(s.key for s in at.selectbox if (s.key or "").startswith("role_"))).set_value("board").run()
    _click(at, t("team.change_role", "fr"))
    assert any("Membre du bureau" in s.value for s in at.success)
    member_session.run()
    assert member_session.session_state["person"].role == "board", "the new role applies at the next rerun"

    _click(at, t("team.reset_link", "fr"))
    token = _token_from(at)
    assert accounts.link_info(token)["purpose"] == "reset"

    _click(at, t("team.deactivate", "fr"))
    assert any(s.value == t("team.deactivated", "fr", name="Alex Membre") for s in at.success)
    assert accounts.link_info(token) is None, "a deactivated member's link does not work"
    member_session.run()
    assert "person" not in member_session.session_state, "the open session ended"
    with pytest.raises(UserError):
        auth.check_credentials("alex@cantine.test", PASSWORD, None)


def test_admin_cannot_remove_the_last_admin(team):
    at = _choose(app_as(team, page="views/team.py", lang="en"), "boss@cantine.test")
    _click(at, t("team.deactivate", "en"))
    assert at.error and "administrator" in at.error[0].value


def test_person_changes_own_password(team):
    at = app_as("alex@cantine.test", page="views/account.py", lang="en")
    other_tab = app_as("alex@cantine.test")
    assert at.title[0].value == "My account"
    at.text_input[0].input("wrong-current-password")
    at.text_input[1].input("a-brand-new-password")
    at.text_input[2].input("a-brand-new-password")
    _click(at, t("account.change_password", "en"))
    assert [e.value for e in at.error] == [t("password.current_wrong", "en")]
    at.text_input[0].input(PASSWORD)
    at.text_input[1].input("a-brand-new-password")
    at.text_input[2].input("a-brand-new-password")
    _click(at, t("account.change_password", "en"))
    assert any(s.value == t("account.password_changed", "en") for s in at.success)
    at.run()
    assert at.session_state["person"].email == "alex@cantine.test", "this session stays"
    other_tab.run()
    assert "person" not in other_tab.session_state, "other sessions end"
    assert auth.check_credentials("alex@cantine.test", "a-brand-new-password", None)
