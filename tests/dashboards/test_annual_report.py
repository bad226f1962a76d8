"""The annual report's figures: on a hand-built year (the year before the one the suite runs in,
so every booking has happened) with the spring and autumn clock changes, a closure of the whole
space, a desk retired in July, a released desk, a marked no-show and a cancelled booking, the
report equals the dashboard's figures for the same year and a computation from the raw tables
written here, independently of the SQL."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lib.core import clock, db
from lib.core.i18n import fmt_number
from lib.dashboards import occupancy, report
from lib.demo.bookings import tiny_space
from lib.events import events
from tests.conftest import make_member, user_id_of

TZ = ZoneInfo("Europe/Paris")
YEAR = clock.space_today("Europe/Paris").year - 1
FIRST, LAST = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
OPENS, MIDDAY, CLOSES = dt.time(8, 30), dt.time(13, 30), dt.time(19, 0)
SPANS = {"day": (OPENS, CLOSES), "am": (OPENS, MIDDAY), "pm": (MIDDAY, CLOSES)}


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


SPRING, AUTUMN = _last_sunday(YEAR, 3), _last_sunday(YEAR, 10)  # Paris changes its clocks these Sundays
CLOSED = (dt.date(YEAR, 8, 10), dt.date(YEAR, 8, 16))             # the whole space, a week in August
RETIRED_ON = dt.date(YEAR, 7, 1)                                  # desk 4 retired from 1 July


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, TZ)


@pytest.fixture
def year(empty_db):
    """Seven members with trades and skills, bookings across the year and the year before."""
    people = {}
    for name, role in (("admin", "admin"), ("board", "board")):
        people[name] = make_member(f"{name}@year.test", role=role)
    with db.as_owner() as conn:
        space = tiny_space(conn)
        conn.execute("update public.settings set time_zone = 'Europe/Paris', open_days = '{1,2,3,4,5,6}'")
        members = []
        for i in range(7):
            members.append(str(conn.execute(
                "insert into public.members (email, full_name, job_title) values (%s, %s, %s) returning id",
                (f"m{i}@year.test", f"Member {i}", "Développeuse" if i < 5 else "Designer")).fetchone()["id"]))
        skill = {n: conn.execute("insert into public.skills (name) values (%s) returning id", (n,)).fetchone()["id"]
                 for n in ("Python", "Figma")}
        for i, m in enumerate(members):
            conn.execute("insert into public.member_skills (member_id, skill_id) values (%s, %s)", (m, skill["Python"]))
            if i < 2:
                conn.execute("insert into public.member_skills (member_id, skill_id) values (%s, %s)", (m, skill["Figma"]))
        d1, d2, d3, d4 = space["desks"]
        rows = []  # resource, member (index or None for a guest), day, span, status, reason, checked in, no-show
        # every Monday and Thursday of the year: members 0-4 in turn on desks 1-3
        day, n = FIRST, 0
        while day <= LAST:
            if day.weekday() in (0, 3) and not (CLOSED[0] <= day <= CLOSED[1]):
                rows.append((d1, n % 5, day, "day", "confirmed", None, True, False))
                rows.append((d2, (n + 1) % 5, day, "am", "confirmed", None, False, False))
                rows.append((d3, (n + 2) % 5, day, "pm", "confirmed", None, False, False))
                n += 1
            day += dt.timedelta(days=1)
        monday_after_spring, monday_after_autumn = SPRING + dt.timedelta(days=1), AUTUMN + dt.timedelta(days=1)
        rows += [
            # the desk retired in July held bookings before: they stay in the year's history
            (d4, 5, dt.date(YEAR, 2, 3), "day", "confirmed", None, True, False),
            (d4, 5, dt.date(YEAR, 6, 2), "am", "confirmed", None, False, False),
            # Saturdays around the clock changes (the space is open on Saturdays, not Sundays)
            (d4, 6, SPRING - dt.timedelta(days=1), "day", "confirmed", None, False, False),
            (d2, 6, AUTUMN - dt.timedelta(days=1), "pm", "confirmed", None, False, False),
            # a marked no-show, a desk released unclaimed, a cancelled booking, a guest's day pass
            (d4, 6, monday_after_spring, "day", "confirmed", None, False, True),
            (d4, 5, monday_after_autumn - dt.timedelta(days=7 * 20), "am", "cancelled", "released", False, False),
            (d1, 6, dt.date(YEAR, 5, 5), "day", "cancelled", "member", False, False),
            (d4, None, dt.date(YEAR, 4, 7), "day", "confirmed", None, False, False),
            # the year before: member 6 came once (so is not new this year), members 0-1 too
            (d1, 6, dt.date(YEAR - 1, 9, 7), "day", "confirmed", None, True, False),
            (d1, 0, dt.date(YEAR - 1, 9, 8), "day", "confirmed", None, True, False),
            (d2, 1, dt.date(YEAR - 1, 9, 8), "am", "confirmed", None, False, False),
            # a room: counts among the members who came, never among desk-days
            (space["room"], 5, dt.date(YEAR, 3, 3), ("10:00", "12:00"), "confirmed", None, False, False),
        ]
        for res, who, day, span, status, reason, came, no_show in rows:
            a, b = (SPANS[span] if isinstance(span, str)
                    else tuple(dt.time.fromisoformat(x) for x in span))
            start, end = _at(day, a), _at(day, b)
            units = 0 if res == space["room"] else (1 if span == "day" else 0.5)
            conn.execute(
                "insert into public.bookings (resource_id, member_id, guest_name, guest_email, during, units, status,"
                " cancel_reason, cancelled_at, checked_in_at, no_show_at)"
                " values (%s, %s, %s, %s, tstzrange(%s, %s), %s, %s, %s, %s, %s, %s)",
                (res, members[who] if who is not None else None, None if who is not None else "Guest",
                 None if who is not None else "guest@year.test", start, end, units, status, reason,
                 start if status == "cancelled" else None, start if came else None,
                 start + dt.timedelta(hours=1) if no_show else None))
        conn.execute("insert into public.closures (starts_on, ends_on, reason) values (%s, %s, 'summer')", CLOSED)
        conn.execute("update public.resources set active = false, retired_on = %s where id = %s", (RETIRED_ON, d4))
        # events: two held this year, one cancelled, one the year before
        for title, when, status, attended, registered in (
                ("Talk A", dt.date(YEAR, 3, 12), "published", 4, 2), ("Talk B", dt.date(YEAR, 10, 29), "published", 5, 0),
                ("Gone", dt.date(YEAR, 6, 11), "cancelled", 0, 0), ("Old", dt.date(YEAR - 1, 5, 5), "published", 3, 3)):
            event = conn.execute(
                "insert into public.events (title, starts_at, ends_at, capacity, status) values (%s, %s, %s, 20, 'published')"
                " returning id", (title, _at(when, dt.time(18)), _at(when, dt.time(20)))).fetchone()["id"]
            for i in range(attended + registered):
                conn.execute("insert into public.registrations (event_id, member_id, status) values (%s, %s, %s)",
                             (event, members[i % 7] if i < 7 else None, "attended" if i < attended else "registered"))
            conn.execute("update public.events set status = %s where id = %s", (status, event))
    return people


def _raw(first: dt.date, last: dt.date) -> dict:
    """The figures computed here from the raw tables, without any of our SQL functions."""
    with db.as_owner() as conn:
        bookings = conn.execute(
            "select b.*, r.kind from public.bookings b join public.resources r on r.id = b.resource_id").fetchall()
        desks = conn.execute("select id, retired_on from public.resources where kind = 'desk'").fetchall()
        events_ = conn.execute("select id, starts_at, status from public.events").fetchall()
        regs = conn.execute("select event_id, status from public.registrations").fetchall()
    day_hours = (dt.datetime.combine(FIRST, CLOSES) - dt.datetime.combine(FIRST, OPENS)).seconds / 3600
    open_hours = 0.0
    day = first
    while day <= last:
        if day.weekday() < 6 and not (CLOSED[0] <= day <= CLOSED[1]):
            open_hours += day_hours * sum(1 for d in desks if d["retired_on"] is None or day < d["retired_on"])
        day += dt.timedelta(days=1)

    def local_day(b):
        return b["during"].lower.astimezone(TZ).date()

    in_period = [b for b in bookings if first <= local_day(b) <= last]
    desk_live = [b for b in in_period if b["kind"] == "desk" and b["status"] != "cancelled"]
    hours = [(b["during"].upper - b["during"].lower).total_seconds() / 3600 for b in desk_live]
    due = [b for b in in_period if b["kind"] == "desk" and (b["status"] == "confirmed" or b["cancel_reason"] == "released")]
    missed = [b for b in due if b["checked_in_at"] is None and (b["no_show_at"] is not None or b["status"] == "cancelled")]
    came = {b["member_id"] for b in in_period if b["member_id"] and b["checked_in_at"] is not None
            or (b["member_id"] and b["status"] == "confirmed" and b["no_show_at"] is None)}
    before = {b["member_id"] for b in bookings if local_day(b) < first and b["member_id"]
              and b["status"] == "confirmed" and b["no_show_at"] is None}
    held = [e["id"] for e in events_ if e["status"] == "published"
            and first <= e["starts_at"].astimezone(TZ).date() <= last]
    attended = sum(1 for r in regs if r["event_id"] in held and r["status"] == "attended")
    taken = sum(1 for r in regs if r["event_id"] in held and r["status"] in ("registered", "attended"))
    return {
        # a half day is 0.5, from the booked range itself rather than the stored units
        "desk_days": sum(1.0 if h > day_hours / 2 + 0.5 else 0.5 for h in hours),
        "open_hours": open_hours, "booked_hours": sum(hours), "occupancy": round(sum(hours) / open_hours, 4),
        "no_shows": len(missed), "bookings_due": len(due), "no_show_rate": round(len(missed) / len(due), 4),
        "members_who_came": len(came), "new_members": len(came - before),
        "guest_passes": len({(b["guest_email"], local_day(b)) for b in desk_live if b["member_id"] is None}),
        "events_held": len(held), "attendees": attended, "places_taken": taken,
        "attendance_rate": round(attended / taken, 4) if taken else None,
    }


def test_report_equals_the_dashboard_and_the_raw_tables(year):
    admin = db.claims_for(user_id_of("admin@year.test"), "admin@year.test")
    figures = report.figures(admin, YEAR)
    now, raw = figures["current"], _raw(FIRST, LAST)
    for key, value in raw.items():
        assert now[key] == pytest.approx(value), key
    # the retired desk's bookings and its open hours before July are in; the released desk is a no-show
    assert now["no_shows"] == 2
    # the dashboard for the same period says the same
    period = occupancy.Period(FIRST, LAST)
    dash = occupancy.summary(admin, period)
    assert (dash["units"], dash["occupancy"], dash["no_show_rate"], dash["open_hours"]) == pytest.approx(
        (now["desk_days"], now["occupancy"], now["no_show_rate"], now["open_hours"]))
    held = events.stats_summary(events.event_stats(admin, FIRST, LAST))
    # the report rounds rates to 4 places, as the dashboard's SQL does
    assert (held["events"], held["attendance_rate"]) == pytest.approx((now["events_held"], now["attendance_rate"]),
                                                                      abs=5e-5)
    months = {m["month"]: m for m in figures["months"]}
    assert sum(m["desk_days"] for m in months.values()) == pytest.approx(now["desk_days"])
    assert figures["busiest_month"] == max(
        (m for m in months.values() if m["occupancy"] is not None), key=lambda m: (m["occupancy"], m["month"]))["month"]
    # the year before, too
    assert figures["previous"]["desk_days"] == pytest.approx(_raw(FIRST.replace(year=YEAR - 1),
                                                                  LAST.replace(year=YEAR - 1))["desk_days"])
    assert [s["skill"] for s in figures["skills"]] == ["Python", "Figma"]
    assert {t["trade"]: t["members"] for t in figures["trades"]} == {"Développeuse": 5, "Designer": 2}


def test_board_accounts_see_no_group_under_five(year):
    board = db.claims_for(user_id_of("board@year.test"), "board@year.test")
    figures = report.figures(board, YEAR)
    assert [s["skill"] for s in figures["skills"]] == ["Python"], "Figma has 2 people: not shown"
    assert [t["trade"] for t in figures["trades"]] == ["Développeuse"]
    assert figures["current"]["guest_passes"] is None, "one guest is fewer than 5"
    assert figures["current"]["desk_days"] == pytest.approx(_raw(FIRST, LAST)["desk_days"])


def test_dashboard_keeps_retired_desks_and_counts_released_desks_as_no_shows(year):
    """Before #15 the desk retired in July vanished from the whole year (its bookings and its open
    hours) and the released desk left the no-show rate."""
    admin = db.claims_for(user_id_of("admin@year.test"), "admin@year.test")
    dash, raw = occupancy.summary(admin, occupancy.Period(FIRST, LAST)), _raw(FIRST, LAST)
    assert (dash["open_hours"], dash["units"], dash["no_shows"], dash["started"]) == pytest.approx(
        (raw["open_hours"], raw["desk_days"], raw["no_shows"], raw["bookings_due"]))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_pdf_opens_and_shows_the_figures_as_the_language_writes_them(year, lang):
    import pypdf

    admin = db.claims_for(user_id_of("admin@year.test"), "admin@year.test")
    figures = report.figures(admin, YEAR)
    pdf = report.build_pdf(figures, lang, "La Cantine", "Une année <b>pleine</b> d'échanges.")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=1)  # A4 portrait
    text = " ".join(page.extract_text() for page in reader.pages).replace("\u202f", " ").replace("\xa0", " ")
    value = figures["current"]["desk_days"]
    desk_days = fmt_number(value, lang, digits=1 if value % 1 else 0).replace("\u202f", " ").replace("\xa0", " ")
    assert desk_days in text, (desk_days, text[:500])
    assert ("Journées de poste réservées" if lang == "fr" else "Desk-days booked") in text
    assert "<b>pleine</b>" in text, "the team's text is printed as typed, never as markup"
    assert str(YEAR - 1) in text


def test_the_command_line_prints_the_same_figures_as_json(year, tmp_path):
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "CANTINE_SENDER": "off"}
    out = subprocess.run([sys.executable, "-m", "lib", "report", "--year", str(YEAR), "--json"], env=env,
                         capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    printed = json.loads(out.stdout)
    raw = _raw(FIRST, LAST)
    for key in ("desk_days", "members_who_came", "events_held", "attendees"):
        assert printed["current"][key] == pytest.approx(raw[key]), key
    target = tmp_path / "report.pdf"
    made = subprocess.run([sys.executable, "-m", "lib", "report", "--year", str(YEAR), "--lang", "en", str(target)],
                          env=env, capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert made.returncode == 0, made.stderr
    assert target.read_bytes().startswith(b"%PDF")
