"""Occupancy without a database: what the period presets mean, when a comparison is fair, the
CSV of the daily series, and the chart builders (pure: a DataFrame and labels in, a chart out,
labels shown as given)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from lib.dashboards import charts, occupancy
from lib.dashboards.occupancy import Period

TODAY = dt.date(2026, 2, 17)


@pytest.mark.parametrize("preset, first", [("month", dt.date(2026, 2, 1)), ("3m", dt.date(2025, 11, 18)),
                                           ("12m", dt.date(2025, 2, 18))])
def test_presets_end_today_and_cover_what_they_say(preset, first):
    assert occupancy.period_for(preset, TODAY) == Period(first, TODAY)


@pytest.mark.parametrize("today, first", [(dt.date(2026, 12, 4), dt.date(2025, 12, 5)),
                                          (dt.date(2028, 2, 29), dt.date(2027, 3, 1)),
                                          (dt.date(2026, 3, 31), dt.date(2025, 4, 1))])
def test_the_last_12_months_are_a_year_not_since_january(today, first):
    """Issue #15: on 4 December "12 derniers mois" showed 1 January to today (338 days)."""
    period = occupancy.period_for("12m", today)
    assert period == Period(first, today) and period.days in (365, 366)


def test_custom_range_in_either_order_and_unknown_preset():
    assert occupancy.period_for("custom", TODAY, (TODAY, dt.date(2026, 1, 5))) == Period(dt.date(2026, 1, 5), TODAY)
    with pytest.raises(ValueError):
        occupancy.period_for("custom", TODAY)
    with pytest.raises(ValueError):
        occupancy.period_for("decade", TODAY)


def test_previous_period_has_the_same_length_and_ends_the_day_before():
    period = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 17))
    before = period.previous()
    assert before == Period(dt.date(2026, 1, 15), dt.date(2026, 1, 31))
    assert before.days == period.days == 17


def test_comparison_only_within_the_booking_history():
    before = Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert occupancy.comparable(before, {"open_hours": 100.0, "history_from": dt.date(2025, 6, 1)})
    assert not occupancy.comparable(before, {"open_hours": 100.0, "history_from": dt.date(2026, 1, 10)})
    assert not occupancy.comparable(before, {"open_hours": 0.0, "history_from": dt.date(2025, 6, 1)})
    assert not occupancy.comparable(before, {"open_hours": 100.0, "history_from": None})
    assert occupancy.change(0.5, 0.4) == pytest.approx(0.1) and occupancy.change(None, 0.4) is None
    assert occupancy.relative_change(120, 100) == pytest.approx(0.2) and occupancy.relative_change(5, 0) is None


def _days() -> pd.DataFrame:
    days = [dt.date(2026, 2, 2) + dt.timedelta(days=n) for n in range(14)]
    return pd.DataFrame({"day": days, "open_hours": [42.0] * 14, "booked_hours": [21.0] * 14,
                         "occupancy": [0.5] * 14, "rolling_7d": [0.5] * 14, "units": [2.0] * 14,
                         "bookings": [3] * 14, "no_shows": [0] * 14})


def test_weekly_folds_days_into_weeks():
    days = _days()
    assert occupancy.weekly(days["units"], days["day"]) == [14.0, 14.0]
    assert occupancy.weekly(days["occupancy"], days["day"], "max") == [0.5, 0.5]


def test_daily_csv_has_iso_dates_and_dot_decimals():
    text = occupancy.daily_csv(_days())
    lines = text.splitlines()
    assert lines[0] == ",".join(occupancy.DAILY_COLUMNS)
    assert lines[1] == "2026-02-02,42.0000,21.0000,0.5000,0.5000,2.0000,3,0"
    assert len(lines) == 15


def test_charts_show_the_labels_they_are_given():
    days = occupancy.label_days(_days(), "fr")
    assert days["label"].iloc[0] == "lun. 2 févr. 2026"
    spec = charts.daily_occupancy(days, {"day": "Jour", "rolling": "Moyenne sur 7 jours", "date": "Date",
                                         "occupancy": "Occupation"}).to_dict()
    text = str(spec)
    assert "Moyenne sur 7 jours" in text and "Occupation" in text and len(spec["layer"]) == 3
    slots = occupancy.label_slots(pd.DataFrame({"isodow": [1, 1], "half": ["am", "pm"], "open_hours": [10.0, 11.0],
                                                "booked_hours": [5.0, 2.0], "occupancy": [0.5, 0.18]}),
                                  "en", {"am": "morning", "pm": "afternoon"})
    assert list(slots["weekday"]) == ["Mon", "Mon"] and list(slots["slot"]) == ["morning", "afternoon"]
    assert "afternoon" in str(charts.slot_heatmap(slots, {"weekday": "Weekday", "half": "Half day",
                                                          "occupancy": "Occupancy"}).to_dict())
    plans = occupancy.plan_rows(pd.DataFrame({"plan_id": [None], "code": [None], "name_fr": [None],
                                              "name_en": [None], "members": [3], "came": [1]}), "fr", "Sans formule")
    assert plans.to_dict("records") == [{"plan": "Sans formule", "members": 3, "came": 1}]
    spec = charts.plan_bars(plans, {"plan": "Formule", "members": "Membres actifs", "came": "Venus",
                                    "count": "Membres"}).to_dict()
    assert "Venus" in str(spec)


def test_low_occupancy_zooms_the_scale_busy_keeps_zero_to_hundred():
    labels = {"day": "Day", "rolling": "7-day average", "date": "Date", "occupancy": "Occupancy"}
    quiet = occupancy.label_days(_days().assign(occupancy=0.12, rolling_7d=0.1), "en")
    busy = occupancy.label_days(_days(), "en")

    def y_domain(frame: pd.DataFrame) -> list[float]:
        return charts.daily_occupancy(frame, labels).to_dict()["layer"][0]["encoding"]["y"]["scale"]["domain"]

    assert y_domain(quiet) == [0.0, 0.2]
    assert y_domain(busy) == [0.0, 1.0]


def test_the_chosen_zone_stands_out():
    zones = pd.DataFrame({"zone": ["Open space", "Mezzanine"], "resources": [10, 6], "occupancy": [0.5, 0.3]})
    labels = {"zone": "Zone", "occupancy": "Occupancy", "resources": "Resources"}
    spec = charts.zone_bars(zones, labels, highlight="Mezzanine").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert [r["chosen"] for r in rows] == [False, True]
    assert all(r["chosen"] for r in next(iter(charts.zone_bars(zones, labels).to_dict()["datasets"].values())))
