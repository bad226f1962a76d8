"""The less common refusals of the booking API, each with its translated sentence: inactive
desks and members, malformed ranges, board members and signed-out callers, approval, no-shows,
check-in of pending or cancelled bookings, link expiry in the past, admin-only cancellation."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.booking import bookings, share_links
from lib.core import clock, db
from lib.core.errors import UserError
from lib.demo.bookings import tiny_space
from tests.conftest import claims, make_member, noon_zone, user_id_of


@pytest.fixture
def space(empty_db):
    with db.as_owner() as conn:
        ids = tiny_space(conn)  # about noon now: a booking started half an hour ago is today's
        conn.execute("update public.settings set time_zone = %s", (noon_zone(),))
    ids["alice"] = make_member("alice@example.org")
    ids["gone"] = make_member("gone@example.org", active=False)
    make_member("host@example.org", role="staff")
    ids["settings"] = bookings.booking_settings()
    ids["day"] = bookings.local_today(ids["settings"]) + dt.timedelta(days=2)
    return ids


def refused(call, key: str, en_part: str) -> None:
    with pytest.raises(UserError) as info:
        call()
    assert info.value.key == key
    assert en_part in info.value.message("en") and info.value.message("fr") != info.value.message("en")


def test_resource_and_range_refusals(space):
    s, day, alice = space["settings"], space["day"], claims("alice@example.org")
    with db.as_owner() as conn:
        conn.execute("update public.resources set active = false where id = %s", (space["desks"][3],))
    am = bookings.slot_range(day, "am", s)
    refused(lambda: bookings.book(alice, space["desks"][3], *am), "booking.resource_unavailable", "can no longer")
    refused(lambda: bookings.book(alice, space["desks"][0], am[1], am[0]), "booking.bad_range", "after the start")
    refused(lambda: bookings.book(alice, space["desks"][0], am[0], am[0] + dt.timedelta(days=1)),
            "booking.one_day", "one day")
    refused(lambda: bookings.book(alice, None, *am), "booking.missing", "Choose")


def test_who_may_book(space):
    s, day = space["settings"], space["day"]
    am = bookings.slot_range(day, "am", s)
    refused(lambda: bookings.book(claims("host@example.org"), space["desks"][0], *am, member_id=space["gone"]),
            "booking.member_inactive", "not active")
    with pytest.raises(UserError) as info:  # a signed-in account without an active member row
        bookings.book(db.claims_for(user_id_of("gone@example.org"), "gone@example.org"), space["desks"][0], *am)
    assert info.value.key == "booking.sign_in" and "Sign in" in info.value.message("en")


def test_team_actions_refusals(space):
    s, day = space["settings"], space["day"]
    staff, alice = claims("host@example.org"), claims("alice@example.org")
    row = bookings.book(alice, space["desks"][0], *bookings.slot_range(day, "am", s))
    refused(lambda: bookings.approve(staff, str(row["id"])), "booking.not_pending", "not waiting")
    refused(lambda: bookings.mark_no_show(staff, str(row["id"])), "booking.no_show_future", "has not started")
    started = clock.now() - dt.timedelta(minutes=30)
    with db.as_owner() as conn:
        today = conn.execute("insert into public.bookings (resource_id, member_id, during) values (%s, %s,"
                             " tstzrange(%s, %s)) returning id::text", (space["room"], space["alice"], started,
                                                                       started + dt.timedelta(hours=1))).fetchone()["id"]
    bookings.check_in(alice, today)
    refused(lambda: bookings.mark_no_show(staff, today), "booking.no_show_checked_in", "checked in")
    from lib.booking import resources_admin

    refused(lambda: resources_admin.cancel_future(alice, space["desks"][0]), "booking.admin_only",
            "Only an administrator")


def test_check_in_refusals_for_pending_and_cancelled(space):
    started = clock.now() - dt.timedelta(minutes=10)
    with db.as_owner() as conn:
        pending = conn.execute(
            "insert into public.bookings (resource_id, member_id, during, status) values (%s, %s, tstzrange(%s, %s),"
            " 'pending') returning id::text", (space["desks"][0], space["alice"], started,
                                               started + dt.timedelta(hours=1))).fetchone()["id"]
        cancelled = conn.execute(
            "insert into public.bookings (resource_id, member_id, during, status) values (%s, %s, tstzrange(%s, %s),"
            " 'cancelled') returning id::text", (space["desks"][1], space["alice"], started,
                                                 started + dt.timedelta(hours=1))).fetchone()["id"]
    alice = claims("alice@example.org")
    refused(lambda: bookings.check_in(alice, pending), "checkin.pending", "approval")
    refused(lambda: bookings.check_in(alice, cancelled), "checkin.cancelled", "cancelled")


def test_link_expiry_must_be_in_the_future(space):
    refused(lambda: share_links.create(db.OWNER, "Old", clock.now() - dt.timedelta(days=1)),
            "link.expiry_past", "in the past")
