"""Dates and times are formatted once and remembered (lib/core/i18n.py): the same instant in two
time zones is equal in Python but must still be written as each zone reads it, and each language
keeps its own words."""

import datetime as dt
from zoneinfo import ZoneInfo

from lib.core.i18n import fmt_date, fmt_time


def test_an_instant_is_written_in_its_own_zone_whatever_was_formatted_before():
    paris = dt.datetime(2026, 3, 1, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    utc = paris.astimezone(dt.UTC)
    assert paris == utc
    assert fmt_time(paris, "fr") == "10:00"
    assert fmt_time(utc, "fr") == "09:00"
    assert fmt_time(paris, "fr") == "10:00"


def test_each_language_keeps_its_words():
    day = dt.date(2026, 3, 1)
    assert fmt_date(day, "long", "fr") == "1 mars 2026"
    assert fmt_date(day, "long", "en") == "1 March 2026"
    assert fmt_date(day, "long", "fr") == "1 mars 2026"
