"""Booking rules tightened after a review (now in migration 20261204120000_bookings.sql):

1. check_in: a member checks in from 30 minutes before the start until the end; the team any time
   on the day.
2. mark_no_show: refuses pending, cancelled and already-marked bookings.
3. link_book: the per-email daily limit counts ann+1@x.org and ann+2@x.org as ann@x.org.

Each rule from the side of each role (member on their own booking and on someone else's, staff,
admin, board, anon), asserting the message key and that a refused call left the row as it was.
Bookings are placed relative to now(), as test_booking_checkin.py does.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg import sql

from lib.booking import bookings, share_links
from lib.core import clock, db
from lib.core.errors import UserError, from_db_error
from lib.demo.bookings import tiny_space
from tests.booking.conftest import link_book_proven, prove_latest
from tests.conftest import claims, make_member, noon_zone

ALICE, BOB, STAFF, ADMIN, BOARD = ("alice@example.org", "bob@example.org", "host@example.org",
                                   "boss@example.org", "board@example.org")



@pytest.fixture
def space(empty_db):
    with db.as_owner() as conn:
        ids = tiny_space(conn)
        conn.execute("update public.settings set time_zone = %s", (noon_zone(),))
    ids["alice"] = make_member(ALICE, full_name="Alice Martin")
    ids["bob"] = make_member(BOB)
    ids["staff"] = make_member(STAFF, role="staff")
    ids["admin"] = make_member(ADMIN, role="admin")
    ids["board"] = make_member(BOARD, role="board")
    ids["settings"] = bookings.booking_settings()
    return ids


def booking_at(resource: str, member: str | None, starts_in: dt.timedelta, length: dt.timedelta,
               status: str = "confirmed", **extra: object) -> str:
    """A booking starting `starts_in` from now (negative: already started), put in place by the
    owner (a guest's when `member` is None)."""
    start = clock.now() + starts_in
    cols = {"resource_id": resource, "member_id": member, "units": 0.5, "status": status, **extra}
    if member is None:
        cols |= {"guest_name": "Gaëlle Invitée", "guest_email": "gaelle@example.net"}
    query = sql.SQL("insert into public.bookings (during, {names}) values (tstzrange(%s, %s), {marks})"
                    " returning id::text").format(names=sql.SQL(", ").join(map(sql.Identifier, cols)),
                                                  marks=sql.SQL(", ").join(sql.Placeholder() * len(cols)))
    with db.as_owner() as conn:
        return conn.execute(query, [start, start + length, *cols.values()]).fetchone()["id"]


def row_of(booking_id: str) -> dict:
    with db.as_owner() as conn:
        return dict(conn.execute("select * from public.bookings where id = %s", (booking_id,)).fetchone())


def refused(call) -> UserError:
    with pytest.raises(UserError) as info:
        call()
    return info.value


def anon_call(function: str, booking_id: str) -> None:
    try:
        with db.as_anon() as conn:
            conn.execute(sql.SQL("select * from {}(%s)").format(sql.Identifier("public", function)), (booking_id,))
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


def assert_refused_unchanged(call, booking_id: str, key: str) -> UserError:
    before = row_of(booking_id)
    err = refused(call)
    assert err.key == key, (err.key, err.params)
    assert row_of(booking_id) == before, "a refused call changed the booking"
    return err


HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


# --------------------------------------------------------------------------- 1. check-in window

def test_member_checks_in_from_30_minutes_before_until_the_end(space):
    soon = booking_at(space["desks"][0], space["alice"], 20 * MINUTE, 3 * HOUR)
    assert bookings.check_in(claims(ALICE), soon)["checked_in_at"] is not None
    started = booking_at(space["desks"][1], space["bob"], -HOUR, 3 * HOUR)
    assert bookings.check_in(claims(BOB), started)["checked_in_at"] is not None


def test_member_too_early_for_their_own_booking_is_told_from_when(space):
    later = booking_at(space["desks"][0], space["alice"], 2 * HOUR, 2 * HOUR)
    opens = row_of(later)["during"].lower - 30 * MINUTE
    expected = opens.astimezone(ZoneInfo(space["settings"]["time_zone"])).strftime("%H:%M")
    err = assert_refused_unchanged(lambda: bookings.check_in(claims(ALICE), later), later, "checkin.too_early")
    assert err.params == {"from": expected}
    assert f"à partir de {expected}" in err.message("fr") and f"check in from {expected}" in err.message("en")
    # the one-click path says the same (the only booking of today is not open yet)
    assert_refused_unchanged(lambda: bookings.check_in_today(claims(ALICE), space["alice"]), later,
                             "checkin.too_early")


def test_member_after_their_booking_ended_is_refused(space):
    over = booking_at(space["desks"][0], space["alice"], -3 * HOUR, 3 * HOUR - 10 * MINUTE)
    err = assert_refused_unchanged(lambda: bookings.check_in(claims(ALICE), over), over, "checkin.ended")
    assert "terminé" in err.message("fr") and "has ended" in err.message("en")


def test_one_click_picks_the_booking_that_is_open(space):
    booking_at(space["desks"][0], space["alice"], -3 * HOUR, 2 * HOUR)  # this morning, over
    now_open = booking_at(space["desks"][1], space["alice"], -10 * MINUTE, 2 * HOUR)
    assert str(bookings.check_in_today(claims(ALICE), space["alice"])["id"]) == now_open


def test_member_cannot_check_in_someone_else(space):
    bobs = booking_at(space["desks"][0], space["bob"], -10 * MINUTE, 2 * HOUR)
    assert_refused_unchanged(lambda: bookings.check_in(claims(ALICE), bobs), bobs, "booking.not_found")
    early = booking_at(space["desks"][1], space["bob"], 2 * HOUR, 2 * HOUR)
    # no hint of the other person's times either
    assert_refused_unchanged(lambda: bookings.check_in(claims(ALICE), early), early, "booking.not_found")


@pytest.mark.parametrize("team", [STAFF, ADMIN])
def test_the_team_checks_anyone_in_any_time_on_the_day(space, team):
    early = booking_at(space["desks"][0], space["alice"], 2 * HOUR, 2 * HOUR)
    over = booking_at(space["desks"][1], space["bob"], -3 * HOUR, 2 * HOUR)
    assert bookings.check_in(claims(team), early)["checked_in_at"] is not None
    assert bookings.check_in(claims(team), over)["checked_in_at"] is not None
    # the team's own early booking too (the team's rule, not the member's)
    own = booking_at(space["desks"][2], space["staff" if team == STAFF else "admin"], 2 * HOUR, 2 * HOUR)
    assert bookings.check_in(claims(team), own)["checked_in_at"] is not None


def test_the_team_keeps_the_other_refusals(space):
    s = space["settings"]
    tomorrow = bookings.local_today(s) + dt.timedelta(days=1)
    later = bookings.book(claims(ALICE), space["desks"][0], *bookings.slot_range(tomorrow, "am", s))
    assert_refused_unchanged(lambda: bookings.check_in(claims(STAFF), str(later["id"])), str(later["id"]),
                             "checkin.not_today")
    pending = booking_at(space["desks"][1], None, 2 * HOUR, HOUR, status="pending")
    assert_refused_unchanged(lambda: bookings.check_in(claims(ADMIN), pending), pending, "checkin.pending")


def test_board_and_anon_cannot_check_in(space):
    b = booking_at(space["desks"][0], space["alice"], -10 * MINUTE, 2 * HOUR)
    assert_refused_unchanged(lambda: bookings.check_in(claims(BOARD), b), b, "booking.not_found")
    assert_refused_unchanged(lambda: anon_call("check_in", b), b, "db.permission_denied")


def test_pages_know_when_check_in_opens(space):
    later = booking_at(space["desks"][0], space["alice"], 2 * HOUR, 2 * HOUR)
    mine = bookings.today_bookings(claims(ALICE), space["alice"])
    assert [r["id"] for r in mine] == [later]
    row = mine[0]
    assert row["check_in_from"] == row["starts"] - 30 * MINUTE
    assert bookings.check_in_state(row["check_in_from"], row["ends"]) == "early"
    assert bookings.check_in_state(row["check_in_from"], row["ends"], row["starts"] - 29 * MINUTE) == "open"
    assert bookings.check_in_state(row["check_in_from"], row["ends"], row["ends"]) == "ended"
    upcoming = bookings.my_bookings(claims(ALICE), space["alice"])
    assert upcoming.check_in_from.tolist() == [row["check_in_from"]]
    # the team may check in at any time on the day: nothing to wait for
    own = booking_at(space["desks"][1], space["staff"], 2 * HOUR, 2 * HOUR)
    staff_row = bookings.today_bookings(claims(STAFF), space["staff"])[0]
    assert staff_row["id"] == own and staff_row["check_in_from"] is None
    assert bookings.check_in_state(None, staff_row["ends"]) == "open"


# --------------------------------------------------------------------------- 2. no-show

@pytest.mark.parametrize("team", [STAFF, ADMIN])
def test_team_marks_a_started_confirmed_booking_once(space, team):
    b = booking_at(space["desks"][0], space["alice"], -HOUR, 3 * HOUR)
    assert bookings.mark_no_show(claims(team), b)["no_show_at"] is not None
    err = assert_refused_unchanged(lambda: bookings.mark_no_show(claims(team), b), b, "booking.no_show_already")
    assert "déjà enregistrée" in err.message("fr") and "already marked" in err.message("en")


@pytest.mark.parametrize("team", [STAFF, ADMIN])
def test_team_cannot_mark_a_pending_booking(space, team):
    pending = booking_at(space["desks"][0], None, -HOUR, 3 * HOUR, status="pending")
    err = assert_refused_unchanged(lambda: bookings.mark_no_show(claims(team), pending), pending,
                                   "booking.no_show_pending")
    assert "validation" in err.message("fr") and "waiting for approval" in err.message("en")


@pytest.mark.parametrize("team", [STAFF, ADMIN])
def test_team_cannot_mark_a_cancelled_booking(space, team):
    cancelled = booking_at(space["desks"][0], space["alice"], -HOUR, 3 * HOUR, status="cancelled",
                           cancelled_at=clock.now(), cancel_reason="member")
    err = assert_refused_unchanged(lambda: bookings.mark_no_show(claims(team), cancelled), cancelled,
                                   "booking.no_show_cancelled")
    assert "annulée" in err.message("fr") and "cancelled" in err.message("en")


def test_members_board_and_anon_cannot_mark_no_shows(space):
    own = booking_at(space["desks"][0], space["alice"], -HOUR, 3 * HOUR)
    other = booking_at(space["desks"][1], space["bob"], -HOUR, 3 * HOUR)
    pending = booking_at(space["desks"][2], None, -HOUR, 3 * HOUR, status="pending")
    for email, target in ((ALICE, own), (ALICE, other), (ALICE, pending), (BOARD, own), (BOARD, pending)):
        assert_refused_unchanged(lambda e=email, b=target: bookings.mark_no_show(claims(e), b), target,
                                 "booking.team_only")
    for target in (own, pending):
        assert_refused_unchanged(lambda b=target: anon_call("mark_no_show", b), target, "db.permission_denied")


# --------------------------------------------------------------------------- 3. link e-mail limit

@pytest.fixture
def link(space):
    space["token"] = share_links.create(db.OWNER, "Newsletter", max_per_day=50, max_per_email_per_day=1)
    return space


def slot(space: dict, half: str = "am") -> tuple[dt.datetime, dt.datetime]:
    day = bookings.local_today(space["settings"]) + dt.timedelta(days=1)
    return bookings.slot_range(day, half, space["settings"])


def link_count(email_like: str) -> int:
    with db.as_owner() as conn:
        return conn.execute("select count(*) as n from public.bookings where guest_email ilike %s",
                            (email_like,)).fetchone()["n"]


def test_plus_addresses_count_as_one_person(link):
    token = link["token"]
    link_book_proven(token, "Ann+News@Example.net", "Ann", link["desks"][0], *slot(link))
    with db.as_owner() as conn:
        stored = conn.execute("select guest_email from public.bookings").fetchone()["guest_email"]
    assert stored == "ann+news@example.net"  # what was typed (lower-cased as before), not the key
    # two spellings more: the key's third proof e-mail of the day (at most 3 are sent, see test_link_proof)
    for other in ("ann+1@example.net", " ANN+@example.net "):
        err = refused(lambda o=other: link_book_proven(token, o, "Ann", link["desks"][1], *slot(link, "pm")))
        assert err.key == "link.email_limit" and err.params == {"max": 1}, other
    assert link_count("ann%") == 1  # nothing written by the refusals
    # someone else of the same domain is not affected
    link_book_proven(token, "anna+x@example.net", "Anna", link["desks"][1], *slot(link, "pm"))


def test_a_members_plus_address_counts_with_the_member(link):
    token = link["token"]
    link_book_proven(token, "alice@example.org", "Alice", link["desks"][0], *slot(link))  # books as Alice
    err = refused(lambda: link_book_proven(token, "alice+link@example.org", "Alice", link["desks"][1],
                                           *slot(link, "pm")))
    assert err.key == "link.email_limit"
    assert link_count("alice%") == 0


def link_book_as(who: dict, token: str, email: str, resource: str, starts: dt.datetime, ends: dt.datetime) -> str:
    """link_book called by a signed-in client (granted to authenticated too): the same limits apply."""
    try:
        with db.as_user(who) as conn:
            return conn.execute("select public.link_book(%s, %s, %s, %s, %s, %s) as t",
                                (token, email, "Ann", resource, starts, ends)).fetchone()["t"]
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


@pytest.mark.parametrize("caller", [ALICE, STAFF, ADMIN, BOARD])
def test_the_limit_holds_whoever_calls_link_book(link, caller):
    token = link["token"]
    assert link_book_as(claims(caller), token, "ann+a@example.net", link["desks"][0], *slot(link)) == "check_email"
    assert prove_latest("ann+a@example.net")["outcome"] == "confirmed"
    assert link_book_as(claims(caller), token, "ann+b@example.net", link["desks"][1], *slot(link, "pm")) \
        == "check_email"
    proved = prove_latest("ann+b@example.net")  # the address is proven: the limit may be said
    assert proved["outcome"] == "refused" and proved["detail"]["key"] == "link.email_limit"
    assert link_count("ann%") == 1


# --------------------------------------------------------------------------- grants kept

def test_replaced_functions_keep_their_grants(space):
    checks = {
        "public.check_in(uuid)": {"anon": False, "authenticated": True, "service_role": True},
        "public.mark_no_show(uuid)": {"anon": False, "authenticated": True, "service_role": True},
        "public.link_book(text, text, text, uuid, timestamptz, timestamptz)":
            {"anon": True, "authenticated": True, "service_role": True},
        "private.email_key(text)": {"anon": False, "authenticated": False},
        "private.check_in_opens_at(timestamptz)": {"anon": False, "authenticated": True},
    }
    with db.as_owner() as conn:
        for function, roles in checks.items():
            for role, allowed in roles.items():
                got = conn.execute("select has_function_privilege(%s, %s, 'execute') as ok",
                                   (role, function)).fetchone()["ok"]
                assert got is allowed, (function, role)
            public = conn.execute(
                "select coalesce(bool_or(a.grantee = 0), false) as p from pg_proc p,"
                " aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where p.oid = %s::regprocedure",
                (function,)).fetchone()["p"]
            assert not public, f"{function} is executable by PUBLIC"


# --------------------------------------------------------------------------- pages offer only what works

def test_home_offers_check_in_only_when_open(space):
    from tests.conftest import app_as

    later = booking_at(space["desks"][0], space["alice"], 2 * HOUR, 2 * HOUR)
    opens = (row_of(later)["during"].lower - 30 * MINUTE).astimezone(ZoneInfo(space["settings"]["time_zone"]))
    at = app_as(ALICE, lang="en")
    assert not at.exception
    assert not [b for b in at.button if b.key == f"home_checkin_{later}"]
    assert any(c.value == f"Check-in from {opens:%H:%M}" for c in at.caption), [c.value for c in at.caption]
    now_open = booking_at(space["desks"][1], space["alice"], 10 * MINUTE, HOUR)
    at.run()
    assert at.button(key=f"home_checkin_{now_open}").label == "I'm here"


def test_staff_day_offers_no_show_only_for_a_confirmed_started_booking(space):
    from tests.conftest import app_as

    pending = booking_at(space["desks"][0], None, -HOUR, 3 * HOUR, status="pending")
    started = booking_at(space["desks"][1], space["alice"], -2 * HOUR, 4 * HOUR)
    at = app_as(STAFF, "views/staff_day.py", lang="en")
    assert not at.exception
    keys = {b.key for b in at.button}
    assert f"staff_ns_{pending}" not in keys and f"staff_ns_{started}" in keys
