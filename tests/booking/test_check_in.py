"""Check-in today, release of unclaimed desks, the staff day view, approval, no-shows, CSV export
and occupancy — each from the side of the roles allowed and refused."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from lib.booking import bookings
from lib.core import clock, db
from lib.core.errors import UserError
from lib.core.i18n import t
from lib.demo.bookings import tiny_space
from tests.booking.conftest import link_book_proven
from tests.conftest import claims, make_member, noon_zone


@pytest.fixture
def space(empty_db):
    """A tiny space in a time zone where it is about noon now, so bookings started an hour ago are
    today's at any hour the suite runs."""
    with db.as_owner() as conn:
        ids = tiny_space(conn)
        conn.execute("update public.settings set time_zone = %s", (noon_zone(),))
    ids["alice"] = make_member("alice@example.org", full_name="Alice Martin")
    ids["bob"] = make_member("bob@example.org")
    make_member("host@example.org", role="staff")
    make_member("board@example.org", role="board")
    ids["settings"] = bookings.booking_settings()
    return ids


def started_booking(resource: str, member: str, minutes_ago: int = 60) -> str:
    """A booking of today that started a while ago (as if made earlier), put in place by the owner."""
    start = clock.now() - dt.timedelta(minutes=minutes_ago)
    with db.as_owner() as conn:
        return conn.execute(
            "insert into public.bookings (resource_id, member_id, during, units) values (%s, %s, tstzrange(%s, %s), 0.5)"
            " returning id::text", (resource, member, start, start + dt.timedelta(hours=3))).fetchone()["id"]


def test_check_in_today_from_the_home_page(space):
    started_booking(space["desks"][0], space["alice"])
    row = bookings.check_in_today(claims("alice@example.org"), space["alice"])
    assert row["checked_in_at"] is not None
    with pytest.raises(UserError) as info:
        bookings.check_in(claims("alice@example.org"), str(row["id"]))
    assert info.value.key == "checkin.already" and "Already checked in" in info.value.message("en")
    with pytest.raises(UserError) as info:
        bookings.check_in_today(claims("bob@example.org"), space["bob"])
    assert info.value.key == "checkin.none_today" and "Pas de réservation" in info.value.message("fr")


def test_check_in_only_on_the_day(space):
    s = space["settings"]
    starts, ends = bookings.slot_range(bookings.local_today(s) + dt.timedelta(days=2), "am", s)
    row = bookings.book(claims("alice@example.org"), space["desks"][0], starts, ends)
    with pytest.raises(UserError) as info:
        bookings.check_in(claims("alice@example.org"), str(row["id"]))
    assert info.value.key == "checkin.not_today" and "jour de la réservation" in info.value.message("fr")


def test_unclaimed_desks_are_released_when_the_setting_is_on(space):
    unclaimed = started_booking(space["desks"][0], space["alice"])
    claimed = started_booking(space["desks"][1], space["bob"])
    bookings.check_in(claims("bob@example.org"), claimed)
    staff = claims("host@example.org")
    assert bookings.release_unclaimed(staff) == 0  # off by default
    with db.as_owner() as conn:
        conn.execute("update public.settings set release_unclaimed_minutes = 30")
    with pytest.raises(UserError) as info:
        bookings.release_unclaimed(claims("alice@example.org"))
    assert info.value.key == "booking.team_only"
    assert bookings.release_unclaimed(staff) == 1
    assert bookings.booking(staff, unclaimed)["cancel_reason"] == "released"
    assert bookings.booking(staff, claimed)["status"] == "confirmed"


def test_staff_day_view_approve_no_show_and_refusals(space):
    s = space["settings"]
    today = bookings.local_today(s)
    late = started_booking(space["desks"][0], space["alice"])
    with db.as_owner() as conn:
        conn.execute("update public.settings set guest_approval_required = true")
    from lib.booking import share_links

    token = share_links.create(db.OWNER, "Test")
    tomorrow = today + dt.timedelta(days=1)
    link_book_proven(token, "guest@example.net", "Gaëlle Invitée", space["desks"][1], *bookings.slot_range(tomorrow, "am", s))
    staff = claims("host@example.org")
    day = bookings.staff_day(staff, today)
    assert day.who.tolist() == ["Alice Martin"]
    assert bookings.staff_day(staff, today, search="alice@").id.tolist() == [late]
    assert bookings.staff_day(staff, today, search="nobody").empty
    pending = bookings.staff_day(staff, tomorrow, show="pending")
    assert pending.who.tolist() == ["Gaëlle Invitée"] and bool(pending.guest.iloc[0])
    assert bookings.pending_days(staff) == [{"day": tomorrow, "n": 1}]
    assert bookings.pending_days(claims("bob@example.org")) == []
    assert bookings.approve(staff, pending.id.iloc[0])["status"] == "confirmed"
    assert bookings.mark_no_show(staff, late)["no_show_at"] is not None
    assert bookings.staff_day(staff, today, show="no_show").id.tolist() == [late]
    # members see only their own: the staff view is empty for them, and they cannot act
    assert bookings.staff_day(claims("bob@example.org"), today).empty
    with pytest.raises(UserError) as info:
        bookings.mark_no_show(claims("bob@example.org"), late)
    assert info.value.key == "booking.team_only"
    with pytest.raises(UserError) as info:
        bookings.approve(claims("alice@example.org"), pending.id.iloc[0])
    assert info.value.key == "booking.team_only"


def test_csv_export_for_the_team_only(space):
    s = space["settings"]
    today = bookings.local_today(s)
    bookings.book(claims("alice@example.org"), space["desks"][0], *bookings.slot_range(today + dt.timedelta(1), "pm", s))
    with db.as_owner() as conn:
        conn.execute("update public.members set full_name = '=HYPERLINK(\"x\")' where id = %s", (space["alice"],))
    text = bookings.export_csv(claims("host@example.org"), today, today + dt.timedelta(7))
    assert text.startswith("\ufeff"), "a BOM: Excel reads UTF-8"
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))  # a French Excel's
    assert len(rows) == 1 and rows[0][t("export.booking.member_email", "fr")] == "alice@example.org"
    assert rows[0][t("export.booking.member_name", "fr")].startswith("'=")  # no formula reaches a spreadsheet
    assert "token" not in text.splitlines()[0]
    member_view = list(csv.DictReader(io.StringIO(bookings.export_csv(claims("bob@example.org"), today, today)
                                                  .removeprefix("\ufeff")), delimiter=";"))
    assert member_view == []


def test_occupancy_daily_for_board_members(space):
    s = space["settings"]
    day = bookings.local_today(s) + dt.timedelta(days=1)
    bookings.book(claims("alice@example.org"), space["desks"][0], *bookings.slot_range(day, "day", s))
    frame = bookings.occupancy(claims("board@example.org"), day, day)
    hours = 10.5  # 08:30–19:00
    assert float(frame.booked_hours.iloc[0]) == hours
    assert float(frame.open_hours.iloc[0]) == hours * 4
    assert float(frame.occupancy.iloc[0]) == 0.25
