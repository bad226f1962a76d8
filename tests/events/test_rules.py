"""Every event rule lives in the SQL API (`register_for_event`, `cancel_registration`,
`mark_attended`, `cancel_event`, the triggers on events and bookings) and refuses with its own
message key. Each test acts as the person concerned (member, staff, admin, board), checks the
key and its sentence, and that nothing changed when refused.
"""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from lib.booking import bookings
from lib.core import clock, db
from lib.core.errors import UserError
from lib.demo.bookings import tiny_space
from lib.events import events
from tests.conftest import authenticate_as, claims, make_member

ALICE, BOB, CARA = "alice@example.org", "bob@example.org", "cara@example.org"
HOST, ADMIN, BOARD = "host@example.org", "boss@example.org", "board@example.org"


@pytest.fixture
def space(empty_db):
    with db.as_owner() as conn:
        ids = tiny_space(conn)
    for email in (ALICE, BOB, CARA):
        ids[email] = make_member(email)
    ids[HOST] = make_member(HOST, role="staff")
    ids[ADMIN] = make_member(ADMIN, role="admin")
    ids[BOARD] = make_member(BOARD, role="board")
    return ids



def make_event(capacity: int = 10, status: str = "published", room: str | None = None, in_hours: float = 48,
               hours: float = 2, title: str = "Meetup Python") -> str:
    starts = clock.now() + dt.timedelta(hours=in_hours)
    with db.as_owner() as conn:
        return conn.execute(
            "insert into public.events (title, starts_at, ends_at, room_id, capacity, status)"
            " values (%s, %s, %s, %s, %s, %s) returning id::text",
            (title, starts, starts + dt.timedelta(hours=hours), room, capacity, status)).fetchone()["id"]


def refusal(call) -> UserError:
    with pytest.raises(UserError) as info:
        call()
    return info.value


def statuses(event_id: str) -> list[str]:
    with db.as_owner() as conn:
        return [r["status"] for r in conn.execute(
            "select status from public.registrations where event_id = %s order by created_at, id", (event_id,))]


def event_row(event_id: str) -> dict:
    with db.as_owner() as conn:
        return conn.execute("select * from public.events where id = %s", (event_id,)).fetchone()


def notices(kind: str) -> list[dict]:
    with db.as_owner() as conn:
        return conn.execute("select * from public.notifications where kind = %s order by to_email", (kind,)).fetchall()


# --------------------------------------------------------------------------- members register

def test_a_member_registers_and_sees_it_with_the_places_left(space):
    event = make_event(capacity=3)
    row = events.register(claims(ALICE), event)
    assert row["status"] == "registered" and str(row["member_id"]) == space[ALICE] and row["source"] == "app"
    coming = events.upcoming(claims(ALICE)).set_index("event_id")
    assert coming.loc[event, "places_left"] == 2 and coming.loc[event, "my_status"] == "registered"
    # someone else sees the same count, and no status of their own
    theirs = events.upcoming(claims(BOB)).set_index("event_id")
    assert theirs.loc[event, "places_left"] == 2 and theirs.loc[event, "my_status"] is None
    mine = events.my_registrations(claims(ALICE), space[ALICE])
    assert mine.title.tolist() == ["Meetup Python"] and mine.status.tolist() == ["registered"]


def test_registering_twice_is_refused_with_a_clear_sentence(space):
    event = make_event()
    events.register(claims(ALICE), event)
    err = refusal(lambda: events.register(claims(ALICE), event))
    assert err.key == "event.already_registered"
    assert "déjà inscrit" in err.message("fr") and "already registered" in err.message("en")
    assert statuses(event) == ["registered"]


def test_full_event_puts_people_on_the_waiting_list_in_arrival_order(space):
    event = make_event(capacity=1)
    assert events.register(claims(ALICE), event)["status"] == "registered"
    assert events.register(claims(BOB), event)["status"] == "waitlisted"
    assert events.register(claims(CARA), event)["status"] == "waitlisted"
    coming = events.upcoming(claims(CARA)).set_index("event_id")
    assert coming.loc[event, "places_left"] == 0 and coming.loc[event, "waitlisted"] == 2
    assert coming.loc[event, "my_status"] == "waitlisted" and coming.loc[event, "my_position"] == 2
    err = refusal(lambda: events.register(claims(BOB), event))
    assert err.key == "event.already_waitlisted" and "liste d'attente" in err.message("fr")


@pytest.mark.parametrize("status,in_hours,key", [
    ("draft", 48, "event.not_found"),
    ("cancelled", 48, "event.cancelled"),
    ("published", -1, "event.started"),
])
def test_only_published_events_not_started_take_registrations(space, status, in_hours, key):
    event = make_event(status=status, in_hours=in_hours)
    err = refusal(lambda: events.register(claims(ALICE), event))
    assert err.key == key and err.message("fr") != key and err.message("en") != key
    assert statuses(event) == []


def test_members_register_only_themselves_the_team_registers_anyone(space):
    event = make_event()
    err = refusal(lambda: events.register(claims(ALICE), event, space[BOB]))
    assert err.key == "event.team_only" and statuses(event) == []
    row = events.register(claims(HOST), event, space[BOB])
    assert str(row["member_id"]) == space[BOB] and row["source"] == "admin"
    row = events.register(claims(ADMIN), event, space[CARA])
    assert str(row["member_id"]) == space[CARA]
    with db.as_owner() as conn:
        conn.execute("update public.members set active = false where id = %s", (space[ALICE],))
    err = refusal(lambda: events.register(claims(HOST), event, space[ALICE]))
    assert err.key == "event.member_inactive"


def test_a_board_member_reads_published_events_but_no_registrations(space):
    event = make_event()
    draft = make_event(status="draft", title="Brouillon")
    events.register(claims(ALICE), event)
    with authenticate_as(BOARD) as conn:
        seen = {r["id"] for r in conn.execute("select id::text from public.events").fetchall()}
        assert event in seen and draft not in seen
        assert conn.execute("select count(*) as n from public.registrations").fetchone()["n"] == 0
    frame = events.event_stats(claims(BOARD), clock.now().date(), clock.now().date() + dt.timedelta(days=5))
    # issue #15: the board reads counts of people under 5 as "fewer than 5" (null), and no title
    assert frame.registrations.isna().tolist() == [True] and frame.title.isna().tolist() == [True]
    assert events.event_stats(claims(ADMIN), clock.now().date(),
                              clock.now().date() + dt.timedelta(days=5)).registrations.tolist() == [1]


# --------------------------------------------------------------------------- cancelling

def test_cancelling_gives_the_place_to_the_first_on_the_waiting_list(space):
    event = make_event(capacity=1)
    first = events.register(claims(ALICE), event)
    second = events.register(claims(BOB), event)
    third = events.register(claims(CARA), event)
    row = events.cancel_registration(claims(ALICE), str(first["id"]))
    assert row["status"] == "cancelled" and row["cancel_reason"] == "member"
    with db.as_owner() as conn:
        by_id = {str(r["id"]): r for r in conn.execute("select * from public.registrations").fetchall()}
    assert by_id[str(second["id"])]["status"] == "registered" and by_id[str(second["id"])]["promoted_at"]
    assert by_id[str(third["id"])]["status"] == "waitlisted"
    promoted = notices("waitlist_promoted")
    assert [n["to_email"] for n in promoted] == [BOB] and promoted[0]["payload"]["title"] == "Meetup Python"
    err = refusal(lambda: events.cancel_registration(claims(ALICE), str(first["id"])))
    assert err.key == "event.already_cancelled"


def test_a_member_cannot_cancel_someone_else_the_team_can(space):
    event = make_event()
    theirs = events.register(claims(BOB), event)
    err = refusal(lambda: events.cancel_registration(claims(ALICE), str(theirs["id"])))
    assert err.key == "event.registration_not_found" and statuses(event) == ["registered"]
    row = events.cancel_registration(claims(HOST), str(theirs["id"]))
    assert row["status"] == "cancelled" and row["cancel_reason"] == "team"
    # cancelled, one may register again
    assert events.register(claims(BOB), event)["status"] == "registered"


def test_too_late_to_cancel_once_started_except_for_the_team(space):
    event = make_event(in_hours=-0.5)
    with db.as_owner() as conn:
        rid = conn.execute("insert into public.registrations (event_id, member_id) values (%s, %s) returning id::text",
                           (event, space[ALICE])).fetchone()["id"]
    err = refusal(lambda: events.cancel_registration(claims(ALICE), rid))
    assert err.key == "event.cancel_started" and statuses(event) == ["registered"]
    assert events.cancel_registration(claims(HOST), rid)["status"] == "cancelled"


# --------------------------------------------------------------------------- attendance

def test_attendance_is_marked_by_the_team_from_the_start(space):
    later = make_event()
    rid = str(events.register(claims(ALICE), later)["id"])
    err = refusal(lambda: events.mark_attended(claims(HOST), rid))
    assert err.key == "event.attend_too_early"
    started = make_event(in_hours=-0.25)
    with db.as_owner() as conn:
        rid = conn.execute("insert into public.registrations (event_id, member_id) values (%s, %s) returning id::text",
                           (started, space[ALICE])).fetchone()["id"]
    err = refusal(lambda: events.mark_attended(claims(ALICE), rid))
    assert err.key == "event.team_only" and statuses(started) == ["registered"]
    with authenticate_as(BOARD) as conn, pytest.raises(psycopg.errors.RaiseException):
        conn.execute("select public.mark_attended(%s)", (rid,))
    assert events.mark_attended(claims(HOST), rid)["status"] == "attended"
    assert refusal(lambda: events.mark_attended(claims(ADMIN), rid)).key == "event.already_attended"
    assert refusal(lambda: events.cancel_registration(claims(HOST), rid)).key == "event.cancel_attended"
    assert events.mark_attended(claims(ADMIN), rid, attended=False)["status"] == "registered"
    assert refusal(lambda: events.mark_attended(claims(ADMIN), rid, attended=False)).key == "event.not_attended"


# --------------------------------------------------------------------------- cancelling an event

def test_the_team_cancels_an_event_and_everyone_is_told(space):
    event = make_event(capacity=1)
    events.register(claims(ALICE), event)
    events.register(claims(BOB), event)
    err = refusal(lambda: events.cancel_event(claims(ALICE), event))
    assert err.key == "event.team_only" and event_row(event)["status"] == "published"
    assert events.live_registrations(claims(HOST), event) == 2
    assert events.cancel_event(claims(HOST), event) == 2
    assert event_row(event)["status"] == "cancelled" and event_row(event)["cancelled_at"] is not None
    assert statuses(event) == ["cancelled", "cancelled"]
    told = notices("event_cancelled")
    assert [n["to_email"] for n in told] == [ALICE, BOB]
    assert refusal(lambda: events.cancel_event(claims(ADMIN), event)).key == "event.already_cancelled_event"
    # cancelling is final, whoever writes (the REST API included)
    with pytest.raises(psycopg.errors.RaiseException, match="event.cancelled_final"), authenticate_as(ADMIN) as conn:
        conn.execute("update public.events set status = 'published' where id = %s", (event,))
    assert notices("waitlist_promoted") == []  # a cancellation by the event promotes nobody


def test_an_event_over_cannot_be_cancelled(space):
    event = make_event(in_hours=-5, hours=2)
    assert refusal(lambda: events.cancel_event(claims(HOST), event)).key == "event.over"


# --------------------------------------------------------------------------- rooms and capacity

def test_an_event_refuses_a_booked_room_and_a_room_booking_refuses_an_event(space):
    settings = bookings.booking_settings()
    day = bookings.local_today(settings) + dt.timedelta(days=3)
    starts, ends = bookings.hour_range(day, dt.time(10), dt.time(11), settings)
    bookings.book(claims(ALICE), space["room"], starts, ends)
    with db.as_owner() as conn, pytest.raises(psycopg.errors.RaiseException, match="event.room_booked"):
        conn.execute("insert into public.events (title, starts_at, ends_at, room_id, capacity, status)"
                     " values ('Atelier', %s, %s, %s, 5, 'published')", (starts, starts + dt.timedelta(hours=2),
                                                                            space["room"]))
    # an event later that day is fine; booking the room during it is refused
    event_start, event_end = bookings.hour_range(day, dt.time(14), dt.time(16), settings)
    with db.as_owner() as conn:
        conn.execute("insert into public.events (title, starts_at, ends_at, room_id, capacity, status)"
                     " values ('Atelier', %s, %s, %s, 5, 'published')", (event_start, event_end, space["room"]))
    err = refusal(lambda: bookings.book(claims(BOB), space["room"], *bookings.hour_range(
        day, dt.time(15), dt.time(16), settings)))
    assert err.key == "booking.event_in_room" and "Atelier" in err.message("fr") and "Atelier" in err.message("en")
    # staff too: the room is the event's
    assert refusal(lambda: bookings.book(claims(HOST), space["room"], *bookings.hour_range(
        day, dt.time(14), dt.time(15), settings))).key == "booking.event_in_room"
    # and a second event in the same room at the same time
    with db.as_owner() as conn, pytest.raises(psycopg.errors.RaiseException, match="event.room_taken"):
        conn.execute("insert into public.events (title, starts_at, ends_at, room_id, capacity)"
                     " values ('Autre', %s, %s, %s, 5)", (event_start, event_end, space["room"]))


def test_room_kind_and_capacity_are_checked(space):
    with db.as_owner() as conn:
        with pytest.raises(psycopg.errors.RaiseException, match="event.room_invalid"):
            conn.execute("insert into public.events (title, starts_at, ends_at, room_id, capacity)"
                         " values ('X', now() + interval '1 day', now() + interval '25 hours', %s, 1)",
                         (space["desks"][0],))
    with db.as_owner() as conn, pytest.raises(psycopg.errors.RaiseException, match="event.capacity_over_room"):
        conn.execute("insert into public.events (title, starts_at, ends_at, room_id, capacity)"
                     " values ('X', now() + interval '1 day', now() + interval '25 hours', %s, 50)", (space["room"],))
    with db.as_owner() as conn, pytest.raises(psycopg.errors.RaiseException, match="event.bad_range"):
        conn.execute("insert into public.events (title, starts_at, ends_at, capacity)"
                     " values ('X', now() + interval '1 day', now() + interval '23 hours', 5)")


def test_capacity_never_drops_below_places_given_and_growing_it_serves_the_waitlist(space):
    event = make_event(capacity=1)
    events.register(claims(ALICE), event)
    events.register(claims(BOB), event)
    events.register(claims(CARA), event)
    with authenticate_as(HOST) as conn:
        conn.execute("update public.events set capacity = 2 where id = %s", (event,))
    assert statuses(event) == ["registered", "registered", "waitlisted"]
    with pytest.raises(psycopg.errors.RaiseException, match="event.capacity_below"), authenticate_as(HOST) as conn:
        conn.execute("update public.events set capacity = 1 where id = %s", (event,))
    assert event_row(event)["capacity"] == 2


# --------------------------------------------------------------------------- row-level security

def test_members_see_only_their_own_registrations_and_no_drafts(space):
    event = make_event()
    draft = make_event(status="draft", title="Secret")
    events.register(claims(ALICE), event)
    events.register(claims(BOB), event)
    with authenticate_as(ALICE) as conn:
        rows = conn.execute("select member_id::text from public.registrations").fetchall()
        assert [r["member_id"] for r in rows] == [space[ALICE]]
        assert conn.execute("select count(*) as n from public.events where id = %s", (draft,)).fetchone()["n"] == 0
    with authenticate_as(HOST) as conn:
        assert conn.execute("select count(*) as n from public.registrations").fetchone()["n"] == 2
        assert conn.execute("select count(*) as n from public.events where id = %s", (draft,)).fetchone()["n"] == 1


def test_members_write_neither_events_nor_registrations_directly(space):
    event = make_event()
    with pytest.raises(psycopg.errors.InsufficientPrivilege), authenticate_as(ALICE) as conn:
        conn.execute("insert into public.registrations (event_id, member_id) values (%s, %s)", (event, space[ALICE]))
    with pytest.raises(psycopg.errors.InsufficientPrivilege), authenticate_as(ALICE) as conn:
        conn.execute("insert into public.events (title, starts_at, ends_at, capacity)"
                     " values ('Mine', now() + interval '1 day', now() + interval '25 hours', 5)")
    with authenticate_as(ALICE) as conn:
        assert conn.execute("update public.events set capacity = 1 where id = %s returning id", (event,)).fetchall() == []
    with pytest.raises(psycopg.errors.InsufficientPrivilege), authenticate_as(HOST) as conn:
        conn.execute("update public.registrations set status = 'attended'")
    assert event_row(event)["capacity"] == 10


def test_anon_reads_no_table_and_calls_only_link_functions(space):
    event = make_event()
    for table in ("events", "registrations", "event_speakers"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), db.as_anon() as conn:
            conn.execute(f"select * from public.{table}")
    for call in ("public.register_for_event(%s)", "public.cancel_event(%s)", "public.cancel_registration(%s)",
                 "public.mark_attended(%s)"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), db.as_anon() as conn:
            conn.execute(f"select {call}", (event,))
    with pytest.raises(psycopg.errors.InsufficientPrivilege), db.as_anon() as conn:
        conn.execute("select * from public.event_stats(current_date, current_date)")
    with db.as_owner() as conn:
        granted = conn.execute(
            "select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
            " where n.nspname = 'public' and has_function_privilege('anon', p.oid, 'execute')"
            " and (p.proname like '%event%' or p.proname like '%regist%')").fetchall()
    # the shared link's, and the public agenda's (issue #17: published events, no registration)
    assert sorted(r["proname"] for r in granted) == ["link_events", "link_register", "link_registration",
                                                     "link_unregister", "public_event", "public_events"]


# --------------------------------------------------------------------------- statistics

def test_event_stats_for_board_and_team_only(space):
    past = make_event(capacity=4, in_hours=-3, hours=2)
    with db.as_owner() as conn:
        for email, status in ((ALICE, "attended"), (BOB, "registered"), (CARA, "attended")):
            conn.execute("insert into public.registrations (event_id, member_id, status) values (%s, %s, %s)",
                         (past, space[email], status))
    soon = make_event(capacity=1)
    events.register(claims(ALICE), soon)
    events.register(claims(BOB), soon)
    today = clock.now().date()
    frame = events.event_stats(claims(HOST), today - dt.timedelta(days=2), today + dt.timedelta(days=5))
    by_id = frame.set_index("event_id")
    by_id.index = by_id.index.map(str)
    assert by_id.loc[past, "registrations"] == 3 and by_id.loc[past, "attended"] == 2
    assert by_id.loc[past, "fill_rate"] == 0.75 and round(by_id.loc[past, "attendance_rate"], 4) == 0.6667
    assert by_id.loc[soon, "waitlisted_ever"] == 1 and pd_isna(by_id.loc[soon, "attendance_rate"])
    summary = events.stats_summary(frame)
    assert summary["events"] == 2 and summary["waitlist_share"] == 0.5
    assert round(summary["attendance_rate"], 4) == 0.6667
    err = refusal(lambda: events.event_stats(claims(ALICE), today, today))
    assert err.key == "event.stats_forbidden"
    err = refusal(lambda: events.event_stats(claims(BOARD), today, today - dt.timedelta(days=1)))
    assert err.key == "event.stats_period"


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_erasing_a_member_forgets_the_names_they_typed(space):
    event = make_event()
    with db.as_owner() as conn:
        conn.execute("insert into public.registrations (event_id, member_id, guest_name, source)"
                     " values (%s, %s, 'Alice typed', 'link')", (event, space[ALICE]))
        conn.execute("insert into public.event_speakers (event_id, member_id, name) values (%s, %s, 'Alice Speaker')",
                     (event, space[ALICE]))
        conn.execute("select public.erase_member(%s)", (space[ALICE],))
        row = conn.execute("select guest_name from public.registrations").fetchone()
        speaker = conn.execute("select name from public.event_speakers").fetchone()
    assert row["guest_name"] is None and speaker["name"] == "—"
