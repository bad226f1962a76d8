"""The team books for a member through a search, not a select box of every member (issue #16: a
select box sends all its options on every rerun): few choices at once, anyone findable by name or
address, and the booking is the chosen member's."""

from lib.core import db
from lib.web.ui import PICK_LIMIT
from tests.conftest import DEMO, app_as


def test_staff_finds_a_member_by_address_and_books_for_them(demo_db):
    with db.as_owner() as conn:
        target = conn.execute("select id::text, email::text from public.members where role = 'member' and active"
                              " order by email desc limit 1").fetchone()
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
    at.segmented_control(key="book_slot").set_value("am").run()
    desk = at.selectbox(key="book_resource").value
    at.button(key="book_go").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with db.as_owner() as conn:
        booked = conn.execute("select count(*) as n from public.bookings where resource_id = %s and member_id = %s"
                              " and status <> 'cancelled' and lower(during) > now()", (desk, target["id"])).fetchone()
    assert booked["n"] == 1
