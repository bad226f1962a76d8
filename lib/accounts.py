"""Local accounts: rows in auth.users with bcrypt hashes in `encrypted_password`, as Supabase
Auth keeps them, linked to a `members` row by `members.user_id`.

These functions run as the database owner (sign-in happens before anyone is somebody).
"""

from __future__ import annotations

import os
import secrets as pysecrets

import bcrypt
import psycopg

MIN_PASSWORD_LENGTH = 10


def _rounds() -> int:
    # 12 in production; tests may lower it through the environment to stay fast
    return int(os.environ.get("CANTINE_BCRYPT_ROUNDS", "12"))


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=_rounds())).decode()


def check_password(password: str, hashed: str | None) -> bool:
    if not hashed:
        # spend the same time as a real check so timing does not reveal unknown emails
        bcrypt.checkpw(b"x", _DUMMY_HASH)
        return False
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode())
    except ValueError:
        return False


_DUMMY_HASH = bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(rounds=4))


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
