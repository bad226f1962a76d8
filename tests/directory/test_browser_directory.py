"""In a real browser (Playwright + Debian's Chromium) against `streamlit run app.py`: the demo
member fills their profile (company, a skill with its level), opts into the directory, then
finds themselves by that skill, in French and then in English. Screenshots go to
artifacts/directory_*.png."""

from pathlib import Path

import pytest

from lib.core import db
from tests.browser import browser_page, open_from_menu, running_app, screenshot

pytestmark = pytest.mark.browser


def _pick(page, label: str, option: str) -> None:
    """Choose `option` in the Streamlit multiselect labelled `label` (type, then Enter)."""
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text=label).first
    box.locator("input").click()
    box.locator("input").fill(option)
    page.get_by_role("option", name=option, exact=True).first.click()
    page.keyboard.press("Escape")


def test_member_fills_profile_opts_in_and_finds_themselves_by_skill(demo_db):
    with db.as_owner() as conn:
        conn.execute("update public.members set visibility = 'hidden' where email = 'member@example.org'")
        conn.execute("delete from public.member_skills where member_id ="
                     " (select id from public.members where email = 'member@example.org')")
    with running_app({"CANTINE_DEMO": "0"}) as url, browser_page() as page:
        page.goto(url)
        page.get_by_label("Adresse e-mail").fill("member@example.org")
        page.get_by_label("Mot de passe").fill("cantine-demo")
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_role("heading", name="Bienvenue à La Cantine des Lices").wait_for()

        open_from_menu(page, "Mon profil", "Mon profil")
        page.get_by_text("Visible par : vous et l'équipe.").first.wait_for()
        page.get_by_label("Société").fill("Atelier Navigateur")
        page.get_by_label("Société").press("Tab")
        _pick(page, "Mes compétences", "Rust")
        page.get_by_text("Niveau en Rust").wait_for()
        page.locator('[data-testid="stButtonGroup"]').filter(has_text="Expert").get_by_text("Expert").last.click()
        page.get_by_text("Membres uniquement").click()
        page.get_by_text("Visible par : les membres connectés et l'équipe.").first.wait_for()
        screenshot(page, "directory_1_profile_fr")
        page.get_by_role("button", name="Enregistrer mon profil").click()
        page.get_by_text("Profil enregistré.").first.wait_for()

        with db.as_owner() as conn:
            row = conn.execute(
                "select m.visibility, m.company, ms.level::text as level from public.members m"
                " join public.member_skills ms on ms.member_id = m.id join public.skills s on s.id = ms.skill_id"
                " where m.email = 'member@example.org' and s.name = 'Rust'").fetchone()
        assert row == {"visibility": "members", "company": "Atelier Navigateur", "level": "expert"}

        open_from_menu(page, "Annuaire", "Annuaire")
        _pick(page, "Compétences", "Rust")
        page.get_by_text("Alex Membre").first.wait_for()
        page.get_by_text("Rust (expert)").first.wait_for()
        screenshot(page, "directory_2_found_fr")

        page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
        page.get_by_role("heading", name="Directory").wait_for()
        page.get_by_label("Search a name, a company or a skill").fill("Atelier Navigateur")
        page.get_by_label("Search a name, a company or a skill").press("Enter")
        page.get_by_text("Alex Membre").first.wait_for()
        page.get_by_role("button", name="See profile").first.click()
        page.get_by_text("This is you").wait_for()
        page.get_by_text("Expert", exact=False).first.wait_for()
        screenshot(page, "directory_3_member_page_en")


def test_admin_imports_a_french_excel_file_then_reimports_the_export(demo_db, tmp_path):
    sample = Path(__file__).parent / "data" / "membres_excel_fr.csv"
    with running_app({"CANTINE_DEMO": "0"}) as url, browser_page() as page:
        page.goto(url)
        page.get_by_label("Adresse e-mail").fill("admin@example.org")
        page.get_by_label("Mot de passe").fill("cantine-demo")
        page.get_by_role("button", name="Se connecter").click()
        open_from_menu(page, "Import et export des membres", "Import et export des membres")

        page.locator('input[type="file"]').set_input_files(str(sample))
        page.get_by_text("4 à créer, 0 à mettre à jour, 0 inchangé, 3 refusés").wait_for()
        page.get_by_text("Encodage cp1252").wait_for()
        screenshot(page, "directory_4_import_dry_run_fr")
        page.get_by_role("button", name="Importer 4 lignes valides").click()
        page.get_by_text("Import terminé").wait_for()

        with page.expect_download() as info:
            page.get_by_role("button", name="Télécharger le CSV des membres").click()
        exported = tmp_path / "membres.csv"
        info.value.save_as(str(exported))
        data = exported.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and b";" in data.splitlines()[0]
        assert "'=HYPERLINK(" in data.decode("utf-8-sig"), "formulas exported as text"

        page.locator('input[type="file"]').set_input_files(str(exported))
        page.get_by_text("0 à créer, 0 à mettre à jour, 124 inchangés, 0 refusé").wait_for()
        screenshot(page, "directory_5_reimport_unchanged_fr")
