"""Erasure: a member asks, an admin confirms; personal data is gone everywhere (tables, account,
audit log), while bookings stay, anonymised, so every statistic is unchanged."""

import datetime as dt

import psycopg
import pytest

from lib.core import clock, db
from lib.directory import privacy
from lib.identity.auth import person_for_user
from tests.conftest import DEMO, authenticate_as, user_id_of


def _statistics() -> dict:
    with db.as_owner() as conn:
        stats = {
            "members": conn.execute("select count(*) as n from public.members").fetchone()["n"],
            "by_plan": conn.execute("select array_agg(n order by code) as a from (select p.code, count(*) as n"
                                    " from public.members m join public.plans p on p.id = m.plan_id"
                                    " group by p.code) x").fetchone()["a"],
            "bookings": conn.execute("select count(*) as n, sum(units) as u from public.bookings").fetchone(),
        }
        today = clock.now().date()
        stats["occupancy"] = conn.execute(
            "select sum(booked_hours) as h from public.occupancy_daily(%s, %s)",
            (today - dt.timedelta(days=300), today + dt.timedelta(days=10))).fetchone()["h"]
    return stats


def _places_holding(*needles: str) -> list[str]:
    """Every table row in public and auth whose text mentions one of `needles` (case ignored)."""
    found = []
    with db.as_owner() as conn:
        tables = conn.execute("select schemaname, tablename from pg_tables where schemaname in ('public', 'auth')"
                              ).fetchall()
        for t in tables:
            query = psycopg.sql.SQL("select count(*) as n from {}.{} x where x::text ilike any(%s)").format(
                psycopg.sql.Identifier(t["schemaname"]), psycopg.sql.Identifier(t["tablename"]))
            n = conn.execute(query, ([f"%{s}%" for s in needles],)).fetchone()["n"]
            if n:
                found.append(f"{t['schemaname']}.{t['tablename']}: {n}")
    return found


def test_erasure_removes_personal_data_and_keeps_statistics(demo_db):
    email, name = DEMO["member"], "Alex Membre"
    member = person_for_user(user_id_of(email))
    with db.as_owner() as conn:
        user_id = conn.execute("select user_id from public.members where email = %s", (email,)).fetchone()["user_id"]
        booked = conn.execute("select count(*) as n from public.bookings where member_id = %s",
                              (member.member_id,)).fetchone()["n"]
    assert booked > 0, "the demo member has bookings, so the test means something"
    # leave traces in the audit log as the member: a profile edit
    with authenticate_as(email) as conn:
        conn.execute("update public.members set bio = 'Alex Membre, fan de Zyxcobol' where id = %s", (member.member_id,))
    before = _statistics()
    assert _places_holding(email, name), "the member's data is there before"

    requested = privacy.request_erasure(member.claims())
    assert requested is not None
    admin = person_for_user(user_id_of(DEMO["admin"]))
    assert [str(r["id"]) for r in privacy.erasure_requests(admin.claims())] == [member.member_id]
    privacy.erase_member(admin.claims(), member.member_id)

    assert _statistics() == before, "bookings and counts must not change"
    assert _places_holding(email, name, "Zyxcobol") == [], "no personal data may remain anywhere"
    with db.as_owner() as conn:
        row = conn.execute("select * from public.members where id = %s", (member.member_id,)).fetchone()
        kept = conn.execute("select count(*) as n from public.bookings where member_id = %s",
                            (member.member_id,)).fetchone()["n"]
        acted = conn.execute("select count(*) as n from public.audit_log where actor = %s", (user_id,)).fetchone()["n"]
        history = conn.execute("select count(*) as n from public.visibility_history where member_id = %s",
                               (member.member_id,)).fetchone()["n"]
    assert row["erased_at"] and not row["active"] and row["user_id"] is None and row["visibility"] == "hidden"
    assert row["email"].endswith("@erased.invalid") and row["bio"] is None and row["links"] == {}
    assert kept == booked, "bookings are kept, pointing at the anonymised row"
    assert acted == 0, "the audit log no longer says which account acted"
    assert history == 0
    assert person_for_user(str(user_id)) is None, "the account is gone"


def test_erasure_rules(demo_db):
    admin = person_for_user(user_id_of(DEMO["admin"]))
    with pytest.raises(psycopg.errors.RaiseException, match="directory.erase_self"):
        privacy.erase_member(admin.claims(), admin.member_id)
    staff = person_for_user(user_id_of(DEMO["staff"]))
    with pytest.raises(psycopg.errors.RaiseException, match="directory.admin_only"):
        privacy.erase_member(staff.claims(), person_for_user(user_id_of(DEMO["member"])).member_id)
    target = person_for_user(user_id_of(DEMO["member"])).member_id
    privacy.erase_member(admin.claims(), target)
    with pytest.raises(psycopg.errors.RaiseException, match="directory.already_erased"):
        privacy.erase_member(admin.claims(), target)
    with authenticate_as(DEMO["admin"]) as conn:
        listed = conn.execute("select count(*) as n from public.directory_search(p_member_ids => %s::uuid[])",
                              ([target],)).fetchone()["n"]
    assert listed == 0, "an erased member never appears in the directory"


def test_erase_member_command(demo_db):
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run([sys.executable, "-m", "lib", "erase-member", DEMO["member"]], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert done.returncode == 0, done.stderr
    assert _places_holding(DEMO["member"]) == []


def test_erasure_through_the_pages_member_asks_admin_confirms(demo_db):
    from tests.conftest import app_as

    at = app_as(DEMO["member"], "views/profile.py", lang="en")
    at.checkbox(key="pf_erase_sure").check()
    at.run()
    at.button(key="pf_erase").click()
    at.run()
    assert not at.exception
    assert any("asked for your data to be erased" in i.value for i in at.info)
    member_id = person_for_user(user_id_of(DEMO["member"])).member_id

    admin = app_as(DEMO["admin"], "views/members_admin.py", lang="en")
    assert not admin.exception
    admin.checkbox(key=f"erase_sure_{member_id}").check()
    admin.run()
    admin.button(key=f"erase_{member_id}").click()
    admin.run()
    assert not admin.exception and not admin.error, [e.value for e in admin.error]
    with db.as_owner() as conn:
        erased = conn.execute("select erased_at from public.members where id = %s", (member_id,)).fetchone()
    assert erased["erased_at"] is not None
    assert _places_holding(DEMO["member"]) == []
