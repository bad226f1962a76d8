"""The shared link: anonymous visitors book and cancel through `link_*` functions only.

A known member's email books as that member (quota applies); an unknown email books as a guest,
pending when guests need approval; limits per link and per email a day; an expired, revoked or
unknown link says so; tokens are long, random, and stored only as hashes.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import psycopg
import pytest

from lib.booking import bookings, share_links
from lib.core import clock, db
from lib.core.errors import UserError
from lib.demo.bookings import tiny_space
from tests.booking.conftest import link_book_proven
from tests.conftest import make_member


@pytest.fixture
def space(empty_db):
    with db.as_owner() as conn:
        ids = tiny_space(conn, desks=6)
    ids["alice"] = make_member("alice@example.org")
    ids["settings"] = bookings.booking_settings()
    ids["token"] = share_links.create(db.OWNER, "Newsletter", max_per_day=3, max_per_email_per_day=1)
    return ids


def slot(space: dict, days: int = 1, half: str = "am") -> tuple[dt.datetime, dt.datetime]:
    return bookings.slot_range(bookings.local_today(space["settings"]) + dt.timedelta(days=days), half, space["settings"])


def refusal(call) -> UserError:
    with pytest.raises(UserError) as info:
        call()
    return info.value


def test_guest_books_sees_and_cancels_through_the_manage_token(space):
    manage = link_book_proven(space["token"], "Visitor@Example.net", "Vi Sitor", space["desks"][0], *slot(space))
    assert len(manage) >= 40  # 32 random bytes, base64
    seen = share_links.managed_booking(manage)
    assert seen["full_name"] == "Vi Sitor" and seen["status"] == "confirmed"
    with db.as_owner() as conn:
        row = conn.execute("select * from public.bookings").fetchone()
        assert row["member_id"] is None and row["guest_email"] == "visitor@example.net" and row["source"] == "link"
        assert row["token_hash"] != manage and manage not in str(conn.execute(
            "select coalesce(jsonb_agg(new_values), '[]') as j from public.audit_log").fetchone()["j"])
    assert share_links.cancel(manage) == "cancelled"
    assert share_links.managed_booking(manage)["status"] == "cancelled"
    err = refusal(lambda: share_links.cancel("not-a-token"))
    assert err.key == "link.manage_unknown"


def test_known_email_books_as_the_member(space):
    manage = link_book_proven(space["token"], "ALICE@example.org", "whatever", space["desks"][0], *slot(space))
    with db.as_owner() as conn:
        row = conn.execute("select member_id::text, guest_email from public.bookings").fetchone()
    assert row["member_id"] == space["alice"] and row["guest_email"] is None
    # the manage link shows the name typed, never the member's own (Alice) to whoever typed her email
    assert share_links.managed_booking(manage)["full_name"] == "whatever"


def test_guests_wait_for_approval_when_required(space):
    with db.as_owner() as conn:
        conn.execute("update public.settings set guest_approval_required = true")
    manage = link_book_proven(space["token"], "guest@example.net", "Guest", space["desks"][0], *slot(space))
    assert share_links.managed_booking(manage)["status"] == "pending"


def test_expired_revoked_and_unknown_links_say_so(space):
    with db.as_owner() as conn:
        conn.execute("update public.share_links set expires_at = now() - interval '1 day'")
    err = refusal(lambda: link_book_proven(space["token"], "g@example.net", "G", space["desks"][0], *slot(space)))
    assert err.key == "link.expired" and "expiré" in err.message("fr") and "expired on" in err.message("en")
    token = share_links.create(db.OWNER, "Chat")
    link_id = share_links.list_links(db.OWNER).query("label == 'Chat'").id.iloc[0]
    share_links.revoke(db.OWNER, link_id)
    err = refusal(lambda: share_links.space(token))
    assert err.key == "link.revoked" and "désactivé" in err.message("fr") and "switched off" in err.message("en")
    err = refusal(lambda: share_links.space("guessed-token"))
    assert err.key == "link.unknown" and "not valid" in err.message("en")


def test_limits_per_email_and_per_link(space):
    t = space["token"]
    link_book_proven(t, "one@example.net", "One", space["desks"][0], *slot(space))
    err = refusal(lambda: link_book_proven(t, "one@example.net", "One", space["desks"][1], *slot(space, 1, "pm")))
    assert err.key == "link.email_limit" and "1 réservations" in err.message("fr") and "limit" in err.message("en")
    link_book_proven(t, "two@example.net", "Two", space["desks"][1], *slot(space))
    link_book_proven(t, "three@example.net", "Three", space["desks"][2], *slot(space))
    err = refusal(lambda: link_book_proven(t, "four@example.net", "Four", space["desks"][3], *slot(space)))
    assert err.key == "link.limit" and "for today" in err.message("en")


def test_visitor_input_is_checked(space):
    err = refusal(lambda: link_book_proven(space["token"], "not-an-email", "X", space["desks"][0], *slot(space)))
    assert err.key == "link.email_invalid" and "name@domain.com" in err.message("en")
    err = refusal(lambda: link_book_proven(space["token"], "x@example.net", "  ", space["desks"][0], *slot(space)))
    assert err.key == "link.name_required"
    # the booking rules apply to link visitors too
    err = refusal(lambda: link_book_proven(space["token"], "x@example.net", "X", space["desks"][0], *slot(space, -1)))
    assert err.key == "booking.in_past"


def test_anon_reaches_nothing_but_link_functions(space):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with db.as_anon() as conn:
            conn.execute("select * from public.bookings")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with db.as_anon() as conn:
            conn.execute("select * from public.book_resource(%s, now(), now())", (space["desks"][0],))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with db.as_anon() as conn:
            conn.execute("select public.create_share_link('x')")
    grid = bookings.link_day_grid(space["token"], bookings.local_today(space["settings"]) + dt.timedelta(days=1))
    assert set(grid.columns) >= {"resource_name", "state"} and "member_id" not in grid.columns


def test_only_admins_manage_links(space):
    from tests.conftest import user_id_of

    make_member("host@example.org", role="staff")
    staff = db.claims_for(user_id_of("host@example.org"), "host@example.org")
    err = refusal(lambda: share_links.create(staff, "Mine"))
    assert err.key == "link.admin_only"
    assert share_links.list_links(staff).empty  # RLS: staff sees no links
    admin_id = make_member("boss@example.org", role="admin")
    admin = db.claims_for(user_id_of("boss@example.org"), "boss@example.org")
    assert admin_id and len(share_links.create(admin, "Board")) >= 40
    assert len(share_links.list_links(admin)) == 2


def test_an_expiry_day_ends_at_the_end_of_that_day_in_the_space(space):
    """A link given today as its expiry day works until the space's midnight, one given yesterday
    is refused as expired to a visitor (through the anonymous SQL API, as a script would call it)."""
    today = clock.space_today(space["settings"]["time_zone"])
    ends = share_links.end_of_day(today)
    assert ends.date() == today and (ends.hour, ends.minute) == (23, 59)
    assert ends.utcoffset() == ends.astimezone(ZoneInfo(space["settings"]["time_zone"])).utcoffset()
    token = share_links.create(db.OWNER, "Until tonight", ends)
    assert share_links.space(token)["link_label"] == "Until tonight"
    with db.as_owner() as conn:  # the same link, its day now past
        conn.execute("update public.share_links set expires_at = %s",
                     (share_links.end_of_day(today - dt.timedelta(days=1)),))
    with pytest.raises(UserError) as info:
        share_links.space(token)
    assert info.value.key == "link.expired"
    assert share_links.end_of_day(None) is None
