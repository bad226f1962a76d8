"""Reading the audit log: who changed what, when, old → new.

Triggers fill `public.audit_log` (core migration, and `*_audit.sql` for member skills); only
administrators may read it (its row-level security policy), so these functions act as `who` and
let the database decide: anyone else reads nothing. Filtering and paging happen in SQL (newest
first, LIMIT/OFFSET on the `at` index); Python only puts a page of rows into words.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from psycopg import sql

from lib.core import db
from lib.core.i18n import fmt_date, has, t

# The audited tables, in the order the filter offers them
TABLES = ("members", "member_skills", "member_wanted_skills", "skills", "plans", "settings", "zones",
          "resources", "closures", "bookings", "share_links", "events", "event_speakers", "registrations")
# The actor filter's value for changes made without a signed-in person (command line, system)
SYSTEM = "system"
MAX_VALUE = 80  # characters of one value shown (a bio is long; the log keeps it whole)


@dataclass(frozen=True)
class AuditFilter:
    """Which changes to show. Days are the space's local days, both ends included."""
    tables: tuple[str, ...] = ()
    actor: str | None = None      # an account's user id, SYSTEM, or None for anyone
    since: dt.date | None = None
    until: dt.date | None = None
    text: str = ""                # searched in the old and new values, case ignored


def _like(text: str) -> str:
    """`text` as an ILIKE pattern that matches it literally anywhere."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def entries(who: db.Actor, filters: AuditFilter, limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], bool]:
    """One page of changes, newest first, and whether an older page exists. Each row has `at`,
    `actor`, `actor_name` (the member with that account, if any), `table_name`, `row_id`,
    `action`, `old_values`, `new_values` and the space's `time_zone`."""
    where: list[sql.Composable] = []
    params: dict[str, Any] = {"limit": limit + 1, "offset": max(offset, 0)}
    if filters.tables:
        where.append(sql.SQL("a.table_name = any(%(tables)s)"))
        params["tables"] = list(filters.tables)
    if filters.actor == SYSTEM:
        where.append(sql.SQL("a.actor is null"))
    elif filters.actor:
        where.append(sql.SQL("a.actor = %(actor)s::uuid"))
        params["actor"] = filters.actor
    # local days of the space: from its midnight on `since` to its midnight after `until`
    if filters.since:
        where.append(sql.SQL("a.at >= %(since)s::timestamp at time zone (select s.time_zone from public.settings s)"))
        params["since"] = dt.datetime.combine(filters.since, dt.time(0))
    if filters.until:
        where.append(sql.SQL("a.at < %(until)s::timestamp at time zone (select s.time_zone from public.settings s)"))
        params["until"] = dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time(0))
    if filters.text.strip():
        # in the values only (not the column names, which every row has)
        where.append(sql.SQL("(exists (select 1 from jsonb_each_text(a.old_values) o where o.value ilike %(text)s)"
                             " or exists (select 1 from jsonb_each_text(a.new_values) n where n.value ilike %(text)s))"))
        params["text"] = _like(filters.text.strip())
    query = sql.SQL(
        "select a.id, a.at, a.actor, m.full_name as actor_name, a.table_name, a.row_id, a.action,"
        " a.old_values, a.new_values, (select s.time_zone from public.settings s) as time_zone"
        " from public.audit_log a left join public.members m on m.user_id = a.actor"
        " {where} order by a.at desc, a.id desc limit %(limit)s offset %(offset)s").format(
        where=sql.SQL("where ") + sql.SQL(" and ").join(where) if where else sql.SQL(""))
    with db.acting_as(who) as conn:
        rows = conn.execute(query, params).fetchall()
    return rows[:limit], len(rows) > limit


def actors(who: db.Actor) -> list[dict[str, Any]]:
    """The people who have changed something (for the filter): `user_id` and `full_name`."""
    with db.acting_as(who) as conn:
        rows = conn.execute(
            "select m.user_id::text as user_id, m.full_name from public.members m"
            " where m.user_id is not null"
            " and exists (select 1 from public.audit_log a where a.actor = m.user_id)").fetchall()
    return sorted(rows, key=lambda r: r["full_name"].casefold())


def table_words(table: str, lang: str | None = None) -> str:
    """A table's name as people say it (the raw name for a table added since)."""
    key = f"audit.table.{table}"
    return t(key, lang) if has(key) else table


def _value(value: Any) -> str:
    if value is None:
        return "∅"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1] + "…"


def changes(entry: dict[str, Any]) -> str:
    """What changed, one `field: old → new` a field: for an update only the fields that differ;
    for an insert the new values, for a delete the old ones."""
    old, new = entry.get("old_values") or {}, entry.get("new_values") or {}
    if entry["action"] == "INSERT":
        return "; ".join(f"{k}: {_value(v)}" for k, v in new.items())
    if entry["action"] == "DELETE":
        return "; ".join(f"{k}: {_value(v)}" for k, v in old.items())
    keys = [k for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]
    return "; ".join(f"{k}: {_value(old.get(k))} → {_value(new.get(k))}" for k in keys)


def describe(entry: dict[str, Any], lang: str | None = None) -> dict[str, str]:
    """One change in words: when (the space's local time), who, what, which row, the changes."""
    local = entry["at"].astimezone(ZoneInfo(entry["time_zone"]))
    if entry["actor"] is None:
        who = t("audit.system", lang)
    else:
        who = entry["actor_name"] or t("audit.unknown_actor", lang, id=str(entry["actor"])[:8])
    return {
        "when": f"{fmt_date(local.date(), 'medium', lang)} {local:%H:%M:%S}",
        "who": who,
        "what": t("audit.what", lang, table=table_words(entry["table_name"], lang),
                  action=t(f"audit.action.{entry['action']}", lang)),
        "row": entry["row_id"] or "",
        "changes": changes(entry),
    }
