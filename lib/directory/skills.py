"""The shared skill vocabulary: reading it, proposing a skill, and the admins' rename, approve,
merge and delete. Who may do what is decided by row-level security and `merge_skills()` in
the database; these functions only shape input and output."""

from __future__ import annotations

import re
from typing import Any

import psycopg

from lib.core import db
from lib.core.errors import UserError, from_db_error
from lib.core.i18n import t

LEVELS = ("learning", "practising", "expert")
MAX_NAME = 60
# French and English words people write for a level in a spreadsheet or a form
LEVEL_WORDS = {
    "learning": "learning", "apprentissage": "learning", "debutant": "learning", "débutant": "learning",
    "beginner": "learning", "j'apprends": "learning", "en apprentissage": "learning",
    "practising": "practising", "practicing": "practising", "pratique": "practising", "confirme": "practising",
    "confirmé": "practising", "intermediate": "practising", "intermédiaire": "practising", "je pratique": "practising",
    "expert": "expert", "experte": "expert", "expertise": "expert", "avance": "expert", "avancé": "expert",
}


def clean_name(name: str) -> str:
    """A skill name as stored: spaces trimmed and collapsed. Refuses empty or too long names."""
    cleaned = re.sub(r"\s+", " ", (name or "").replace("\x00", "")).strip()
    if not cleaned or len(cleaned) > MAX_NAME:
        raise UserError("directory.skill_name_invalid", name=cleaned[:80], max=MAX_NAME)
    return cleaned


def parse_level(word: str | None) -> str | None:
    """The level a French or English word means, or None when it means nothing we know."""
    if word is None:
        return None
    return LEVEL_WORDS.get(word.strip().lower())


def vocabulary(claims: dict[str, Any]) -> list[dict[str, Any]]:
    """Skills the person may pick: approved ones, plus their own proposals (team: all)."""
    with db.as_user(claims) as conn:
        rows = conn.execute("select id, name::text as name, status from public.skills").fetchall()
    return sorted(rows, key=lambda r: r["name"].casefold())


def find_or_propose(conn: psycopg.Connection, name: str, member_id: str | None, approved: bool = False) -> str:
    """The id of the skill called `name` (case ignored), creating it when unknown: approved when
    an admin or an import adds it, proposed when a member does. Runs in the caller's transaction."""
    name = clean_name(name)
    row = conn.execute("select id from public.skills where name = %s::extensions.citext", (name,)).fetchone()
    if row:
        return str(row["id"])
    with conn.transaction():  # savepoint: a proposal racing an identical one must not spoil the caller
        try:
            row = conn.execute(
                "insert into public.skills (name, status, proposed_by) values (%s, %s, %s) returning id",
                (name, "approved" if approved else "proposed", None if approved else member_id)).fetchone()
        except psycopg.errors.UniqueViolation:
            row = None
    if row is None:
        # exists but hidden from this person (someone else's proposal): refuse clearly
        raise UserError("directory.skill_pending", name=name)
    return str(row["id"])


def admin_list(claims: dict[str, Any]) -> list[dict[str, Any]]:
    """Every skill with how many members offer and want it (admins and team)."""
    with db.as_user(claims) as conn:
        rows = conn.execute(
            "select s.id, s.name::text as name, s.status, s.created_at,"
            " (select count(*) from public.member_skills ms where ms.skill_id = s.id)::int as members,"
            " (select count(*) from public.member_wanted_skills mw where mw.skill_id = s.id)::int as wanted,"
            " p.full_name as proposed_by"
            " from public.skills s left join public.members p on p.id = s.proposed_by").fetchall()
    return sorted(rows, key=lambda r: (r["status"] != "proposed", r["name"].casefold()))


def _one_row(cur: psycopg.Cursor, skill_id: str) -> None:
    if cur.rowcount != 1:
        raise UserError("directory.skill_unknown")


def rename(claims: dict[str, Any], skill_id: str, new_name: str) -> None:
    new_name = clean_name(new_name)
    with db.as_user(claims) as conn:
        _one_row(conn.execute("update public.skills set name = %s where id = %s", (new_name, skill_id)), skill_id)


def approve(claims: dict[str, Any], skill_id: str) -> None:
    with db.as_user(claims) as conn:
        _one_row(conn.execute("update public.skills set status = 'approved' where id = %s", (skill_id,)), skill_id)


def merge(claims: dict[str, Any], from_id: str, into_id: str) -> int:
    """Merge one skill into another; returns how many members' links moved."""
    with db.as_user(claims) as conn:
        row = conn.execute("select public.merge_skills(%s, %s) as moved", (from_id, into_id)).fetchone()
    return int(row["moved"])


def delete_unused(claims: dict[str, Any], skill_id: str) -> None:
    """Delete a skill nobody has nor wants. The database refuses a used one
    (`directory.skill_in_use`, private.keep_history): it is merged instead, so nothing is lost."""
    try:
        with db.as_user(claims) as conn:
            _one_row(conn.execute("delete from public.skills where id = %s", (skill_id,)), skill_id)
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


# --------------------------------------------------------------------------- charts (pure: DataFrame in, chart out)

def level_chart(stats: Any, top: int = 20, lang: str | None = None) -> Any:
    """Stacked bars: the `top` most offered skills, people per level. `stats` is skill_stats()."""
    import altair as alt

    top_rows = stats.sort_values(["offered", "skill"], ascending=[False, True]).head(top)
    order = top_rows["skill"].tolist()
    long = top_rows.melt(id_vars="skill", value_vars=list(LEVELS), var_name="level", value_name="people")
    long["level_label"] = [t(f"level.{v}", lang) for v in long["level"]]
    long["rank"] = [LEVELS.index(v) for v in long["level"]]
    return alt.Chart(long).mark_bar().encode(
        x=alt.X("people:Q", title=t("insights.people", lang), stack="zero"),
        y=alt.Y("skill:N", sort=order, title=t("insights.skill", lang), axis=alt.Axis(labelOverlap=False)),
        color=alt.Color("level_label:N", title=t("insights.level", lang),
                        sort=[t(f"level.{v}", lang) for v in LEVELS],
                        scale=alt.Scale(range=["#9ecae1", "#4292c6", "#08519c"])),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("skill:N", title=t("insights.skill", lang)),
                 alt.Tooltip("level_label:N", title=t("insights.level", lang)),
                 alt.Tooltip("people:Q", title=t("insights.people", lang))],
    ).properties(height=alt.Step(22))


def wanted_offered_chart(stats: Any, top: int = 20, lang: str | None = None) -> Any:
    """Grouped bars: for the `top` most wanted skills, people wanting it against people offering it."""
    import altair as alt

    top_rows = stats.sort_values(["wanted", "offered"], ascending=False).head(top)
    order = top_rows["skill"].tolist()
    long = top_rows.melt(id_vars="skill", value_vars=["wanted", "offered"], var_name="kind", value_name="people")
    labels = {"wanted": t("insights.wanted", lang), "offered": t("insights.offered", lang)}
    long["kind_label"] = [labels[v] for v in long["kind"]]
    return alt.Chart(long).mark_bar().encode(
        x=alt.X("people:Q", title=t("insights.people", lang)),
        y=alt.Y("skill:N", sort=order, title=t("insights.skill", lang), axis=alt.Axis(labelOverlap=False)),
        yOffset="kind_label:N",
        color=alt.Color("kind_label:N", title=t("insights.kind", lang),
                        scale=alt.Scale(range=["#e6550d", "#31a354"])),
        tooltip=["skill:N", "kind_label:N", "people:Q"],
    ).properties(height=alt.Step(12))
