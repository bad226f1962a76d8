"""Nothing is lost by a click: a desk, room or zone with history is retired, never deleted with its
bookings; one without history may still be deleted; a retired desk cannot be booked. From the
side of an admin over SQL (what Supabase's REST API allows), through the editor's page, and from
the member and the shared-link visitor who try to book it."""

from __future__ import annotations

import psycopg
import pytest

from lib.booking import bookings, resources_admin, share_links
from lib.core import db
from lib.core.errors import from_db_error
from lib.core.i18n import t
from tests.booking.conftest import ALICE, book_slot, future_day, link_book_proven, refusal
from tests.conftest import DEMO, app_as, authenticate_as, claims, make_member


def _most_booked_desk() -> dict:
    """The demo desk with the most bookings that are over: the one a hurried click would cost most."""
    with db.as_owner() as conn:
        return conn.execute(
            "select r.id::text, r.name, r.zone_id::text,"
            " count(*) filter (where upper(b.during) <= now()) as past, count(*) as total"
            " from public.resources r join public.bookings b on b.resource_id = r.id"
            " where r.kind = 'desk' group by r.id order by past desc, r.name limit 1").fetchone()


def _bookings_of(resource_id: str) -> int:
    with db.as_owner() as conn:
        return conn.execute("select count(*) as n from public.bookings where resource_id = %s",
                            (resource_id,)).fetchone()["n"]


def _resource(resource_id: str) -> dict | None:
    with db.as_owner() as conn:
        return conn.execute("select name, active from public.resources where id = %s", (resource_id,)).fetchone()


def test_an_admin_deleting_a_booked_desk_over_sql_is_refused_and_its_bookings_stay(demo_db):
    desk = _most_booked_desk()
    assert desk["past"] > 0
    with pytest.raises(psycopg.Error) as info, authenticate_as(DEMO["admin"]) as conn:
        conn.execute("delete from public.resources where id = %s", (desk["id"],))
    assert from_db_error(info.value).key == "booking.resource_has_history"
    assert from_db_error(info.value).params == {"name": desk["name"], "n": desk["total"]}
    assert _bookings_of(desk["id"]) == desk["total"]
    assert _resource(desk["id"]) is not None


def test_a_room_that_held_events_is_not_deleted(demo_db):
    with db.as_owner() as conn:
        room = conn.execute("select room_id::text as id from public.events where room_id is not null"
                            " limit 1").fetchone()["id"]
        held = conn.execute("select count(*) as n from public.events where room_id = %s", (room,)).fetchone()["n"]
    with pytest.raises(psycopg.Error) as info, authenticate_as(DEMO["admin"]) as conn:
        conn.execute("delete from public.resources where id = %s", (room,))
    assert from_db_error(info.value).key == "booking.resource_has_history"
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.events where room_id = %s",
                            (room,)).fetchone()["n"] == held


def test_removing_a_booked_desk_in_the_editor_retires_it_and_says_so(demo_db):
    desk = _most_booked_desk()
    at = app_as(DEMO["admin"], "views/resources.py", lang="en")
    original = resources_admin.resources(claims(DEMO["admin"]))
    row = int(original.index[original.id == desk["id"]][0])
    at.session_state["res_editor"] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [row]}
    at.button(key="res_save").click().run()
    if [r for r in at.radio if r.key == "res_future"]:
        # the desk also has bookings to come: the page asks first, as for a deactivation
        assert any(desk["name"] in w.value for w in at.warning)
        at.radio(key="res_future").set_value("keep")
        at.button(key="res_save").click().run()
    assert not at.exception
    assert _bookings_of(desk["id"]) == desk["total"]
    assert _resource(desk["id"]) == {"name": desk["name"], "active": False}
    shown = " ".join(s.value for s in at.success)
    assert t("resources.retired", "en", name=desk["name"], n=desk["total"]) in shown
    # the editor shows the desk again, retired, instead of the row the admin removed
    again = at.data_editor(key="res_editor").value
    assert not again.loc[again.id == desk["id"], "active"].iloc[0]


def test_a_desk_without_history_is_still_deleted(space):
    # the tiny space has no admin: make one
    make_member("boss@example.org", role="admin")
    who = claims("boss@example.org")
    original = resources_admin.resources(who)
    unused = space["desks"][-1]
    edited = original[original.id != unused]
    result = resources_admin.save_resources(who, edited, original)
    assert result.changes == 1 and not result.retired and not result.errors
    assert _resource(unused) is None


def test_a_zone_with_desks_is_retired_not_deleted_and_an_empty_one_is_deleted(space):
    make_member("boss@example.org", role="admin")
    who = claims("boss@example.org")
    with pytest.raises(psycopg.Error) as info, authenticate_as("boss@example.org") as conn:
        conn.execute("delete from public.zones where id = %s", (space["zone"],))
    assert from_db_error(info.value).key == "booking.zone_has_resources"
    with db.as_owner() as conn:
        empty = conn.execute("insert into public.zones (name) values ('Mezzanine') returning id::text").fetchone()["id"]
    original = resources_admin.zones(who)
    result = resources_admin.save_zones(who, original.iloc[0:0], original)
    assert result.changes == 2 and not result.errors
    assert result.retired == [("Plateau", 5)]
    with db.as_owner() as conn:
        zones = {r["id"]: r["active"] for r in conn.execute("select id::text, active from public.zones")}
        desks = conn.execute("select count(*) as n from public.resources where zone_id = %s",
                             (space["zone"],)).fetchone()["n"]
    assert zones == {space["zone"]: False} and empty not in zones and desks == 5


def test_a_retired_desk_cannot_be_booked_by_a_member_nor_through_a_link(space):
    settings = space["settings"]
    desk = space["desks"][0]
    day = future_day(settings)
    book_slot(ALICE, desk, day, "am", settings)  # history: the desk is retired, not deleted
    with db.as_owner() as conn:
        with pytest.raises(psycopg.Error):
            with conn.transaction():
                conn.execute("delete from public.resources where id = %s", (desk,))
        conn.execute("update public.resources set active = false where id = %s", (desk,))
    err = refusal(lambda: book_slot(ALICE, desk, future_day(settings, 2), "pm", settings))
    assert err.key == "booking.resource_unavailable"
    token = share_links.create(db.OWNER, "Newsletter")
    starts, ends = bookings.slot_range(future_day(settings, 2), "pm", settings)
    err = refusal(lambda: link_book_proven(token, "guest@example.net", "Guest", desk, starts, ends))
    assert err.key == "booking.resource_unavailable"
    assert _bookings_of(desk) == 1


def test_a_desk_in_a_retired_zone_cannot_be_booked_even_through_the_api(space):
    """The day grid hides a retired zone's desks; the database refuses them too, so a script on the
    REST API (or a link visitor) cannot book a desk whose zone the team switched off."""
    settings = space["settings"]
    desk = space["desks"][0]
    with db.as_owner() as conn:
        conn.execute("update public.zones set active = false"
                     " where id = (select zone_id from public.resources where id = %s)", (desk,))
    err = refusal(lambda: book_slot(ALICE, desk, future_day(settings), "am", settings))
    assert err.key == "booking.resource_unavailable"
    token = share_links.create(db.OWNER, "Newsletter")
    starts, ends = bookings.slot_range(future_day(settings, 2), "pm", settings)
    err = refusal(lambda: link_book_proven(token, "guest@example.net", "Guest", desk, starts, ends))
    assert err.key == "booking.resource_unavailable"
    assert _bookings_of(desk) == 0
