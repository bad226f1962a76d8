"""Members in the directory: one's own profile, searching others, "who is here today who
knows …", and the admins' in-place edits of role, plan and active.

Every read and write acts as the person (`db.as_user`), so the database's row-level security
and triggers decide what is visible and allowed; the checks here exist to name the field and
the fix before the database has to refuse.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from lib.core import db
from lib.core.errors import UserError, from_db_error, user_message
from lib.core.i18n import t
from lib.directory import skills

VISIBILITIES = ("hidden", "members", "public")
LOOKING_FOR = ("collaborator", "mission", "learn", "hire")
LINK_KEYS = ("website", "linkedin", "github", "mastodon")
ROLES = ("admin", "staff", "board", "member")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL_RE = re.compile(r'^https?://[^\s<>"]+$')
LIMITS = {"full_name": 200, "company": 200, "job_title": 200, "bio": 2000, "looking_for_note": 500}


# --------------------------------------------------------------------------- small helpers for pages

def initials(name: str | None) -> str:
    """Up to two capital letters from a name, for the photo-free avatar (letters only, so safe
    to draw anywhere)."""
    words = [w for w in re.split(r"[\s\-'’]+", name or "") if w]
    letters = [next((ch for ch in w if ch.isalpha()), "") for w in words]
    letters = [ch.upper() for ch in letters if ch]
    if not letters:
        return "?"
    return letters[0] + (letters[-1] if len(letters) > 1 else "")


def sort_key(name: str) -> str:
    """Sort people's names as a French reader expects (accents ignored), without locale."""
    return unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().casefold()


# --------------------------------------------------------------------------- my profile

@dataclass
class ProfileInput:
    full_name: str
    company: str = ""
    job_title: str = ""
    bio: str = ""
    links: dict[str, str] = field(default_factory=dict)
    skills: dict[str, str] = field(default_factory=dict)   # skill name -> level
    wanted: list[str] = field(default_factory=list)         # skill names looked for
    looking_for: list[str] = field(default_factory=list)
    looking_for_note: str = ""
    visibility: str = "hidden"
    contact_allowed: bool = False


def my_profile(claims: dict[str, Any]) -> dict[str, Any] | None:
    """The signed-in person's own profile, skills and wanted skills."""
    with db.as_user(claims) as conn:
        row = conn.execute(
            "select m.id, m.email::text as email, m.full_name, m.company, m.job_title, m.bio, m.links,"
            " m.looking_for, m.looking_for_note, m.visibility, m.contact_allowed, m.updated_at,"
            " m.visibility_changed_at, m.stale_hidden_at, m.erasure_requested_at, m.role"
            " from public.members m where m.user_id = (select auth.uid())").fetchone()
        if row is None:
            return None
        profile = dict(row)
        profile["skills"] = {r["name"]: r["level"] for r in conn.execute(
            "select s.name::text as name, ms.level::text as level from public.member_skills ms"
            " join public.skills s on s.id = ms.skill_id where ms.member_id = %s", (row["id"],))}
        profile["wanted"] = [r["name"] for r in conn.execute(
            "select s.name::text as name from public.member_wanted_skills mw"
            " join public.skills s on s.id = mw.skill_id where mw.member_id = %s", (row["id"],))]
    return profile


def _text(value: str | None, field_name: str) -> str | None:
    value = (value or "").replace("\x00", "").strip()
    if len(value) > LIMITS[field_name]:
        raise UserError("directory.too_long", field=t(f"field.{field_name}"), max=LIMITS[field_name])
    return value or None


def check_profile(data: ProfileInput) -> None:
    """Refuse, naming the field, what the database would refuse."""
    if not (data.full_name or "").strip():
        raise UserError("directory.name_required")
    for name in LIMITS:
        value = getattr(data, name)
        if value and len(value.strip()) > LIMITS[name]:
            raise UserError("directory.too_long", field=t(f"field.{name}"), max=LIMITS[name])
    for key, url in data.links.items():
        if key not in LINK_KEYS:
            raise UserError("directory.link_unknown", link=key)
        if url and (not URL_RE.match(url.strip()) or len(url.strip()) > 300):
            raise UserError("directory.link_invalid", link=t(f"link.{key}"))
    if data.visibility not in VISIBILITIES:
        raise UserError("directory.visibility_invalid")
    if not set(data.looking_for) <= set(LOOKING_FOR):
        raise UserError("directory.looking_for_invalid")
    for level in data.skills.values():
        if level not in skills.LEVELS:
            raise UserError("directory.level_invalid", level=level)
    for name in list(data.skills) + list(data.wanted):
        skills.clean_name(name)


def save_profile(claims: dict[str, Any], data: ProfileInput) -> None:
    """Save one's whole profile in one transaction: fields, skills (new names become proposals),
    wanted skills, visibility and contact permission."""
    check_profile(data)
    links = {k: v.strip() for k, v in data.links.items() if v and v.strip()}
    with db.as_user(claims) as conn:
        me = conn.execute("select private.current_member_id() as id").fetchone()["id"]
        if me is None:
            raise UserError("directory.not_a_member")
        conn.execute(
            "update public.members set full_name = %s, company = %s, job_title = %s, bio = %s, links = %s,"
            " looking_for = %s, looking_for_note = %s, visibility = %s, contact_allowed = %s,"
            " stale_hidden_at = null where id = %s",
            (data.full_name.strip(), _text(data.company, "company"), _text(data.job_title, "job_title"),
             _text(data.bio, "bio"), psycopg.types.json.Jsonb(links), list(dict.fromkeys(data.looking_for)),
             _text(data.looking_for_note, "looking_for_note"), data.visibility, bool(data.contact_allowed), me))
        skill_ids = {skills.find_or_propose(conn, name, str(me)): level for name, level in data.skills.items()}
        conn.execute("delete from public.member_skills where member_id = %s and not (skill_id = any(%s))",
                     (me, list(skill_ids)))
        for skill_id, level in skill_ids.items():
            conn.execute(
                "insert into public.member_skills (member_id, skill_id, level) values (%s, %s, %s)"
                " on conflict (member_id, skill_id) do update set level = excluded.level"
                " where public.member_skills.level is distinct from excluded.level", (me, skill_id, level))
        wanted_ids = [skills.find_or_propose(conn, name, str(me)) for name in data.wanted]
        conn.execute("delete from public.member_wanted_skills where member_id = %s and not (skill_id = any(%s))",
                     (me, wanted_ids))
        for skill_id in wanted_ids:
            conn.execute("insert into public.member_wanted_skills (member_id, skill_id) values (%s, %s)"
                         " on conflict do nothing", (me, skill_id))


# --------------------------------------------------------------------------- the directory

def search(claims: dict[str, Any], text: str = "", skill_ids: list[str] | None = None, match_all: bool = True,
           min_level: str | None = None, here_today: bool = False) -> list[dict[str, Any]]:
    """Profiles the person may see that match, sorted by name. `here_today` keeps today's
    present, opted-in members (booked or checked in)."""
    if min_level is not None and min_level not in skills.LEVELS:
        raise UserError("directory.level_invalid", level=min_level)
    ids = present_today_ids(claims) if here_today else None
    if ids is not None and not ids:
        return []
    with db.as_user(claims) as conn:
        rows = conn.execute(
            "select * from public.directory_search(%s, %s::uuid[], %s, %s::public.skill_level, %s::uuid[])",
            ((text or "").strip()[:100] or None, skill_ids or None, match_all, min_level, ids)).fetchall()
    return sorted(rows, key=lambda r: sort_key(r["full_name"]))


def search_page(claims: dict[str, Any], text: str = "", skill_ids: list[str] | None = None, match_all: bool = True,
                min_level: str | None = None, here_today: bool = False, page: int = 0,
                size: int = 24) -> tuple[int, int, list[dict[str, Any]]]:
    """How many profiles match, which page was given (`page` from 0, moved back to the last one
    when the list is shorter) and its `size` profiles, sorted by name as `search`. The directory
    caches this: a cached value is copied out on every rerun, so a cache holding the whole space
    made each rerun cost more as the space grew."""
    rows = search(claims, text, skill_ids, match_all, min_level, here_today)
    page = max(0, min(page, (len(rows) - 1) // size))
    return len(rows), page, rows[page * size:(page + 1) * size]


def member(claims: dict[str, Any], member_id: str) -> dict[str, Any] | None:
    """One profile as the person may see it (None when hidden from them or unknown)."""
    try:
        rows = search_ids(claims, [member_id])
    except UserError:
        return None
    return rows[0] if rows else None


def search_ids(claims: dict[str, Any], ids: list[str]) -> list[dict[str, Any]]:
    with db.as_user(claims) as conn:
        try:
            return conn.execute("select * from public.directory_search(p_member_ids => %s::uuid[])",
                                (ids,)).fetchall()
        except psycopg.errors.InvalidTextRepresentation as exc:
            raise UserError("directory.member_unknown") from exc


def present_today_ids(claims: dict[str, Any]) -> list[str]:
    """Ids of today's present, opted-in members."""
    with db.as_user(claims) as conn:
        return [str(r["id"]) for r in conn.execute("select id from public.present_today_member_ids() id")]


def here_today_by_skill(claims: dict[str, Any]) -> list[dict[str, Any]]:
    """"Who is here today who knows …": one entry per skill, with today's present opted-in people
    who have it, most-known skills first. [{skill, people: [{member_id, full_name, company, level}]}]"""
    with db.as_user(claims) as conn:
        rows = conn.execute("select skill, level::text as level, member_id, full_name, company"
                            " from public.here_today_by_skill()").fetchall()
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["skill"], []).append(
            {"member_id": str(row["member_id"]), "full_name": row["full_name"], "company": row["company"],
             "level": row["level"]})
    order = sorted(grouped, key=lambda s: (-len(grouped[s]), s.casefold()))
    return [{"skill": s, "people": sorted(grouped[s], key=lambda p: sort_key(p["full_name"]))} for s in order]


def skill_stats(claims: dict[str, Any]) -> list[dict[str, Any]]:
    """Per skill: counts by level, offered and wanted (aggregated in SQL, counts only)."""
    with db.as_user(claims) as conn:
        return conn.execute("select * from public.skill_stats()").fetchall()


# --------------------------------------------------------------------------- admins

def plans(claims: dict[str, Any]) -> list[dict[str, Any]]:
    with db.as_user(claims) as conn:
        return conn.execute("select id, code, name_fr, name_en, active from public.plans order by price_cents").fetchall()


def admin_members(claims: dict[str, Any]) -> list[dict[str, Any]]:
    """Every member for the admins' table (erased ones left out: nothing to edit there)."""
    with db.as_user(claims) as conn:
        rows = conn.execute(
            "select m.id, m.full_name, m.email::text as email, m.role, p.code as plan, m.active,"
            " m.visibility, m.erasure_requested_at, m.activation_requested_at from public.members m"
            " left join public.plans p on p.id = m.plan_id where m.erased_at is null").fetchall()
    return sorted(rows, key=lambda r: sort_key(r["full_name"]))


def admin_members_page(claims: dict[str, Any], text: str = "", page: int = 0,
                       size: int = 50) -> tuple[int, int, list[dict[str, Any]], list[dict[str, Any]]]:
    """For the admins' table: how many members match `text` (in the name or the address, case
    ignored), which page was given (moved back to the last one when the list is shorter), its
    `size` rows as `admin_members`, and the members waiting for activation (all of them). Cached
    by the page, so a rerun copies out one page, not the whole space."""
    rows = admin_members(claims)
    needle = (text or "").strip().casefold()
    if needle:
        rows = [r for r in rows if needle in r["full_name"].casefold() or needle in r["email"].casefold()]
    waiting = [r for r in rows if r["activation_requested_at"] and not r["active"]]
    page = max(0, min(page, (len(rows) - 1) // size))
    return len(rows), page, rows[page * size:(page + 1) * size], waiting


@dataclass
class RowChange:
    member_id: str
    label: str                      # who, for messages
    role: str | None = None
    plan: str | None = None         # plan code, "" for none
    active: bool | None = None


def apply_admin_changes(claims: dict[str, Any], changes: list[RowChange]) -> list[tuple[str, str]]:
    """Apply the edited rows in one transaction. Each row is checked (then tried in a savepoint
    so a database refusal is tied to its row); if any row is refused nothing is saved and the
    refusals come back as (who, message key or sentence). Empty list: all saved."""
    problems: list[tuple[str, str]] = []
    with db.as_user(claims) as conn:
        codes = {r["code"]: r["id"] for r in conn.execute("select id, code from public.plans")}
        for change in changes:
            if change.role is not None and change.role not in ROLES:
                problems.append((change.label, UserError("directory.role_invalid").message()))
                continue
            if change.plan and change.plan not in codes:
                problems.append((change.label, UserError("directory.plan_unknown", plan=change.plan).message()))
                continue
            sets, params = [], []
            if change.role is not None:
                sets.append("role = %s")
                params.append(change.role)
            if change.plan is not None:
                sets.append("plan_id = %s")
                params.append(codes.get(change.plan) if change.plan else None)
            if change.active is not None:
                sets.append("active = %s")
                params.append(change.active)
            if not sets:
                continue
            try:
                with conn.transaction():
                    query = sql.SQL("update public.members set {} where id = %s").format(
                        sql.SQL(", ").join(sql.SQL(s) for s in sets))
                    cur = conn.execute(query, (*params, change.member_id))
                    if cur.rowcount != 1:
                        raise UserError("directory.member_unknown")
            except (psycopg.Error, UserError) as exc:
                err = from_db_error(exc) if isinstance(exc, psycopg.Error) else exc
                problems.append((change.label, user_message(err)))
        if problems:
            conn.rollback()
    return problems
