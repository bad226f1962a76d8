"""In a real browser on a phone (390×844, Playwright + Debian's Chromium), issue #13's French
items: an English browser gets the sign-in page in English with the language switch on the page
(the phone's menu stays closed); an admin switches to French from the top of the page, makes a
closure with a mistake and corrects it without typing the reason again, is asked before the
bookings it hits are cancelled (and how many people would be told), and sees the import's drop
zone and an empty date field in French. Screenshots: artifacts/french_*.png."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from lib.core import clock, db
from lib.core.i18n import t
from lib.space import space
from tests.browser import browser_page, running_app, screenshot

pytestmark = pytest.mark.browser


def _date_field(page, label: str):
    return page.locator('[data-testid="stDateInput"]').filter(has_text=label)


def _type_date(page, label: str, day: dt.date) -> None:
    """Type a day into Streamlit's date field (day, month, year segments, DD/MM/YYYY)."""
    field = _date_field(page, label)
    field.locator('[role="spinbutton"]').first.click()
    page.keyboard.type(day.strftime("%d%m%Y"), delay=40)
    page.keyboard.press("Tab")


def test_a_phone_in_english_then_french_closure_and_confirmation(demo_db):
    tz = space.settings()["time_zone"]
    day = clock.space_today(tz) + dt.timedelta(days=1)
    starts = dt.datetime.combine(day, dt.time(9), ZoneInfo(tz))
    with db.as_owner() as conn:  # two people booked on the day the closure will take (a weekend too)
        conn.execute("update public.bookings set status = 'cancelled' where day = %s", (day,))
        conn.execute(
            "insert into public.bookings (resource_id, member_id, during, units)"
            " select r.id, m.id, tstzrange(%s, %s), 0.5 from public.members m"
            " join lateral (select id from public.resources where kind = 'desk' and active"
            "               order by name offset (case when m.email = %s then 0 else 1 end) limit 1) r on true"
            " where m.email in (%s, %s)",
            (starts, starts + dt.timedelta(hours=3), "member@example.org", "member@example.org", "staff@example.org"))
        booked = conn.execute("select count(*) as n from public.bookings where day = %s and status <> 'cancelled'",
                              (day,)).fetchone()["n"]
    assert booked == 2
    with running_app({"CANTINE_DEMO": "0"}) as url, browser_page(390, 844, "en-US") as page:
        page.goto(url)
        page.get_by_role("heading", name="Sign in").wait_for()
        main = page.locator('[data-testid="stMain"]')
        # the switch is on the page with the menu closed (drawn just after the heading: wait for it)
        main.get_by_text("Français", exact=True).wait_for(state="visible", timeout=15_000)
        page.wait_for_timeout(800)
        screenshot(page, "french_1_phone_sign_in_en")

        page.get_by_label("Email address").fill("admin@example.org")
        page.get_by_label("Password", exact=True).fill("cantine-demo")
        page.get_by_role("button", name="Sign in").click()
        top = page.locator(".st-key-lang_top")
        top.wait_for()
        top.get_by_text("Français", exact=True).click()  # the phone's switch, at the top of the page
        page.wait_for_timeout(1500)

        page.goto(f"{url}/resources")
        page.get_by_role("heading", name="Postes, salles et fermetures").wait_for()
        page.get_by_role("tab", name="Fermetures").click()
        page.get_by_text("Nouvelle fermeture").wait_for()
        page.get_by_label(t("resources.col.reason", "fr")).fill("Inventaire annuel")
        _type_date(page, t("resources.col.starts", "fr"), day + dt.timedelta(days=2))  # after the end: a mistake
        page.get_by_role("button", name="Ajouter la fermeture").click()
        page.get_by_text(t("resources.err.dates", "fr")).wait_for()
        screenshot(page, "french_2_closure_mistake")
        # the reason typed is still there; only the first day is put right
        assert page.get_by_label(t("resources.col.reason", "fr")).input_value() == "Inventaire annuel"
        _type_date(page, t("resources.col.starts", "fr"), day)
        page.get_by_role("button", name="Ajouter la fermeture").click()
        page.get_by_text("Fermeture ajoutée.").wait_for()
        page.wait_for_timeout(500)
        assert page.get_by_label(t("resources.col.reason", "fr")).input_value() == "", "a fresh form for the next one"
        with db.as_owner() as conn:
            assert conn.execute("select starts_on, ends_on from public.closures where reason = 'Inventaire annuel'"
                                ).fetchall() == [{"starts_on": day, "ends_on": day}]

        page.get_by_role("tab", name="Fermetures").click()
        page.get_by_role("button", name="Annuler ces réservations").click()
        page.get_by_text(t("resources.closure_confirm", "fr", n=2, people=2)).wait_for()
        screenshot(page, "french_3_closure_confirm")
        with db.as_owner() as conn:
            assert conn.execute("select count(*) as n from public.bookings where day = %s"
                                " and status <> 'cancelled'", (day,)).fetchone()["n"] == booked, "asked, not done"
        page.get_by_role("button", name="Non, ne rien annuler").click()
        page.get_by_role("button", name="Annuler ces réservations").wait_for()

        page.goto(f"{url}/import_members")
        zone = page.locator('[data-testid="stFileUploaderDropzone"]')
        zone.wait_for()
        button_text = zone.locator("button p").first
        assert button_text.evaluate("e => getComputedStyle(e).fontSize") == "0px", "Streamlit's 'Upload' is hidden"
        assert "Parcourir" in button_text.evaluate("e => getComputedStyle(e, '::after').content")
        instructions = page.locator('[data-testid="stFileUploaderDropzoneInstructions"] > div').first
        assert "Mo au plus par fichier" in instructions.evaluate("e => getComputedStyle(e, '::after').content")
        screenshot(page, "french_4_import_drop_zone")

        # an empty date field says "jj/mm/aaaa", not Streamlit's en-US "dd/mm/yyyy"
        page.goto(f"{url}/audit")
        day_segment = _date_field(page, "Du").locator('[role="spinbutton"][data-type="day"]')
        day_segment.wait_for()
        assert day_segment.evaluate("e => getComputedStyle(e).fontSize") == "0px"
        assert day_segment.evaluate("e => getComputedStyle(e, '::after').content") == '"jj"'
        year = _date_field(page, "Du").locator('[role="spinbutton"][data-type="year"]')
        assert year.evaluate("e => getComputedStyle(e, '::after').content") == '"aaaa"'
        screenshot(page, "french_5_empty_date")
