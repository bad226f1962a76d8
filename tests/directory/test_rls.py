"""Who sees which profile and skill, tested from every role's side with direct queries (as any
Supabase client could make them), not only through the app: a hidden profile must be invisible to
members even when they ask the tables themselves."""

import psycopg
import pytest

from lib.core import db
from tests.conftest import as_anon, authenticate_as, make_member


@pytest.fixture
def people(empty_db):
    ids = {
        "admin": make_member("admin@t.org", role="admin"),
        "staff": make_member("staff@t.org", role="staff"),
        "board": make_member("board@t.org", role="board"),
        "me": make_member("me@t.org"),
        "hidden": make_member("hidden@t.org", visibility="hidden", full_name="Hélène Cachée"),
        "open": make_member("open@t.org", visibility="members", full_name="Olivier Ouvert"),
        "public": make_member("public@t.org", visibility="public", full_name="Paula Publique"),
        "gone": make_member("gone@t.org", visibility="members", active=False, full_name="Gaston Parti"),
    }
    with db.as_owner() as conn:
        skill = conn.execute("insert into public.skills (name) values ('Rust') returning id").fetchone()["id"]
        for key in ("hidden", "open", "public", "gone"):
            conn.execute("insert into public.member_skills (member_id, skill_id, level) values (%s, %s, 'expert')",
                         (ids[key], skill))
        conn.execute("update public.members set contact_allowed = true where id = %s", (ids["public"],))
    ids["skill"] = str(skill)
    return ids


def _visible_ids(email):
    with authenticate_as(email) as conn:
        members = {str(r["id"]) for r in conn.execute("select id from public.members")}
        skilled = {str(r["member_id"]) for r in conn.execute("select member_id from public.member_skills")}
        listed = {str(r["id"]) for r in conn.execute("select id from public.directory_search()")}
    return members, skilled, listed


def test_member_never_sees_a_hidden_or_inactive_profile_even_by_direct_query(people):
    members, skilled, listed = _visible_ids("me@t.org")
    for key in ("hidden", "gone"):
        assert people[key] not in members, f"{key} profile leaked through public.members"
        assert people[key] not in skilled, f"{key} profile's skills leaked through public.member_skills"
        assert people[key] not in listed, f"{key} profile leaked through directory_search()"
    assert {people["open"], people["public"], people["me"]} <= listed
    assert members == {people["me"]}, "other members' rows (and emails) are read through the directory only"
    assert {people["open"], people["public"]} <= skilled


def test_team_sees_everyone_including_hidden(people):
    for email in ("admin@t.org", "staff@t.org"):
        members, skilled, listed = _visible_ids(email)
        assert {people["hidden"], people["gone"], people["open"]} <= members & skilled & listed, email


def test_board_sees_no_one_else(people):
    members, skilled, listed = _visible_ids("board@t.org")
    assert members == {people["board"]}, "board members read aggregates, not people"
    assert not skilled


def test_email_is_given_only_when_contact_is_allowed(people):
    with authenticate_as("me@t.org") as conn:
        rows = {str(r["id"]): r for r in conn.execute("select id, contact_email, is_me from public.directory_search()")}
    assert rows[people["public"]]["contact_email"] == "public@t.org"
    assert rows[people["open"]]["contact_email"] is None, "no contact permission: no email"
    assert rows[people["me"]]["contact_email"] == "me@t.org" and rows[people["me"]]["is_me"]
    with authenticate_as("staff@t.org") as conn:
        row = conn.execute("select contact_email from public.directory_search(p_member_ids => %s::uuid[])",
                           ([people["open"]],)).fetchone()
    assert row["contact_email"] == "open@t.org", "the team reaches every member"


def test_anonymous_visitors_read_nothing(people):
    for table in ("skills", "member_skills", "member_wanted_skills", "visibility_history"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), as_anon() as conn:
            conn.execute(f"select * from public.{table}")
    for call in ("public.directory_search()", "public.skill_stats()", "public.here_today_by_skill()"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), as_anon() as conn:
            conn.execute(f"select * from {call}")


def test_members_propose_skills_but_only_admins_approve_rename_or_merge(people):
    with authenticate_as("me@t.org") as conn:
        conn.execute("insert into public.skills (name, status, proposed_by) values ('Zig', 'proposed', %s)",
                     (people["me"],))
    with pytest.raises(psycopg.errors.InsufficientPrivilege), authenticate_as("me@t.org") as conn:
        conn.execute("insert into public.skills (name) values ('Approved by me')")
    with authenticate_as("me@t.org") as conn:
        assert conn.execute("update public.skills set name = 'Rouille' where name = 'Rust'").rowcount == 0
        assert conn.execute("update public.skills set status = 'approved' where name = 'Zig'").rowcount == 0
    with pytest.raises(psycopg.errors.RaiseException, match="directory.admin_only"), \
            authenticate_as("staff@t.org") as conn:
        conn.execute("select public.merge_skills(%s, %s)", (people["skill"], people["skill"]))
    with authenticate_as("open@t.org") as conn:
        names = {r["name"] for r in conn.execute("select name::text from public.skills")}
    assert "Zig" not in names, "someone else's proposal stays with its author and the team"
    with authenticate_as("admin@t.org") as conn:
        assert conn.execute("update public.skills set status = 'approved' where name = 'Zig'").rowcount == 1


def test_members_edit_only_their_own_skills(people):
    with authenticate_as("me@t.org") as conn:
        conn.execute("insert into public.member_skills (member_id, skill_id) values (%s, %s)",
                     (people["me"], people["skill"]))
    with pytest.raises(psycopg.errors.InsufficientPrivilege), authenticate_as("me@t.org") as conn:
        conn.execute("insert into public.member_skills (member_id, skill_id) values (%s, %s)"
                     " on conflict do nothing", (people["open"], people["skill"]))
    with authenticate_as("me@t.org") as conn:
        assert conn.execute("delete from public.member_skills where member_id = %s", (people["open"],)).rowcount == 0


def test_consent_history_is_private_and_written_only_by_its_trigger(people):
    with authenticate_as("me@t.org") as conn:
        conn.execute("update public.members set visibility = 'members' where id = %s", (people["me"],))
    with authenticate_as("me@t.org") as conn:
        mine = conn.execute("select member_id, visibility, reason from public.visibility_history").fetchall()
    assert {str(r["member_id"]) for r in mine} == {people["me"]}
    assert [r["visibility"] for r in mine][-1] == "members" and mine[-1]["reason"] == "choice"
    with pytest.raises(psycopg.errors.InsufficientPrivilege), authenticate_as("me@t.org") as conn:
        conn.execute("insert into public.visibility_history (member_id, visibility, contact_allowed)"
                     " values (%s, 'public', true)", (people["me"],))
    with authenticate_as("admin@t.org") as conn:
        assert conn.execute("select count(distinct member_id) as n from public.visibility_history").fetchone()["n"] >= 8


def test_only_admins_erase_or_hide_profiles(people):
    with pytest.raises(psycopg.errors.RaiseException, match="member.admin_only"), \
            authenticate_as("me@t.org") as conn:
        conn.execute("update public.members set erased_at = now() where id = %s", (people["me"],))
    for email in ("me@t.org", "staff@t.org"):
        with pytest.raises(psycopg.errors.RaiseException, match="directory.admin_only"), authenticate_as(email) as conn:
            conn.execute("select public.erase_member(%s)", (people["open"],))
        with pytest.raises(psycopg.errors.RaiseException, match="directory.admin_only"), authenticate_as(email) as conn:
            conn.execute("select public.hide_stale_profiles()")


def test_the_last_active_admin_cannot_be_demoted(people):
    with pytest.raises(psycopg.errors.RaiseException, match="directory.last_admin"), \
            authenticate_as("admin@t.org") as conn:
        conn.execute("update public.members set role = 'member' where id = %s", (people["admin"],))
    make_member("admin2@t.org", role="admin")
    with authenticate_as("admin2@t.org") as conn:
        conn.execute("update public.members set role = 'member' where id = %s", (people["admin"],))
