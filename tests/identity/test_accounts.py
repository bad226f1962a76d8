"""Accounts in the database: deactivation refuses sign-in and ends sessions (history kept),
one-time links (stored hashed, expiring, single use, admins only), password changes, the
last administrator, sessions ended server-side, and the auth.users → members trigger."""

import dataclasses
import datetime as dt
import json
import os
import stat

import psycopg
import pytest

from lib.core import clock, db
from lib.core.errors import UserError
from lib.identity import accounts, auth
from tests.conftest import DEMO, app_as, authenticate_as, make_member, shown, user_id_of

DEMO_PASSWORD = "cantine-demo"


def _admin_claims() -> dict:
    return db.claims_for(user_id_of(DEMO["admin"]), DEMO["admin"])


def _member_id(email: str) -> str:
    with db.as_owner() as conn:
        return str(conn.execute("select id from public.members where email = %s", (email,)).fetchone()["id"])


# --------------------------------------------------------------------------- deactivation

def test_deactivated_member_is_refused_like_a_wrong_password_and_history_is_kept(demo_db):
    person = auth.check_credentials(DEMO["member"], DEMO_PASSWORD, None)
    cookie = auth.cookie_token(person)
    accounts.set_active(_admin_claims(), person.member_id, False)

    with pytest.raises(UserError) as refused:
        auth.check_credentials(DEMO["member"], DEMO_PASSWORD, None)
    with pytest.raises(UserError) as wrong:
        auth.check_credentials(DEMO["member"], "not-the-password", None)
    assert refused.value.key == wrong.value.key == "auth.wrong_credentials"
    assert refused.value.message("en") == "Wrong email address or password."

    assert auth.refresh(person) is None, "an open session ends at its next rerun"
    assert auth.person_from_cookie(cookie) is None, "the remember-me cookie no longer works"
    with db.as_owner() as conn:
        row = conn.execute("select active, user_id from public.members where id = %s", (person.member_id,)).fetchone()
        audit = conn.execute("select count(*) as n from public.audit_log where row_id = %s and action = 'UPDATE'",
                             (person.member_id,)).fetchone()["n"]
    assert row["active"] is False and row["user_id"] is not None, "the member and the account are kept"
    assert audit >= 1, "the deactivation is in the audit log"

    accounts.set_active(_admin_claims(), person.member_id, True)
    assert auth.check_credentials(DEMO["member"], DEMO_PASSWORD, None).email == DEMO["member"]
    assert auth.person_from_cookie(cookie) is None, "reactivation does not revive old cookies"


def test_only_admins_deactivate_or_change_roles(demo_db):
    staff = db.claims_for(user_id_of(DEMO["staff"]), DEMO["staff"])
    with pytest.raises(psycopg.Error) as refused:
        accounts.set_active(staff, _member_id(DEMO["member"]), False)
    assert "member.admin_only" in str(refused.value)
    member = db.claims_for(user_id_of(DEMO["member"]), DEMO["member"])
    with pytest.raises(psycopg.Error):
        accounts.set_role(member, _member_id(DEMO["member"]), "admin")
    with db.as_owner() as conn:
        assert conn.execute("select role from public.members where email = %s",
                            (DEMO["member"],)).fetchone()["role"] == "member"


def test_role_change_applies_at_the_next_rerun(demo_db):
    person = auth.check_credentials(DEMO["member"], DEMO_PASSWORD, None)
    accounts.set_role(_admin_claims(), person.member_id, "staff")
    assert auth.refresh(person).role == "staff"


def test_the_last_admin_stays(demo_db):
    admin_id = _member_id(DEMO["admin"])
    with pytest.raises(psycopg.Error) as refused:
        accounts.set_role(_admin_claims(), admin_id, "member")
    assert "last_admin" in str(refused.value)  # the directory migration guards this too
    with pytest.raises(psycopg.Error):
        accounts.set_active(_admin_claims(), admin_id, False)
    # with a second admin, the first may step down
    accounts.set_role(_admin_claims(), _member_id(DEMO["staff"]), "admin")
    accounts.set_role(_admin_claims(), admin_id, "member")


# --------------------------------------------------------------------------- sessions

def test_sign_out_ends_every_session_and_cookie_of_the_account(demo_db):
    first = auth.check_credentials(DEMO["board"], DEMO_PASSWORD, None)
    second = auth.check_credentials(DEMO["board"], DEMO_PASSWORD, None)  # another browser
    cookie = auth.cookie_token(first)
    assert auth.person_from_cookie(cookie) == first
    accounts.end_sessions(first.user_id)
    assert auth.refresh(first) is None and auth.refresh(second) is None
    assert auth.person_from_cookie(cookie) is None


def test_cookies_are_signed_and_expire(demo_db):
    person = auth.check_credentials(DEMO["board"], DEMO_PASSWORD, None)
    token = auth.cookie_token(person)
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[::-1]}"
    assert auth.person_from_cookie(forged) is None
    import datetime as dt

    old = auth.cookie_token(person, now=clock.now() - dt.timedelta(hours=13))
    assert auth.person_from_cookie(old) is None, "cookies last 12 hours"
    assert auth.person_from_cookie("garbage") is None


def test_cookie_key_is_generated_once_with_private_mode(pg_server):
    key = auth.cookie_key()
    path = db.data_dir() / "cookie_key"
    assert len(key) >= 48 and auth.cookie_key() == key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_password_change_needs_the_current_one_and_ends_other_sessions(demo_db):
    person = auth.check_credentials(DEMO["staff"], DEMO_PASSWORD, None)
    other = auth.check_credentials(DEMO["staff"], DEMO_PASSWORD, None)
    with pytest.raises(UserError) as wrong:
        accounts.change_password(person.user_id, "wrong-current", "a-new-long-password", "a-new-long-password")
    assert wrong.value.key == "password.current_wrong"
    with pytest.raises(UserError) as short:
        accounts.change_password(person.user_id, DEMO_PASSWORD, "short", "short")
    assert short.value.key == "password.too_short"
    with pytest.raises(UserError) as mismatch:
        accounts.change_password(person.user_id, DEMO_PASSWORD, "a-new-long-password", "a-new-long-passw0rd")
    assert mismatch.value.key == "password.mismatch"
    version = accounts.change_password(person.user_id, DEMO_PASSWORD, "a-new-long-password", "a-new-long-password")
    assert auth.refresh(other) is None
    assert auth.refresh(dataclasses.replace(person, session_version=version)) is not None
    assert auth.check_credentials(DEMO["staff"], "a-new-long-password", None).role == "staff"


# --------------------------------------------------------------------------- one-time links

def test_invitation_link_sets_a_password_once(demo_db):
    member_id, token = accounts.invite(_admin_claims(), "new.person@example.org", "Nouvelle Personne", "staff")
    assert len(token) >= 43, "at least 256 bits, url-safe"
    with db.as_owner() as conn:
        stored = conn.execute("select token_hash, purpose, expires_at - created_at as ttl"
                              " from private.password_tokens").fetchall()
    assert [r["token_hash"] for r in stored] == [accounts.hash_token(token)], "only the hash is stored"
    assert stored[0]["purpose"] == "invite" and stored[0]["ttl"].total_seconds() == 72 * 3600

    info = accounts.link_info(token)
    assert info["email"] == "new.person@example.org" and info["purpose"] == "invite"
    with pytest.raises(UserError):
        auth.check_credentials("new.person@example.org", "", None)  # no password yet: nothing lets them in
    accounts.use_link(token, "their-own-password", "their-own-password")
    person = auth.check_credentials("new.person@example.org", "their-own-password", None)
    assert person.member_id == member_id and person.role == "staff"

    assert accounts.link_info(token) is None
    with pytest.raises(psycopg.Error) as spent:
        accounts.use_link(token, "another-password!", "another-password!")
    assert "account.link_invalid" in str(spent.value)


def test_reset_link_replaces_the_previous_one_and_expires(demo_db):
    member_id = _member_id(DEMO["member"])
    first, _ = accounts.issue_reset(_admin_claims(), member_id)
    second, expires = accounts.issue_reset(_admin_claims(), member_id)
    assert accounts.link_info(first) is None, "only the newest link works"
    assert accounts.link_info(second)["purpose"] == "reset"
    assert auth.check_credentials(DEMO["member"], DEMO_PASSWORD, None), "the old password works until the link is used"
    with db.as_owner() as conn:
        conn.execute("update private.password_tokens set created_at = created_at - interval '25 hours',"
                     " expires_at = expires_at - interval '25 hours'")
    with pytest.raises(psycopg.Error):
        accounts.use_link(second, "brand-new-password", "brand-new-password")
    third, _ = accounts.issue_reset(_admin_claims(), member_id)
    accounts.use_link(third, "brand-new-password", "brand-new-password")
    with pytest.raises(UserError):
        auth.check_credentials(DEMO["member"], DEMO_PASSWORD, None)
    assert auth.check_credentials(DEMO["member"], "brand-new-password", None).role == "member"


def test_only_admins_issue_links_and_anon_cannot_call_them(demo_db):
    with pytest.raises(psycopg.Error) as refused:
        accounts.invite(db.claims_for(user_id_of(DEMO["staff"]), DEMO["staff"]), "x@example.org", "X", "member")
    assert "account.admin_only" in str(refused.value)
    with pytest.raises(psycopg.Error) as refused:
        accounts.issue_reset(db.claims_for(user_id_of(DEMO["member"]), DEMO["member"]), _member_id(DEMO["admin"]))
    assert "account.admin_only" in str(refused.value)
    with pytest.raises(psycopg.errors.InsufficientPrivilege), db.as_anon() as conn:
        conn.execute("select public.issue_password_reset(gen_random_uuid(), repeat('a', 64))")
    with pytest.raises(psycopg.errors.InsufficientPrivilege), authenticate_as(DEMO["admin"]) as conn:
        conn.execute("select * from private.password_tokens")
    with pytest.raises(psycopg.errors.InsufficientPrivilege), authenticate_as(DEMO["admin"]) as conn:
        conn.execute("select private.use_password_token(repeat('a', 64), 'x')")


def test_inviting_someone_who_has_an_account_is_refused(demo_db):
    with pytest.raises(psycopg.Error) as refused:
        accounts.invite(_admin_claims(), DEMO["member"].upper(), "Alex", "member")
    assert "account.already_exists" in str(refused.value)
    with pytest.raises(UserError) as bad:
        accounts.invite(_admin_claims(), "not-an-email", "X", "member")
    assert bad.value.key == "account.email_invalid"


# --------------------------------------------------------------------------- new auth.users rows

def _sign_up(email: str, confirmed: bool, full_name: str | None = None) -> str:
    """What Supabase's open sign-up does: an auth.users row, confirmed or not yet."""
    meta = json.dumps({"full_name": full_name} if full_name else {})
    with db.as_owner() as conn:
        return str(conn.execute(
            "insert into auth.users (email, raw_user_meta_data, email_confirmed_at)"
            " values (%s, %s, case when %s then now() end) returning id", (email, meta, confirmed)).fetchone()["id"])


def _confirm(user_id: str) -> None:
    with db.as_owner() as conn:
        conn.execute("update auth.users set email_confirmed_at = now() where id = %s", (user_id,))


def _member_of(email: str) -> dict | None:
    with db.as_owner() as conn:
        return conn.execute("select full_name, role, active, user_id, activation_requested_at"
                            " from public.members where email = %s",
                            (email,)).fetchone()


def test_signing_up_with_a_members_address_links_it_only_once_the_address_is_confirmed(demo_db):
    """Whoever signs up first with a member's address must not become that member before
    proving the address: the unconfirmed account is linked to nothing."""
    make_member("already@example.org", account=False, full_name="Déjà Là")
    squatter = _sign_up("already@example.org", confirmed=False)
    assert _member_of("already@example.org")["user_id"] is None
    _confirm(squatter)  # the address's owner clicked the confirmation e-mail
    member = _member_of("already@example.org")
    assert str(member["user_id"]) == squatter and member["full_name"] == "Déjà Là" and member["active"]


def test_an_open_sign_up_gets_nothing_until_confirmed_and_activated_by_the_team(demo_db):
    """Supabase's open sign-up: a stranger's account sees no directory and books nothing, first
    until the address is confirmed, then until the team activates the member."""
    from lib.booking import bookings
    from lib.directory import members

    stranger = _sign_up("fresh@example.org", confirmed=False, full_name="Fresh Person")
    assert _member_of("fresh@example.org") is None, "no member row before the address is proven"
    _confirm(stranger)
    member = _member_of("fresh@example.org")
    assert member["full_name"] == "Fresh Person" and member["role"] == "member" and not member["active"]
    assert member["activation_requested_at"] is not None, "the members page shows who waits"
    assert auth.person_for_user(stranger) is None, "an inactive member cannot sign in to the app"
    stranger_claims = db.claims_for(stranger, "fresh@example.org")
    with db.as_user(stranger_claims) as conn:
        assert conn.execute("select count(*) as n from public.members"
                            " where user_id is distinct from auth.uid()").fetchone()["n"] == 0, "only their own row"
        assert conn.execute("select count(*) as n from public.bookings").fetchone()["n"] == 0
    with db.as_owner() as conn:
        desk_id = conn.execute("select id from public.resources where kind = 'desk' and active"
                               " order by name limit 1").fetchone()["id"]
    start = clock.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=2, hours=1)
    with pytest.raises(UserError) as refused:
        bookings.book(stranger_claims, str(desk_id), start, start + dt.timedelta(hours=1))
    assert refused.value.key == "booking.sign_in", "an inactive member books as nobody"
    assert {r["full_name"] for r in members.search(stranger_claims)} <= {"Fresh Person"}, "no one else"
    at = app_as(DEMO["admin"], "views/members_admin.py", lang="en")
    assert any("Sign-up waiting for activation: Fresh Person" in shown(box.value) for box in at.info)
    with db.as_owner() as conn:
        conn.execute("update public.members set active = true where email = 'fresh@example.org'")
    assert auth.person_for_user(stranger).email == "fresh@example.org", "activated by the team: in"
    assert _member_of("fresh@example.org")["activation_requested_at"] is None


# --------------------------------------------------------------------------- first admin

def test_first_admin_only_while_there_is_none(empty_db):
    assert accounts.needs_first_admin()
    with pytest.raises(UserError) as short:
        accounts.create_first_admin("boss@example.org", "Boss", "short")
    assert short.value.key == "password.too_short"
    user_id = accounts.create_first_admin("boss@example.org", "La Boss", "a-long-enough-password")
    assert auth.person_for_user(user_id).role == "admin"
    assert not accounts.needs_first_admin()
    with pytest.raises(UserError) as again:
        accounts.create_first_admin("other@example.org", "Other", "a-long-enough-password")
    assert again.value.key == "account.first_admin_exists"


def test_two_first_admins_at_once_make_exactly_one(empty_db):
    """Two visitors submit the first-run form together: the advisory lock lets one through."""
    from concurrent.futures import ThreadPoolExecutor

    def attempt(i: int) -> str:
        try:
            accounts.create_first_admin(f"boss{i}@example.org", f"Boss {i}", "a-long-enough-password")
            return "created"
        except UserError as exc:
            return exc.key

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(attempt, range(4)))
    assert outcomes == ["account.first_admin_exists"] * 3 + ["created"]
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.members where role = 'admin'").fetchone()["n"] == 1


@pytest.mark.parametrize("claims_made", [
    {},                                  # no expiry at all
    {"exp": "9999999999"},               # an expiry that is not a number
    {"exp": 1.0},                        # long past
])
def test_a_cookie_signed_with_the_key_but_a_forged_expiry_is_refused(demo_db, claims_made):
    """The attacker who got hold of the key's output shape cannot stretch a cookie: the expiry is
    required, a number, and compared with the app's clock (not PyJWT's)."""
    import jwt

    person = auth.check_credentials(DEMO["board"], "cantine-demo", None)
    forged = jwt.encode({"username": person.user_id, "ver": person.session_version, **claims_made},
                        auth.cookie_key(), algorithm="HS256")
    assert auth.person_from_cookie(forged) is None
    fresh = jwt.encode({"username": person.user_id, "ver": person.session_version,
                        "exp": int(clock.now().timestamp()) + 600}, auth.cookie_key(), algorithm="HS256")
    assert auth.person_from_cookie(fresh) == person, "the same cookie with a valid expiry is accepted"
