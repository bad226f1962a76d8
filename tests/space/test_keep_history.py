"""A plan that members hold is deactivated, never deleted from under them (which used to empty
their plan silently); a plan nobody holds may still be deleted. From an admin's side over SQL,
what Supabase's REST API allows: plans have no editor page."""

from __future__ import annotations

import psycopg
import pytest

from lib.core import db
from lib.core.errors import from_db_error
from tests.conftest import DEMO, authenticate_as


def test_an_admin_deleting_a_plan_in_use_is_refused_and_its_members_keep_it(demo_db):
    with db.as_owner() as conn:
        plan = conn.execute("select p.id::text, p.code, count(*) as n from public.plans p"
                            " join public.members m on m.plan_id = p.id group by p.id order by n desc limit 1"
                            ).fetchone()
    with pytest.raises(psycopg.Error) as info, authenticate_as(DEMO["admin"]) as conn:
        conn.execute("delete from public.plans where id = %s", (plan["id"],))
    assert from_db_error(info.value).key == "plan.in_use"
    assert from_db_error(info.value).params == {"name": plan["code"], "n": plan["n"]}
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.members where plan_id = %s",
                            (plan["id"],)).fetchone()["n"] == plan["n"]
    # what to do instead: deactivate it
    with authenticate_as(DEMO["admin"]) as conn:
        assert conn.execute("update public.plans set active = false where id = %s returning id",
                            (plan["id"],)).fetchall()


def test_a_plan_nobody_holds_is_still_deleted(demo_db):
    with db.as_owner() as conn:
        conn.execute("insert into public.plans (code, name_fr, name_en, price_cents) values ('trial', 'Essai', 'Trial', 0)")
    with authenticate_as(DEMO["admin"]) as conn:
        assert conn.execute("delete from public.plans where code = 'trial' returning id").fetchall()
