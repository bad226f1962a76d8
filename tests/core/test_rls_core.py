"""Row-level security on the core tables, from the side of every role, refusals included.

Each check acts as a person exactly as Supabase's REST layer would (role `authenticated` and
JWT claims, or role `anon`), so what passes here is what any client can and cannot do.
"""

from __future__ import annotations

import psycopg
import pytest

from lib.core import db
from tests.conftest import DEMO, as_anon, authenticate_as, make_member

CORE_TABLES = ["settings", "plans", "members", "zones", "resources", "audit_log"]
ROLES = ["admin", "staff", "board", "member"]


def count(conn, table: str) -> int:
    return conn.execute(f"select count(*) as n from public.{table}").fetchone()["n"]


def test_every_public_table_has_row_level_security(demo_db):
    with db.as_owner() as conn:
        rows = conn.execute("select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                            " where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity").fetchall()
    assert rows == [], f"tables without RLS: {rows}"


@pytest.mark.parametrize("table", CORE_TABLES)
def test_anon_reads_nothing(demo_db, table):
    with pytest.raises(psycopg.errors.InsufficientPrivilege), as_anon() as conn:
        conn.execute(f"select * from public.{table}")


@pytest.mark.parametrize("table", ["plans", "zones", "members"])
def test_anon_writes_nothing(demo_db, table):
    with pytest.raises(psycopg.errors.InsufficientPrivilege), as_anon() as conn:
        conn.execute(f"delete from public.{table}")


@pytest.mark.parametrize("role", ROLES)
def test_everyone_signed_in_reads_settings_plans_and_resources(demo_db, role):
    with authenticate_as(DEMO[role]) as conn:
        assert count(conn, "settings") == 1
        assert count(conn, "plans") == 4
        assert count(conn, "resources") == 27
        assert count(conn, "zones") == 3


@pytest.mark.parametrize("role, can", [("admin", True), ("staff", False), ("board", False), ("member", False)])
def test_only_admins_change_settings(demo_db, role, can):
    with authenticate_as(DEMO[role]) as conn:
        changed = conn.execute("update public.settings set space_name = 'Renamed' returning id").fetchall()
    assert bool(changed) is can
    with db.as_owner() as conn:
        name = conn.execute("select space_name from public.settings").fetchone()["space_name"]
    assert (name == "Renamed") is can


@pytest.mark.parametrize("role, can", [("admin", True), ("staff", False), ("board", False), ("member", False)])
def test_only_admins_create_resources(demo_db, role, can):
    with db.as_owner() as conn:
        zone = conn.execute("select id from public.zones limit 1").fetchone()["id"]
    try:
        with authenticate_as(DEMO[role]) as conn:
            conn.execute("insert into public.resources (zone_id, name, kind) values (%s, 'New desk', 'desk')", (zone,))
        created = True
    except psycopg.errors.InsufficientPrivilege:
        created = False
    assert created is can


@pytest.mark.parametrize("role, can", [("admin", True), ("staff", False), ("board", False), ("member", False)])
def test_only_admins_change_plans(demo_db, role, can):
    with db.as_owner() as conn:  # a plan nobody holds: one in use is refused to everyone (tests/space)
        conn.execute("insert into public.plans (code, name_fr, name_en, price_cents) values ('trial', 'Essai', 'Trial', 0)")
    with authenticate_as(DEMO[role]) as conn:
        changed = conn.execute("update public.plans set price_cents = 1 returning id").fetchall()
        deleted = conn.execute("delete from public.plans where code = 'trial' returning id").fetchall()
    assert bool(changed) is can and bool(deleted) is can


def test_members_read_only_their_own_row_from_the_table(demo_db):
    """RLS filters rows, not columns: reading other members straight from the table would expose
    emails their owners did not share, so the table shows a member only themselves."""
    with authenticate_as(DEMO["member"]) as conn:
        rows = conn.execute("select email::text as email from public.members").fetchall()
    assert rows == [{"email": DEMO["member"]}]


def test_members_find_opted_in_profiles_through_the_directory_only(demo_db):
    with db.as_owner() as conn:
        visible = conn.execute("select count(*) as n from public.members where active and erased_at is null"
                               " and visibility in ('members', 'public')").fetchone()["n"]
        hidden_id = conn.execute("select id from public.members where visibility = 'hidden' limit 1").fetchone()["id"]
        shy = conn.execute("select count(*) as n from public.members where active and not contact_allowed"
                           " and visibility in ('members', 'public')").fetchone()["n"]
    with authenticate_as(DEMO["member"]) as conn:
        found = conn.execute("select id, contact_email, is_me from public.directory_search()").fetchall()
        direct = conn.execute("select * from public.directory_search(p_member_ids => array[%s]::uuid[])",
                              (hidden_id,)).fetchall()
    assert len(found) == visible
    assert direct == [], "a hidden profile is invisible even when asked for by id"
    others_without_email = [r for r in found if r["contact_email"] is None and not r["is_me"]]
    assert shy > 0 and len(others_without_email) >= shy - 1, "no email unless its owner allowed contact"


def test_a_hidden_member_still_sees_their_own_row(demo_db):
    make_member("hidden@example.net", visibility="hidden")
    with authenticate_as("hidden@example.net") as conn:
        me = conn.execute("select email::text as email from public.members where user_id = auth.uid()").fetchall()
    assert me == [{"email": "hidden@example.net"}]


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_the_team_sees_every_member(demo_db, role):
    with authenticate_as(DEMO[role]) as conn:
        assert count(conn, "members") == 120


def test_board_reads_aggregates_not_people(demo_db):
    with authenticate_as(DEMO["board"]) as conn:
        assert count(conn, "members") == 1, "only their own row"
        summary = conn.execute("select * from public.space_summary()").fetchone()
    assert summary["members"] == 120 and summary["desks"] == 24


def test_members_edit_their_own_profile_but_not_others(demo_db):
    with authenticate_as(DEMO["member"]) as conn:
        mine = conn.execute("update public.members set bio = 'Hello' where email = %s returning id",
                            (DEMO["member"],)).fetchall()
        others = conn.execute("update public.members set bio = 'Hacked' where email <> %s returning id",
                              (DEMO["member"],)).fetchall()
    assert len(mine) == 1 and others == []


@pytest.mark.parametrize("column, value", [("role", "admin"), ("active", False), ("plan_id", None),
                                           ("email", "new@example.org")])
def test_a_member_cannot_promote_or_reassign_themselves(demo_db, column, value):
    with pytest.raises(psycopg.errors.RaiseException) as err, authenticate_as(DEMO["member"]) as conn:
        conn.execute(f"update public.members set {column} = %s where email = %s", (value, DEMO["member"]))
    assert err.value.diag.message_primary in ("member.admin_only", "member.team_only")


def test_staff_edit_members_but_cannot_change_roles(demo_db):
    with authenticate_as(DEMO["staff"]) as conn:
        conn.execute("update public.members set company = 'Nouvelle' where email = %s", (DEMO["member"],))
    with pytest.raises(psycopg.errors.RaiseException), authenticate_as(DEMO["staff"]) as conn:
        conn.execute("update public.members set role = 'admin' where email = %s", (DEMO["member"],))


def test_staff_cannot_create_an_admin(demo_db):
    with pytest.raises(psycopg.errors.InsufficientPrivilege), authenticate_as(DEMO["staff"]) as conn:
        conn.execute("insert into public.members (email, full_name, role) values ('x@y.fr', 'X', 'admin')")


def test_admins_change_roles_and_deactivate(demo_db):
    with authenticate_as(DEMO["admin"]) as conn:
        conn.execute("update public.members set role = 'staff', active = false where email = %s", (DEMO["member"],))
    with db.as_owner() as conn:
        row = conn.execute("select role, active from public.members where email = %s", (DEMO["member"],)).fetchone()
    assert row == {"role": "staff", "active": False}


def test_a_deactivated_member_sees_nothing_but_reference_data_is_refused(demo_db):
    make_member("gone@example.net", visibility="members", active=False)
    with authenticate_as("gone@example.net") as conn:
        assert count(conn, "zones") == 0 and count(conn, "resources") == 0
        assert count(conn, "members") == 1  # their own row, for their data export


@pytest.mark.parametrize("role, sees", [("admin", True), ("staff", False), ("board", False), ("member", False)])
def test_only_admins_read_the_audit_log(demo_db, role, sees):
    with authenticate_as(DEMO[role]) as conn:
        assert (count(conn, "audit_log") > 0) is sees


@pytest.mark.parametrize("role", ROLES)
def test_nobody_writes_the_audit_log_directly(demo_db, role):
    with pytest.raises(psycopg.errors.InsufficientPrivilege), authenticate_as(DEMO[role]) as conn:
        conn.execute("delete from public.audit_log")


def test_changes_are_audited_with_the_actor(demo_db):
    with authenticate_as(DEMO["admin"]) as conn:
        conn.execute("update public.members set company = 'Audit SARL' where email = %s", (DEMO["member"],))
    with db.as_owner() as conn:
        row = conn.execute(
            "select a.old_values ->> 'company' as before, a.new_values ->> 'company' as after, a.actor,"
            " (select user_id from public.members where email = %s) as admin_uid"
            " from public.audit_log a where a.table_name = 'members' and a.action = 'UPDATE'"
            " order by a.id desc limit 1", (DEMO["admin"],)).fetchone()
    assert row["after"] == "Audit SARL" and row["before"] != "Audit SARL"
    assert row["actor"] == row["admin_uid"]


@pytest.mark.parametrize("bad, key", [
    ({"email": "not-an-email"}, "members_email_valid"),
    ({"full_name": "   "}, "members_full_name_present"),
])
def test_constraints_refuse_nonsense(demo_db, bad, key):
    values = {"email": "ok@example.fr", "full_name": "Ok"} | bad
    with pytest.raises(psycopg.errors.CheckViolation) as err, db.as_owner() as conn:
        conn.execute("insert into public.members (email, full_name) values (%(email)s, %(full_name)s)", values)
    assert err.value.diag.constraint_name == key


def test_negative_capacity_is_refused(demo_db):
    with pytest.raises(psycopg.errors.CheckViolation), db.as_owner() as conn:
        zone = conn.execute("select id from public.zones limit 1").fetchone()["id"]
        conn.execute("insert into public.resources (zone_id, name, kind, capacity) values (%s, 'R', 'room', -3)",
                     (zone,))


def test_api_functions_anon_may_not_call(demo_db):
    for fn in ("public.whoami()", "public.space_summary()"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), as_anon() as conn:
            conn.execute(f"select * from {fn}")
