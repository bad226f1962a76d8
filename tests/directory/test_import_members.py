"""Importing members from spreadsheets as people really have them, including hostile ones: a
dry run changes nothing, the real import is one transaction matching by email, and importing the
same file twice changes nothing."""

import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest

from lib.core import db
from lib.core.errors import UserError
from lib.directory import csv_import
from lib.identity.auth import person_for_user
from tests.conftest import DEMO, user_id_of

SAMPLE = Path(__file__).parent / "data" / "membres_excel_fr.csv"
ROOT = Path(__file__).resolve().parents[2]


def _snapshot() -> tuple:
    with db.as_owner() as conn:
        return (
            conn.execute("select md5(string_agg(m::text, '|' order by id)) as h from public.members m").fetchone()["h"],
            conn.execute("select count(*) as n from public.member_skills").fetchone()["n"],
            conn.execute("select count(*) as n from public.skills").fetchone()["n"],
            conn.execute("select count(*) as n from public.audit_log").fetchone()["n"],
        )


def _by_line(plan):
    return {r.line: r for r in plan.rows}


def test_dry_run_of_a_french_excel_file_explains_each_row_and_changes_nothing(demo_db):
    before = _snapshot()
    plan = csv_import.import_members(SAMPLE.read_bytes(), db.OWNER, dry_run=True)
    assert _snapshot() == before, "a dry run must not change the database"
    assert plan.parsed.encoding == "cp1252" and plan.parsed.delimiter == ";"
    assert plan.parsed.ignored == ["Téléphone"]
    rows = _by_line(plan)
    assert rows[2].action == "create" and rows[2].full_name == "Maëlle Le Goff"
    assert rows[2].skills == {"React": "expert", "CSS": "practising", "Accessibilité": "learning"}
    assert rows[3].email == "helene.durand@exemple.fr", "spaces trimmed, case folded"
    assert rows[6].action == "create"
    assert rows[7].action == "refused" and rows[7].reasons[0][0] == "import.email_invalid"
    assert rows[8].action == "refused" and rows[8].reasons == [("import.duplicate", {"line": 3})]
    assert rows[9].action == "refused" and "Platine" in rows[9].reason_text("en")
    assert "Day pass" in rows[9].reason_text("en") and "day-pass" not in rows[9].reason_text("en")  # names, not codes
    assert rows[10].action == "create", "a formula is stored as text; the export neutralises it"
    assert 4 not in rows and 5 not in rows, "blank lines are skipped"
    assert plan.summary("en") == "4 to create, 0 to update, 0 unchanged, 3 refused"


def test_import_applies_valid_rows_in_one_transaction_and_twice_changes_nothing(demo_db):
    plan = csv_import.import_members(SAMPLE.read_bytes(), db.OWNER, dry_run=False)
    assert plan.applied and plan.count("create") == 4
    with db.as_owner() as conn:
        row = conn.execute(
            "select m.full_name, m.company, p.code as plan, m.visibility, m.role,"
            " (select string_agg(s.name::text || ':' || ms.level, ',' order by s.name) from public.member_skills ms"
            "  join public.skills s on s.id = ms.skill_id where ms.member_id = m.id) as skills"
            " from public.members m left join public.plans p on p.id = m.plan_id where m.email = %s",
            ("maelle.legoff@exemple.fr",)).fetchone()
        assert conn.execute("select 1 from public.members where email = 'pas-un-email'").fetchone() is None
        history = conn.execute("select reason from public.visibility_history h join public.members m"
                               " on m.id = h.member_id where m.email = 'thanh.nguyen@exemple.fr'").fetchall()
    assert row["full_name"] == "Maëlle Le Goff" and row["company"] == "Crêpe Stack" and row["plan"] == "monthly"
    assert row["skills"] == "Accessibilité:learning,CSS:practising,React:expert"
    assert row["visibility"] == "hidden" and row["role"] == "member", "import never opts anyone in"
    assert [h["reason"] for h in history] == ["import"]
    after_first = _snapshot()
    again = csv_import.import_members(SAMPLE.read_bytes(), db.OWNER, dry_run=False)
    assert again.count("create") == 0 and again.count("update") == 0 and again.count("unchanged") == 4
    assert _snapshot() == after_first, "importing the same file twice changes nothing"


def test_update_by_email_fills_given_cells_and_keeps_the_rest(demo_db):
    with db.as_owner() as conn:
        existing = conn.execute("select email::text as email, full_name, job_title from public.members"
                                " where email = %s", (DEMO["member"],)).fetchone()
    data = f"email,company\n{DEMO['member'].upper()},Nouvelle Société\n".encode()
    plan = csv_import.import_members(data, db.OWNER, dry_run=False)
    assert plan.rows[0].action == "update" and plan.rows[0].changes == ["company"]
    with db.as_owner() as conn:
        row = conn.execute("select full_name, company, job_title from public.members where email = %s",
                           (DEMO["member"],)).fetchone()
    assert row["company"] == "Nouvelle Société"
    assert row["full_name"] == existing["full_name"] and row["job_title"] == existing["job_title"]


@pytest.mark.parametrize("encoding,bom,sep", [("utf-8", True, ","), ("utf-8", False, ";"), ("cp1252", False, ","),
                                              ("utf-16", False, "\t")])
def test_encodings_and_separators(empty_db, encoding, bom, sep):
    text = sep.join(["Prénom", "Nom", "Adresse e-mail", "Compétences"]) + "\r\n"
    text += sep.join(["Éloïse", "Bérézina", " eloise@exemple.fr ", '"Vue.js, PHP (expert)"']) + "\r\n\r\n"
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
    plan = csv_import.import_members(data, db.OWNER, dry_run=True)
    assert plan.parsed.delimiter == sep
    row = plan.rows[0]
    assert (row.action, row.full_name, row.email) == ("create", "Éloïse Bérézina", "eloise@exemple.fr")
    assert row.skills == {"Vue.js": "practising", "PHP": "expert"}


@pytest.mark.parametrize("data,key", [
    (b"", "import.empty"),
    (b"\n\n  \n", "import.empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "import.not_text"),
    (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml", "import.not_text"),
    (b"name,company\nAlice,ACME\n", "import.no_email_column"),
])
def test_unusable_files_are_refused_with_a_reason(empty_db, data, key):
    with pytest.raises(UserError) as refused:
        csv_import.import_members(data, db.OWNER, dry_run=True)
    assert refused.value.key == key


def test_hostile_cells_control_characters_and_long_values(empty_db):
    data = ("E-mail;Nom complet;Société;Compétences\n"
            "nul@exemple.fr;Nul\x00Byte\x07;ACME;\n"
            f"long@exemple.fr;{'x' * 250};ACME;\n"
            "lvl@exemple.fr;Lev;ACME;Python (gourou)\n"
            "'=cmd@exemple.fr;Quote;'=1+1;\n").encode()
    plan = csv_import.import_members(data, db.OWNER, dry_run=False)
    rows = _by_line(plan)
    assert rows[2].action == "create" and rows[2].full_name == "NulByte", "control characters removed"
    assert rows[3].action == "refused" and rows[3].reasons[0][0] == "import.too_long"
    assert rows[4].action == "refused" and "gourou" in rows[4].reason_text("fr")
    assert rows[5].values.get("company") == "=1+1", "our own export's apostrophe guard is undone on import"


def test_import_from_the_app_runs_as_the_person_under_rls(demo_db):
    """The page imports as the signed-in admin (RLS applies): staff may not add approved skills,
    so their import is refused whole and nothing is written."""
    staff = person_for_user(user_id_of(DEMO["staff"]))
    before = _snapshot()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        csv_import.import_members(b"email,name,skills\nnew@exemple.fr,Nouvelle,Elixir\n",
                                  staff.claims(), dry_run=False)
    assert _snapshot() == before
    admin = person_for_user(user_id_of(DEMO["admin"]))
    plan = csv_import.import_members(b"email,name,skills\nnew@exemple.fr,Nouvelle,Elixir\n",
                                     admin.claims(), dry_run=False)
    assert plan.applied and plan.count("create") == 1
    with db.as_owner() as conn:
        status = conn.execute("select status from public.skills where name = 'Elixir'").fetchone()["status"]
    assert status == "approved"


def test_command_line_dry_run_then_import(demo_db):
    cmd = [sys.executable, "-m", "lib", "import-members", str(SAMPLE)]
    dry = subprocess.run([*cmd, "--dry-run"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert dry.returncode == 0, dry.stderr
    assert "dry run, nothing changed: 4 to create, 0 to update, 0 unchanged, 3 refused" in dry.stdout
    assert "duplicated in the file (already on line 3)" in dry.stdout
    real = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert real.returncode == 0 and "imported: 4 created" in real.stdout
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.members where email like '%%@exemple.fr'").fetchone()["n"] == 4


def test_a_file_without_names_updates_but_refuses_new_members(demo_db):
    data = f"email,company\n{DEMO['member']},ACME\nnobody@exemple.fr,ACME\n".encode()
    rows = _by_line(csv_import.import_members(data, db.OWNER, dry_run=True))
    assert rows[2].action == "update"
    assert rows[3].action == "refused" and rows[3].reasons == [("import.name_missing", {})]


CLASH_CSV = ("email;nom complet;société\n"
             "first@clash.org;First Person;Alpha\n"
             "second@clash.org;Second Person;Beta\n"
             "Ann@Clash.org ;Ann Clash;Gamma\n").encode()


def test_a_member_added_between_preview_and_import_names_the_line_and_field_and_nothing_is_written(demo_db):
    preview = csv_import.import_members(CLASH_CSV, db.OWNER, dry_run=True)
    assert [r.action for r in preview.rows] == ["create", "create", "create"]
    with db.as_owner() as conn:  # another admin, another connection, meanwhile
        conn.execute("insert into public.members (email, full_name) values ('ann@clash.org', 'Ann Added Meanwhile')")
    before = _snapshot()
    with pytest.raises(UserError) as refused:
        csv_import.import_members(CLASH_CSV, db.OWNER, dry_run=False, preview=preview)
    assert refused.value.message("en") == (
        "Line 4, email: ann@clash.org is already a member — it was added while you were importing; "
        "run the preview again. Nothing was imported.")
    assert refused.value.message("fr").startswith("Ligne 4, e-mail : ann@clash.org est déjà membre")
    assert _snapshot() == before, "the whole import is one transaction: nothing partial remains"
    with db.as_owner() as conn:
        assert conn.execute("select full_name, company from public.members where email = 'ann@clash.org'"
                            ).fetchone() == {"full_name": "Ann Added Meanwhile", "company": None}


def test_a_concurrent_insert_during_the_import_is_a_sentence_not_a_unique_violation(demo_db):
    """The other insert commits after this import has planned its rows and before it writes them
    (its uncommitted row makes our insert wait on the unique index, then clash)."""
    other = psycopg.connect(db.conninfo())
    other.execute("insert into public.members (email, full_name) values ('ann@clash.org', 'Ann Racing')")
    before = _snapshot()
    outcome: dict[str, BaseException] = {}

    def run_import() -> None:
        try:
            csv_import.import_members(CLASH_CSV, db.OWNER, dry_run=False)
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run_import)
    thread.start()
    thread.join(1.5)
    assert thread.is_alive(), "the import waits on the other transaction's row"
    other.commit()
    other.close()
    thread.join(15)
    error = outcome.get("error")
    assert isinstance(error, UserError), repr(error)
    assert error.message("en").startswith("Line 4, email: ann@clash.org is already a member")
    after = _snapshot()
    assert after[1:3] == before[1:3], "no skill nor link of the file remains"
    with db.as_owner() as conn:
        emails = {r["email"] for r in conn.execute("select email::text as email from public.members"
                                                   " where email like '%%@clash.org'")}
    assert emails == {"ann@clash.org"}, "lines 2 and 3 were rolled back with line 4"
