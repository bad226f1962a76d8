"""Who is using this browser session, and signing in and out.

The signed-in person is a `Person` in `st.session_state["person"]`; everything that acts for
them uses `person.claims()` with `db.as_user`, so row-level security decides what they see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lib import accounts, db
from lib.errors import UserError


@dataclass(frozen=True)
class Person:
    user_id: str
    member_id: str
    email: str
    full_name: str
    role: str
    locale: str | None = None

    def claims(self) -> dict[str, Any]:
        return db.claims_for(self.user_id, self.email)


def person_for_user(user_id: str) -> Person | None:
    """The active member behind an account, or None."""
    with db.as_owner() as conn:
        row = conn.execute(
            "select m.id, m.email::text as email, m.full_name, m.role, m.locale, m.active"
            " from public.members m where m.user_id = %s", (user_id,)).fetchone()
    if row is None or not row["active"]:
        return None
    return Person(str(user_id), str(row["id"]), row["email"], row["full_name"], row["role"], row["locale"])


def check_credentials(email: str, password: str) -> Person:
    """The person for this email and password; the same refusal whatever was wrong."""
    email = (email or "").strip()
    with db.as_owner() as conn:
        row = conn.execute(
            "select u.id, u.encrypted_password, m.active from auth.users u"
            " join public.members m on m.user_id = u.id where lower(u.email) = lower(%s)", (email,)).fetchone()
    ok = accounts.check_password(password or "", row["encrypted_password"] if row else None)
    if not ok or row is None or not row["active"]:
        raise UserError("auth.wrong_credentials")
    person = person_for_user(str(row["id"]))
    if person is None:
        raise UserError("auth.wrong_credentials")
    with db.as_owner() as conn:
        conn.execute("update auth.users set last_sign_in_at = now() where id = %s", (row["id"],))
    return person


def current_person() -> Person | None:
    import streamlit as st

    person = st.session_state.get("person")
    return person if isinstance(person, Person) else None


def sign_in(person: Person) -> None:
    import streamlit as st

    st.session_state["person"] = person
    if person.locale:
        st.session_state["lang"] = person.locale


def sign_out() -> None:
    import streamlit as st

    st.session_state.pop("person", None)
