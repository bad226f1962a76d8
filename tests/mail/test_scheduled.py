"""Scheduled messages (issue #11): the reminders the day before and the team's weekly digest,
queued by the database once each, to whom they are for, honouring opt-outs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import psycopg
import pytest

from lib.booking import bookings
from lib.core import clock, db
from lib.events import events
from lib.mail import scheduled
from tests.conftest import claims, make_member
from tests.mail.conftest import ALICE, BOB, BOSS, HOST, outbox

GUEST = "guest@example.net"


def _at(space: dict, day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), ZoneInfo(space["settings"]["time_zone"]))


def _guest_booking(space: dict, day: dt.date, status: str, desk: int, email: str = GUEST) -> str:
    starts, ends = bookings.slot_range(day, "day", space["settings"])
    with db.as_owner() as conn:
        return str(conn.execute(
            "insert into public.bookings (resource_id, guest_name, guest_email, during, status, source)"
            " values (%s, 'Gaston Invité', %s, tstzrange(%s, %s), %s, 'link') returning id",
            (space["desks"][desk], email, starts, ends, status)).fetchone()["id"])


def _event(space: dict, day: dt.date, status: str = "published", capacity: int = 10, title: str = "Atelier") -> str:
    with db.as_owner() as conn:
        return str(conn.execute(
            "insert into public.events (title, starts_at, ends_at, capacity, status) values (%s, %s, %s, %s, %s)"
            " returning id", (title, _at(space, day, 18), _at(space, day, 20), capacity, status)).fetchone()["id"])


def _registration(event_id: str, status: str, member_id: str | None = None, email: str | None = None) -> str:
    with db.as_owner() as conn:
        return str(conn.execute(
            "insert into public.registrations (event_id, member_id, guest_name, guest_email, status)"
            " values (%s, %s, %s, %s, %s) returning id",
            (event_id, member_id, None if member_id else "Gaston Invité", email, status)).fetchone()["id"])


def _reminders() -> list[dict]:
    return [n for n in outbox() if n["kind"] in ("booking_reminder", "event_reminder")]


def test_reminders_go_for_tomorrow_only_once_to_members_and_guests(space):
    today = bookings.local_today(space["settings"])
    tomorrow, later = today + dt.timedelta(days=1), today + dt.timedelta(days=2)
    s = space["settings"]
    mine = bookings.book(claims(ALICE), space["desks"][0], *bookings.slot_range(tomorrow, "am", s))
    bookings.book(claims(BOB), space["desks"][1], *bookings.slot_range(later, "am", s))  # not tomorrow
    cancelled = bookings.book(claims(BOB), space["desks"][1], *bookings.slot_range(tomorrow, "pm", s))
    bookings.cancel(claims(BOB), cancelled["id"])
    guest = _guest_booking(space, tomorrow, "confirmed", 2)
    _guest_booking(space, tomorrow, "pending", 3, email="waiting@example.net")  # not approved: no reminder
    talk = _event(space, tomorrow)
    alice_reg = _registration(talk, "registered", member_id=space["alice"])
    guest_reg = _registration(talk, "registered", email=GUEST)
    _registration(talk, "waitlisted", member_id=space["bob"])
    draft = _event(space, tomorrow, status="draft", title="Brouillon")
    _registration(draft, "registered", member_id=space["staff"])
    _registration(_event(space, later, title="Après-demain"), "registered", member_id=space["bob"])

    assert scheduled.queue_reminders(db.OWNER) == 4
    rows = _reminders()
    assert sorted((n["kind"], n["to_email"], str(n["booking_id"] or n["registration_id"])) for n in rows) == sorted([
        ("booking_reminder", ALICE, str(mine["id"])), ("booking_reminder", GUEST, guest),
        ("event_reminder", ALICE, alice_reg), ("event_reminder", GUEST, guest_reg)])
    alice_booking = next(n for n in rows if n["kind"] == "booking_reminder" and n["to_email"] == ALICE)
    assert alice_booking["locale"] == "en" and alice_booking["member_id"] is not None
    assert alice_booking["payload"]["day"] == tomorrow.isoformat()
    assert alice_booking["payload"]["status"] == "confirmed"
    with db.as_owner() as conn:  # the contract's payload, exactly
        expected = conn.execute("select private.booking_notice_payload(b) as p from public.bookings b where id = %s",
                                (mine["id"],)).fetchone()["p"]
    assert alice_booking["payload"] == expected
    guest_event = next(n for n in rows if n["kind"] == "event_reminder" and n["to_email"] == GUEST)
    assert guest_event["payload"]["title"] == "Atelier" and guest_event["payload"]["guest"] is True

    # the sender calls it every few minutes: nothing new
    assert scheduled.queue_reminders(db.OWNER) == 0
    assert len(_reminders()) == 4


def test_reminders_honour_a_members_opt_out_of_one_kind(space):
    tomorrow = bookings.local_today(space["settings"]) + dt.timedelta(days=1)
    bookings.book(claims(ALICE), space["desks"][0], *bookings.slot_range(tomorrow, "am", space["settings"]))
    events_id = _event(space, tomorrow)
    events.register(claims(ALICE), events_id)
    assert scheduled.set_email_opt_out(claims(ALICE), ["booking_reminder"]) == ["booking_reminder"]

    assert scheduled.queue_reminders(db.OWNER) == 1
    assert [(n["kind"], n["to_email"]) for n in _reminders()] == [("event_reminder", ALICE)]


def test_only_the_owner_and_admins_queue_scheduled_messages(space):
    for email in (ALICE, HOST):
        for job in (scheduled.queue_reminders, scheduled.queue_weekly_digest):
            with pytest.raises(psycopg.errors.RaiseException) as refused:
                job(claims(email))
            assert refused.value.diag.message_primary == "notify.admin_only"
    with db.as_anon() as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select public.queue_reminders()")
    assert scheduled.queue_reminders(claims(BOSS)) == 0
    assert scheduled.queue_weekly_digest(claims(BOSS)) == 2


def test_weekly_digest_tells_the_team_the_week_once(space):
    tz = space["settings"]["time_zone"]
    today = clock.space_today(tz)
    monday = today - dt.timedelta(days=today.weekday())
    tuesday, thursday = monday + dt.timedelta(days=1), monday + dt.timedelta(days=3)
    s = space["settings"]
    with db.as_owner() as conn:  # the week's bookings, past days included (built as the owner)
        for desk, day, status in ((0, tuesday, "confirmed"), (1, tuesday, "confirmed"), (2, tuesday, "cancelled"),
                                  (0, thursday, "confirmed")):
            conn.execute("insert into public.bookings (resource_id, member_id, during, status) values"
                         " (%s, %s, tstzrange(%s, %s), %s)",
                         (space["desks"][desk], space["bob"], *bookings.slot_range(day, "day", s), status))
        conn.execute("insert into public.bookings (resource_id, member_id, during, status) values"
                     " (%s, %s, tstzrange(%s, %s), 'confirmed')",
                     (space["room"], space["alice"], _at(space, tuesday, 14), _at(space, tuesday, 16)))
    # guests waiting: one in the future (next week), one whose day has passed (not waiting any more)
    _guest_booking(space, monday + dt.timedelta(days=8), "pending", 3, email="later@example.net")
    _guest_booking(space, monday - dt.timedelta(days=6), "pending", 3, email="past@example.net")
    wednesday_talk = _event(space, monday + dt.timedelta(days=2), capacity=12, title="Meetup")
    _registration(wednesday_talk, "registered", member_id=space["alice"])
    _registration(wednesday_talk, "registered", email="g1@example.net")
    _registration(wednesday_talk, "waitlisted", email="g2@example.net")
    _registration(wednesday_talk, "cancelled", email="g3@example.net")
    _event(space, monday + dt.timedelta(days=2), status="draft", title="Pas encore")
    _event(space, monday + dt.timedelta(days=9), title="La semaine d'après")
    # not team, or not active, or declined: no digest
    make_member("board@example.org", role="board")
    make_member("gone@example.org", role="staff", active=False)
    make_member("quiet@example.org", role="staff")
    with db.as_owner() as conn:
        conn.execute("update public.members set email_opt_out = '{team_digest}' where email = 'quiet@example.org'")

    assert scheduled.queue_weekly_digest(db.OWNER) == 2
    digests = [n for n in outbox() if n["kind"] == "team_digest"]
    assert sorted(n["to_email"] for n in digests) == sorted([BOSS, HOST])
    payload = digests[0]["payload"]
    assert payload["space"] == "La Cantine" and payload["time_zone"] == tz
    assert (payload["week_start"], payload["week_end"]) == (monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat())
    by_day = {d["day"]: (d["desk_bookings"], d["room_bookings"]) for d in payload["days"]}
    assert list(by_day) == [(monday + dt.timedelta(days=i)).isoformat() for i in range(7)]
    assert by_day[tuesday.isoformat()] == (2, 1) and by_day[thursday.isoformat()] == (1, 0)
    assert sum(desk + room for desk, room in by_day.values()) == 4
    assert [(e["title"], e["registered"], e["capacity"]) for e in payload["events"]] == [("Meetup", 2, 12)]
    assert payload["guests_waiting"] == 1

    # every few minutes, all week: nothing new; a member who joins the team gets this week's
    assert scheduled.queue_weekly_digest(db.OWNER) == 0
    make_member("newhost@example.org", role="staff")
    assert scheduled.queue_weekly_digest(db.OWNER) == 1
    assert len([n for n in outbox() if n["kind"] == "team_digest"]) == 3


def test_the_senders_rounds_queue_reminders_only_from_the_afternoon_before(space):
    """The sender thread calls `queue_due` every few minutes: tomorrow's reminders leave from
    REMINDER_HOUR (local), not at midnight; the digest whenever the week has not had it."""
    tomorrow = bookings.local_today(space["settings"]) + dt.timedelta(days=1)
    bookings.book(claims(ALICE), space["desks"][0], *bookings.slot_range(tomorrow, "am", space["settings"]))
    today = bookings.local_today(space["settings"])
    morning = _at(space, today, 9)
    assert not [n for n in _reminders()]
    scheduled.queue_due(db.OWNER, morning)
    assert _reminders() == [], "no reminder in the morning of the day before"
    scheduled.queue_due(db.OWNER, _at(space, today, scheduled.REMINDER_HOUR))
    assert [n["kind"] for n in _reminders()] == ["booking_reminder"]
    assert scheduled.queue_due(db.OWNER, _at(space, today, 20)) == 0, "idempotent"
