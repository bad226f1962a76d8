"""The team books for a member through a search, not a select box of every member (issue #16: a
select box sends all its options on every rerun): few choices at once, anyone findable by name or
address, and the booking is the chosen member's."""

from lib.booking import bookings
from lib.core import db
from lib.space import space
from lib.web.ui import PICK_LIMIT
from tests.conftest import DEMO, app_as


def test_staff_finds_a_member_by_address_and_books_for_them(demo_db):
    # the next open day, and a member the demo did not book that day (the page opens on today
    # while today has a free slot: on any date, the morning asked for below is still to come)
    day = bookings.next_open_day(space.settings())
    with db.as_owner() as conn:
        target = conn.execute("select m.id::text, m.email::text from public.members m where m.role = 'member'"
                              " and m.active and not exists (select 1 from public.bookings b where b.member_id = m.id"
                              " and b.day = %s and b.status <> 'cancelled') order by m.email desc limit 1",
                              (day,)).fetchone()
        everyone = conn.execute("select count(*) as n from public.members where active").fetchone()["n"]
    assert everyone > PICK_LIMIT, "the demo space has more members than a select box offers"
    at = app_as(DEMO["staff"], "views/book.py", lang="en")
    assert not at.exception
    assert len(at.selectbox(key="book_for").options) <= PICK_LIMIT + 1
    at.text_input(key="book_for_q").set_value(target["email"].upper()).run()
    picker = at.selectbox(key="book_for")
    assert len(picker.options) == 2, "myself, and the one match"
    picker.set_value(target["id"]).run()
    at.text_input(key="book_for_q").set_value("").run()
    assert at.selectbox(key="book_for").value == target["id"], "clearing the search keeps the choice"
    at.date_input(key="book_day").set_value(day).run()
    at.segmented_control(key="book_slot").set_value("am").run()
    desk = at.selectbox(key="book_resource").value
    at.button(key="book_go").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with db.as_owner() as conn:
        booked = conn.execute("select count(*) as n from public.bookings where resource_id = %s and member_id = %s"
                              " and status <> 'cancelled' and lower(during) > now()", (desk, target["id"])).fetchone()
    assert booked["n"] == 1
