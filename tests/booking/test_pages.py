"""The booking pages through AppTest on the demo data: a member books tomorrow from the grid,
sees it in "My bookings" and cancels it; the floor plan is a chart; refusals are sentences."""

from __future__ import annotations

from lib.booking import bookings
from lib.core import db
from tests.conftest import DEMO, app_as, started_today, user_id_of


def _member_claims() -> dict:
    return db.claims_for(user_id_of(DEMO["member"]), DEMO["member"])


def _next_open_day_free_for_the_member():
    """The pages open on today while today has a free slot; these tests book the next open day,
    whatever the hour, with the member's demo bookings of that day out of the way."""
    day = bookings.next_open_day(bookings.booking_settings())
    with db.as_owner() as conn:
        conn.execute("update public.bookings set status = 'cancelled' where day = %s and member_id ="
                     " (select id from public.members where email = %s)", (day, DEMO["member"]))
    return day


def test_member_books_from_the_grid_then_cancels(demo_db):
    day = _next_open_day_free_for_the_member()
    at = app_as(DEMO["member"], "views/book.py", lang="en")
    assert not at.exception
    assert at.title[0].value == "Book"
    assert at.get("vega_lite_chart"), "the floor plan is drawn"
    at.date_input(key="book_day").set_value(day).run()
    at.segmented_control(key="book_slot").set_value("am").run()
    desk = at.selectbox(key="book_resource").value
    at.button(key="book_go").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Booked:" in s.value for s in at.success)
    page = app_as(DEMO["member"], "views/my_bookings.py", lang="en")
    assert not page.exception
    with db.as_owner() as conn:
        mine = conn.execute("select id::text from public.bookings where resource_id = %s and member_id ="
                            " (select id from public.members where email = %s) and status = 'confirmed'"
                            " and lower(during) > now()", (desk, DEMO["member"])).fetchall()
    assert mine
    booking_id = mine[-1]["id"]
    page.button(key=f"cancel_{booking_id}").click().run()
    page.button(key=f"cancel_yes_{booking_id}").click().run()  # cancelling asks first
    assert not page.exception and not page.error
    assert bookings.booking(_member_claims(), booking_id)["status"] == "cancelled"


def test_taken_desk_shows_the_rule_sentence(demo_db):
    day = _next_open_day_free_for_the_member()
    at = app_as(DEMO["member"], "views/book.py", lang="fr")
    at.date_input(key="book_day").set_value(day).run()
    at.segmented_control(key="book_slot").set_value("pm").run()
    desk = at.selectbox(key="book_resource").value
    settings = bookings.booking_settings()
    with db.as_owner() as conn:
        starts, ends = bookings.slot_range(at.date_input(key="book_day").value, "pm", settings)
        other = conn.execute("select id from public.members where email <> %s and role = 'member' and id not in"
                             " (select member_id from public.bookings where day = %s and member_id is not null)"
                             " limit 1", (DEMO["member"], starts.date())).fetchone()["id"]
        conn.execute("insert into public.bookings (resource_id, member_id, during, units) values"
                     " (%s, %s, tstzrange(%s, %s), 0.5)", (desk, other, starts, ends))
    at.button(key="book_go").click().run()
    assert any("vient d'être pris" in e.value for e in at.error)


def test_member_books_a_room_by_the_hour(demo_db):
    day = bookings.next_open_day(bookings.booking_settings())
    with db.as_owner() as conn:  # the rooms free that day, whatever the demo data holds
        conn.execute("update public.bookings set status = 'cancelled' where day = %s and resource_id in"
                     " (select id from public.resources where kind = 'room')", (day,))
    at = app_as(DEMO["member"], "views/book.py", lang="en")
    # the page opens on today while today has a free desk: book the room on the day above
    at.date_input(key="book_day").set_value(day).run()
    at.segmented_control(key="book_kind").set_value("room").run()
    assert not at.exception
    room = at.selectbox(key="book_room").value
    start = at.selectbox(key="book_room_from").value
    ends = at.selectbox(key="book_room_to").options
    at.button(key="book_room_go").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Booked:" in s.value for s in at.success) and ends
    with db.as_owner() as conn:
        row = conn.execute("select lower(during) as s, units from public.bookings where resource_id = %s"
                           " and lower(during) = %s", (room, start)).fetchone()
    assert row is not None and float(row["units"]) == 0


def test_member_checks_in_from_my_bookings(demo_db):
    import datetime as dt

    start = started_today(20)
    with db.as_owner() as conn:  # the room free at that time, the member with no other booking today
        conn.execute("update public.bookings set status = 'cancelled' where status <> 'cancelled' and (member_id ="
                     " (select id from public.members where email = %s) and day = %s or resource_id = (select id"
                     " from public.resources where name = 'Salle Grace Hopper') and during && tstzrange(%s, %s))",
                     (DEMO["member"], start.date(), start, start + dt.timedelta(hours=2)))
        booking_id = conn.execute(
            "insert into public.bookings (resource_id, member_id, during, units) select r.id, m.id,"
            " tstzrange(%s, %s), 0.5 from public.resources r, public.members m where r.name = 'Salle Grace Hopper'"
            " and m.email = %s returning id::text", (start, start + dt.timedelta(hours=2), DEMO["member"])).fetchone()["id"]
    at = app_as(DEMO["member"], "views/my_bookings.py", lang="en")
    at.button(key=f"checkin_{booking_id}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert bookings.booking(_member_claims(), booking_id)["checked_in_at"] is not None
    assert any("Checked in at" in c.value for c in at.caption)
