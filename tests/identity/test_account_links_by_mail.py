"""Invitation and reset links of local accounts go by e-mail when mail is set up (issue #11):
queued in the outbox with the token as the message's secret, in the same transaction as the
link; the team page says where it went. Without mail, the page still shows the link once."""

from __future__ import annotations

import psycopg
import pytest

from lib.core import db
from lib.core.i18n import t
from lib.identity import accounts
from lib.mail import scheduled
from lib.web.ui import t_md
from tests.conftest import app_as, claims, make_member
from tests.mail.conftest import SMTP_ENV, free_port

BOSS, ALEX = "boss@cantine.test", "alex@cantine.test"


@pytest.fixture
def team(empty_db):
    make_member(BOSS, role="admin", full_name="Camille Boss")
    make_member(ALEX, role="member", full_name="Alex Membre")
    return BOSS


@pytest.fixture
def mail_on(monkeypatch, tmp_path):
    """SMTP settings pointing to a port where nothing listens: only queueing is tested."""
    for name in SMTP_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CANTINE_SECRETS_FILE", str(tmp_path / "secrets.toml"))
    monkeypatch.setenv("CANTINE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CANTINE_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("CANTINE_SMTP_FROM", "Cantine <noreply@cantine.test>")
    monkeypatch.setenv("CANTINE_SMTP_STARTTLS", "0")
    monkeypatch.setenv("CANTINE_APP_URL", "https://cantine.test")


@pytest.fixture
def mail_off(monkeypatch, tmp_path):
    for name in (*SMTP_ENV, "CANTINE_APP_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CANTINE_SECRETS_FILE", str(tmp_path / "secrets.toml"))


def _account_messages() -> list[dict]:
    with db.as_owner() as conn:
        return conn.execute(
            "select n.*, s.token from public.notifications n"
            " left join private.notification_secrets s on s.notification_id = n.id"
            " where n.kind in ('account_invite', 'password_reset') order by n.created_at").fetchall()


def test_invite_and_reset_queue_the_link_with_its_token(team, mail_on):
    assert scheduled.account_links_by_mail()
    member_id, token = accounts.invite(claims(BOSS), "nora@cantine.test", "Nora Nouvelle", "staff", by_mail=True)
    [invite] = _account_messages()
    assert (invite["kind"], invite["to_email"], invite["to_name"], str(invite["member_id"])) == (
        "account_invite", "nora@cantine.test", "Nora Nouvelle", member_id)
    assert invite["token"] == token and accounts.link_info(token)["purpose"] == "invite"
    assert set(invite["payload"]) == {"space", "full_name", "role", "expires_at"}
    assert (invite["payload"]["full_name"], invite["payload"]["role"]) == ("Nora Nouvelle", "staff")

    # a new link replaces the old one: the message carrying the dead link is dropped
    reset, _ = accounts.issue_reset(claims(BOSS), member_id, by_mail=True)
    [message] = _account_messages()
    assert (message["kind"], message["token"]) == ("password_reset", reset)
    assert set(message["payload"]) == {"space", "expires_at"}
    assert accounts.link_info(token) is None and accounts.link_info(reset)["purpose"] == "reset"


def test_nobody_but_an_admin_mails_a_link_and_only_a_live_one(team, mail_on):
    token, _ = accounts.issue_reset(claims(BOSS), make_member("kim@cantine.test", full_name="Kim"))
    with db.as_user(claims(ALEX)) as conn, pytest.raises(psycopg.errors.RaiseException) as refused:
        conn.execute("select public.queue_account_link(%s)", (token,))
    assert refused.value.diag.message_primary == "account.admin_only"
    # an admin cannot mail a made-up secret, nor a link already replaced
    for secret in ("x" * 43, token):
        if secret == token:
            accounts.issue_reset(claims(BOSS), _member_id("kim@cantine.test"))
        with db.as_user(claims(BOSS)) as conn, pytest.raises(psycopg.errors.RaiseException) as refused:
            conn.execute("select public.queue_account_link(%s)", (secret,))
        assert refused.value.diag.message_primary == "account.link_invalid"
    assert _account_messages() == []


def _member_id(email: str) -> str:
    with db.as_owner() as conn:
        return str(conn.execute("select id from public.members where email = %s", (email,)).fetchone()["id"])


def _click(at, label: str):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def test_team_page_says_the_invitation_was_sent(team, mail_on):
    at = app_as(team, page="views/team.py", lang="en")
    at.text_input[0].input("Nora Nouvelle")
    at.text_input[1].input("nora@cantine.test")
    _click(at, t("team.invite_button", "en"))
    assert t_md("team.link_mailed", "en", email="nora@cantine.test", hours=accounts.INVITE_HOURS) in [
        s.value for s in at.success]
    assert not at.code  # the link is not shown: it went by e-mail
    [message] = _account_messages()
    assert message["to_email"] == "nora@cantine.test" and message["status"] == "pending"
    assert accounts.link_info(message["token"])["email"] == "nora@cantine.test"

    at.text_input(key="team_search").input(ALEX).run()
    at.selectbox(key="team_member").set_value(at.selectbox(key="team_member").options[0]).run()
    _click(at, t("team.reset_link", "en"))
    assert t_md("team.link_mailed", "en", email=ALEX, hours=accounts.RESET_HOURS) in [s.value for s in at.success]
    reset = [m for m in _account_messages() if m["kind"] == "password_reset"]
    assert [m["to_email"] for m in reset] == [ALEX] and accounts.link_info(reset[0]["token"])["purpose"] == "reset"


def test_without_mail_the_page_shows_the_link_and_queues_nothing(team, mail_off):
    at = app_as(team, page="views/team.py", lang="en")
    at.text_input[0].input("Nora Nouvelle")
    at.text_input[1].input("nora@cantine.test")
    _click(at, t("team.invite_button", "en"))
    assert "set_password?token=" in at.code[0].value
    assert _account_messages() == []
