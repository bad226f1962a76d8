"""The members import says what is true (issue #13): the simulation's future tense only before
importing and the past tense after ("3 créés", no "Simulation : rien n'a encore changé" above
"Import terminé"), no raw key (`field.plan_id`) nor internal plan code in its details, and a stray
`;` in a skills cell never silently drops a skill."""

from __future__ import annotations

from lib.core import db
from lib.core.i18n import t
from lib.directory import csv_import
from tests.conftest import DEMO, app_as, claims, shown

PAGE = "views/import_members.py"


def _plan_names(lang: str) -> list[str]:
    with db.as_owner() as conn:
        rows = conn.execute("select code, name_fr, name_en from public.plans where active order by code").fetchall()
    return rows


def _texts(at) -> list[str]:
    return [shown(e.value) for kind in ("info", "success", "caption", "markdown", "warning")
            for e in getattr(at, kind)]


def test_after_importing_the_page_speaks_in_the_past(demo_db):
    plan = _plan_names("fr")[0]
    data = ("E-mail;Nom;Formule\n"
            f"new1@example.net;Nouvelle Une;{plan['name_fr']}\n"
            "new2@example.net;Nouveau Deux;\n"
            "new3@example.net;Nouvelle Trois;\n").encode()
    at = app_as(DEMO["admin"], PAGE, "fr")
    at.file_uploader(key="import_file").set_value(("membres.csv", data, "text/csv")).run()
    assert not at.exception, at.exception
    before = _texts(at)
    assert any(t("import.dry_run", "fr") in text for text in before)
    details = [str(v) for v in at.dataframe[0].value[t("import.col.details", "fr")]]
    assert not any("field." in d for d in details), details  # a raw key showed here
    assert any(t("field.plan", "fr") in d for d in details)

    at.button(key="import_go").click().run()
    assert not at.exception, at.exception
    after = _texts(at)
    assert not any(t("import.dry_run", "fr") in text for text in after), after
    assert any("3 créés" in text for text in after), after
    assert not any("à créer" in text for text in after), after
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.members where email like 'new_@example.net'"
                            ).fetchone()["n"] == 3


def test_an_unknown_plan_lists_the_plans_by_their_names_not_their_codes(demo_db):
    plans = _plan_names("fr")
    data = b"E-mail;Nom;Formule\nsomeone@example.net;Quelqu'un;Platine\n"
    plan = csv_import.import_members(data, claims(DEMO["admin"]), dry_run=True)
    french, english = plan.rows[0].reason_text("fr"), plan.rows[0].reason_text("en")
    assert plans[0]["name_fr"] in french and plans[0]["name_en"] in english
    assert not any(p["code"] in french for p in plans if p["code"] not in (p["name_fr"], p["name_en"])), french


def test_a_stray_semicolon_in_the_skills_cell_keeps_every_skill(demo_db):
    # skills last: "Python;SQL" unquoted in a semicolon file is read as two cells
    data = b"E-mail;Nom;Competences\nstray@example.net;Stray Semicolon;Python;SQL\n"
    plan = csv_import.import_members(data, claims(DEMO["admin"]), dry_run=True)
    assert {name.casefold() for name in plan.rows[0].skills} == {"python", "sql"}, plan.rows[0]


def test_a_stray_semicolon_elsewhere_is_said_not_dropped(demo_db):
    # skills not last: the extra cell cannot be placed; the row is refused, saying what was read
    data = b"E-mail;Competences;Nom\nstray@example.net;Python;SQL;Stray Semicolon\n"
    plan = csv_import.import_members(data, claims(DEMO["admin"]), dry_run=True)
    row = plan.rows[0]
    assert row.action == "refused", row
    assert "Stray Semicolon" in row.reason_text("fr") and "guillemets" in row.reason_text("fr")
