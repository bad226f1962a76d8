"""A member's rights over their data (French law, GDPR): see it all (portability as JSON),
the consent history of their directory visibility, erasure (asked by the member, confirmed by an
admin), and the fall-back of stale profiles to hidden with a notice on next sign-in.

The rules live in SQL (`request_erasure`, `erase_member`, `hide_stale_profiles`, the
visibility-history trigger); this module calls them as the person.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from typing import Any

from psycopg import sql

from lib.core import clock, db
from lib.core.errors import UserError

# Columns that are secrets even to their owner (a manage token proves who may cancel).
SECRET_COLUMNS = {"token", "token_hash", "manage_token", "encrypted_password"}
# Tables of other areas holding a member's rows, exported when they exist.
MEMBER_TABLES = ("bookings", "registrations")


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if k not in SECRET_COLUMNS}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "lower") and hasattr(value, "upper") and hasattr(value, "isempty"):  # a range
        return {"from": _jsonable(value.lower), "to": _jsonable(value.upper)}
    return value


def my_data(claims: dict[str, Any]) -> dict[str, Any]:
    """Everything Cantine holds about the signed-in person, read as them (so only what is theirs)."""
    with db.as_user(claims) as conn:
        me = conn.execute("select * from public.members where user_id = (select auth.uid())").fetchone()
        if me is None:
            raise UserError("directory.not_a_member")
        data: dict[str, Any] = {"exported_at": clock.now(), "profile": dict(me)}
        data["skills"] = conn.execute(
            "select s.name::text as skill, ms.level::text as level, ms.created_at from public.member_skills ms"
            " join public.skills s on s.id = ms.skill_id where ms.member_id = %s", (me["id"],)).fetchall()
        data["wanted_skills"] = conn.execute(
            "select s.name::text as skill, mw.created_at from public.member_wanted_skills mw"
            " join public.skills s on s.id = mw.skill_id where mw.member_id = %s", (me["id"],)).fetchall()
        data["skills_proposed"] = conn.execute(
            "select name::text as skill, status, created_at from public.skills where proposed_by = %s",
            (me["id"],)).fetchall()
        data["consent_history"] = conn.execute(
            "select visibility, contact_allowed, changed_at, reason from public.visibility_history"
            " where member_id = %s order by changed_at, id", (me["id"],)).fetchall()
        if me["plan_id"]:
            data["plan"] = conn.execute("select code, name_fr, name_en from public.plans where id = %s",
                                        (me["plan_id"],)).fetchone()
        for table in MEMBER_TABLES:
            exists = conn.execute("select to_regclass(%s) is not null as ok", (f"public.{table}",)).fetchone()
            if exists["ok"]:
                data[table] = conn.execute(
                    sql.SQL("select * from public.{} where member_id = %s").format(sql.Identifier(table)),
                    (me["id"],)).fetchall()
    return _jsonable(data)


def my_data_json(claims: dict[str, Any]) -> str:
    return json.dumps(my_data(claims), ensure_ascii=False, indent=2)


def consent_history(claims: dict[str, Any], member_id: str | None = None) -> list[dict[str, Any]]:
    """One's own consent history (admins: anyone's), oldest first."""
    with db.as_user(claims) as conn:
        if member_id is None:
            return conn.execute(
                "select visibility, contact_allowed, changed_at, reason from public.visibility_history"
                " where member_id = private.current_member_id() order by changed_at, id").fetchall()
        return conn.execute(
            "select visibility, contact_allowed, changed_at, reason from public.visibility_history"
            " where member_id = %s order by changed_at, id", (member_id,)).fetchall()


def request_erasure(claims: dict[str, Any]) -> dt.datetime:
    with db.as_user(claims) as conn:
        return conn.execute("select public.request_erasure() as at").fetchone()["at"]


def erasure_requests(claims: dict[str, Any]) -> list[dict[str, Any]]:
    """Members who asked for erasure (what the team sees of it, RLS deciding)."""
    with db.as_user(claims) as conn:
        rows = conn.execute(
            "select id, full_name, email::text as email, erasure_requested_at from public.members"
            " where erasure_requested_at is not null and erased_at is null").fetchall()
    return sorted(rows, key=lambda r: r["erasure_requested_at"])


def erase_member(who: db.Actor, member_id: str) -> None:
    """Erase a member: an admin, or db.OWNER from the command line."""
    with db.acting_as(who) as conn:
        conn.execute("select public.erase_member(%s)", (member_id,))


def hide_stale_profiles(who: db.Actor) -> int:
    """Hide profiles not updated and unused for the configured months; how many were hidden."""
    with db.acting_as(who) as conn:
        return int(conn.execute("select public.hide_stale_profiles() as n").fetchone()["n"])


def stale_notice(claims: dict[str, Any]) -> dt.datetime | None:
    """When the person's profile fell back to hidden, if they have not acknowledged it yet.
    The app shows this once after sign-in (then `acknowledge_stale_notice`).

    `(select auth.uid())`, here and in every read of one's own row: a bare `auth.uid()` may not
    be used ahead of the row-level security policy (it is not leakproof), so PostgreSQL read
    every member to find one (14 ms with 2,000 members); as a sub-select it is computed once
    and the unique index on `user_id` finds the row (0.04 ms)."""
    with db.as_user(claims) as conn:
        row = conn.execute("select stale_hidden_at from public.members where user_id = (select auth.uid())").fetchone()
    return row["stale_hidden_at"] if row else None


def acknowledge_stale_notice(claims: dict[str, Any]) -> None:
    with db.as_user(claims) as conn:
        conn.execute("update public.members set stale_hidden_at = null where user_id = (select auth.uid())")
