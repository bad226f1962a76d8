"""Staff day view and the admin editor of desks, rooms and closures, through AppTest on demo
data: they render for the roles allowed, rows are checked one by one, and a deactivation with
future bookings asks what to do."""

from __future__ import annotations

from lib.booking import bookings, resources_admin
from lib.core import db
from tests.conftest import DEMO, app_as, user_id_of


def test_staff_day_lists_today_and_filters(demo_db):
    with db.as_owner() as conn:
        day = conn.execute("select b.day from public.bookings b join public.members m on m.id = b.member_id"
                           " where m.email = %s and b.day >= current_date order by b.day limit 1",
                           (DEMO["member"],)).fetchone()["day"]
    at = app_as(DEMO["staff"], "views/staff_day.py", lang="en")
    assert not at.exception
    assert at.title[0].value == "Staff day"
    at.date_input(key="staff_day").set_value(day).run()

    def rows() -> list[str]:  # one bordered row per booking, its first line in bold
        return [m.value for m in at.markdown if m.value.startswith("**") and "@" in m.value]

    assert len(rows()) > 1
    at.text_input(key="staff_search").set_value("member@example").run()
    assert not at.exception
    assert len(rows()) == 1 and "Alex Membre" in rows()[0]


def test_resources_editor_renders_and_refuses_bad_rows(demo_db):
    at = app_as(DEMO["admin"], "views/resources.py", lang="en")
    assert not at.exception
    assert at.title[0].value == "Desks, rooms and closures"
    claims = db.claims_for(user_id_of(DEMO["admin"]), DEMO["admin"])
    original = resources_admin.resources(claims)
    edited = original.copy()
    edited.loc[0, "name"] = " "
    edited.loc[1, "capacity"] = 3  # a desk seats one
    result = resources_admin.save_resources(claims, edited, original)
    assert result.errors == [(1, "resources.err.name"), (2, "resources.err.capacity")]
    assert resources_admin.resources(claims).equals(original)  # nothing written


def test_deactivating_a_desk_with_future_bookings_asks_then_cancels(demo_db):
    claims = db.claims_for(user_id_of(DEMO["admin"]), DEMO["admin"])
    with db.as_owner() as conn:
        desk = conn.execute("select r.id::text from public.resources r join public.bookings b on b.resource_id = r.id"
                            " where b.status <> 'cancelled' and upper(b.during) > now() and r.kind = 'desk'"
                            " limit 1").fetchone()["id"]
    original = resources_admin.resources(claims)
    edited = original.copy()
    edited.loc[edited.id == desk, "active"] = False
    result = resources_admin.save_resources(claims, edited, original)
    assert result.needs_decision and result.needs_decision[0]["id"] == desk and result.changes == 0
    result = resources_admin.save_resources(claims, edited, original, future="cancel")
    assert result.changes == 1 and not result.errors
    with db.as_owner() as conn:
        left = conn.execute("select count(*) as n from public.bookings where resource_id = %s and status <> 'cancelled'"
                            " and upper(during) > now()", (desk,)).fetchone()["n"]
    assert left == 0


def test_closure_lists_hit_bookings(demo_db):
    claims = db.claims_for(user_id_of(DEMO["admin"]), DEMO["admin"])
    settings = bookings.booking_settings()
    with db.as_owner() as conn:
        day = conn.execute("select day from public.bookings where status <> 'cancelled' and day > %s"
                           " order by day limit 1", (bookings.local_today(settings),)).fetchone()["day"]
    original = resources_admin.closures(claims)
    edited = original.copy()
    edited.loc[0] = {"id": None, "starts_on": day, "ends_on": day, "resource": None, "reason": "Inventaire"}
    result = resources_admin.save_closures(claims, edited, original)
    assert result.changes == 1 and not result.errors
    hits = resources_admin.closure_hits(claims)
    assert len(hits) > 0 and set(hits.reason) == {"Inventaire"}
    # members cannot edit closures (row-level security)
    member = db.claims_for(user_id_of(DEMO["member"]), DEMO["member"])
    import pytest

    from lib.core.errors import UserError
    with pytest.raises(UserError):
        resources_admin.save_closures(member, edited, original)


def test_admin_creates_and_revokes_a_link_on_the_page(demo_db):
    at = app_as(DEMO["admin"], "views/resources.py", lang="en")
    next(i for i in at.text_input if i.label == "Link label").set_value("Newsletter")
    form_button = next(b for b in at.button if b.label == "Create the link")
    form_button.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    address = at.code[0].value
    assert "/link?t=" in address and len(address.split("t=", 1)[1]) >= 40
    revoke = next(b for b in at.button if b.label == "Revoke")
    revoke.click().run()
    next(b for b in at.button if b.label == "Yes, revoke").click().run()  # revoking asks first
    from lib.booking import share_links

    assert share_links.list_links(db.OWNER).state.tolist() == ["revoked"]
