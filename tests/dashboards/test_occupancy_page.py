"""The occupancy page, as the board sees it in French and English, and refused to members.

Runs on the demo data (a year of bookings): the page must show five figures, four charts and
a CSV download, say its dates in the visitor's language, and keep its numbers equal to the SQL
aggregates (the page adds no rule of its own).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.core import db
from lib.core.i18n import fmt_number, fmt_percent, t
from lib.dashboards import occupancy
from lib.events import events
from lib.identity.auth import person_for_user
from tests.conftest import DEMO, app_as, user_id_of

PAGE = "views/occupancy.py"
ROOT = Path(__file__).resolve().parents[2]


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("lang, title, occupancy_label", [("fr", "Occupation", "Occupation"),
                                                          ("en", "Occupancy", "Occupancy")])
def test_board_sees_figures_and_charts(demo_db, lang, title, occupancy_label):
    at = app_as(DEMO["board"], PAGE, lang)
    assert not at.exception, at.exception
    assert at.title[0].value == title
    # the last 3 months: open days, events and a period before them on any day of the year (this
    # month so far, the default, has none of them on 1 May or 1 August)
    at.segmented_control(key="occ_preset").set_value("3m").run()
    assert not at.exception, at.exception
    assert len(at.get("vega_lite_chart")) == 4
    claims = db.claims_for(user_id_of(DEMO["board"]), DEMO["board"])
    today = occupancy.space_today(claims)
    period = occupancy.period_for("3m", today)
    # the space's five, the events' four, then event no-shows beside the desks' when attendance was taken
    no_shows = 0 if occupancy.event_no_shows(claims, period).empty else 2
    assert len(at.metric) == 5 + 4 + no_shows
    held = events.stats_summary(events.event_stats(claims, period.first, period.last))
    assert held["events"] > 0 and _metrics(at)[t("dash.events.held", lang)] == fmt_number(held["events"], lang)
    expected = occupancy.summary(claims, period)
    assert _metrics(at)[occupancy_label] == fmt_percent(expected["occupancy"], lang)
    # the period is compared with the days just before it, in points
    assert at.metric[0].delta.endswith(" pt") and at.metric[0].delta[0] in "+-"
    # every chart: a PNG and its data as CSV, each with its definition; then the annual report
    keys = [b.key for b in at.get("download_button")]
    assert keys == ["png_daily", "csv_daily", "png_slots", "csv_slots", "png_zones", "csv_zones", "png_plans",
                    "csv_plans", "report_pdf"]
    assert t("occupancy.def.daily", lang) in [c.value for c in at.caption]


def test_presets_kinds_and_download(demo_db):
    at = app_as(DEMO["board"], PAGE, "en")
    claims = db.claims_for(user_id_of(DEMO["board"]), DEMO["board"])
    today = occupancy.space_today(claims)
    at.segmented_control(key="occ_preset").set_value("12m").run()
    assert not at.exception, at.exception
    year = occupancy.period_for("12m", today)
    expected = occupancy.summary(claims, year)
    assert at.metric[0].value == fmt_percent(expected["occupancy"], "en")
    assert at.metric[2].label == "Desk-days"
    # the demo history is one year long: the year before cannot be compared with
    assert any("No comparison: the booking history starts on" in c.value for c in at.caption)
    assert not at.metric[0].delta, "no delta against a period before the first booking"
    at.segmented_control(key="occ_kind").set_value("room").run()
    assert at.metric[2].label == "Room hours"
    assert len(at.get("vega_lite_chart")) == 4
    # the custom range asks for its end before drawing anything
    at.segmented_control(key="occ_preset").set_value("custom").run()
    at.date_input(key="occ_custom").set_value((year.first,)).run()
    assert not at.exception
    assert any("pick the last day" in i.value for i in at.info)
    assert len(at.get("vega_lite_chart")) == 0
    # a range too long is refused by name, with the limit
    at.date_input(key="occ_custom").set_value((today - dt.timedelta(days=1500), today)).run()
    assert [e.value for e in at.error] == ["Dates: pick a period of at most 1,100 days."]
    at.date_input(key="occ_custom").set_value((year.first, year.first + dt.timedelta(days=30))).run()
    assert not at.error and len(at.get("vega_lite_chart")) == 4


def test_zone_filter_changes_the_figures(demo_db):
    at = app_as(DEMO["admin"], PAGE, "fr")
    claims = db.claims_for(user_id_of(DEMO["admin"]), DEMO["admin"])
    zones = occupancy.zones(claims)
    period = occupancy.period_for("3m", occupancy.space_today(claims))
    at.segmented_control(key="occ_preset").set_value("3m").run()
    quiet = zones["id"].iloc[-1]
    at.selectbox(key="occ_zone_fr").set_value(quiet).run()
    expected = occupancy.summary(claims, period, zone_id=quiet)
    assert at.metric[0].value == fmt_percent(expected["occupancy"], "fr")
    assert not at.exception
    # rooms live in fewer zones: switching kind with a desk-only zone chosen must not break
    at.segmented_control(key="occ_kind").set_value("room").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="occ_zone_fr").value == "", "the zone falls back to all zones"
    # the space's five, the events' four, and event no-shows (2) when attendance was taken
    assert len(at.metric) == 5 + 4 + (0 if occupancy.event_no_shows(claims, period).empty else 2)


def test_staff_has_the_page_in_the_menu_and_members_do_not(demo_db):
    from lib.web import navigation

    assert "views/occupancy.py" in [p.path for p in navigation.pages_for("board")]
    assert "views/occupancy.py" in [p.path for p in navigation.pages_for("staff")]
    assert "views/occupancy.py" not in [p.path for p in navigation.pages_for("member")]
    at = app_as(DEMO["staff"], PAGE, "en")
    assert not at.exception
    at.segmented_control(key="occ_preset").set_value("3m").run()  # open days and events on any date
    assert not at.exception and len(at.metric) == 5 + 4 + 2  # and event no-shows: the demo took attendance


def test_a_member_opening_the_page_is_refused(demo_db):
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=30)
    at.session_state["person"] = person_for_user(user_id_of(DEMO["member"]))
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert len(at.metric) == 0 and len(at.get("vega_lite_chart")) == 0
    assert "member" in at.warning[0].value.lower()
