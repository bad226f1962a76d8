"""Series of events (issue #14): the rule in `event_series`, each occurrence an ordinary event.
Created, changed from one occurrence on, and cancelled from one occurrence on by the team only
(`create_event_series`, `update_event_series_from`, `cancel_event_series_from`); registrations
stay with their date."""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

import psycopg
import pytest

from lib.core import clock, db
from lib.core.errors import UserError
from lib.demo.bookings import tiny_space
from lib.events import events
from tests.conftest import as_anon, claims, make_member

ALICE, HOST, ADMIN, BOARD = "alice@example.org", "host@example.org", "boss@example.org", "board@example.org"


@pytest.fixture
def space(empty_db):
    with db.as_owner() as conn:
        ids = tiny_space(conn)
    ids[ALICE] = make_member(ALICE)
    ids[HOST] = make_member(HOST, role="staff")
    ids[ADMIN] = make_member(ADMIN, role="admin")
    ids[BOARD] = make_member(BOARD, role="board")
    return ids


TZ = ZoneInfo("Europe/Paris")


def first_start(days_ahead: int = 7, hour: int = 19) -> dt.datetime:
    day = clock.space_today("Europe/Paris") + dt.timedelta(days=days_ahead)
    return dt.datetime.combine(day, dt.time(hour), TZ)


def occurrences(series_id: str) -> list[dict]:
    with db.as_owner() as conn:
        return conn.execute("select id::text, starts_at, ends_at, status, title from public.events"
                            " where series_id = %s order by starts_at", (series_id,)).fetchall()


def refusal(call) -> UserError:
    with pytest.raises(UserError) as info:
        call()
    return info.value


def weekly(who: str, n: int = 10, **options) -> str:
    starts = first_start()
    return events.create_series(claims(who), "Meetup Python", starts, starts + dt.timedelta(hours=2), "weekly",
                                count=n, **options)


def test_staff_create_a_weekly_series_of_ten_at_the_same_local_time(space):
    series = weekly(HOST, status="published", room_id=space["room"], capacity=6)
    dates = occurrences(series)
    assert len(dates) == 10
    local = [d["starts_at"].astimezone(TZ) for d in dates]
    assert [x.date() - local[0].date() for x in local] == [dt.timedelta(days=7 * i) for i in range(10)]
    assert {(x.hour, x.minute) for x in local} == {(19, 0)}
    assert {d["ends_at"] - d["starts_at"] for d in dates} == {dt.timedelta(hours=2)}
    assert {d["status"] for d in dates} == {"published"}


def test_every_two_weeks_until_a_date(space):
    starts = first_start()
    until = starts.date() + dt.timedelta(days=60)
    series = events.create_series(claims(ADMIN), "Café UX", starts, starts + dt.timedelta(hours=1), "biweekly",
                                  until=until)
    days = [d["starts_at"].astimezone(TZ).date() for d in occurrences(series)]
    expected = [starts.date() + dt.timedelta(days=14 * i) for i in range(10)
                if starts.date() + dt.timedelta(days=14 * i) <= until]
    assert days == expected


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
    return days[nth - 1] if nth <= len(days) else days[-1]


def test_monthly_on_the_same_weekday_position_across_a_change_of_hour(space):
    # the first Thursday of next month, then the first Thursday of each month for 6 months (spring
    # forward falls inside when run in winter; the local time stays 19:00 either way)
    today = clock.space_today("Europe/Paris")
    year, month = (today.year + (today.month // 12), today.month % 12 + 1)
    first = _nth_weekday(year, month, 3, 1)
    starts = dt.datetime.combine(first, dt.time(19), TZ)
    series = events.create_series(claims(HOST), "Apéro", starts, starts + dt.timedelta(hours=3), "monthly_weekday",
                                  count=6)
    got = [d["starts_at"].astimezone(TZ) for d in occurrences(series)]
    expected = []
    y, m = year, month
    for _ in range(6):
        expected.append(_nth_weekday(y, m, 3, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    assert [g.date() for g in got] == expected
    assert {(g.hour, g.minute) for g in got} == {(19, 0)}


def test_monthly_on_the_same_day_keeps_the_last_day_of_a_short_month(space):
    with db.as_owner() as conn:
        days = [r["d"] for r in conn.execute(
            "select d from private.series_days('2027-01-31', 'monthly_day', null, 4) d").fetchall()]
        thirds = [r["d"] for r in conn.execute(
            "select d from private.series_days('2027-01-19', 'monthly_weekday', null, 3) d").fetchall()]
    assert days == [dt.date(2027, 1, 31), dt.date(2027, 2, 28), dt.date(2027, 3, 31), dt.date(2027, 4, 30)]
    # 19 January 2027 is the third Tuesday: then 16 February and 16 March
    assert thirds == [dt.date(2027, 1, 19), dt.date(2027, 2, 16), dt.date(2027, 3, 16)]


def test_a_series_needs_one_end_and_a_known_repetition(space):
    starts = first_start()
    ends = starts + dt.timedelta(hours=1)
    both = refusal(lambda: events.create_series(claims(HOST), "X", starts, ends, "weekly", until=starts.date()
                                                + dt.timedelta(days=30), count=3))
    assert both.key == "event.series_end"
    assert refusal(lambda: events.create_series(claims(HOST), "X", starts, ends, "weekly")).key == "event.series_end"
    assert refusal(lambda: events.create_series(claims(HOST), "X", starts, ends, "daily", count=3)).key \
        == "event.series_frequency"
    assert refusal(lambda: events.create_series(claims(HOST), "X", starts, ends, "weekly", count=500)).key \
        == "event.series_end"
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.events").fetchone()["n"] == 0


def test_a_room_taken_on_one_date_refuses_the_whole_series(space):
    starts = first_start()
    with db.as_owner() as conn:  # another event in the room on the third date
        third = starts + dt.timedelta(days=14)
        conn.execute("insert into public.events (title, starts_at, ends_at, room_id, capacity, status)"
                     " values ('Autre', %s, %s, %s, 5, 'published')", (third, third + dt.timedelta(hours=1), space["room"]))
    err = refusal(lambda: weekly(HOST, n=5, room_id=space["room"], capacity=5, status="published"))
    assert err.key == "event.room_taken"
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.events where series_id is not null").fetchone()["n"] == 0


@pytest.mark.parametrize("who", [ALICE, BOARD])
def test_members_and_the_board_cannot_create_change_or_cancel_a_series(space, who):
    series = weekly(HOST, n=3, status="published")
    first = occurrences(series)[0]["id"]
    starts = first_start()
    assert refusal(lambda: events.create_series(claims(who), "Mine", starts, starts + dt.timedelta(hours=1),
                                                "weekly", count=3)).key == "event.team_only"
    assert refusal(lambda: events.update_series_from(claims(who), first, {"title": "Pris"})).key == "event.team_only"
    assert refusal(lambda: events.cancel_series_from(claims(who), first)).key == "event.team_only"
    assert [o["status"] for o in occurrences(series)] == ["published"] * 3
    assert {o["title"] for o in occurrences(series)} == {"Meetup Python"}


def test_anonymous_visitors_cannot_call_the_series_functions(space):
    series = weekly(HOST, n=2)
    first = occurrences(series)[0]["id"]
    for query, params in (("select public.cancel_event_series_from(%s)", (first,)),
                          ("select public.update_event_series_from(%s, '{}'::jsonb)", (first,)),
                          ("select public.create_event_series('X', now() + interval '2 days',"
                           " now() + interval '2 days 1 hour', 'weekly', null, 3)", ())):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), as_anon() as conn:
            conn.execute(query, params)
    assert {o["status"] for o in occurrences(series)} == {"draft"}


def test_changing_the_time_from_the_fourth_on_keeps_earlier_dates_and_registrations(space):
    series = weekly(HOST, n=6, status="published", capacity=6)
    dates = occurrences(series)
    mine = events.register(claims(ALICE), dates[4]["id"])  # the fifth
    assert events.update_series_from(claims(ADMIN), dates[3]["id"],
                                     {"starts_time": dt.time(18, 30), "ends_time": "21:00", "title": "Meetup Py"}) == 3
    after = occurrences(series)
    for before, now, i in zip(dates, after, range(6), strict=True):
        local = now["starts_at"].astimezone(TZ)
        assert local.date() == before["starts_at"].astimezone(TZ).date()  # each keeps its day
        if i < 3:
            assert (local.hour, local.minute) == (19, 0) and now["title"] == "Meetup Python"
        else:
            assert (local.hour, local.minute) == (18, 30) and now["title"] == "Meetup Py"
            assert now["ends_at"].astimezone(TZ).time() == dt.time(21)
    with db.as_owner() as conn:
        reg = conn.execute("select event_id::text, status from public.registrations where id = %s",
                           (mine["id"],)).fetchone()
    assert reg == {"event_id": dates[4]["id"], "status": "registered"}


def test_one_occurrence_is_changed_alone_as_any_event(space):
    series = weekly(HOST, n=3)
    dates = occurrences(series)
    with db.as_user(claims(HOST)) as conn:
        conn.execute("update public.events set starts_at = starts_at + interval '1 hour',"
                     " ends_at = ends_at + interval '1 hour' where id = %s", (dates[1]["id"],))
    after = occurrences(series)
    assert [a["starts_at"] - b["starts_at"] for a, b in zip(after, dates, strict=True)] == \
        [dt.timedelta(0), dt.timedelta(hours=1), dt.timedelta(0)]


def test_an_unknown_change_is_refused(space):
    first = occurrences(weekly(HOST, n=2))[0]["id"]
    assert refusal(lambda: events.update_series_from(claims(HOST), first, {"series_id": None})).key \
        == "event.series_change_unknown"
    with db.as_owner() as conn:
        lone = conn.execute("insert into public.events (title, starts_at, ends_at, capacity) values"
                            " ('Seul', now() + interval '3 days', now() + interval '3 days 1 hour', 5)"
                            " returning id::text").fetchone()["id"]
    assert refusal(lambda: events.cancel_series_from(claims(HOST), lone)).key == "event.not_in_series"


def test_cancelling_from_the_sixth_on_cancels_those_and_tells_their_people(space):
    series = weekly(HOST, n=10, status="published")
    dates = occurrences(series)
    kept = events.register(claims(ALICE), dates[2]["id"])
    gone = events.register(claims(ALICE), dates[7]["id"])
    assert events.cancel_series_from(claims(HOST), dates[5]["id"]) == 5
    assert [o["status"] for o in occurrences(series)] == ["published"] * 5 + ["cancelled"] * 5
    with db.as_owner() as conn:
        regs = {r["id"]: r["status"] for r in conn.execute("select id::text, status from public.registrations")}
        told = conn.execute("select count(*) as n from public.notifications where kind = 'event_cancelled'"
                            " and registration_id = %s", (gone["id"],)).fetchone()["n"]
        rule = conn.execute("select until_day, occurrences from public.event_series where id = %s",
                            (series,)).fetchone()
    assert regs == {str(kept["id"]): "registered", str(gone["id"]): "cancelled"}
    assert told == 1
    assert rule == {"until_day": dates[5]["starts_at"].astimezone(TZ).date() - dt.timedelta(days=1),
                    "occurrences": None}


def test_members_cannot_read_the_series_table(space):
    weekly(HOST, n=2)
    with db.as_user(claims(ALICE)) as conn:
        assert conn.execute("select count(*) as n from public.event_series").fetchone()["n"] == 0
    with db.as_user(claims(HOST)) as conn:
        assert conn.execute("select count(*) as n from public.event_series").fetchone()["n"] == 1


def test_the_demo_has_a_weekly_meetup_and_a_monthly_apero_that_take_no_desk_by_day(demo_db):
    with db.as_owner() as conn:
        rows = conn.execute(
            "select s.frequency, e.starts_at, e.zone_id is not null as zone, private.event_hold(e) as hold,"
            " st.closes_at, st.time_zone from public.event_series s join public.events e on e.series_id = s.id,"
            " public.settings st order by s.frequency, e.starts_at").fetchall()
    tz = ZoneInfo(rows[0]["time_zone"])
    weekly_days = [r["starts_at"].astimezone(tz) for r in rows if r["frequency"] == "weekly"]
    monthly_days = [r["starts_at"].astimezone(tz) for r in rows if r["frequency"] == "monthly_weekday"]
    assert len(weekly_days) == 17 and {d.isoweekday() for d in weekly_days} == {4}
    assert len(monthly_days) == 5 and all(d.isoweekday() == 5 and d.day <= 7 for d in monthly_days)
    assert all(r["zone"] for r in rows)
    # they hold the open space only once it has closed: no demo booking, no test's booking is hit
    assert all(r["hold"].lower.astimezone(tz).time() >= r["closes_at"] for r in rows)


def test_one_date_changed_from_the_form_moves_alone_and_keeps_its_length(space):
    series = weekly(HOST, n=3)
    dates = occurrences(series)
    assert events.update_occurrence(claims(HOST), dates[1]["id"], {"starts_time": dt.time(20)}) == 1
    after = occurrences(series)
    local = [a["starts_at"].astimezone(TZ) for a in after]
    assert [(x.hour, x.minute) for x in local] == [(19, 0), (20, 0), (19, 0)]
    assert {a["ends_at"] - a["starts_at"] for a in after} == {dt.timedelta(hours=2)}
    assert refusal(lambda: events.update_occurrence(claims(ALICE), dates[0]["id"], {"title": "Pris"})).key \
        == "event.not_found"  # a member does not see the draft: nothing to change


def test_a_dates_cut_off_is_changed_alone_or_from_it_on(space):
    series = weekly(HOST, n=3)
    dates = occurrences(series)
    events.update_occurrence(claims(HOST), dates[0]["id"], {"registration_closes_minutes": 30})
    events.update_series_from(claims(HOST), dates[1]["id"], {"registration_closes_minutes": 1440})
    with db.as_owner() as conn:
        gaps = [r["gap"] for r in conn.execute(
            "select starts_at - registration_closes_at as gap from public.events where series_id = %s"
            " order by starts_at", (series,)).fetchall()]
    assert gaps == [dt.timedelta(minutes=30), dt.timedelta(days=1), dt.timedelta(days=1)]
