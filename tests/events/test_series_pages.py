"""The team's Programme tab (issues #13 and #14; in French: AppTest formats a select box's value with
its format_func outside the session, that is in the default language): creating an event is a form whose errors sit
next to their fields and keep what was typed; a series is created from the same form; the grid
shows existing events only, with no "None"; a series is cancelled from one date on after a
confirmation."""

from __future__ import annotations

import datetime as dt

from lib.core import clock, db
from lib.core.i18n import t
from tests.conftest import DEMO, app_as


def _events_titled(title: str) -> list[dict]:
    with db.as_owner() as conn:
        return conn.execute("select id::text, starts_at, status, series_id from public.events where title = %s"
                            " order by starts_at", (title,)).fetchall()


def _submit(at):
    at.button(key="eva_new_go").click().run()
    return at


def test_a_title_without_dates_says_so_keeps_the_title_then_creates(demo_db):
    at = app_as(DEMO["staff"], "views/events_admin.py", lang="fr")
    at.text_input(key="eva_new_title").input("Atelier Rust du jeudi")
    _submit(at)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert t("eventsadmin.new.fix", "fr") in errors and t("eventsadmin.err.day", "fr") in errors
    assert t("eventsadmin.err.form_times", "fr") in errors
    assert at.text_input(key="eva_new_title").value == "Atelier Rust du jeudi"  # nothing lost
    assert _events_titled("Atelier Rust du jeudi") == []
    day = clock.now().date() + dt.timedelta(days=30)
    at.date_input(key="eva_new_day").set_value(day)
    at.time_input(key="eva_new_starts").set_value(dt.time(18, 30))
    at.time_input(key="eva_new_ends").set_value(dt.time(20, 30))
    _submit(at)
    assert not at.exception and not at.error
    assert len(_events_titled("Atelier Rust du jeudi")) == 1
    assert at.text_input(key="eva_new_title").value == ""  # ready for the next one


def test_the_form_creates_a_weekly_series_and_the_grid_shows_no_none(demo_db):
    at = app_as(DEMO["staff"], "views/events_admin.py", lang="fr")
    at.text_input(key="eva_new_title").input("Meetup du mardi")
    at.date_input(key="eva_new_day").set_value(clock.now().date() + dt.timedelta(days=10))
    at.time_input(key="eva_new_starts").set_value(dt.time(19))
    at.time_input(key="eva_new_ends").set_value(dt.time(21))
    at.selectbox(key="eva_new_repeat").set_value("weekly")
    at.number_input(key="eva_new_count").set_value(4)
    _submit(at)
    assert not at.exception and not at.error
    made = _events_titled("Meetup du mardi")
    assert len(made) == 4 and len({m["series_id"] for m in made}) == 1
    assert [(b["starts_at"] - a["starts_at"]).days for a, b in zip(made, made[1:], strict=False)] == [7, 7, 7]
    grids = [d.value for d in at.dataframe if "speakers" in d.value.columns]  # the programme's editor
    assert grids and len(grids[0]) >= 4
    shown = grids[0][["room", "speakers", "description"]]
    assert not shown.isna().any().any() and not shown.astype(str).isin(["None", "nan"]).any().any()
    # the new event is preselected below, with its series and the cancellation from one date on
    assert at.selectbox(key="eva_manage").value == made[0]["id"]
    at.selectbox(key="eva_manage").set_value(made[2]["id"]).run()
    go = at.button(key=f"eva_series_cancel_{made[2]['id']}")
    assert go.disabled  # not before confirming
    at.checkbox(key=f"eva_series_sure_{made[2]['id']}").check().run()
    at.button(key=f"eva_series_cancel_{made[2]['id']}").click().run()
    assert not at.exception
    assert [m["status"] for m in _events_titled("Meetup du mardi")] == ["draft", "draft", "cancelled", "cancelled"]


def test_a_series_without_an_end_is_refused_next_to_the_field(demo_db):
    at = app_as(DEMO["admin"], "views/events_admin.py", lang="fr")
    at.text_input(key="eva_new_title").input("Apéro")
    at.date_input(key="eva_new_day").set_value(clock.now().date() + dt.timedelta(days=10))
    at.time_input(key="eva_new_starts").set_value(dt.time(19))
    at.time_input(key="eva_new_ends").set_value(dt.time(21))
    at.selectbox(key="eva_new_repeat").set_value("monthly_weekday")
    _submit(at)
    assert t("event.series_end", "fr") in [e.value for e in at.error]
    assert at.selectbox(key="eva_new_repeat").value == "monthly_weekday"
    assert _events_titled("Apéro") == []
