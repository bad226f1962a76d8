"""Finding people: text (accents and case ignored) on name, company or skill; several skills,
all of them or any; a minimum level; "here today"; and "who is here today who knows …" grouped
by skill, opted-in present members only."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from lib.core import clock, db
from lib.directory import members, skills
from lib.identity.auth import person_for_user
from tests.conftest import make_member, user_id_of


@pytest.fixture
def town(empty_db):
    ids = {
        "me": make_member("me@t.org", visibility="members", full_name="Moi Même"),
        "ana": make_member("ana@t.org", visibility="members", full_name="Anaïs Érable"),
        "bob": make_member("bob@t.org", visibility="public", full_name="Bob Dupont"),
        "cat": make_member("cat@t.org", visibility="members", full_name="Cat Léger"),
        "ghost": make_member("ghost@t.org", visibility="hidden", full_name="Ghost Caché"),
        "staff": make_member("staff@t.org", role="staff"),
    }
    plan = {"ana": {"Rust": "expert", "Go": "practising"}, "bob": {"Rust": "learning"},
            "cat": {"Go": "expert", "Figma": "expert"}, "ghost": {"Rust": "expert"}}
    with db.as_owner() as conn:
        conn.execute("update public.members set company = 'Crêpe Stack' where id = %s", (ids["bob"],))
        skill_ids = {}
        for name in ("Rust", "Go", "Figma"):
            skill_ids[name] = str(conn.execute("insert into public.skills (name) values (%s) returning id",
                                               (name,)).fetchone()["id"])
        for who, known in plan.items():
            for name, level in known.items():
                conn.execute("insert into public.member_skills values (%s, %s, %s)", (ids[who], skill_ids[name], level))
    ids.update(skill_ids)
    return ids


def _claims(email):
    return person_for_user(user_id_of(email)).claims()


def _names(rows):
    return [r["full_name"] for r in rows]


def test_text_search_ignores_accents_and_case_on_name_company_and_skill(town):
    me = _claims("me@t.org")
    assert _names(members.search(me, "anais erable")) == ["Anaïs Érable"]
    assert _names(members.search(me, "CREPE")) == ["Bob Dupont"]
    assert _names(members.search(me, "figma")) == ["Cat Léger"]
    assert _names(members.search(me, "caché")) == [], "hidden profiles are not found"


def test_several_skills_all_or_any_and_minimum_level(town):
    me = _claims("me@t.org")
    both = [town["Rust"], town["Go"]]
    assert _names(members.search(me, skill_ids=both, match_all=True)) == ["Anaïs Érable"]
    assert _names(members.search(me, skill_ids=both, match_all=False)) == ["Anaïs Érable", "Bob Dupont", "Cat Léger"]
    assert _names(members.search(me, skill_ids=[town["Rust"]], min_level="practising")) == ["Anaïs Érable"]
    assert _names(members.search(me, skill_ids=both, match_all=False, min_level="expert")) == ["Anaïs Érable",
                                                                                             "Cat Léger"]
    assert _names(members.search(me, min_level="expert")) == ["Anaïs Érable", "Cat Léger"]
    staff = _claims("staff@t.org")
    assert "Ghost Caché" in _names(members.search(staff, skill_ids=[town["Rust"]])), "the team sees hidden ones"


def _book_today(member_id: str) -> None:
    tz = ZoneInfo("Europe/Paris")
    today = clock.now().astimezone(tz).date()
    start = dt.datetime.combine(today, dt.time(9), tz)
    with db.as_owner() as conn:
        zone = conn.execute("insert into public.zones (name) values ('Z') on conflict (name) do update"
                            " set name = excluded.name returning id").fetchone()["id"]
        desk = conn.execute("insert into public.resources (zone_id, name, kind) values (%s, %s, 'desk') returning id",
                            (zone, f"D-{member_id[:8]}")).fetchone()["id"]
        conn.execute("insert into public.bookings (resource_id, member_id, during, day) values"
                     " (%s, %s, tstzrange(%s, %s), %s)", (desk, member_id, start, start + dt.timedelta(hours=4), today))


def test_who_is_here_today_who_knows(town):
    for who in ("ana", "bob", "ghost"):
        _book_today(town[who])
    me = _claims("me@t.org")
    grouped = members.here_today_by_skill(me)
    assert [g["skill"] for g in grouped] == ["Rust", "Go"], "most-known skill first"
    assert [p["full_name"] for p in grouped[0]["people"]] == ["Anaïs Érable", "Bob Dupont"]
    assert all(p["full_name"] != "Ghost Caché" for g in grouped for p in g["people"]), "present but hidden"
    assert _names(members.search(me, here_today=True)) == ["Anaïs Érable", "Bob Dupont"]
    assert _names(members.search(me, skill_ids=[town["Go"]], here_today=True)) == ["Anaïs Érable"]
    with db.as_owner() as conn:
        conn.execute("update public.bookings set status = 'cancelled' where member_id = %s", (town["bob"],))
    assert [p["full_name"] for p in members.here_today_by_skill(me)[0]["people"]] == ["Anaïs Érable"]


def test_merge_moves_every_link_and_keeps_the_higher_level(town):
    admin = make_member("admin@t.org", role="admin")
    assert admin
    claims = _claims("admin@t.org")
    with db.as_owner() as conn:
        dup = str(conn.execute("insert into public.skills (name, status) values ('Rust-lang', 'proposed')"
                               " returning id").fetchone()["id"])
        conn.execute("insert into public.member_skills values (%s, %s, 'expert')", (town["bob"], dup))
        conn.execute("insert into public.member_skills values (%s, %s, 'learning')", (town["cat"], dup))
        conn.execute("insert into public.member_wanted_skills values (%s, %s)", (town["me"], dup))
    moved = skills.merge(claims, dup, town["Rust"])
    assert moved == 2
    with db.as_owner() as conn:
        levels = {str(r["member_id"]): r["level"] for r in conn.execute(
            "select member_id, level::text from public.member_skills where skill_id = %s", (town["Rust"],))}
        wanted = conn.execute("select count(*) as n from public.member_wanted_skills where skill_id = %s",
                              (town["Rust"],)).fetchone()["n"]
        gone = conn.execute("select count(*) as n from public.skills where id = %s", (dup,)).fetchone()["n"]
    assert levels[town["bob"]] == "expert", "bob had learning and expert: the higher level stays"
    assert levels[town["cat"]] == "learning" and levels[town["ana"]] == "expert" and levels[town["ghost"]] == "expert"
    assert wanted == 1 and gone == 0


def test_rename_clash_and_delete_in_use_are_explained(town):
    make_member("admin@t.org", role="admin")
    claims = _claims("admin@t.org")
    from lib.core.errors import UserError, user_message

    with pytest.raises(Exception) as clash:
        skills.rename(claims, town["Go"], "rust")
    assert "fusionnez" in user_message(clash.value, "fr")
    with pytest.raises(UserError) as in_use:
        skills.delete_unused(claims, town["Go"])
    assert in_use.value.key == "directory.skill_in_use"
    skills.rename(claims, town["Go"], "  Golang  ")
    assert "Golang" in [s["name"] for s in skills.vocabulary(claims)]
