"""Every CSV Cantine writes opens in a French Excel like the members export (issue #13): a BOM,
semicolons, headers and status words in the reader's language, local times (not UTC), decimal
commas. Each export is read back with `;` and its headers and a date checked."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from lib.booking import bookings
from lib.core import csv_excel, db
from lib.core.i18n import t
from lib.dashboards import occupancy
from lib.events import events
from tests.conftest import DEMO, claims

ROOT = Path(__file__).resolve().parents[2]


def _read(data: bytes | str, delimiter: str = ";") -> list[dict[str, str]]:
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    assert text.startswith("\ufeff"), "a BOM, or Excel reads the accents as Windows-1252"
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter))


def _a_booking(staff_claims: dict) -> dict:
    """The demo's first booking of the coming days that has a member, as the database has it."""
    with db.as_owner() as conn:
        row = conn.execute(
            "select b.day, lower(b.during) as starts, b.status, m.email::text as email,"
            " (select time_zone from public.settings) as tz"
            " from public.bookings b join public.members m on m.id = b.member_id"
            " where b.status = 'confirmed' order by b.day desc, lower(b.during) limit 1").fetchone()
    assert row, "the demo has bookings"
    return row


def _check_bookings(rows: list[dict[str, str]], booking: dict, lang: str) -> None:
    headers = list(rows[0])
    assert headers[:4] == [t(f"export.booking.{c}", lang) for c in ("id", "day", "starts", "ends")]
    assert "member_email" not in headers and "starts" not in headers, "headers in the reader's language"
    starts = booking["starts"].astimezone(ZoneInfo(booking["tz"]))
    mine = [r for r in rows if r[t("export.booking.member_email", lang)] == booking["email"]
            and r[t("export.booking.starts", lang)] == starts.strftime("%Y-%m-%d %H:%M")]
    assert mine, f"a local start time {starts:%Y-%m-%d %H:%M} (not UTC, no offset) for {booking['email']}"
    assert mine[0][t("export.booking.day", lang)] == booking["day"].isoformat()
    assert mine[0][t("export.booking.status", lang)] == t("mybookings.status.confirmed", lang)


def test_the_staff_days_bookings_export_is_for_a_french_excel(demo_db):
    staff = claims(DEMO["staff"])
    booking = _a_booking(staff)
    first, last = booking["day"] - dt.timedelta(days=3), booking["day"]
    french = bookings.export_csv(staff, first, last, "fr")
    _check_bookings(_read(french), booking, "fr")
    assert t("mybookings.status.confirmed", "fr") == "confirmée"
    english = bookings.export_csv(staff, first, last, "en")
    _check_bookings(_read(english, ","), booking, "en")


def test_the_command_lines_bookings_export_is_for_a_french_excel(demo_db, tmp_path):
    booking = _a_booking(claims(DEMO["staff"]))
    out = tmp_path / "bookings.csv"
    done = subprocess.run([sys.executable, "-m", "lib", "export", "bookings", str(out), "--from",
                           (booking["day"] - dt.timedelta(days=2)).isoformat(), "--to", booking["day"].isoformat()],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    _check_bookings(_read(out.read_bytes()), booking, "fr")


def test_the_occupancy_csv_has_decimal_commas_rounded():
    frame = pd.DataFrame({"day": [dt.date(2026, 3, 2)], "booked_hours": [31.5], "occupancy": [0.4375123]})
    headers = {"day": "Jour", "booked_hours": "Heures réservées", "occupancy": "Occupation"}
    rows = _read(occupancy.take_away_csv(frame, headers, "fr"))
    assert list(rows[0]) == ["Jour", "Heures réservées", "Occupation"]
    assert rows[0] == {"Jour": "2026-03-02", "Heures réservées": "31,5", "Occupation": "0,4375"}


def test_the_attendees_csv_has_local_times(demo_db):
    with db.as_owner() as conn:
        row = conn.execute(
            "select x.event_id::text as event, x.created_at, (select time_zone from public.settings) as tz"
            " from public.registrations x where x.status = 'registered' and x.member_id is not null"
            " order by x.created_at limit 1").fetchone()
    rows = _read(events.attendees_csv(claims(DEMO["staff"]), row["event"], "fr"))
    assert list(rows[0])[0] == t("eventsadmin.att.who", "fr")
    local = row["created_at"].astimezone(ZoneInfo(row["tz"])).strftime("%Y-%m-%d %H:%M")
    assert local in [r[t("eventsadmin.att.arrived", "fr")] for r in rows]


def test_local_times_and_decimals_for_excel():
    instant = dt.datetime(2026, 7, 1, 7, 30, tzinfo=dt.UTC)
    assert csv_excel.local_time(instant, "Europe/Paris") == "2026-07-01 09:30"
    assert csv_excel.local_time(None, "Europe/Paris") == ""
    assert csv_excel.decimal(31.5, "fr") == "31,5" and csv_excel.decimal(31.5, "en") == "31.5"
    assert csv_excel.decimal(0.43751, "fr", 2) == "0,44" and csv_excel.decimal(2.0, "fr") == "2"


def test_the_command_lines_events_export_has_local_times(demo_db, tmp_path):
    with db.as_owner() as conn:
        event = conn.execute("select title, starts_at, (select time_zone from public.settings) as tz"
                             " from public.events order by starts_at limit 1").fetchone()
    out = tmp_path / "events.csv"
    done = subprocess.run([sys.executable, "-m", "lib", "export", "events", str(out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    rows = _read(out.read_bytes())
    assert "starts_at" in rows[0]
    local = event["starts_at"].astimezone(ZoneInfo(event["tz"])).strftime("%Y-%m-%d %H:%M")
    assert local in [r["starts_at"] for r in rows if r["title"] == event["title"]], local
