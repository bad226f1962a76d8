"""Rules added after a security review of every migration from a second client's side (the REST
API with the anon key, or a signed-in member calling functions with crafted arguments). Each
test acts as the person who must be refused, and as one who must not be."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from lib.booking import bookings, share_links
from lib.core import clock, db
from lib.core.errors import UserError
from tests.booking.conftest import prove_latest
from tests.conftest import DEMO, authenticate_as, make_member, user_id_of


def _resource(name: str) -> str:
    with db.as_owner() as conn:
        return str(conn.execute("select id from public.resources where name = %s", (name,)).fetchone()["id"])


def _claims(email: str) -> dict:
    return db.claims_for(user_id_of(email), email)


def _member_id(email: str) -> str:
    with db.as_owner() as conn:
        return str(conn.execute("select id from public.members where email = %s", (email,)).fetchone()["id"])


@pytest.fixture
def next_day(demo_db) -> tuple[dt.date, dict]:
    settings = bookings.booking_settings()
    day = bookings.next_open_day(settings)
    with db.as_owner() as conn:  # a clean day for the demo member
        conn.execute("update public.bookings set status = 'cancelled' where day = %s", (day,))
    return day, settings


def test_the_shared_link_does_not_reveal_a_members_other_bookings(next_day):
    day, settings = next_day
    starts, ends = bookings.slot_range(day, "am", settings)
    bookings.book(_claims(DEMO["member"]), _resource("O01"), starts, ends)
    token = share_links.create(db.OWNER, "Review")
    # whoever holds the link hears what a stranger hears; only the member's own mailbox learns more
    assert share_links.book(token, DEMO["member"], "Someone Else", _resource("O02"), starts, ends) \
        == share_links.book(token, "stranger@example.net", "Someone Else", _resource("O02"), starts, ends) \
        == share_links.CHECK_EMAIL
    proved = prove_latest(DEMO["member"])
    assert proved["outcome"] == "refused" and proved["detail"]["key"] == "booking.one_desk"


def test_a_member_cannot_block_every_meeting_room(next_day):
    day, settings = next_day
    opens, four, five = dt.time(9), dt.time(13), dt.time(14)  # rooms book by whole hours
    member = _claims(DEMO["member"])
    bookings.book(member, _resource("Salle Ada Lovelace"), *bookings.hour_range(day, opens, four, settings))
    with pytest.raises(UserError) as refused:
        bookings.book(member, _resource("Salle Grace Hopper"), *bookings.hour_range(day, four, five, settings))
    assert refused.value.key == "booking.room_hours"
    assert "4" in refused.value.message("en")
    # the team is not limited, even booking for that member
    bookings.book(_claims(DEMO["staff"]), _resource("Salle Grace Hopper"),
                  *bookings.hour_range(day, four, five, settings), member_id=_member_id(DEMO["member"]))


def test_staff_add_members_but_not_staff_or_admins(demo_db):
    with authenticate_as(DEMO["staff"]) as conn:
        conn.execute("insert into public.members (email, full_name) values ('new@asso.fr', 'Nouvelle')")
    for role in ("staff", "admin"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), authenticate_as(DEMO["staff"]) as conn:
            conn.execute("insert into public.members (email, full_name, role) values (%s, 'X', %s)",
                         (f"{role}-x@asso.fr", role))
    with authenticate_as(DEMO["admin"]) as conn:
        conn.execute("insert into public.members (email, full_name, role) values ('s@asso.fr', 'S', 'staff')")


def test_staff_cannot_rewrite_an_admins_row(demo_db):
    with authenticate_as(DEMO["staff"]) as conn:
        changed = conn.execute("update public.members set email = 'evil@example.org' where email = %s returning id",
                               (DEMO["admin"],)).fetchall()
    assert changed == []
    with authenticate_as(DEMO["admin"]) as conn:
        mine = conn.execute("update public.members set company = 'Bureau' where email = %s returning id",
                            (DEMO["admin"],)).fetchall()
    assert len(mine) == 1


def test_a_deactivated_member_cannot_edit_their_row(demo_db):
    make_member("left@asso.fr", visibility="members", active=False)
    with authenticate_as("left@asso.fr") as conn:
        changed = conn.execute("update public.members set bio = 'still here' where user_id = auth.uid()"
                               " returning id").fetchall()
    assert changed == []


def test_members_cannot_write_bookkeeping_columns(demo_db):
    with db.as_owner() as conn:
        before = conn.execute("select created_at, visibility_changed_at, erasure_requested_at from public.members"
                              " where email = %s", (DEMO["member"],)).fetchone()
    with authenticate_as(DEMO["member"]) as conn:
        conn.execute("update public.members set created_at = '2000-01-01', visibility_changed_at = '2999-01-01',"
                     " stale_hidden_at = now(), erasure_requested_at = now() where user_id = auth.uid()")
    with db.as_owner() as conn:
        after = conn.execute("select created_at, visibility_changed_at, erasure_requested_at, stale_hidden_at"
                             " from public.members where email = %s", (DEMO["member"],)).fetchone()
    assert after["created_at"] == before["created_at"]
    assert after["visibility_changed_at"] == before["visibility_changed_at"]
    assert after["erasure_requested_at"] == before["erasure_requested_at"]
    assert after["stale_hidden_at"] is None
    # what members may do still works: change visibility (dated by the database), ask for erasure
    with authenticate_as(DEMO["member"]) as conn:
        conn.execute("update public.members set visibility = 'public' where user_id = auth.uid()")
        conn.execute("select public.request_erasure()")
    with db.as_owner() as conn:
        row = conn.execute("select visibility_changed_at, erasure_requested_at from public.members"
                           " where email = %s", (DEMO["member"],)).fetchone()
    assert row["visibility_changed_at"] > before["visibility_changed_at"]
    assert row["erasure_requested_at"] is not None


@pytest.mark.parametrize("role, allowed", [("board", True), ("admin", True), ("staff", True), ("member", False)])
def test_occupancy_daily_is_for_the_board_and_the_team(demo_db, role, allowed):
    today = clock.now().date()
    try:
        with authenticate_as(DEMO[role]) as conn:
            rows = conn.execute("select * from public.occupancy_daily(%s, %s)",
                                (today - dt.timedelta(days=6), today)).fetchall()
        assert allowed and len(rows) == 7
    except psycopg.errors.RaiseException as exc:
        assert not allowed and exc.diag.message_primary == "occupancy.forbidden"


def test_occupancy_periods_are_bounded(demo_db):
    for fn in ("occupancy_daily", "occupancy_days"):
        with pytest.raises(psycopg.errors.RaiseException) as refused, authenticate_as(DEMO["board"]) as conn:
            conn.execute(f"select * from public.{fn}('0001-01-01', '9999-12-31')")
        assert refused.value.diag.message_primary == "occupancy.bad_range"


@pytest.mark.parametrize("role", ["admin", "member"])
def test_nobody_signed_in_can_truncate_a_table(demo_db, role):
    with pytest.raises(psycopg.errors.InsufficientPrivilege), authenticate_as(DEMO[role]) as conn:
        conn.execute("truncate public.bookings")
