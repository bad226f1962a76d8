"""The Supabase Auth path (SUPABASE_URL + SUPABASE_ANON_KEY configured), through supabase-py.

Supabase Auth itself cannot run here: these tests talk to `tests/identity/fake_gotrue.py`, a small local
HTTP server answering the GoTrue endpoints the client calls (password and refresh-token grants,
user, verify, otp, recover, logout) with GoTrue's real response shapes and HS256 tokens, and
keeping users in the test database's `auth.users` as GoTrue does (so the members trigger runs).
Everything else is real: supabase-py, the database, the throttle, the app through AppTest.
"""

import time

import jwt
import pytest

from lib.core import db
from lib.core.errors import UserError
from lib.core.i18n import t
from lib.identity import accounts, supabase_auth
from tests.conftest import app_as, make_member, user_id_of
from tests.identity.fake_gotrue import ANON_KEY, FakeGoTrue


@pytest.fixture
def gotrue(empty_db, monkeypatch):
    make_member("boss@cantine.test", role="admin")  # so the app is past its first run
    # Lou is a member the team added; her account is made in GoTrue and linked by the trigger
    make_member("lou@cantine.test", account=False, full_name="Lou Martin")
    with FakeGoTrue(empty_db) as fake:
        monkeypatch.setenv("SUPABASE_URL", fake.url)
        monkeypatch.setenv("SUPABASE_ANON_KEY", ANON_KEY)
        yield fake


def test_configuration_comes_from_the_environment(gotrue, monkeypatch):
    assert supabase_auth.config() == (gotrue.url, ANON_KEY)
    monkeypatch.delenv("SUPABASE_URL")
    assert not supabase_auth.enabled()


def test_an_open_sign_up_is_confirmed_then_waits_for_the_team(gotrue):
    """Supabase's open sign-up: the address is confirmed, the password right, and still the
    person gets nothing until the team activates the member the trigger made (inactive)."""
    user_id = gotrue.create_user("sam@cantine.test", "sam-password-123", "Sam Stranger")
    with pytest.raises(UserError) as waiting:
        supabase_auth.sign_in_with_password("sam@cantine.test", "sam-password-123",
                                            client=supabase_auth.new_client(), address=None)
    assert waiting.value.key == "auth.awaiting_team"
    with db.as_owner() as conn:
        conn.execute("update public.members set active = true where user_id = %s", (user_id,))
    person = supabase_auth.sign_in_with_password("sam@cantine.test", "sam-password-123",
                                                 client=supabase_auth.new_client(), address=None)
    assert (person.full_name, person.role) == ("Sam Stranger", "member")


def test_new_auth_user_gets_a_member_row_and_signs_in_with_verified_claims(gotrue):
    user_id = gotrue.create_user("lou@cantine.test", "lou-password-123", "Lou Martin")
    person = supabase_auth.sign_in_with_password("lou@cantine.test", "lou-password-123",
                                                 client=supabase_auth.new_client(), address=None)
    assert (person.user_id, person.full_name, person.role) == (user_id, "Lou Martin", "member")
    assert ("GET", "/auth/v1/user") in gotrue.requests, "the token was checked with GoTrue before use"
    claims = person.claims()
    assert claims["sub"] == user_id and claims["role"] == "authenticated" and claims["session_id"]
    with db.as_user(claims) as conn:
        me = conn.execute("select * from public.whoami()").fetchone()
    assert me["full_name"] == "Lou Martin", "the verified claims reach request.jwt.claims"


def test_wrong_password_deactivated_member_and_throttle(gotrue):
    gotrue.create_user("lou@cantine.test", "lou-password-123")
    with pytest.raises(UserError) as wrong:
        supabase_auth.sign_in_with_password("lou@cantine.test", "nope", client=supabase_auth.new_client(), address=None)
    assert wrong.value.key == "auth.wrong_credentials"

    admin = db.claims_for(user_id_of("boss@cantine.test"), "boss@cantine.test")
    with db.as_owner() as conn:
        member_id = str(conn.execute("select id from public.members where email = 'lou@cantine.test'")
                        .fetchone()["id"])
    accounts.set_active(admin, member_id, False)
    with pytest.raises(UserError) as refused:
        supabase_auth.sign_in_with_password("lou@cantine.test", "lou-password-123",
                                            client=supabase_auth.new_client(), address=None)
    assert refused.value.key == "auth.wrong_credentials", "deactivated in Cantine: refused like a wrong password"

    for _ in range(3):
        with pytest.raises(UserError):
            supabase_auth.sign_in_with_password("lou@cantine.test", "nope", client=supabase_auth.new_client(), address=None)
    calls = len(gotrue.requests)
    with pytest.raises(UserError) as locked:
        supabase_auth.sign_in_with_password("lou@cantine.test", "lou-password-123",
                                            client=supabase_auth.new_client(), address=None)
    assert locked.value.key == "auth.throttled"
    assert len(gotrue.requests) == calls, "a locked address is not even sent to GoTrue"


def test_a_token_gotrue_did_not_sign_is_refused(gotrue):
    user_id = gotrue.create_user("lou@cantine.test", "lou-password-123")
    with db.as_owner() as conn:
        row = conn.execute("select * from auth.users where id = %s", (user_id,)).fetchone()
    forged = gotrue.access_token(row, "s1", secret="another-secret-another-secret-another-secret")
    with pytest.raises(UserError):
        supabase_auth.verified_claims(supabase_auth.new_client(), forged)
    good = gotrue.access_token(row, "s1")
    assert supabase_auth.verified_claims(supabase_auth.new_client(), good)["sub"] == user_id
    assert jwt.decode(good, options={"verify_signature": False})["sub"] == user_id


def test_magic_link_comes_back_with_token_hash_and_works_once(gotrue):
    gotrue.create_user("lou@cantine.test", "lou-password-123")
    supabase_auth.send_magic_link("lou@cantine.test", client=supabase_auth.new_client())
    supabase_auth.send_magic_link("nobody@cantine.test", client=supabase_auth.new_client())  # silent
    assert [m["to"] for m in gotrue.outbox] == ["lou@cantine.test"], "no account is created by a magic link"
    token_hash = gotrue.outbox[0]["token_hash"]
    person = supabase_auth.verify_link(token_hash, "magiclink", client=supabase_auth.new_client())
    assert person.email == "lou@cantine.test" and person.token_claims["amr"][0]["method"] == "otp"
    with pytest.raises(UserError) as spent:
        supabase_auth.verify_link(token_hash, "magiclink", client=supabase_auth.new_client())
    assert spent.value.key == "account.link_invalid"


def test_reset_link_then_new_password(gotrue):
    gotrue.create_user("lou@cantine.test", "lou-password-123")
    supabase_auth.send_reset("lou@cantine.test", client=supabase_auth.new_client())
    client = supabase_auth.new_client()
    supabase_auth.verify_link(gotrue.outbox[-1]["token_hash"], "recovery", client=client)
    with pytest.raises(UserError) as mismatch:
        supabase_auth.update_password("a-new-password-1", "a-new-password-2", client=client)
    assert mismatch.value.key == "password.mismatch"
    supabase_auth.update_password("a-new-password-1", "a-new-password-1", client=client)
    person = supabase_auth.sign_in_with_password("lou@cantine.test", "a-new-password-1",
                                                 client=supabase_auth.new_client(), address=None)
    assert person.email == "lou@cantine.test"


def test_an_expiring_token_is_refreshed_and_verified_again(gotrue):
    gotrue.expires_in = 60  # shorter than the refresh margin
    gotrue.create_user("lou@cantine.test", "lou-password-123")
    client = supabase_auth.new_client()
    person = supabase_auth.sign_in_with_password("lou@cantine.test", "lou-password-123", client=client, address=None)
    first_exp = person.token_claims["exp"]
    time.sleep(1.1)
    fresh = supabase_auth.keep_fresh(person, client=client)
    assert fresh is not None and fresh.token_claims["exp"] > first_exp
    assert fresh.token_claims["session_id"] == person.token_claims["session_id"]
    assert ("POST", "/auth/v1/token") in gotrue.requests
    supabase_auth.sign_out(client)
    assert supabase_auth.keep_fresh(fresh, client=supabase_auth.new_client()) is None, \
        "after sign-out, the refresh token no longer works"


def test_the_app_signs_in_through_gotrue_and_follows_email_links(gotrue):
    gotrue.create_user("lou@cantine.test", "lou-password-123", "Lou Martin")
    at = app_as(None)
    assert at.get("expander"), "the email-link form is offered"
    at.text_input(key="sign_in_email").input("lou@cantine.test")
    at.text_input(key="sign_in_password").input("lou-password-123")
    next(b for b in at.button if b.label == t("auth.sign_in", "fr")).click().run()
    assert not at.exception
    person = at.session_state["person"]
    assert person.full_name == "Lou Martin" and person.token_claims["sub"] == person.user_id

    supabase_auth.send_reset("lou@cantine.test", client=supabase_auth.new_client())
    link = app_as(None)
    link.query_params["token_hash"] = gotrue.outbox[-1]["token_hash"]
    link.query_params["type"] = "recovery"
    link.run()
    assert not link.exception
    assert link.title[0].value == t("setpw.title", "fr"), "a reset link asks for the new password first"
    assert link.session_state["person"].email == "lou@cantine.test"


def test_admin_invites_through_gotrue_and_the_trigger_links_the_member(gotrue):
    admin = db.claims_for(user_id_of("boss@cantine.test"), "boss@cantine.test")
    member_id = supabase_auth.invite_by_email(admin, "nora@cantine.test", "Nora Nouvelle", "staff",
                                              client=supabase_auth.new_client())
    assert [m["to"] for m in gotrue.outbox] == ["nora@cantine.test"]
    with db.as_owner() as conn:
        row = conn.execute("select id, role, user_id from public.members where email = 'nora@cantine.test'").fetchone()
    assert str(row["id"]) == member_id and row["role"] == "staff" and row["user_id"] is not None, \
        "GoTrue created the auth user and the trigger linked it to the invited member"
    person = supabase_auth.verify_link(gotrue.outbox[0]["token_hash"], "magiclink", client=supabase_auth.new_client())
    assert (person.member_id, person.role) == (member_id, "staff")

    staff = db.claims_for(person.user_id, person.email)
    with pytest.raises(UserError) as refused:
        supabase_auth.invite_by_email(staff, "x@cantine.test", "X", "member", client=supabase_auth.new_client())
    assert refused.value.key == "account.admin_only"
    with pytest.raises(UserError) as twice:
        supabase_auth.invite_by_email(admin, "nora@cantine.test", "Nora", "member", client=supabase_auth.new_client())
    assert twice.value.key == "account.already_exists"


def test_after_a_reset_link_the_app_asks_for_the_new_password_first(gotrue):
    gotrue.create_user("lou@cantine.test", "lou-password-123", "Lou Martin")
    supabase_auth.send_reset("lou@cantine.test", client=supabase_auth.new_client())
    at = app_as(None)
    at.query_params["token_hash"] = gotrue.outbox[-1]["token_hash"]
    at.query_params["type"] = "recovery"
    at.run()
    at.text_input[0].input("a-fresh-password-9")
    at.text_input[1].input("a-fresh-password-9")
    next(b for b in at.button if b.label == t("setpw.save", "fr")).click().run()
    assert not at.exception and not at.error
    assert at.title[0].value.startswith("Bienvenue"), "then the home page"
    assert supabase_auth.sign_in_with_password("lou@cantine.test", "a-fresh-password-9",
                                               client=supabase_auth.new_client(), address=None).full_name == "Lou Martin"


def test_account_page_changes_the_password_through_gotrue(gotrue):
    gotrue.create_user("lou@cantine.test", "lou-password-123", "Lou Martin")
    at = app_as(None, lang="en")
    at.text_input(key="sign_in_email").input("lou@cantine.test")
    at.text_input(key="sign_in_password").input("lou-password-123")
    next(b for b in at.button if b.label == "Sign in").click().run()
    at.switch_page("views/account.py").run()
    assert not [i for i in at.text_input if i.label == t("password.current", "en")], "GoTrue needs no current password"
    at.text_input[0].input("another-password-7")
    at.text_input[1].input("another-password-7")
    next(b for b in at.button if b.label == t("account.change_password", "en")).click().run()
    assert any(s.value == t("account.password_changed", "en") for s in at.success)
    assert supabase_auth.sign_in_with_password("lou@cantine.test", "another-password-7",
                                               client=supabase_auth.new_client(), address=None)

    restored = app_as("lou@cantine.test", page="views/account.py", lang="en")  # as after a cookie restore
    assert t("account.password_by_email", "en") in [c.value for c in restored.caption]
    restored.button(key="password_by_email").click().run()
    assert gotrue.outbox[-1]["type"] == "recovery"
