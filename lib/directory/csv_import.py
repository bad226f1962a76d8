"""Importing members from a spreadsheet as people really have them.

Accepts comma, semicolon or tab separators; UTF-8 with or without BOM, UTF-16 (Excel's
"Unicode text"), or Windows-1252 from a French Excel; French or English headers in any case
and with or without accents; blank lines and stray spaces. Skills go in one cell, separated by
commas or semicolons, each optionally with a level: "Python (expert); SQL".

Every import is planned first: each row is *create*, *update*, *unchanged* or *refused* with
reasons. A dry run stops there, in a read-only transaction. A real import applies every
valid row in one transaction, matching existing members by email, so importing the same file
twice changes nothing; a row that clashes with a member added meanwhile refuses the whole import,
naming its line and field, and nothing is written. Visibility is never imported: only a member consents to being listed.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from lib.core import db
from lib.core.errors import UserError
from lib.core.i18n import current_language, t
from lib.directory import skills
from lib.directory.members import EMAIL_RE, LIMITS

MAX_BYTES = 5_000_000
MAX_ROWS = 10_000
# .xlsx/.ods (zip), .xls (OLE), PDF, PNG, JPEG, GIF: what people upload by mistake instead of CSV
BINARY_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
FIELDS = ("email", "full_name", "first_name", "last_name", "company", "job_title", "plan", "skills", "bio")
# normalised header (lower case, no accents, letters and digits only) -> field
HEADERS = {
    **dict.fromkeys(["email", "mail", "courriel", "adresseemail", "adressemail", "emailaddress", "adressecourriel",
                     "mel", "adressemel"], "email"),
    **dict.fromkeys(["prenom", "firstname", "givenname", "prenoms"], "first_name"),
    **dict.fromkeys(["nom", "lastname", "surname", "familyname", "nomdefamille", "nomdusage"], "last_name"),
    **dict.fromkeys(["nomcomplet", "fullname", "name", "nometprenom", "prenometnom", "membre", "member",
                     "identite"], "full_name"),
    **dict.fromkeys(["societe", "entreprise", "company", "organisation", "organization", "structure",
                     "employeur", "raisonsociale"], "company"),
    **dict.fromkeys(["poste", "fonction", "metier", "jobtitle", "title", "job", "intitule", "titre"], "job_title"),
    **dict.fromkeys(["formule", "plan", "abonnement", "offre", "membership", "forfait"], "plan"),
    **dict.fromkeys(["competences", "competence", "skills", "skill"], "skills"),
    **dict.fromkeys(["bio", "biographie", "presentation", "about", "apropos"], "bio"),
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SKILL_SPLIT = re.compile(r"[;,|\n]")
_SKILL_LEVEL = re.compile(r"^(?P<name>.*?)\s*(?:\((?P<paren>[^()]*)\)|:\s*(?P<colon>[^:]+))\s*$")


def normalise_header(header: str) -> str:
    text = unicodedata.normalize("NFKD", header or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", text)


def clean_cell(value: str | None) -> str:
    """Strip control characters (PostgreSQL refuses NUL) and spaces; undo our own export's
    formula guard (a leading apostrophe before = + - @) so an export re-imports unchanged."""
    text = _CONTROL.sub("", value or "").replace("\u00a0", " ").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


# --------------------------------------------------------------------------- reading the file

@dataclass
class ParsedFile:
    encoding: str
    delimiter: str
    columns: dict[int, str]                 # column index -> field
    ignored: list[str]                      # headers we did not recognise
    rows: list[tuple[int, dict[str, str]]]  # (line number in the file, field -> cleaned value)


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was in."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(BINARY_SIGNATURES) or data[:4096].count(b"\x00") > 8:  # a stray NUL in text is cleaned later
        raise UserError("import.not_text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(first_line: str) -> str:
    """The separator of the header line: the most frequent of ; , and tab outside quotes."""
    outside = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: outside.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse(data: bytes) -> ParsedFile:
    """Read a CSV file into rows of known fields; refuses what is not a usable member list."""
    if not data or not data.strip():
        raise UserError("import.empty")
    if len(data) > MAX_BYTES:
        raise UserError("import.too_big", max_mb=MAX_BYTES // 1_000_000)
    text, encoding = decode(data)
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip(" \t;,")), None)
    if first is None:
        raise UserError("import.empty")
    delimiter = sniff_delimiter(lines[first])
    reader = csv.reader(io.StringIO("\n".join(lines[first:])), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise UserError("import.not_csv") from exc
    columns: dict[int, str] = {}
    ignored: list[str] = []
    for index, name in enumerate(header):
        key = HEADERS.get(normalise_header(clean_cell(name).lstrip("\ufeff")))
        if key and key not in columns.values():
            columns[index] = key
        elif clean_cell(name):
            ignored.append(clean_cell(name)[:60])
    found = set(columns.values())
    if "email" not in found:
        raise UserError("import.no_email_column")
    # "Nom" alone (no "Prénom") is the whole name
    if "last_name" in found and not found & {"first_name", "full_name"}:
        columns = {i: ("full_name" if f == "last_name" else f) for i, f in columns.items()}
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for cells in reader:
            line = first + reader.line_num
            if not any(c.strip() for c in cells):
                continue  # blank line
            if len(rows) >= MAX_ROWS:
                raise UserError("import.too_many_rows", max=MAX_ROWS)
            row = {f: clean_cell(cells[i]) if i < len(cells) else "" for i, f in columns.items()}
            _place_extra_cells(row, [clean_cell(c) for c in cells[len(header):]], columns, len(header))
            rows.append((line, row))
    except csv.Error as exc:
        raise UserError("import.not_csv") from exc
    return ParsedFile(encoding, delimiter, columns, ignored, rows)


EXTRA = "_extra"  # a row's cells beyond the header that could not be placed (see below)


def _place_extra_cells(row: dict[str, str], extra: list[str], columns: dict[int, str], width: int) -> None:
    """A row with more cells than the header had a separator inside a cell that was not quoted
    (typed by hand: `Python;SQL` in a semicolon file). When the skills column is the last one,
    the extra cells are more skills, kept; anywhere else they cannot be placed, and the row is
    refused saying what was read, rather than losing them silently."""
    extra = [cell for cell in extra if cell]
    if not extra:
        return
    if columns.get(width - 1) == "skills":
        row["skills"] = ", ".join(cell for cell in [row.get("skills", ""), *extra] if cell)
    else:
        row[EXTRA] = " ; ".join(extra)


# --------------------------------------------------------------------------- planning

@dataclass
class RowPlan:
    line: int
    email: str
    full_name: str
    action: str = "create"                      # create, update, unchanged, refused
    reasons: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)   # columns to write
    skills: dict[str, str] = field(default_factory=dict)   # skill name -> level to set

    def reason_text(self, lang: str | None = None) -> str:
        return " ; ".join(t(key, lang, **_in_language(params, lang)) for key, params in self.reasons)

    def changes_text(self, lang: str | None = None) -> str:
        """The fields this row changes, named as the page names them (the plan is `plan_id`
        in the database, "Formule" to a reader)."""
        return ", ".join(t(f"field.{_FIELD_NAMES.get(c, c)}", lang) for c in self.changes)


@dataclass
class ImportPlan:
    parsed: ParsedFile
    rows: list[RowPlan]
    applied: bool = False

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def summary(self, lang: str | None = None) -> str:
        """What the import will do (a simulation) or, once applied, what it did: the tense follows."""
        return t("import.summary_done" if self.applied else "import.summary", lang, created=self.count("create"), updated=self.count("update"),
                 unchanged=self.count("unchanged"), refused=self.count("refused"))


_FIELD_NAMES = {"plan_id": "plan"}


def _in_language(params: dict[str, Any], lang: str | None) -> dict[str, Any]:
    """A reason's values in the reader's language: a value given in both (`{"fr": …, "en": …}`,
    the plans' names) is picked here, when the row is shown, not when it was planned."""
    lang = lang or current_language()
    return {k: (v.get(lang, v.get("fr")) if isinstance(v, dict) else v) for k, v in params.items()}


def _fold(text: str) -> str:
    return normalise_header(text)


def _parse_skills(cell: str) -> tuple[dict[str, str], list[tuple[str, dict[str, Any]]]]:
    """Skill names and levels from one cell; the last mention of a skill wins."""
    found: dict[str, tuple[str, str]] = {}  # casefolded name -> (spelling, level)
    problems: list[tuple[str, dict[str, Any]]] = []
    for part in _SKILL_SPLIT.split(cell or ""):
        part = part.strip()
        if not part:
            continue
        level = "practising"
        match = _SKILL_LEVEL.match(part)
        if match and match.group("name"):
            word = (match.group("paren") or match.group("colon") or "").strip()
            parsed = skills.parse_level(word)
            if parsed is None:
                problems.append(("import.level_unknown", {"skill": part[:60], "level": word[:30]}))
                continue
            part, level = match.group("name"), parsed
        try:
            name = skills.clean_name(part)
        except UserError:
            problems.append(("import.skill_invalid", {"skill": part[:60], "max": skills.MAX_NAME}))
            continue
        found[name.casefold()] = (name, level)
    return {name: level for name, level in found.values()}, problems


def plan_rows(conn: psycopg.Connection, parsed: ParsedFile) -> list[RowPlan]:
    """Decide, per row, what an import would do, reading the database in `conn`."""
    plans = conn.execute("select id, code, name_fr, name_en, active from public.plans order by code").fetchall()
    plan_by_name: dict[str, Any] = {}
    for p in plans:
        for label in (p["code"], p["name_fr"], p["name_en"]):
            plan_by_name[_fold(label)] = p
    existing = {r["email"].lower(): r for r in conn.execute(
        "select m.id, m.email::text as email, m.full_name, m.company, m.job_title, m.bio, m.plan_id"
        " from public.members m where m.erased_at is null")}
    their_skills: dict[str, dict[str, str]] = {}
    for r in conn.execute("select ms.member_id, s.name::text as name, ms.level::text as level"
                          " from public.member_skills ms join public.skills s on s.id = ms.skill_id"):
        their_skills.setdefault(str(r["member_id"]), {})[r["name"].casefold()] = r["level"]

    seen: dict[str, int] = {}
    out: list[RowPlan] = []
    for line, cells in parsed.rows:
        email = cells.get("email", "").lower()
        name = cells.get("full_name") or " ".join(
            x for x in (cells.get("first_name", ""), cells.get("last_name", "")) if x)
        name = re.sub(r"\s+", " ", name).strip()
        row = RowPlan(line, email, name)
        out.append(row)
        if not email:
            row.reasons.append(("import.email_missing", {}))
        elif not EMAIL_RE.match(email) or len(email) > 254:
            row.reasons.append(("import.email_invalid", {"email": email[:80]}))
        elif email in seen:
            row.reasons.append(("import.duplicate", {"line": seen[email]}))
        else:
            seen[email] = line
        current = existing.get(email)
        if not name and current is None:
            row.reasons.append(("import.name_missing", {}))
        values: dict[str, Any] = {}
        if name:
            values["full_name"] = name
        for key in ("company", "job_title", "bio"):
            if cells.get(key):
                values[key] = cells[key]
        for key, value in values.items():
            if len(value) > LIMITS[key]:
                row.reasons.append(("import.too_long", {"field": t(f"field.{key}"), "max": LIMITS[key]}))
        if cells.get("plan"):
            plan = plan_by_name.get(_fold(cells["plan"]))
            if plan is None:
                # the plans as the reader knows them, by name in their language (not the codes)
                known = {lang: ", ".join(p[f"name_{lang}"] for p in plans if p.get("active", True))
                         for lang in ("fr", "en")}
                row.reasons.append(("import.plan_unknown", {"plan": cells["plan"][:40], "known": known}))
            else:
                values["plan_id"] = plan["id"]
        if cells.get(EXTRA):
            row.reasons.append(("import.extra_cells", {"cells": cells[EXTRA][:120]}))
        row_skills, problems = _parse_skills(cells.get("skills", ""))
        row.reasons.extend(problems)
        if row.reasons:
            row.action = "refused"
            continue
        if current is None:
            row.action, row.values, row.skills = "create", values, row_skills
            row.changes = sorted(values) + (["skills"] if row_skills else [])
            continue
        row.values = {k: v for k, v in values.items() if current.get(k) != v}
        mine = their_skills.get(str(current["id"]), {})
        row.skills = {n: lvl for n, lvl in row_skills.items() if mine.get(n.casefold()) != lvl}
        row.changes = sorted(row.values) + (["skills"] if row.skills else [])
        row.action = "update" if row.changes else "unchanged"
    return out


# --------------------------------------------------------------------------- applying

def apply_rows(conn: psycopg.Connection, rows: list[RowPlan]) -> None:
    """Write every created or updated row in the caller's transaction. A row that clashes with a
    member who appeared since the rows were planned (another admin, another import, committed
    while this one ran) refuses the whole import with its line and field: the caller's
    transaction then rolls back, so nothing of the file is left half-written."""
    conn.execute("select set_config('cantine.visibility_reason', 'import', true)")
    created: dict[str, int] = {}  # member id -> line of this file that created it
    for row in rows:
        if row.action == "create":
            cols = ["email", *row.values]
            # on conflict: no aborted transaction, so we can still say which line and whose
            query = sql.SQL("insert into public.members ({}) values ({}) on conflict (email) do nothing"
                            " returning id").format(
                sql.SQL(", ").join(map(sql.Identifier, cols)), sql.SQL(", ").join(sql.Placeholder() * len(cols)))
            inserted = conn.execute(query, (row.email, *row.values.values())).fetchone()
            if inserted is None:
                _refuse_clash(conn, row, created)
            member_id = inserted["id"]
            created[str(member_id)] = row.line
        elif row.action == "update":
            found = conn.execute("select id from public.members where email = %s", (row.email,)).fetchone()
            if found is None:
                raise UserError("import.gone_meanwhile", line=row.line, email=row.email)
            member_id = found["id"]
            if row.values:
                query = sql.SQL("update public.members set {} where id = %s").format(
                    sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(k)) for k in row.values))
                conn.execute(query, (*row.values.values(), member_id))
        else:
            continue
        for name, level in row.skills.items():
            skill_id = skills.find_or_propose(conn, name, None, approved=True)
            conn.execute(
                "insert into public.member_skills (member_id, skill_id, level) values (%s, %s, %s)"
                " on conflict (member_id, skill_id) do update set level = excluded.level", (member_id, skill_id, level))
    conn.execute("select set_config('cantine.visibility_reason', '', true)")


def _refuse_clash(conn: psycopg.Connection, row: RowPlan, created: dict[str, int]) -> None:
    """Row `row` could not be created: its email is taken. By an earlier line of this file (two
    spellings the database deems the same address), or by someone who added it meanwhile."""
    other = conn.execute("select id from public.members where email = %s", (row.email,)).fetchone()
    earlier = created.get(str(other["id"])) if other else None
    if earlier is not None:
        raise UserError("import.clash_in_file", line=row.line, email=row.email, other=earlier)
    raise UserError("import.added_meanwhile", line=row.line, email=row.email)


def _check_preview(rows: list[RowPlan], preview: ImportPlan) -> None:
    """Refuse to apply when a row the person saw as *create* now matches a member: applying would
    silently update someone added meanwhile instead of what was shown."""
    shown = {r.line: r for r in preview.rows}
    for row in rows:
        before = shown.get(row.line)
        if before is not None and before.action == "create" and before.email == row.email and row.action != "create":
            raise UserError("import.added_meanwhile", line=row.line, email=row.email)


def import_members(data: bytes, who: db.Actor, dry_run: bool = True, preview: ImportPlan | None = None) -> ImportPlan:
    """Plan (and unless `dry_run`, apply) an import as `who`: the admin doing it from the app
    (row-level security applies), or db.OWNER from the command line. One transaction. `preview`
    is the dry run the person saw, if any: a row it showed as a new member that someone added
    meanwhile refuses the import (with its line) rather than updating that member unseen."""
    parsed = parse(data)
    with db.acting_as(who) as conn:
        if dry_run:
            # a dry run cannot change anything, whatever a bug here might try
            conn.execute("set transaction read only")
        rows = plan_rows(conn, parsed)
        plan = ImportPlan(parsed, rows)
        if dry_run:
            conn.rollback()
            return plan
        if preview is not None:
            _check_preview(rows, preview)
        apply_rows(conn, rows)
        plan.applied = True
    return plan
