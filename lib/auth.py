"""Who is using this browser session, and signing in and out.

The signed-in person is a `Person` in `st.session_state["person"]`; everything that acts for
them uses `person.claims()` with `db.as_user`, so row-level security decides what they see.

Sessions end for real: every account has a session version in the database (see the
accounts migration); the remember-me cookie carries the version it was issued with, and each
rerun re-reads the person (`refresh`), so signing out, a password change or a deactivation
ends every tab and every cookie of that account, in every server process.

The remember-me cookie is streamlit-authenticator's (`CookieModel`: an HS256-signed JWT set
through extra-streamlit-components). Its login form is not used: it checks passwords against
its own in-memory user list, while ours are bcrypt hashes in `auth.users` behind a throttle
recorded in the database; our form calls `check_credentials` instead.
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

from lib import accounts, clock, db
from lib.errors import UserError

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


def check_credentials(email: str, password: str) -> Person:
    """The person for this email and password; the same refusal whatever was wrong (unknown
    email, wrong password, deactivated member). Repeated failures make the address wait."""
    email = (email or "").strip()[:320]
    wait = accounts.sign_in_wait(email)
    if wait > 0:
        raise UserError("auth.throttled", seconds=wait)
    with db.as_owner() as conn:
        row = conn.execute(
            "select u.id, u.encrypted_password, m.active from auth.users u"
            " join public.members m on m.user_id = u.id where lower(u.email) = lower(%s)", (email,)).fetchone()
    ok = accounts.check_password(password or "", row["encrypted_password"] if row else None)
    person = person_for_user(str(row["id"])) if ok and row is not None and row["active"] else None
    accounts.record_sign_in(email, person is not None)
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
    try:
        data = jwt.decode(token, cookie_key(), algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("username"), str):
        return None
    try:
        person = person_for_user(data["username"])
    except Exception:  # a malformed id is simply not a session
        return None
    if person is None or person.session_version != data.get("ver"):
        return None
    return person


def _cookie_model():
    """streamlit-authenticator's cookie (renders the hidden cookie component)."""
    from streamlit_authenticator.models import CookieModel

    return CookieModel(COOKIE_NAME, cookie_key(), cookie_hours() / 24)


def sync_cookie() -> None:
    """Called once per run by app.py: write or delete the cookie the last action asked for.
    Done on the run after sign-in/out (not before st.rerun) so the component reaches the browser."""
    import streamlit as st

    pending = st.session_state.pop("_cookie_action", None)
    if pending is None:
        return
    model = _cookie_model()
    if pending == "set" and current_person() is not None:
        try:  # served over HTTPS: the cookie never travels in clear
            secure = (st.context.url or "").startswith("https://")
        except Exception:
            secure = False
        model.cookie_manager.set(COOKIE_NAME, cookie_token(current_person()), secure=secure,
                                 expires_at=dt.datetime.now() + dt.timedelta(hours=cookie_hours()))
    elif pending == "delete":
        model.delete_cookie()


def restore_from_cookie() -> Person | None:
    """Sign in again from the browser's cookie (after a refresh), once per browser session."""
    import streamlit as st

    if st.session_state.get("_cookie_tried"):
        return None
    st.session_state["_cookie_tried"] = True
    try:
        token = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # no browser behind this session (AppTest)
        token = None
    person = person_from_cookie(token)
    if person is not None:
        st.session_state["person"] = person
        if person.locale:
            st.session_state["lang"] = person.locale
    return person


# --------------------------------------------------------------------------- the session

def current_person() -> Person | None:
    import streamlit as st

    person = st.session_state.get("person")
    return person if isinstance(person, Person) else None


def sign_in(person: Person) -> None:
    import streamlit as st

    st.session_state["person"] = person
    st.session_state["_cookie_action"] = "set"
    if person.locale:
        st.session_state["lang"] = person.locale


def require_page(page_file: str) -> Person:
    """First line of every signed-in page: the person, or a polite stop.

    app.py already refuses pages a role may not use, but Streamlit runs a file of `views/`
    directly, without app.py, on a process's very first run (its pages-folder mode, before any
    `st.navigation` call) and in AppTest's `switch_page`; this check holds in both cases."""
    import streamlit as st

    from lib import navigation
    from lib.i18n import t

    person = current_person()
    if person is None:
        st.info(t("auth.please_sign_in"), icon=":material/login:")
        st.markdown(f"[{t('auth.sign_in')}](/)")
        st.stop()
    name = Path(page_file).name
    spec = next((p for p in navigation.PAGES if Path(p.path).name == name), None)
    if spec is not None and not navigation.allowed(spec, person.role):
        st.warning(t("nav.refused", role=t(f"role.{person.role}")), icon=":material/block:")
        st.markdown(f"[{t('nav.back_home')}](/)")
        st.stop()
    return person


def replace_person(person: Person) -> None:
    """Keep the session's Person up to date (new role, language or session version)."""
    import streamlit as st

    st.session_state["person"] = person


def renew_session(session_version: int) -> None:
    """After a password change ended the account's other sessions: keep this one, with a new cookie."""
    import streamlit as st

    person = current_person()
    if person is not None:
        st.session_state["person"] = dataclasses.replace(person, session_version=session_version)
        st.session_state["_cookie_action"] = "set"


def end_session() -> None:
    """Forget the person in this browser session only (their session already ended elsewhere)."""
    import streamlit as st

    st.session_state.pop("person", None)
    st.session_state["_cookie_action"] = "delete"


def sign_out() -> None:
    """Sign out: this session, and every other session and cookie of the account."""
    person = current_person()
    if person is not None:
        accounts.end_sessions(person.user_id)
        from lib import supabase_auth

        supabase_auth.sign_out()
    end_session()
