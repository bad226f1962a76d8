"""A skill in use is merged, never deleted from under the profiles; a member with history is
deactivated or erased, never deleted with their bookings, registrations and messages. From an
admin's side over SQL (what Supabase's REST API allows) and through the skills page."""

from __future__ import annotations

import psycopg
import pytest

from lib.core import db
from lib.core.errors import UserError, from_db_error
from lib.core.i18n import t
from lib.directory import skills
from tests.conftest import DEMO, app_as, authenticate_as, claims, make_member


def _most_used_skill() -> dict:
    with db.as_owner() as conn:
        return conn.execute("select s.id::text, s.name::text, count(*) as n from public.skills s"
                            " join public.member_skills ms on ms.skill_id = s.id group by s.id"
                            " order by n desc, s.name limit 1").fetchone()


def _links(skill_id: str) -> int:
    with db.as_owner() as conn:
        return conn.execute("select count(*) as n from public.member_skills where skill_id = %s",
                            (skill_id,)).fetchone()["n"]


def test_an_admin_deleting_a_skill_in_use_over_sql_is_refused_and_profiles_keep_it(demo_db):
    skill = _most_used_skill()
    with pytest.raises(psycopg.Error) as info, authenticate_as(DEMO["admin"]) as conn:
        conn.execute("delete from public.skills where id = %s", (skill["id"],))
    assert from_db_error(info.value).key == "directory.skill_in_use"
    assert _links(skill["id"]) == skill["n"]


def test_merging_a_skill_in_use_still_moves_everyone_then_deletes_it(demo_db):
    skill = _most_used_skill()
    with db.as_owner() as conn:
        into = conn.execute("insert into public.skills (name) values ('Nouvelle compétence') returning id::text"
                            ).fetchone()["id"]
    assert skills.merge(claims(DEMO["admin"]), skill["id"], into) == skill["n"]
    assert _links(into) == skill["n"] and _links(skill["id"]) == 0
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.skills where id = %s", (skill["id"],)).fetchone()["n"] == 0


def test_the_skills_page_deletes_an_unused_skill_and_the_database_refuses_a_used_one(demo_db):
    with db.as_owner() as conn:
        unused = conn.execute("insert into public.skills (name) values ('Cobol') returning id::text").fetchone()["id"]
    at = app_as(DEMO["admin"], "views/skills_admin.py", lang="en")
    at.selectbox(key="delete_pick").set_value(unused).run()
    at.button(key="delete_go").click().run()
    assert not at.exception and [s.value for s in at.success] == [t("skills_admin.deleted", "en")]
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.skills where id = %s", (unused,)).fetchone()["n"] == 0
    used = _most_used_skill()
    with pytest.raises(UserError) as info:
        skills.delete_unused(claims(DEMO["admin"]), used["id"])
    assert info.value.key == "directory.skill_in_use" and _links(used["id"]) == used["n"]


def test_an_admin_deleting_a_member_with_bookings_over_sql_is_refused(demo_db):
    with db.as_owner() as conn:
        member, n = conn.execute("select member_id::text, count(*) from public.bookings where member_id is not null"
                                 " group by member_id order by 2 desc limit 1").fetchone().values()
    with pytest.raises(psycopg.Error) as info, authenticate_as(DEMO["admin"]) as conn:
        conn.execute("delete from public.members where id = %s", (member,))
    assert from_db_error(info.value).key == "member.has_history"
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.bookings where member_id = %s",
                            (member,)).fetchone()["n"] == n


def test_a_member_without_history_is_still_deleted(demo_db):
    newcomer = make_member("typo@example.org", account=False)
    with authenticate_as(DEMO["admin"]) as conn:
        gone = conn.execute("delete from public.members where id = %s returning id", (newcomer,)).fetchall()
    assert len(gone) == 1
