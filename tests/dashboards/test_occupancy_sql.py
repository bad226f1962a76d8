"""Occupancy aggregates: right on a small hand-made week, the same from the board's, an admin's
and staff's side, refused to members and to anonymous visitors.

The week of Monday 2 March 2026 in a tiny space (4 desks, 1 room, open every day 08:30-19:00,
half days split at 13:30, so a desk opens 10.5 h a day: 5 h morning, 5.5 h afternoon). Desk 4 is
closed for maintenance on Thursday, the whole space on Sunday.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import psycopg
import pytest

from lib.core import db
from lib.core.errors import user_message
from lib.dashboards import occupancy
from lib.demo.bookings import tiny_space
from tests.conftest import as_anon, authenticate_as, make_member, user_id_of

TZ = ZoneInfo("Europe/Paris")
WEEK = occupancy.Period(dt.date(2026, 3, 2), dt.date(2026, 3, 8))
AM, PM, DAY = ("08:30", "13:30"), ("13:30", "19:00"), ("08:30", "19:00")


def _range(day: dt.date, span: tuple[str, str]) -> str:
    a, b = (dt.datetime.combine(day, dt.time.fromisoformat(t), TZ) for t in span)
    return f"[{a.isoformat()},{b.isoformat()})"


@pytest.fixture
def week(empty_db):
    """The hand-made week; returns the space's ids and the members."""
    ids = {}
    for name, role in (("board", "board"), ("admin", "admin"), ("staff", "staff"), ("ann", "member"),
                       ("bob", "member"), ("cat", "member")):
        ids[name] = make_member(f"{name}@occ.test", role=role)
    with db.as_owner() as conn:
        space = tiny_space(conn)
        ids.update(space)
        conn.execute("update public.members set plan_id = %s where id = %s", (space["plan_one_day"], ids["ann"]))
        conn.execute("update public.members set plan_id = %s where id = %s", (space["plan_unlimited"], ids["bob"]))
        d1, d2, d3, d4 = space["desks"]
        mon, tue, wed, thu, sun = (WEEK.first + dt.timedelta(days=n) for n in (0, 1, 2, 3, 6))
        rows = [
            # resource, member, guest, day, span, units, status, checked in, no-show
            (d1, ids["ann"], None, mon, DAY, 1, "confirmed", True, False),
            (d2, ids["bob"], None, mon, AM, 0.5, "confirmed", False, True),
            (d3, ids["cat"], None, mon, PM, 0.5, "confirmed", False, False),
            (d1, ids["ann"], None, tue, DAY, 1, "cancelled", False, False),
            (d4, None, "Guest", wed, DAY, 1, "confirmed", False, False),
            (space["room"], ids["bob"], None, mon, ("10:00", "11:00"), 0, "confirmed", False, False),
        ]
        for res, member, guest, day, span, units, status, came, no_show in rows:
            start = dt.datetime.combine(day, dt.time.fromisoformat(span[0]), TZ)
            conn.execute(
                "insert into public.bookings (resource_id, member_id, guest_name, guest_email, during, units, status,"
                " checked_in_at, no_show_at) values (%s, %s, %s, %s, %s::tstzrange, %s, %s, %s, %s)",
                (res, member, guest, "guest@occ.test" if guest else None, _range(day, span), units, status,
                 start if came else None, start + dt.timedelta(hours=1) if no_show else None))
        conn.execute("insert into public.closures (resource_id, starts_on, ends_on, reason) values (%s, %s, %s, 'x')",
                     (d4, thu, thu))
        conn.execute("insert into public.closures (starts_on, ends_on, reason) values (%s, %s, 'x')", (sun, sun))
    return ids


def _claims(email: str) -> dict:
    return db.claims_for(user_id_of(email), email)


@pytest.mark.parametrize("who", ["board", "admin", "staff"])
def test_desk_summary_from_each_allowed_role(week, who):
    s = occupancy.summary(_claims(f"{who}@occ.test"), WEEK)
    # open: Mon-Sat, 4 desks but 3 on Thursday, none on Sunday = 23 desk-days x 10.5 h
    assert s["open_days"] == 6
    assert s["open_hours"] == pytest.approx(241.5)
    assert s["booked_hours"] == pytest.approx(31.5), "the cancelled Tuesday booking must not count"
    assert s["occupancy"] == pytest.approx(round(31.5 / 241.5, 4))
    assert s["peak_day"] == dt.date(2026, 3, 2) and s["peak_occupancy"] == pytest.approx(0.5)
    assert s["units"] == pytest.approx(3.0)
    if who == "board":
        # k-anonymity for board accounts: four bookings by four people are "fewer than 5"
        assert (s["bookings"], s["started"], s["no_shows"], s["no_show_rate"], s["members_came"]) == (
            None, None, None, None, None)
        return
    assert (s["bookings"], s["started"], s["no_shows"]) == (4, 4, 1)
    assert s["no_show_rate"] == pytest.approx(0.25)
    # Ann checked in, Cat's started booking was not marked no-show; Bob was a no-show; guests are not members
    assert s["members_came"] == 2


def test_daily_series_matches_occupancy_daily_and_rolls_over_seven_days(week):
    claims = _claims("board@occ.test")
    days = occupancy.daily(claims, WEEK)
    assert list(days["day"]) == [WEEK.first + dt.timedelta(days=n) for n in range(7)]
    assert list(days["occupancy"]) == pytest.approx([0.5, 0, 0.25, 0, 0, 0, 0])
    assert list(days["open_hours"]) == pytest.approx([42, 42, 42, 31.5, 42, 42, 0])
    # rolling over the 7 days ending Sunday = the whole week
    assert days["rolling_7d"].iloc[-1] == pytest.approx(round(31.5 / 241.5, 4))
    # Monday's average reaches back into the (open, empty) week before: 21 h of 7 x 42 h
    assert days["rolling_7d"].iloc[0] == pytest.approx(round(21 / 294, 4))
    with db.as_user(claims) as conn:
        reference = conn.execute("select day, booked_hours, open_hours, occupancy from public.occupancy_daily(%s, %s)",
                                 (WEEK.first, WEEK.last)).fetchall()
    assert [float(r["occupancy"]) for r in reference] == pytest.approx(list(days["occupancy"]))
    assert [float(r["open_hours"]) for r in reference] == pytest.approx(list(days["open_hours"]))


def test_weekday_by_half_day(week):
    slots = occupancy.by_slot(_claims("staff@occ.test"), WEEK).set_index(["isodow", "half"])["occupancy"]
    assert slots[(1, "am")] == pytest.approx(10 / 20) and slots[(1, "pm")] == pytest.approx(11 / 22)
    assert slots[(3, "am")] == pytest.approx(5 / 20) and slots[(3, "pm")] == pytest.approx(5.5 / 22)
    assert slots[(4, "am")] == 0
    assert 7 not in slots.index.get_level_values(0), "a closed day has no open hours to show"


def test_rooms_zones_and_plans(week):
    claims = _claims("admin@occ.test")
    rooms = occupancy.summary(claims, WEEK, kind="room")
    assert rooms["open_hours"] == pytest.approx(63) and rooms["booked_hours"] == pytest.approx(1)
    zones = occupancy.by_zone(claims, WEEK)
    assert list(zones["zone"]) == ["Plateau"] and zones["resources"].iloc[0] == 4
    assert zones["occupancy"].iloc[0] == pytest.approx(round(31.5 / 241.5, 4))
    plans = occupancy.by_plan(claims, WEEK).set_index("code")
    # Bob came: his room booking started and was not a no-show
    assert plans.loc["one-day", ["members", "came"]].tolist() == [1, 1]
    assert plans.loc["unlimited", ["members", "came"]].tolist() == [1, 1]
    no_plan = plans[plans["plan_id"].isna()]
    assert no_plan[["members", "came"]].values.tolist() == [[1, 1]], "board, admin and staff are not members"


def test_zone_filter(week):
    other = occupancy.summary(_claims("board@occ.test"), WEEK, zone_id="00000000-0000-0000-0000-000000000000")
    assert other["open_hours"] == 0 and other["occupancy"] == 0 and other["peak_day"] is None


@pytest.mark.parametrize("function, args", [
    ("occupancy_days", "(%s, %s)"), ("occupancy_summary", "(%s, %s)"), ("occupancy_by_slot", "(%s, %s)"),
    ("occupancy_by_zone", "(%s, %s)"), ("members_by_plan", "(%s, %s)")])
def test_members_are_refused_with_a_sentence(week, function, args):
    with pytest.raises(psycopg.errors.RaiseException) as refused:
        with authenticate_as("ann@occ.test") as conn:
            conn.execute(f"select * from public.{function}{args}", (WEEK.first, WEEK.last))
    assert refused.value.diag.message_primary == "occupancy.forbidden"
    assert "board" in user_message(refused.value, "en").lower()
    assert "bureau" in user_message(refused.value, "fr").lower()


@pytest.mark.parametrize("function", ["occupancy_days", "occupancy_summary", "occupancy_by_slot",
                                      "occupancy_by_zone", "members_by_plan"])
def test_anonymous_visitors_cannot_call(week, function):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with as_anon() as conn:
            conn.execute(f"select * from public.{function}(%s, %s)", (WEEK.first, WEEK.last))


def test_an_inactive_board_member_is_refused(week):
    with db.as_owner() as conn:
        conn.execute("update public.members set active = false where email = 'board@occ.test'")
    with pytest.raises(psycopg.errors.RaiseException):
        occupancy.summary(_claims("board@occ.test"), WEEK)


def test_board_members_still_cannot_read_bookings_or_members(week):
    with authenticate_as("board@occ.test") as conn:
        assert conn.execute("select count(*) as n from public.bookings").fetchone()["n"] == 0
        assert conn.execute("select count(*) as n from public.members").fetchone()["n"] == 1
