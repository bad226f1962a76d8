"""Local accounts: rows in auth.users with bcrypt hashes in `encrypted_password`, as Supabase
Auth keeps them, linked to a `members` row by `members.user_id`.

These functions run as the database owner (sign-in happens before anyone is somebody).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
import secrets as pysecrets
from typing import Any

import bcrypt
import psycopg

from lib.core import db
from lib.core.errors import UserError

MIN_PASSWORD_LENGTH = 10


def _rounds() -> int:
    # 12 in production; tests may lower it through the environment to stay fast
    return int(os.environ.get("CANTINE_BCRYPT_ROUNDS", "12"))


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=_rounds())).decode()


def check_password(password: str, hashed: str | None) -> bool:
    if not hashed:
        # spend the same time as a real check so timing does not reveal unknown emails: the
        # stand-in hash has the cost real hashes are made with
        bcrypt.checkpw(b"x", _stand_in_hash())
        return False
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode())
    except ValueError:
        return False


@functools.cache
def _stand_in_hash() -> bytes:
    return bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(rounds=_rounds()))


def password_problem(password: str) -> str | None:
    """An i18n key saying what is wrong with a new password, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "password.too_short"
    if password.strip() != password:
        return "password.spaces"
    return None


def generate_password() -> str:
    return pysecrets.token_urlsafe(12)


def create_account(conn: psycopg.Connection, email: str, password: str | None) -> str:
    """Create (or update the password of) the account for the member with `email`.

    The member row must exist. Returns the auth user id. `password=None` creates an account
    that can only be entered through a set-password link.
    """
    member = conn.execute("select id, user_id from public.members where email = %s", (email,)).fetchone()
    if member is None:
        raise LookupError(email)
    hashed = hash_password(password) if password else None
    if member["user_id"]:
        conn.execute("update auth.users set encrypted_password = coalesce(%s, encrypted_password),"
                     " updated_at = now() where id = %s", (hashed, member["user_id"]))
        return str(member["user_id"])
    user = conn.execute(
        "insert into auth.users (email, encrypted_password, email_confirmed_at, aud, role)"
        " values (lower(%s), %s, now(), 'authenticated', 'authenticated') returning id",
        (email, hashed)).fetchone()
    conn.execute("update public.members set user_id = %s where id = %s", (user["id"], member["id"]))
    return str(user["id"])


def admin_exists(conn: psycopg.Connection) -> bool:
    row = conn.execute(
        "select exists (select 1 from public.members where role = 'admin' and active and user_id is not null) as ok"
    ).fetchone()
    return bool(row["ok"])


def create_admin(conn: psycopg.Connection, email: str, full_name: str, password: str) -> str:
    """Create or promote the member `email` to admin with an account. Returns the user id."""
    conn.execute(
        "insert into public.members (email, full_name, role) values (%s, %s, 'admin')"
        " on conflict (email) do update set role = 'admin', active = true", (email, full_name))
    return create_account(conn, email, password)


# --------------------------------------------------------------------------- first admin

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROLES = ("admin", "staff", "board", "member")
# any constant: serialises "create the first admin" across server processes
FIRST_ADMIN_LOCK = 7_204_511_002


def email_problem(email: str) -> str | None:
    """An i18n key saying what is wrong with an email address, or None."""
    if not email or len(email) > 254 or not EMAIL_RE.match(email):
        return "account.email_invalid"
    return None


def create_first_admin(email: str, full_name: str, password: str) -> str:
    """The first-run form: create the first administrator, only while there is none.
    Two visitors submitting at once: the advisory lock lets one through, the other is refused."""
    email, full_name = (email or "").strip(), (full_name or "").strip()
    for problem in (email_problem(email), None if full_name else "account.name_missing", password_problem(password)):
        if problem:
            raise UserError(problem)
    with db.as_owner() as conn:
        conn.execute("select pg_advisory_xact_lock(%s)", (FIRST_ADMIN_LOCK,))
        if admin_exists(conn):
            raise UserError("account.first_admin_exists")
        return create_admin(conn, email, full_name, password)


_databases_with_an_admin: set[str] = set()


def needs_first_admin() -> bool:
    """True until the database has an active admin with an account. Asked on every signed-out
    rerun; once an admin exists the space always keeps one (a database rule), so remember it."""
    key = db.current_key()
    if key in _databases_with_an_admin:
        return False
    with db.as_owner() as conn:
        missing = not admin_exists(conn)
    if not missing:
        _databases_with_an_admin.add(key)
    return missing


# --------------------------------------------------------------------------- sessions, throttle

def session_version(conn: psycopg.Connection, user_id: str) -> int:
    row = conn.execute("select session_version from private.account_sessions where user_id = %s",
                       (user_id,)).fetchone()
    return int(row["session_version"]) if row else 1


def end_sessions(user_id: str) -> int:
    """End every session of this account (every cookie, every open tab); the new version."""
    with db.as_owner() as conn:
        return int(conn.execute("select private.end_sessions(%s) as v", (user_id,)).fetchone()["v"])


def sign_in_wait(email: str, client: str | None) -> int:
    """Seconds before an attempt for `email` from `client` (an IP address, None for the command
    line) may be checked. The rule is in SQL (`private.sign_in_wait`): per address, per client,
    and never for the owner of the address on a client they signed in from before."""
    with db.as_owner() as conn:
        return int(conn.execute("select private.sign_in_wait(%s, %s) as w", (email, client)).fetchone()["w"])


def record_sign_in(email: str, client: str | None, succeeded: bool) -> None:
    with db.as_owner() as conn:
        conn.execute("select private.record_sign_in(%s, %s, %s)", (email, client, succeeded))


# --------------------------------------------------------------------------- one-time links

TOKEN_BYTES = 32  # 256 bits from `secrets`
INVITE_HOURS = 72
RESET_HOURS = 24


def new_token() -> str:
    return pysecrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """What the database keeps: a SHA-256 (the token is random, so no salt or slow hash is needed)."""
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def configured_app_url() -> str | None:
    """The app's public address (CANTINE_APP_URL, or `[app] url` in secrets), if configured."""
    url = os.environ.get("CANTINE_APP_URL") or db.read_secrets().get("app", {}).get("url")
    return str(url).rstrip("/") if url else None


def link_path(token: str) -> str:
    """The relative link the person opens (the page is public)."""
    return f"set_password?token={token}"


def invite(claims: dict[str, Any], email: str, full_name: str, role: str,
           valid_hours: int = INVITE_HOURS, by_mail: bool = False) -> tuple[str, str]:
    """An admin invites someone: returns (member id, one-time token to put in the link).
    `by_mail`: also queue the e-mail carrying the link, in the same transaction (no invitation
    without its message, no message for an invitation that failed)."""
    email, full_name = (email or "").strip(), (full_name or "").strip()
    for problem in (email_problem(email), None if full_name else "account.name_missing",
                    None if role in ROLES else "account.role_unknown"):
        if problem:
            raise UserError(problem)
    token = new_token()
    with db.as_user(claims) as conn:
        row = conn.execute("select public.invite_member(%s, %s, %s, %s, %s) as id",
                           (email, full_name, role, hash_token(token), valid_hours)).fetchone()
        if by_mail:
            conn.execute("select public.queue_account_link(%s)", (token,))
    return str(row["id"]), token


def issue_reset(claims: dict[str, Any], member_id: str, valid_hours: int = RESET_HOURS,
                by_mail: bool = False) -> tuple[str, dt.datetime]:
    """An admin issues a one-time reset link: returns (token, expiry). `by_mail`: also queue the
    e-mail carrying it, in the same transaction."""
    token = new_token()
    with db.as_user(claims) as conn:
        row = conn.execute("select public.issue_password_reset(%s, %s, %s) as expires",
                           (member_id, hash_token(token), valid_hours)).fetchone()
        if by_mail:
            conn.execute("select public.queue_account_link(%s)", (token,))
    return token, row["expires"]


def link_info(token: str) -> dict[str, Any] | None:
    """{email, purpose, expires_at} of a link that still works, else None."""
    if not token or len(token) > 200:
        return None
    with db.as_owner() as conn:
        row = conn.execute("select * from private.password_token_info(%s)", (hash_token(token),)).fetchone()
    return dict(row) if row else None


def use_link(token: str, password: str, repeat: str) -> str:
    """Set a password through a one-time link; returns the account id."""
    problem = password_problem(password or "") or (None if password == repeat else "password.mismatch")
    if problem:
        raise UserError(problem)
    hashed = hash_password(password)
    with db.as_owner() as conn:
        row = conn.execute("select private.use_password_token(%s, %s) as uid",
                           (hash_token(token or ""), hashed)).fetchone()
    return str(row["uid"])


def change_password(user_id: str, current: str, new: str, repeat: str) -> int:
    """A signed-in person changes their password (proving the current one). Ends their other
    sessions; returns the new session version for this one."""
    with db.as_owner() as conn:
        row = conn.execute("select encrypted_password from auth.users where id = %s", (user_id,)).fetchone()
    if not check_password(current or "", row["encrypted_password"] if row else None):
        raise UserError("password.current_wrong")
    problem = password_problem(new or "") or (None if new == repeat else "password.mismatch")
    if problem:
        raise UserError(problem)
    hashed = hash_password(new)
    with db.as_owner() as conn:
        conn.execute("update auth.users set encrypted_password = %s, updated_at = now() where id = %s",
                     (hashed, user_id))
        return int(conn.execute("select private.end_sessions(%s) as v", (user_id,)).fetchone()["v"])


# --------------------------------------------------------------------------- the team page

def list_accounts(claims: dict[str, Any]) -> list[dict[str, Any]]:
    """Members who have an account or are staff/admin/board, for the accounts admin (RLS: team)."""
    with db.as_user(claims) as conn:
        rows = conn.execute(
            "select m.id::text as id, m.email::text as email, m.full_name, m.role, m.active,"
            " m.user_id is not null as has_account"
            " from public.members m where m.user_id is not null or m.role <> 'member'").fetchall()
    return sorted(rows, key=lambda r: (r["full_name"] or "").casefold())


def find_members(claims: dict[str, Any], text: str, limit: int = 20) -> list[dict[str, Any]]:
    """Members matching a name or email, for choosing whom to act on."""
    pattern = f"%{(text or '').strip()}%"
    with db.as_user(claims) as conn:
        rows = conn.execute(
            "select m.id::text as id, m.email::text as email, m.full_name, m.role, m.active,"
            " m.user_id is not null as has_account from public.members m"
            " where m.full_name ilike %s or m.email::text ilike %s order by m.email limit %s",
            (pattern, pattern, limit)).fetchall()
    return sorted(rows, key=lambda r: (r["full_name"] or "").casefold())


def set_role(claims: dict[str, Any], member_id: str, role: str) -> str:
    """Change a member's role (admins; the database refuses others). Returns the member id."""
    if role not in ROLES:
        raise UserError("account.role_unknown")
    with db.as_user(claims) as conn:
        done = conn.execute("update public.members set role = %s where id = %s", (role, member_id)).rowcount
    if not done:
        raise UserError("db.permission_denied")
    return member_id


def set_active(claims: dict[str, Any], member_id: str, active: bool) -> str:
    """Deactivate (sign-in refused, sessions ended, history kept) or reactivate a member.
    Returns the member id."""
    with db.as_user(claims) as conn:
        done = conn.execute("update public.members set active = %s where id = %s", (active, member_id)).rowcount
    if not done:
        raise UserError("db.permission_denied")
    return member_id


def set_locale(claims: dict[str, Any], locale: str) -> None:
    """Remember a person's language (their own row; RLS lets them)."""
    if locale not in ("fr", "en"):
        raise UserError("account.locale_unknown")
    with db.as_user(claims) as conn:
        conn.execute("update public.members set locale = %s where user_id = (select auth.uid())", (locale,))
