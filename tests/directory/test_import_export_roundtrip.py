"""Exporting members for Excel in French (BOM, semicolons, CRLF), formula injection neutralised,
and the round trip: a realistic French spreadsheet imported, exported, re-imported changes nothing."""

import csv
import io
import subprocess
import sys
from pathlib import Path

from lib.core import db
from lib.directory import csv_export, csv_import
from lib.identity.auth import person_for_user
from tests.conftest import DEMO, user_id_of

SAMPLE = Path(__file__).parent / "data" / "membres_excel_fr.csv"
ROOT = Path(__file__).resolve().parents[2]


def _rows(data: bytes, sep: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=sep))


def test_export_is_excel_french_and_neutralises_formulas(demo_db):
    csv_import.import_members(SAMPLE.read_bytes(), db.OWNER, dry_run=False)
    admin = person_for_user(user_id_of(DEMO["admin"]))
    data = csv_export.export_members(admin.claims(), "fr")
    assert data.startswith(b"\xef\xbb\xbf"), "a BOM, or Excel reads UTF-8 as Windows-1252"
    assert b"\r\n" in data and data.count(b"\r\n") == data.count(b"\n")
    rows = _rows(data)
    assert rows[0] == ["Nom complet", "E-mail", "Société", "Poste", "Formule", "Compétences", "Visibilité",
                       "Actif", "Membre depuis"]
    assert len(rows) == 1 + 120 + 4
    trap = next(r for r in rows if r[1] == "piege@exemple.fr")
    assert trap[0].startswith("'=HYPERLINK("), "a formula must be shown as text"
    assert trap[2] == "'+33 Société" and trap[3] == "'@Poste"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    maelle = next(r for r in rows if r[1] == "maelle.legoff@exemple.fr")
    assert maelle[4] == "Mensuel" and maelle[5] == "Accessibilité (apprentissage), CSS (pratique), React (expert)"


def test_round_trip_export_then_import_changes_nothing(demo_db):
    csv_import.import_members(SAMPLE.read_bytes(), db.OWNER, dry_run=False)
    data = csv_export.export_members(db.OWNER, "fr")
    plan = csv_import.import_members(data, db.OWNER, dry_run=True)
    assert plan.count("refused") == 0, [(r.line, r.reason_text("en")) for r in plan.rows if r.action == "refused"]
    changed = [(r.email, r.changes) for r in plan.rows if r.action != "unchanged"]
    assert changed == [], changed
    english = csv_import.import_members(csv_export.export_members(db.OWNER, "en"), db.OWNER, dry_run=True)
    assert english.parsed.delimiter == "," and english.count("unchanged") == len(english.rows)


def test_export_command_writes_a_file(demo_db, tmp_path):
    out = tmp_path / "membres.csv"
    done = subprocess.run([sys.executable, "-m", "lib", "export", "members", str(out)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "exported 120 members" in done.stdout
    assert _rows(out.read_bytes())[0][1] == "E-mail"
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.members").fetchone()["n"] == 120
