"""Signing in through Supabase Auth (GoTrue), used when SUPABASE_URL and SUPABASE_ANON_KEY are
configured (environment, or `[supabase] url` / `anon_key` in secrets). Otherwise Cantine uses
its local accounts (lib/identity/accounts.py) and nothing here runs.

- One supabase-py client **per browser session** (lib/web/session.py keeps it in `st.session_state`): the client keeps the
  signed-in user's tokens, so a shared client would make every visitor the last one signed in.
- An access token is verified (`auth.get_claims`, which asks GoTrue for HS256 projects and
  checks the signature against the JWKS for asymmetric keys) before its claims are used as
  `request.jwt.claims` for row-level security.
- Email links (magic link, reset) come back to the app as `?token_hash=…&type=…` and are
  exchanged with `verify_otp`; the PKCE flow would need the verifier of the browser session
  that asked, which a link opened in another tab does not have. The Supabase email templates
  must therefore link to `{{ .SiteURL }}/?token_hash={{ .TokenHash }}&type=magiclink` (magic
  link) and `…&type=recovery` (reset password).
- The members row of a new auth.users row is made by the `on_auth_user_created` trigger.
"""

from __future__ import annotations

import os
import time
from typing import Any

from lib.core import db
from lib.core.errors import UserError
from lib.identity import accounts
from lib.identity.auth import person_for_user

LINK_TYPES = ("magiclink", "email", "recovery", "invite", "signup")


def config() -> tuple[str, str] | None:
    """(url, anon key) when Supabase Auth is configured, else None."""
    section = db.read_secrets().get("supabase", {})
    url = os.environ.get("SUPABASE_URL") or section.get("url")
    key = os.environ.get("SUPABASE_ANON_KEY") or section.get("anon_key")
    return (str(url).rstrip("/"), str(key)) if url and key else None


def enabled() -> bool:
    return config() is not None


def app_url() -> str:
    """Where email links send people back to (the app's public address)."""
    return accounts.configured_app_url() or "http://localhost:8501"


def new_client() -> Any:
    """A fresh client: tokens in memory only, no background refresh thread (we refresh on the
    next rerun), links with token_hash rather than PKCE."""
    from supabase.lib.client_options import SyncClientOptions

    from supabase import create_client

    url, key = config() or ("", "")
    options = SyncClientOptions(auto_refresh_token=False, persist_session=False, flow_type="implicit")
    return create_client(url, key, options)


def verified_claims(client: Any, access_token: str) -> dict[str, Any]:
    """The claims of an access token, only after GoTrue (or the JWKS) confirmed it."""
    from supabase_auth.errors import AuthError

    try:
        response = client.auth.get_claims(access_token)
    except AuthError:
        raise UserError("auth.wrong_credentials") from None
    if response is None:
        raise UserError("auth.wrong_credentials")
    claims = dict(response["claims"] if isinstance(response, dict) else response.claims)
    if claims.get("role") != "authenticated" or not claims.get("sub"):
        raise UserError("auth.wrong_credentials")
    return claims


def _person_from_session(client: Any, session: Any) -> Any:
    claims = verified_claims(client, session.access_token)
    person = person_for_user(str(claims["sub"]))
    if person is None:
        _quiet_sign_out(client)
        # the password (or the e-mail link) was right, so saying why reveals nothing: a new
        # account from open sign-up waits for the team; a deactivated one gets the usual refusal
        raise UserError("auth.awaiting_team" if _awaits_activation(str(claims["sub"])) else "auth.wrong_credentials")
    import dataclasses

    return dataclasses.replace(person, token_claims=claims)


def _awaits_activation(user_id: str) -> bool:
    """A member made by open sign-up (see the accounts_guard migration) that the team has not
    activated yet."""
    with db.as_owner() as conn:
        row = conn.execute("select not active and activation_requested_at is not null as waiting"
                           " from public.members where user_id = %s", (user_id,)).fetchone()
    return bool(row and row["waiting"])


def _quiet_sign_out(client: Any) -> None:
    try:
        client.auth.sign_out({"scope": "local"})
    except Exception:  # the tokens are dropped locally whatever the server says
        pass


def sign_in_with_password(email: str, password: str, client: Any, address: str | None) -> Any:
    """Email and password through GoTrue, behind the same database throttle as local accounts
    (`address`: the visitor's IP address)."""
    from supabase_auth.errors import AuthError

    email = (email or "").strip()[:320]
    wait = accounts.sign_in_wait(email, address)
    if wait > 0:
        raise UserError("auth.throttled", seconds=wait)
    try:
        response = client.auth.sign_in_with_password({"email": email, "password": password or ""})
        person = _person_from_session(client, response.session)
    except (AuthError, UserError) as refused:
        if isinstance(refused, UserError) and refused.key == "auth.awaiting_team":
            raise  # the password was right: no failure to count
        accounts.record_sign_in(email, address, False)
        raise UserError("auth.wrong_credentials") from None
    accounts.record_sign_in(email, address, True)
    return person


def send_magic_link(email: str, client: Any) -> None:
    """Email a sign-in link (only to existing accounts). Says nothing about whether one exists."""
    from supabase_auth.errors import AuthError

    try:
        client.auth.sign_in_with_otp({"email": (email or "").strip(),
                                      "options": {"should_create_user": False, "email_redirect_to": app_url()}})
    except AuthError:
        pass  # unknown address or rate limit: the page says the same thing either way


def send_reset(email: str, client: Any) -> None:
    """Email a reset-password link. Says nothing about whether the address has an account."""
    from supabase_auth.errors import AuthError

    try:
        client.auth.reset_password_for_email((email or "").strip(), {"redirect_to": app_url()})
    except AuthError:
        pass


def invite_by_email(claims: dict[str, Any], email: str, full_name: str, role: str, client: Any = None) -> str:
    """An admin invites someone (Supabase mode): the member row, written as the admin so RLS
    and the member guards apply, then a sign-in link from GoTrue, which creates the auth user;
    the on_auth_user_created trigger links it to the row. Returns the member id."""
    email, full_name = (email or "").strip(), (full_name or "").strip()
    for problem in (accounts.email_problem(email), None if full_name else "account.name_missing",
                    None if role in accounts.ROLES else "account.role_unknown"):
        if problem:
            raise UserError(problem)
    with db.as_user(claims) as conn:
        if not conn.execute("select private.is_admin() as ok").fetchone()["ok"]:
            raise UserError("account.admin_only")
        row = conn.execute("select id, user_id from public.members where email = %s", (email,)).fetchone()
        if row is not None and row["user_id"] is not None:
            raise UserError("account.already_exists")
        if row is None:
            row = conn.execute("insert into public.members (email, full_name, role) values (%s, %s, %s)"
                               " returning id", (email, full_name, role)).fetchone()
        else:
            conn.execute("update public.members set role = %s, active = true where id = %s", (role, row["id"]))
    client = client or new_client()  # not the admin's own session
    client.auth.sign_in_with_otp({"email": email, "options": {
        "should_create_user": True, "email_redirect_to": app_url(), "data": {"full_name": full_name}}})
    return str(row["id"])


def verify_link(token_hash: str, link_type: str, client: Any) -> Any:
    """Exchange an email link's token_hash for a session; returns the Person."""
    from supabase_auth.errors import AuthError

    if link_type not in LINK_TYPES or not token_hash or len(token_hash) > 200:
        raise UserError("account.link_invalid")
    try:
        response = client.auth.verify_otp({"token_hash": token_hash, "type": link_type})
        if response.session is None:
            raise UserError("account.link_invalid")
        return _person_from_session(client, response.session)
    except AuthError:
        raise UserError("account.link_invalid") from None


def update_password(new: str, repeat: str, client: Any) -> None:
    """Set the signed-in person's password (after a reset link, or from their account page)."""
    from supabase_auth.errors import AuthError

    problem = accounts.password_problem(new or "") or (None if new == repeat else "password.mismatch")
    if problem:
        raise UserError(problem)
    try:
        client.auth.update_user({"password": new})
    except AuthError:
        raise UserError("auth.session_expired") from None


def has_session(client: Any) -> bool:
    """Whether this browser session holds GoTrue tokens (not so after a remember-me cookie
    restored it: then a password change goes through a reset email)."""
    try:
        return client.auth.get_session() is not None
    except Exception:  # an expired refresh token: no usable session
        return False


def keep_fresh(person: Any, client: Any, margin: int = 120) -> Any:
    """Refresh the access token shortly before it expires and verify the new one; returns the
    person with the new claims, or None when the session cannot be renewed."""
    if not person.token_claims:
        return person
    if float(person.token_claims.get("exp", 0)) - time.time() > margin:
        return person
    try:
        response = client.auth.refresh_session()
        return _person_from_session(client, response.session)
    except Exception:  # expired refresh token, GoTrue unreachable: sign in again
        return None


def sign_out(client: Any) -> None:
    """End the GoTrue session too (revokes its refresh tokens), when there is one."""
    if not enabled():
        return
    if client is None:
        return
    try:
        client.auth.sign_out()
    except Exception:
        _quiet_sign_out(client)
