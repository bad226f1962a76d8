"""Every booking rule lives in `book_resource` / `cancel_booking` and refuses with its own message.

Each test breaks one rule through the SQL API as the person concerned and checks the translated
sentence (French and English) a page would show, and that nothing was written.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lib.booking import bookings
from lib.core import clock, db
from lib.core.i18n import fmt_date
from tests.booking.conftest import ALICE, BOB, book_slot, count_bookings, future_day, refusal
from tests.conftest import claims


def test_a_member_books_a_half_day_and_it_shows_as_mine(space):
    s = space["settings"]
    day = future_day(s)
    row = book_slot(ALICE, space["desks"][0], day, "am", s)
    assert row["status"] == "confirmed" and row["day"] == day and float(row["units"]) == 0.5
    grid = bookings.day_grid(claims(ALICE), day)
    mine = grid[(grid.resource_id == space["desks"][0]) & (grid.slot == "am")]
    assert mine.state.tolist() == ["mine"]
    theirs = bookings.day_grid(claims(BOB), day)
    assert theirs[(theirs.resource_id == space["desks"][0]) & (theirs.slot == "am")].state.tolist() == ["taken"]


def test_taken(space):
    s = space["settings"]
    day = future_day(s)
    looked_at = clock.now()  # Bob sees the desk free…
    book_slot(ALICE, space["desks"][0], day, "day", s)  # …and Alice takes it a second later
    starts, ends = bookings.slot_range(day, "pm", s)
    err = refusal(lambda: bookings.book(claims(BOB), space["desks"][0], starts, ends, looked_at=looked_at))
    assert err.key == "booking.taken"
    assert "vient d'être pris" in err.message("fr") and "just been taken" in err.message("en")
    # taken before Bob looked (or without saying when he looked): not "just" taken
    err = refusal(lambda: book_slot(BOB, space["desks"][0], day, "pm", s))
    assert err.key == "booking.taken_earlier" and "Déjà réservé" in err.message("fr")
    assert count_bookings() == 1


def test_in_past(space):
    s = space["settings"]
    err = refusal(lambda: book_slot(ALICE, space["desks"][0], future_day(s, -1), "am", s))
    assert err.key == "booking.in_past"
    assert "déjà passé" in err.message("fr") and "already over" in err.message("en")


def test_closed_day(space):
    s = space["settings"]
    day = future_day(s, 2)
    others = [d for d in range(1, 8) if d != day.isoweekday()]
    with db.as_owner() as conn:
        conn.execute("update public.settings set open_days = %s", (others,))
    err = refusal(lambda: book_slot(ALICE, space["desks"][0], day, "am", s))
    assert err.key == "booking.closed_day"
    assert fmt_date(day, "long", "fr") in err.message("fr") and "closed that day" in err.message("en")


def test_closure_of_the_space_and_of_one_desk(space):
    s = space["settings"]
    day = future_day(s, 3)
    with db.as_owner() as conn:
        conn.execute("insert into public.closures (starts_on, ends_on, reason) values (%s, %s, 'Noël')", (day, day))
        conn.execute("insert into public.closures (resource_id, starts_on, ends_on, reason)"
                     " values (%s, %s, %s, 'Maintenance')", (space["desks"][1], day + dt.timedelta(1),
                                                              day + dt.timedelta(1)))
    err = refusal(lambda: book_slot(ALICE, space["desks"][0], day, "am", s))
    assert err.key == "booking.closure" and "Noël" in err.message("fr") and "Closed that day" in err.message("en")
    err = refusal(lambda: book_slot(ALICE, space["desks"][1], day + dt.timedelta(1), "am", s))
    assert "Maintenance" in err.message("en")
    # another desk that day is fine
    assert book_slot(ALICE, space["desks"][0], day + dt.timedelta(1), "am", s)["status"] == "confirmed"
    # and the grid says so: all closed on the holiday; one desk closed, one mine the day after
    assert set(bookings.day_grid(claims(BOB), day).state) == {"closed"}
    after = bookings.day_grid(claims(ALICE), day + dt.timedelta(1)).set_index(["resource_id", "slot"]).state
    assert after[(space["desks"][1], "am")] == "closed" and after[(space["desks"][0], "am")] == "mine"
    assert after[(space["desks"][0], "pm")] == "free" and after[(space["desks"][2], "am")] == "free"


def test_outside_hours_and_whole_hours_for_rooms(space):
    s = space["settings"]
    day = future_day(s)
    c = claims(ALICE)
    err = refusal(lambda: bookings.book(c, space["room"], *bookings.hour_range(day, dt.time(7), dt.time(8), s)))
    assert err.key == "booking.outside_hours"
    assert "08:30–19:00" in err.message("fr") and "Outside opening hours" in err.message("en")
    err = refusal(lambda: bookings.book(c, space["room"], *bookings.hour_range(day, dt.time(10, 15), dt.time(11), s)))
    assert err.key == "booking.whole_hours" and "whole hour" in err.message("en")
    row = bookings.book(c, space["room"], *bookings.hour_range(day, dt.time(10), dt.time(12), s))
    assert float(row["units"]) == 0


def test_desks_book_by_half_or_whole_day_only(space):
    s = space["settings"]
    day = future_day(s)
    err = refusal(lambda: bookings.book(claims(ALICE), space["desks"][0],
                                        *bookings.hour_range(day, dt.time(9), dt.time(12), s)))
    assert err.key == "booking.half_day_only" and "13:30" in err.message("fr")


def test_window(space):
    s = space["settings"]
    err = refusal(lambda: book_slot(ALICE, space["desks"][0], future_day(s, s["booking_window_days"] + 1), "am", s))
    assert err.key == "booking.window"
    assert "60 jours" in err.message("fr") and "60 days ahead" in err.message("en")


def test_quota_counts_half_days_as_half(space):
    s = space["settings"]
    with db.as_owner() as conn:
        conn.execute("update public.members set plan_id = %s where id = %s", (space["plan_one_day"], space["alice"]))
    today = bookings.local_today(s)
    first_next = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    book_slot(ALICE, space["desks"][0], first_next + dt.timedelta(1), "am", s)
    book_slot(ALICE, space["desks"][1], first_next + dt.timedelta(2), "pm", s)  # 0.5 + 0.5 = the 1 day
    err = refusal(lambda: book_slot(ALICE, space["desks"][0], first_next + dt.timedelta(3), "am", s))
    assert err.key == "booking.quota"
    assert "1 jours par mois" in err.message("fr") and "already booked 1" in err.message("en")


def test_one_desk_per_person_at_a_time(space):
    s = space["settings"]
    day = future_day(s)
    book_slot(ALICE, space["desks"][0], day, "am", s)
    err = refusal(lambda: book_slot(ALICE, space["desks"][1], day, "day", s))
    assert err.key == "booking.one_desk" and "one desk per person" in err.message("en")
    # the afternoon on another desk does not overlap
    assert book_slot(ALICE, space["desks"][1], day, "pm", s)


def test_cancel_before_cutoff_then_refused_after(space):
    s = space["settings"]
    row = book_slot(ALICE, space["desks"][0], future_day(s, 2), "am", s)
    assert bookings.cancel(claims(ALICE), row["id"])["status"] == "cancelled"
    err = refusal(lambda: bookings.cancel(claims(ALICE), row["id"]))
    assert err.key == "booking.already_cancelled"
    # a booking starting within the cut-off (put in place by the owner, as if made earlier)
    soon = clock.now() + dt.timedelta(minutes=30)
    with db.as_owner() as conn:
        late = conn.execute(
            "insert into public.bookings (resource_id, member_id, during) values (%s, %s, tstzrange(%s, %s))"
            " returning id::text", (space["room"], space["alice"], soon, soon + dt.timedelta(hours=1))).fetchone()["id"]
    err = refusal(lambda: bookings.cancel(claims(ALICE), late))
    assert err.key == "booking.cutoff"
    assert "2 h avant" in err.message("fr") and "Too late to cancel" in err.message("en")
    # the team may still cancel it
    assert bookings.cancel(claims("host@example.org"), late)["status"] == "cancelled"


def test_nobody_cancels_or_sees_another_members_booking(space):
    s = space["settings"]
    row = book_slot(ALICE, space["desks"][0], future_day(s, 2), "am", s)
    err = refusal(lambda: bookings.cancel(claims(BOB), row["id"]))
    assert err.key == "booking.not_found"
    assert bookings.booking(claims(BOB), row["id"]) is None
    assert bookings.booking(claims("host@example.org"), row["id"]) is not None


def test_only_the_team_books_for_someone_else(space):
    s = space["settings"]
    day = future_day(s)
    err = refusal(lambda: book_slot(BOB, space["desks"][0], day, "am", s, member_id=space["alice"]))
    assert err.key == "booking.team_only" and "Only the team" in err.message("en")
    row = book_slot("host@example.org", space["desks"][0], day, "am", s, member_id=space["alice"])
    assert str(row["member_id"]) == space["alice"] and row["source"] == "admin"


def test_book_several_days_reports_each_day(space):
    s = space["settings"]
    days = [future_day(s, 1), future_day(s, 2), future_day(s, 3)]
    book_slot(BOB, space["desks"][0], days[1], "am", s)
    outcomes = bookings.book_many(claims(ALICE), space["desks"][0], days, "am", s)
    assert [o.booked for o in outcomes] == [True, False, True]
    assert outcomes[1].reason == "booking.taken_earlier"  # Bob's was there before the click


def test_no_direct_writes_to_bookings(space):
    import psycopg

    s = space["settings"]
    starts, ends = bookings.slot_range(future_day(s), "am", s)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with db.as_user(claims(ALICE)) as conn:
            conn.execute("insert into public.bookings (resource_id, member_id, during) values (%s, %s, tstzrange(%s, %s))",
                         (space["desks"][0], space["alice"], starts, ends))
