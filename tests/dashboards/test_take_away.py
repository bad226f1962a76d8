"""Charts to take away and the wording of issue #15: a chart's PNG in the page's language, its
data as CSV for a French Excel, whole-day ticks on short periods, rooms by the hour, "Postes",
and what an admin does with board links and the report's text on the page."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from lib.core import db
from lib.core.i18n import t
from lib.dashboards import board_links, charts, occupancy, report
from tests.conftest import DEMO, app_as, user_id_of

PAGE = "views/occupancy.py"


def _days(n: int) -> pd.DataFrame:
    days = [dt.date(2026, 12, 1) + dt.timedelta(days=i) for i in range(n)]
    return pd.DataFrame({"day": days, "label": [str(d) for d in days], "occupancy": [0.25] * n,
                         "rolling_7d": [0.5] * n, "open_hours": [10.0] * n})


def test_a_short_period_has_one_tick_a_day_not_one_every_few_hours():
    labels = {"day": "Jour", "rolling": "Moyenne", "date": "Date", "occupancy": "Occupation"}
    spec = charts.daily_occupancy(_days(3), labels).to_dict()
    axis = spec["layer"][0]["encoding"]["x"]["axis"]
    assert axis["tickCount"] == {"interval": "day", "step": 1}
    assert charts.daily_occupancy(_days(90), labels).to_dict()["layer"][0]["encoding"]["x"]["axis"][
        "tickCount"]["interval"] == "day"


def test_png_speaks_the_page_language():
    frame = pd.DataFrame({"label": ["janv."], "occupancy": [0.5]})
    png = charts.to_png(charts.monthly_occupancy(frame, {"month": "Mois", "occupancy": "Occupation"}), "fr", 1)
    assert png.startswith(b"\x89PNG")
    # the same chart from its spec (what the page keeps) gives the same picture
    spec = charts.monthly_occupancy(frame, {"month": "Mois", "occupancy": "Occupation"}).to_dict()
    assert charts.to_png(spec, "fr", 1) == png


def test_csv_is_for_a_french_excel():
    frame = pd.DataFrame({"day": [dt.date(2026, 3, 29)], "occupancy": [0.4375], "zone": ["=HYPERLINK(1)"]})
    data = occupancy.take_away_csv(frame, {"day": "jour", "occupancy": "occupation", "zone": "zone"}, "fr")
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "jour;occupation;zone"
    assert lines[1] == "2026-03-29;0,4375;'=HYPERLINK(1)"
    english = occupancy.take_away_csv(frame, {"day": "day", "occupancy": "occupancy"}, "en").decode("utf-8-sig")
    assert english.split("\r\n")[1] == "2026-03-29,0.4375"


def test_the_page_says_postes_and_shows_rooms_by_the_hour(demo_db):
    at = app_as(DEMO["board"], PAGE, "fr")
    at.segmented_control(key="occ_preset").set_value("3m").run()
    assert not at.exception, at.exception
    assert at.metric[2].label == "Journées de poste"
    assert t("occupancy.kind.desk", "fr") == "Postes"
    at.segmented_control(key="occ_kind").set_value("room").run()
    assert not at.exception, at.exception
    assert t("occupancy.chart.hours", "fr") in [h.value for h in at.subheader]
    keys = [b.key for b in at.get("download_button")]
    assert "png_hours" in keys and "csv_hours" in keys and "png_slots" not in keys
    assert t("occupancy.def.hours", "fr") in [c.value for c in at.caption]


def test_an_admin_writes_the_report_text_and_makes_then_revokes_a_board_link(demo_db):
    at = app_as(DEMO["admin"], PAGE, "en")
    assert not at.exception, at.exception
    year = at.selectbox(key="report_year").value
    at.text_area(key=f"report_text_{year}_en").set_value("A year of <b>meetups</b>.")
    at.button(key="FormSubmitter:report_text-Save the text").click().run()
    assert not at.exception, at.exception
    admin = db.claims_for(user_id_of(DEMO["admin"]), DEMO["admin"])
    assert report.text(admin, year, "en") == "A year of <b>meetups</b>."
    at.text_input(key="board_link_label").set_value("Funder 2026")
    at.button(key="FormSubmitter:board_link-Create the link").click().run()
    assert not at.exception, at.exception
    address = at.code[0].value
    token = address.split("?board=")[1]
    assert board_links.opened(token)["label"] == "Funder 2026"
    link_id = board_links.listing(admin)[0]["id"]
    at.button(key=f"revoke_{link_id}").click().run()
    assert not at.exception, at.exception
    with pytest.raises(Exception) as refused:
        board_links.opened(token)
    assert refused.value.key == "board.link_invalid"


def test_the_board_has_the_report_but_no_board_links_and_no_text_editor(demo_db):
    at = app_as(DEMO["board"], PAGE, "en")
    assert not at.exception, at.exception
    assert [b.key for b in at.get("download_button")][-1] == "report_pdf"
    assert not at.text_area and not at.text_input
    assert t("occupancy.board_links", "en") not in [h.value for h in at.subheader]
