"""Who a person is and how they prove it: `Person`, passwords checked behind the throttle,
the signed remember-me token. The browser session's side (the cookie's script, who is signed
in this tab, sign-out) is lib/web/session.py.

Everything that acts for a person uses `person.claims()` with `db.as_user`, so row-level
security decides what they see.

Sessions end for real: every account has a session version in the database (see the
accounts migration); the remember-me cookie carries the version it was issued with, and each
rerun re-reads the person (`refresh`), so signing out, a password change or a deactivation
ends every tab and every cookie of that account, in every server process.

The remember-me cookie is an HS256-signed JWT (`cookie_token`), written in the browser by
lib/web/session.py. Passwords are bcrypt hashes in `auth.users` behind a throttle recorded in
the database; the sign-in form calls `check_credentials`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets as pysecrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt

from lib.core import clock, db
from lib.core.errors import UserError
from lib.identity import accounts

COOKIE_NAME = "cantine_session"
DEFAULT_COOKIE_HOURS = 12  # short: a stolen or forgotten cookie does not live long


@dataclass(frozen=True)
class Person:
    user_id: str
    member_id: str
    email: str
    full_name: str
    role: str
    locale: str | None = None
    session_version: int = 1
    # claims of a verified Supabase access token, when signed in through Supabase Auth
    token_claims: dict[str, Any] | None = field(default=None, compare=False, hash=False, repr=False)

    def claims(self) -> dict[str, Any]:
        if self.token_claims and self.token_claims.get("sub") == self.user_id:
            return dict(self.token_claims)
        return db.claims_for(self.user_id, self.email)


_PERSON_SQL = (
    "select m.id, m.email::text as email, m.full_name, m.role, m.locale, m.active,"
    " coalesce(s.session_version, 1) as session_version"
    " from public.members m left join private.account_sessions s on s.user_id = m.user_id"
    " where m.user_id = %s")


def person_for_user(user_id: str) -> Person | None:
    """The active member behind an account, or None."""
    with db.as_owner() as conn:
        row = conn.execute(_PERSON_SQL, (user_id,)).fetchone()
    if row is None or not row["active"]:
        return None
    return Person(str(user_id), str(row["id"]), row["email"], row["full_name"], row["role"], row["locale"],
                  int(row["session_version"]))


def refresh(person: Person) -> Person | None:
    """The same person as the database sees them now (role, name, language may have changed),
    or None when their session was ended (signed out elsewhere, password changed, deactivated)."""
    current = person_for_user(person.user_id)
    if current is None or current.session_version != person.session_version:
        return None
    return dataclasses.replace(current, token_claims=person.token_claims)


def check_credentials(email: str, password: str, client: str | None) -> Person:
    """The person for this email and password; the same refusal whatever was wrong (unknown
    email, wrong password, deactivated member), in the same time. Repeated failures make the
    address and the client (`client`: its IP address, None for the command line) wait."""
    email = (email or "").strip()[:320]
    wait = accounts.sign_in_wait(email, client)
    if wait > 0:
        raise UserError("auth.throttled", seconds=wait)
    with db.as_owner() as conn:
        row = conn.execute(
            "select u.id, u.encrypted_password, m.active from auth.users u"
            " join public.members m on m.user_id = u.id where lower(u.email) = lower(%s)", (email,)).fetchone()
    ok = accounts.check_password(password or "", row["encrypted_password"] if row else None)
    person = person_for_user(str(row["id"])) if ok and row is not None and row["active"] else None
    accounts.record_sign_in(email, client, person is not None)
    if person is None:
        raise UserError("auth.wrong_credentials")
    with db.as_owner() as conn:
        conn.execute("update auth.users set last_sign_in_at = now() where id = %s", (row["id"],))
    return person


# --------------------------------------------------------------------------- the cookie

def cookie_key() -> str:
    """`[auth] cookie_key` from secrets, else a key generated once with `secrets` and kept in
    the data folder (mode 600), never in the repository."""
    configured = db.read_secrets().get("auth", {}).get("cookie_key")
    if configured:
        return str(configured)
    path = db.data_dir() / "cookie_key"
    if not path.exists():
        _create_key_file(path)
    return path.read_text().strip()


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # O_EXCL: two processes starting together keep the same key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as handle:
        handle.write(pysecrets.token_urlsafe(48))


def cookie_hours() -> float:
    return float(db.read_secrets().get("auth", {}).get("cookie_hours", DEFAULT_COOKIE_HOURS))


def cookie_token(person: Person, now: dt.datetime | None = None) -> str:
    """The cookie's value: who, which session version, until when; signed with the key."""
    now = now or clock.now()
    expires = now + dt.timedelta(hours=cookie_hours())
    return jwt.encode({"username": person.user_id, "ver": person.session_version,
                       "exp_date": expires.timestamp(), "exp": int(expires.timestamp())},
                      cookie_key(), algorithm="HS256")


def person_from_cookie(token: str | None) -> Person | None:
    """The person a cookie stands for, if its signature, expiry and session version hold."""
    if not token:
        return None
    try:  # the expiry is checked below against the app's clock (lib/core/clock.py), not PyJWT's
        data = jwt.decode(token, cookie_key(), algorithms=["HS256"], options={"require": ["exp"], "verify_exp": False})
    except jwt.PyJWTError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("username"), str):
        return None
    if not isinstance(data.get("exp"), int | float) or data["exp"] <= clock.now().timestamp():
        return None
    try:
        person = person_for_user(data["username"])
    except Exception:  # a malformed id is simply not a session
        return None
    if person is None or person.session_version != data.get("ver"):
        return None
    return person
