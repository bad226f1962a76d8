"""The app's clock and the database's agree, also when the suite runs on another day
(CANTINE_TEST_NOW moves lib/core/clock.py and the embedded server by the same offset)."""

from __future__ import annotations

import datetime as dt
import os

from lib.core import clock, db
from lib.space import space


def test_python_and_sql_agree_on_now_and_on_the_spaces_day(empty_db):
    with db.as_owner() as conn:
        row = conn.execute("select now() as now, (now() at time zone s.time_zone)::date as today,"
                           " s.time_zone from public.settings s").fetchone()
    assert abs(row["now"] - clock.now()) < dt.timedelta(seconds=30)
    assert clock.space_today(row["time_zone"]) == row["today"]
    assert clock.space_today(space.settings()["time_zone"]) == row["today"]


def test_the_offset_moves_now_by_that_many_seconds(monkeypatch):
    monkeypatch.setenv(clock.OFFSET_VARIABLE, "0")
    real = clock.now()
    monkeypatch.setenv(clock.OFFSET_VARIABLE, str(-400 * 86400))
    moved = clock.now()
    assert dt.timedelta(days=399) < real - moved < dt.timedelta(days=401)
    monkeypatch.setenv(clock.OFFSET_VARIABLE, "not a number")
    assert abs(clock.now() - real) < dt.timedelta(seconds=30), "a wrong value is ignored, not fatal"


def test_the_test_clock_is_reported_when_moved():
    moved = clock.offset_seconds()
    if os.environ.get("CANTINE_TEST_NOW"):
        wanted = dt.datetime.fromisoformat(os.environ["CANTINE_TEST_NOW"])
        assert abs(clock.now() - wanted) < dt.timedelta(hours=2), "the suite runs at the instant asked for"
        assert moved != 0
    else:
        assert moved == 0
