"""Exporting members as a CSV file that Excel opens correctly in French (lib/core/csv_excel.py),
dates as ISO days; the import (lib/directory/csv_import.py) reads it back unchanged."""

from __future__ import annotations

from typing import Any

import psycopg

from lib.core import db
from lib.core.csv_excel import to_csv
from lib.core.i18n import t

COLUMNS = ("full_name", "email", "company", "job_title", "plan", "skills", "visibility", "active", "created")


def member_rows(conn: psycopg.Connection, lang: str = "fr") -> list[list[Any]]:
    """Every non-erased member the connection may see, in export column order."""
    rows = conn.execute(
        "select m.full_name, m.email::text as email, m.company, m.job_title,"
        " case when %s = 'fr' then p.name_fr else p.name_en end as plan,"
        " (select string_agg(s.name::text || ' (' || ms.level::text || ')', ', ' order by s.name)"
        "    from public.member_skills ms join public.skills s on s.id = ms.skill_id"
        "   where ms.member_id = m.id) as skills,"
        " m.visibility, m.active, m.created_at::date as created"
        " from public.members m left join public.plans p on p.id = m.plan_id"
        " where m.erased_at is null order by m.email", (lang,)).fetchall()
    levels = {level: t(f"level.{level}", lang).lower() for level in ("learning", "practising", "expert")}
    out = []
    for r in rows:
        skills = r["skills"] or ""
        for level, word in levels.items():
            skills = skills.replace(f"({level})", f"({word})")
        out.append([r["full_name"], r["email"], r["company"], r["job_title"], r["plan"], skills,
                    t(f"visibility.{r['visibility']}", lang), r["active"], r["created"].isoformat()])
    return out


def export_members(who: db.Actor, lang: str = "fr") -> bytes:
    """The members CSV, read as the person (team: everyone) or as db.OWNER."""
    with db.acting_as(who) as conn:
        rows = member_rows(conn, lang)
    return to_csv([t(f"export.{c}", lang) for c in COLUMNS], rows, lang)


def cli_export(args: object = None) -> tuple[str, int]:
    """For `python -m lib export members [FILE]` (lib/cli/export.py): French Excel CSV, as the owner."""
    with db.as_owner() as conn:
        rows = member_rows(conn, "fr")
    data = to_csv([t(f"export.{c}", "fr") for c in COLUMNS], rows, "fr")
    return data.decode("utf-8"), len(rows)
