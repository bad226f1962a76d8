"""Events take a zone (issue #14): a published event with `zone_id` holds every desk of that
zone from its start minus set-up to its end plus clear-up. `book_resource` (any client) and
the proof of a shared-link request refuse naming the event and its local times; the day grid
(the app's and the link's) shows those desks taken; the team sees the bookings an event hits."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from lib.booking import bookings, share_links
from lib.core import clock, db
from lib.core.errors import UserError
from lib.demo.bookings import tiny_space
from lib.events import events
from tests.booking.conftest import proof_secret
from tests.conftest import claims, make_member

ALICE, BOB, HOST = "alice@example.org", "bob@example.org", "host@example.org"
TZ = ZoneInfo("Europe/Paris")


@pytest.fixture
def space(empty_db):
    with db.as_owner() as conn:
        ids = tiny_space(conn)
        other = conn.execute("insert into public.zones (name) values ('Calme') returning id::text").fetchone()["id"]
        ids["quiet_desk"] = conn.execute("insert into public.resources (zone_id, name, kind) values (%s, 'Q1', 'desk')"
                                         " returning id::text", (other,)).fetchone()["id"]
        ids["quiet"] = other
    ids[ALICE] = make_member(ALICE)
    ids[BOB] = make_member(BOB)
    ids[HOST] = make_member(HOST, role="staff")
    return ids


DAY_OFFSET = 3


def day() -> dt.date:
    return clock.space_today("Europe/Paris") + dt.timedelta(days=DAY_OFFSET)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day(), dt.time(hour, minute), TZ)


def zone_event(zone: str, status: str = "published", setup: int = 30, clearup: int = 15,
               title: str = "Soirée Projecteur") -> str:
    # 17:00–19:00 with 30 minutes of set-up: the afternoon half day (13:30–19:00) overlaps it
    with db.as_owner() as conn:
        return conn.execute(
            "insert into public.events (title, starts_at, ends_at, capacity, status, zone_id, setup_minutes,"
            " clearup_minutes) values (%s, %s, %s, 40, %s, %s, %s, %s) returning id::text",
            (title, at(17), at(19), status, zone, setup, clearup)).fetchone()["id"]


def afternoon() -> tuple[dt.datetime, dt.datetime]:
    return at(13, 30), at(19)


def refusal(call) -> UserError:
    with pytest.raises(UserError) as info:
        call()
    return info.value


def test_a_desk_of_the_zone_is_refused_with_the_events_name_and_times(space):
    zone_event(space["zone"])
    err = refusal(lambda: bookings.book(claims(ALICE), space["desks"][0], *afternoon()))
    assert err.key == "booking.event_in_zone"
    assert err.params == {"title": "Soirée Projecteur", "from": "16:30", "to": "19:15"}
    assert "Soirée Projecteur" in err.message("fr") and "16:30" in err.message("en")
    # the morning is free, and so is a desk of another zone that afternoon
    assert bookings.book(claims(ALICE), space["desks"][0], at(8, 30), at(13, 30))["status"] == "confirmed"
    assert bookings.book(claims(BOB), space["quiet_desk"], *afternoon())["status"] == "confirmed"


def test_set_up_time_counts_and_without_it_the_afternoon_would_not_overlap(space):
    with db.as_owner() as conn:
        conn.execute("update public.settings set closes_at = '17:00'")
    zone_event(space["zone"], setup=0)
    # 13:30–17:00 ends when the event starts: free without set-up
    assert bookings.book(claims(ALICE), space["desks"][0], at(13, 30), at(17))["status"] == "confirmed"
    with db.as_owner() as conn:
        conn.execute("update public.events set setup_minutes = 60")
    err = refusal(lambda: bookings.book(claims(BOB), space["desks"][1], at(13, 30), at(17)))
    assert err.key == "booking.event_in_zone" and err.params["from"] == "16:00"


def test_drafts_and_cancelled_events_hold_nothing(space):
    draft = zone_event(space["zone"], status="draft")
    assert bookings.book(claims(ALICE), space["desks"][0], *afternoon())["status"] == "confirmed"
    events.cancel_event(claims(HOST), zone_event(space["zone"], title="Annulée"))
    assert bookings.book(claims(BOB), space["desks"][1], *afternoon())["status"] == "confirmed"
    assert draft


def test_a_shared_link_proof_is_refused_with_the_events_name(space):
    token = share_links.create(db.OWNER, "Newsletter")
    share_links.book(token, "guest@example.net", "Guest", space["desks"][0], *afternoon())
    secret = proof_secret("guest@example.net")
    assert secret
    zone_event(space["zone"])  # the event is published between the request and the proof
    outcome = share_links.prove(secret)
    assert outcome["outcome"] == "refused" and outcome["detail"]["key"] == "booking.event_in_zone"
    assert outcome["detail"]["params"]["title"] == "Soirée Projecteur"


def test_the_grids_show_the_zones_desks_taken_during_the_event(space):
    zone_event(space["zone"])
    grid = bookings.day_grid(claims(ALICE), day())
    state = {(r.resource_id, r.slot): r.state for r in grid.itertuples()}
    for desk in space["desks"]:
        assert state[(desk, "pm")] == "taken" and state[(desk, "am")] == "free"
    assert state[(space["quiet_desk"], "pm")] == "free"
    token = share_links.create(db.OWNER, "Newsletter")
    link = bookings.link_day_grid(token, day())
    assert set(link[link.slot == "pm"].set_index("resource_id").loc[space["desks"], "state"]) == {"taken"}


def test_a_room_holding_a_published_event_shows_taken_on_the_room_grid(space):
    with db.as_owner() as conn:
        conn.execute("insert into public.events (title, starts_at, ends_at, room_id, capacity, status)"
                     " values ('Atelier', %s, %s, %s, 5, 'published')", (at(10), at(12), space["room"]))
    grid = bookings.day_grid(claims(ALICE), day(), "room")
    state = {r.slot: r.state for r in grid.itertuples() if r.resource_id == space["room"]}
    assert state["10:00"] == "taken" and state["11:00"] == "taken" and state["12:00"] == "free"


def test_the_team_sees_the_bookings_an_event_hits_and_members_may_not(space):
    mine = bookings.book(claims(ALICE), space["desks"][0], *afternoon())
    bookings.book(claims(BOB), space["quiet_desk"], *afternoon())  # another zone: not hit
    event = zone_event(space["zone"])
    hit = events.zone_bookings(claims(HOST), event)
    assert list(hit.booking_id) == [str(mine["id"])] and list(hit.who) == ["Alice"]
    assert refusal(lambda: events.zone_bookings(claims(ALICE), event)).key == "event.team_only"
    # cancelled through the ordinary cancellation, the list empties
    bookings.cancel(claims(HOST), str(mine["id"]))
    assert events.zone_bookings(claims(HOST), event).empty


def test_the_team_page_lists_the_bookings_an_event_hits_and_cancels_them_after_confirming(demo_db):
    from tests.conftest import DEMO, app_as

    settings = bookings.booking_settings()
    day = bookings.next_open_day(settings, clock.space_today(settings["time_zone"]) + dt.timedelta(days=3))
    with db.as_owner() as conn:
        desk = conn.execute("select r.id::text, r.zone_id::text from public.resources r where r.name = 'O01'").fetchone()
        conn.execute("update public.bookings set status = 'cancelled' where day = %s and resource_id = %s",
                     (day, desk["id"]))
        member = conn.execute("select id from public.members where email = %s", (DEMO["member"],)).fetchone()["id"]
        conn.execute("update public.bookings set status = 'cancelled' where day = %s and member_id = %s", (day, member))
    starts, ends = bookings.slot_range(day, "pm", settings)
    with db.as_owner() as conn:  # as the owner: the demo member's plan quota is not what this test is about
        booking = conn.execute("insert into public.bookings (resource_id, member_id, during, units) values"
                               " (%s, %s, tstzrange(%s, %s, '[)'), 0.5) returning id", (desk["id"], member, starts,
                                                                                     ends)).fetchone()
    tz = ZoneInfo(settings["time_zone"])
    with db.as_owner() as conn:
        event = conn.execute(
            "insert into public.events (title, starts_at, ends_at, capacity, status, zone_id) values"
            " ('Forum zone', %s, %s, 50, 'published', %s) returning id::text",
            (dt.datetime.combine(day, dt.time(14), tz), dt.datetime.combine(day, dt.time(16), tz),
             desk["zone_id"])).fetchone()["id"]
    at = app_as(DEMO["staff"], "views/events_admin.py", lang="fr")
    at.selectbox(key="eva_manage").set_value(event).run()
    assert not at.exception
    picker = at.multiselect(key=f"eva_hits_{event}")
    assert str(booking["id"]) in picker.options or any("O01" in o for o in picker.options)
    picker.set_value([str(booking["id"])]).run()
    assert at.button(key=f"eva_hits_go_{event}").disabled  # not before confirming: it e-mails the member
    at.checkbox(key=f"eva_hits_sure_{event}").check().run()
    at.button(key=f"eva_hits_go_{event}").click().run()
    assert not at.exception
    with db.as_owner() as conn:
        status = conn.execute("select status from public.bookings where id = %s", (booking["id"],)).fetchone()["status"]
        told = conn.execute("select count(*) as n from public.notifications where booking_id = %s"
                            " and kind = 'booking_cancelled'", (booking["id"],)).fetchone()["n"]
    assert status == "cancelled" and told == 1
