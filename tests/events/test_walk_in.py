"""The door's SQL API (supabase/migrations/20261206120000_event_door.sql) from the side of each
role: `register_walk_in`, `mark_attended` inside the door's window, `door_people`/`door_events`
/`door_event_counts`, refused to members, the board and anonymous visitors."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from lib.core import clock, db
from lib.core.errors import UserError
from lib.events import door, events
from tests.conftest import as_anon, authenticate_as, claims, make_member

ALICE, BOB = "alice@example.org", "bob@example.org"
HOST, ADMIN, BOARD = "host@example.org", "boss@example.org", "board@example.org"


@pytest.fixture
def people(empty_db):
    ids = {email: make_member(email, full_name=name) for email, name in
           ((ALICE, "Alice Dupré"), (BOB, "Bob Martin"))}
    ids[HOST] = make_member(HOST, role="staff")
    ids[ADMIN] = make_member(ADMIN, role="admin")
    ids[BOARD] = make_member(BOARD, role="board")
    return ids


def make_event(capacity: int = 2, in_hours: float = -0.5, hours: float = 2, status: str = "published") -> str:
    starts = clock.now() + dt.timedelta(hours=in_hours)
    with db.as_owner() as conn:
        return conn.execute(
            "insert into public.events (title, starts_at, ends_at, capacity, status) values ('Apéro', %s, %s, %s, %s)"
            " returning id::text", (starts, starts + dt.timedelta(hours=hours), capacity, status)).fetchone()["id"]


def register(event: str, member: str) -> str:
    with db.as_owner() as conn:
        return conn.execute("insert into public.registrations (event_id, member_id) values (%s, %s) returning id::text",
                            (event, member)).fetchone()["id"]


def rows(event: str) -> list[dict]:
    with db.as_owner() as conn:
        return conn.execute("select member_id::text, guest_name, guest_email, status, source from public.registrations"
                            " where event_id = %s order by created_at, id", (event,)).fetchall()


def refused(call) -> str:
    with pytest.raises(UserError) as info:
        call()
    return info.value.key


def test_a_walk_in_on_a_full_event_is_added_present_over_capacity(people):
    event = make_event(capacity=2)
    register(event, people[ALICE])
    register(event, people[BOB])
    added = door.walk_in(claims(HOST), event, "  Zoé Invitée ", "")
    assert added["status"] == "attended" and added["source"] == "walk_in"
    assert added["member_id"] is None and added["guest_name"] == "Zoé Invitée" and added["guest_email"] is None
    assert door.counts(claims(HOST), event) == {"capacity": 2, "registered": 2, "present": 1, "walk_ins": 1,
                                                "waiting": 0}
    # two nameless-address walk-ins are two people, not a duplicate
    door.walk_in(claims(ADMIN), event, "Zoé Invitée")
    assert door.counts(claims(ADMIN), event)["walk_ins"] == 2


def test_a_members_email_links_them_and_a_registered_person_is_ticked_not_doubled(people):
    event = make_event(capacity=5)
    rid = register(event, people[ALICE])
    ticked = door.walk_in(claims(HOST), event, "whatever typed", " ALICE@example.org ")
    assert str(ticked["id"]) == rid and ticked["status"] == "attended" and ticked["source"] == "app"
    assert refused(lambda: door.walk_in(claims(HOST), event, "Alice", ALICE)) == "event.already_attended"
    bob = door.walk_in(claims(HOST), event, "Bobby", BOB)
    assert str(bob["member_id"]) == people[BOB] and bob["guest_name"] is None and bob["source"] == "walk_in"
    guest = door.walk_in(claims(HOST), event, "Gus", "gus@example.net")
    assert guest["guest_email"] == "gus@example.net" and guest["member_id"] is None
    assert refused(lambda: door.walk_in(claims(HOST), event, "Gus", "GUS@example.net")) == "event.already_attended"
    assert len(rows(event)) == 3


def test_walk_ins_are_refused_to_members_the_board_and_anonymous_visitors(people):
    event = make_event()
    for email in (ALICE, BOARD):
        assert refused(lambda e=email: door.walk_in(claims(e), event, "Sneaky")) == "event.team_only"
        assert refused(lambda e=email: door.people(claims(e), event)) == "event.team_only"
        assert refused(lambda e=email: door.counts(claims(e), event)) == "event.team_only"
        assert refused(lambda e=email: door.day_events(claims(e), clock.now().date())) == "event.team_only"
    with as_anon() as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select public.register_walk_in(%s, null, 'Anon')", (event,))
    with as_anon() as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select * from public.door_people(%s)", (event,))
    # a member calling the REST API directly is refused by the database too
    with authenticate_as(ALICE) as conn, pytest.raises(psycopg.errors.RaiseException):
        conn.execute("select public.register_walk_in(%s, null, 'Direct')", (event,))
    assert rows(event) == []


def test_walk_ins_check_the_name_the_address_and_the_event(people):
    event = make_event()
    assert refused(lambda: door.walk_in(claims(HOST), event, "   ")) == "event.walk_in_name"
    assert refused(lambda: door.walk_in(claims(HOST), event, "X" * 201)) == "event.walk_in_name"
    assert refused(lambda: door.walk_in(claims(HOST), event, "Zoé", "not-an-address")) == "event.walk_in_email"
    draft = make_event(status="draft")
    assert refused(lambda: door.walk_in(claims(HOST), draft, "Zoé")) == "event.not_found"
    cancelled = make_event(in_hours=5)
    events.cancel_event(claims(ADMIN), cancelled)
    assert refused(lambda: door.walk_in(claims(HOST), cancelled, "Zoé")) == "event.cancelled"
    assert rows(event) == [] and rows(draft) == []


def test_the_door_opens_two_hours_before_the_start_and_closes_seven_days_after_the_end(people):
    opens_before, closes_after = door.window(claims(HOST))
    assert (opens_before, closes_after) == (dt.timedelta(hours=2), dt.timedelta(days=7))
    early = make_event(in_hours=1.5)  # starts in 90 minutes: the door is open
    rid = register(early, people[ALICE])
    assert door.set_present(claims(HOST), rid, True)["status"] == "attended"
    assert door.walk_in(claims(HOST), early, "Early bird")["status"] == "attended"
    too_early = make_event(in_hours=2.5)
    rid = register(too_early, people[ALICE])
    assert refused(lambda: door.set_present(claims(HOST), rid, True)) == "event.attend_too_early"
    assert refused(lambda: door.walk_in(claims(HOST), too_early, "Too early")) == "event.attend_too_early"
    week_old = make_event(in_hours=-24 * 6)  # ended 6 days ago: still open
    rid = register(week_old, people[BOB])
    assert door.set_present(claims(ADMIN), rid, True)["status"] == "attended"
    closed = make_event(in_hours=-24 * 8)
    rid = register(closed, people[BOB])
    assert refused(lambda: door.set_present(claims(ADMIN), rid, True)) == "event.attend_closed"
    assert refused(lambda: door.walk_in(claims(ADMIN), closed, "Late")) == "event.attend_closed"
    assert [r["status"] for r in rows(too_early) + rows(closed)] == ["registered", "registered"]


def test_unticking_a_walk_in_removes_it_and_a_registration_goes_back_to_registered(people):
    event = make_event(capacity=1)
    rid = register(event, people[ALICE])
    walk = str(door.walk_in(claims(HOST), event, "Zoé")["id"])
    door.set_present(claims(HOST), rid, True)
    assert door.set_present(claims(HOST), walk, False)["status"] == "cancelled"
    assert door.set_present(claims(HOST), rid, False)["status"] == "registered"
    assert door.counts(claims(HOST), event) == {"capacity": 1, "registered": 1, "present": 0, "walk_ins": 0,
                                                "waiting": 0}
    assert refused(lambda: door.set_present(claims(ALICE), rid, True)) == "event.team_only"


def test_the_door_search_is_in_sql_ignores_accents_and_case_and_puts_the_waiting_list_last(people):
    event = make_event(capacity=1)
    register(event, people[BOB])
    register(event, people[ALICE])  # over capacity through the owner: waiting, as the list shows it
    with db.as_owner() as conn:
        conn.execute("update public.registrations set status = 'waitlisted' where member_id = %s", (people[ALICE],))
    door.walk_in(claims(HOST), event, "Élodie 100%_sûre")
    found = door.people(claims(HOST), event)
    assert list(found.who) == ["Bob Martin", "Élodie 100%_sûre", "Alice Dupré"]
    assert list(found.email) == [BOB, "", ALICE]  # no address: empty, never None
    assert list(door.people(claims(HOST), event, "dupre").who) == ["Alice Dupré"]
    assert list(door.people(claims(HOST), event, "ELODIE").who) == ["Élodie 100%_sûre"]
    assert list(door.people(claims(HOST), event, "%").who) == ["Élodie 100%_sûre"]  # a literal %, not a wildcard
    assert list(door.people(claims(HOST), event, "bob@").who) == ["Bob Martin"]
    assert len(door.people(claims(HOST), event, limit=2)) == 2
    day = door.day_events(claims(HOST), _local_day(event))
    assert list(day.event_id) == [event] and bool(day.door_open.iloc[0])
    assert day.iloc[0][["registered", "present", "walk_ins", "waiting"]].tolist() == [1, 1, 1, 1]


def _local_day(event: str) -> dt.date:
    with db.as_owner() as conn:
        return conn.execute("select (e.starts_at at time zone s.time_zone)::date as d from public.events e"
                            " cross join public.settings s where e.id = %s", (event,)).fetchone()["d"]


def test_the_demo_has_walk_ins_on_past_events_only_all_present(demo_db):
    with db.as_owner() as conn:
        walk_ins = conn.execute(
            "select x.status, x.member_id is not null as member, x.guest_email is null as no_email,"
            " e.ends_at < now() as past from public.registrations x join public.events e on e.id = x.event_id"
            " where x.source = 'walk_in'").fetchall()
    assert len(walk_ins) > 20
    assert {w["status"] for w in walk_ins} == {"attended"} and all(w["past"] for w in walk_ins)
    assert any(w["member"] for w in walk_ins) and any(w["no_email"] for w in walk_ins)
