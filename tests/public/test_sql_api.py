"""The public face's SQL API (issue #17), from the side of each role: what anon reads is exactly
the public members' chosen fields and the coming published events; nothing else leaks."""

from __future__ import annotations

import json

import psycopg
import pytest

from lib.core import db
from lib.directory import privacy, showcase
from tests.conftest import as_anon, authenticate_as, claims, make_member
from tests.public.conftest import HIDDEN, PUBLIC, add_skill


def _names(rows) -> set[str]:
    return {r["full_name"] for r in rows}


def test_anon_sees_exactly_the_public_active_members_without_any_address(face):
    with as_anon() as conn:
        rows = conn.execute("select * from public.public_members()").fetchall()
    assert _names(rows) == {"Pia Publique", "Quentin Discret"}
    assert "@" not in json.dumps(rows, default=str), "no e-mail address in any column"
    pia = next(r for r in rows if r["full_name"] == "Pia Publique")
    assert pia["skills"] == [{"name": "Python", "level": "expert"}]
    assert pia["contact"] is True and pia["talks"] == 3  # two talks given (draft excluded), one organised
    assert set(pia) == {"id", "full_name", "job_title", "company", "bio", "links", "skills", "contact", "talks"}


def test_search_by_skill_trade_or_name_ignores_accents_and_case(face):
    assert _names(showcase.members(db.ANONYMOUS, "python")) == {"Pia Publique"}
    assert _names(showcase.members(db.ANONYMOUS, "developpeuse")) == {"Pia Publique"}
    assert _names(showcase.members(db.ANONYMOUS, "ILLUSTR")) == {"Quentin Discret"}
    assert _names(showcase.members(db.ANONYMOUS, "cobol")) == set(), "a hidden member's skill finds nobody"


@pytest.mark.parametrize("who", ["anon", "member", "admin"])
def test_every_role_reads_the_same_showcase(face, who):
    if who == "anon":
        actor = db.ANONYMOUS
    else:
        email = f"{who}.reader@example.org"
        make_member(email, role=who)
        actor = claims(email)
    assert _names(showcase.members(actor, None)) == {"Pia Publique", "Quentin Discret"}
    assert showcase.member(actor, face["hidden"]) is None
    assert showcase.member(actor, face["members_only"]) is None


def test_a_public_member_page_lists_talks_newest_first_and_others_have_none(face):
    page = showcase.member(db.ANONYMOUS, face["public"])
    assert [(t["title"], t["role"]) for t in page["talk_list"]] == [
        ("Meetup organised by Pia", "organiser"), ("Coming talk by Pia", "speaker"), ("Past talk by Pia", "speaker")]
    for other in ("hidden", "members_only", "inactive"):
        assert showcase.member(db.ANONYMOUS, face[other]) is None
        with as_anon() as conn:
            assert conn.execute("select * from public.member_talks(%s)", (face[other],)).fetchall() == []
    assert showcase.member(db.ANONYMOUS, "not-an-id") is None


def test_member_talks_follow_the_directory_rule_when_signed_in(face):
    """A members-only profile's talks are seen by signed-in members, not by anon."""
    with db.as_owner() as conn:
        conn.execute("update public.events set created_by = %s where id = %s", (face["members_only"], face["organised"]))
    assert [t["title"] for t in showcase.talks(claims(PUBLIC), face["members_only"])] == [
        "Meetup organised by Pia", "Talk with a hidden member"]
    assert showcase.talks(db.ANONYMOUS, face["members_only"]) == []
    assert showcase.talks(claims(PUBLIC), face["hidden"]) == [], "a hidden profile's talks stay hidden"
    assert [t["title"] for t in showcase.talks(claims(HIDDEN), face["hidden"])] == ["Talk with a hidden member"]


def test_an_erased_member_disappears_at_once(face):
    assert "Pia Publique" in _names(showcase.members(db.ANONYMOUS))  # now in the shared cache
    privacy.erase_member(db.OWNER, face["public"])
    assert "Pia Publique" not in _names(showcase.members(db.ANONYMOUS))
    assert showcase.member(db.ANONYMOUS, face["public"]) is None
    speakers = [s for e in showcase.events(db.ANONYMOUS) for s in e["speakers"]]
    assert all(s["name"] != "Pia" and s["member_id"] != face["public"] for s in speakers)


def test_switching_to_members_only_removes_them_on_the_next_visit(face):
    assert showcase.member(db.ANONYMOUS, face["public"]) is not None  # cached
    with authenticate_as(PUBLIC) as conn:
        conn.execute("update public.members set visibility = 'members' where email = %s", (PUBLIC,))
    assert "Pia Publique" not in _names(showcase.members(db.ANONYMOUS))
    assert showcase.member(db.ANONYMOUS, face["public"]) is None


def test_a_new_skill_shows_on_the_next_visit(face):
    assert _names(showcase.members(db.ANONYMOUS, "rust")) == set()
    add_skill(face["quiet"], "Rust")
    assert _names(showcase.members(db.ANONYMOUS, "rust")) == {"Quentin Discret"}


def test_public_events_are_the_coming_published_ones_and_name_only_public_speakers(face):
    rows = showcase.events(db.ANONYMOUS)
    assert [r["title"] for r in rows] == ["Talk with a hidden member", "Coming talk by Pia", "Meetup organised by Pia"]
    hidden_talk = rows[0]
    assert hidden_talk["speakers"] == [], "neither a hidden nor a members-only speaker is named"
    coming = rows[1]
    assert [s["name"] for s in coming["speakers"]] == ["Pia Publique", "Guest Speaker"]
    assert coming["places_left"] == 6 and coming["room"] == "Salle"
    for hidden in ("draft",):
        assert showcase.event(db.ANONYMOUS, face[hidden]) is None
    assert showcase.event(db.ANONYMOUS, face["past_talk"])["title"] == "Past talk by Pia"
    assert showcase.event(db.ANONYMOUS, face["cancelled"])["status"] == "cancelled"


def test_anon_still_cannot_read_the_tables(face):
    for table in ("members", "events", "event_speakers", "member_skills"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), as_anon() as conn:
            conn.execute(f"select * from public.{table} limit 1")
    with pytest.raises(psycopg.errors.InsufficientPrivilege), as_anon() as conn:
        conn.execute("select * from private.contact_requests")


def test_the_version_moves_with_a_member_change(face):
    before = showcase.version(db.ANONYMOUS)
    with db.as_owner() as conn:
        conn.execute("update public.members set bio = 'Autre' where id = %s", (face["quiet"],))
    assert showcase.version(db.ANONYMOUS) > before


@pytest.mark.parametrize("role", ["anon", "member", "staff", "admin", "board"])
def test_every_public_function_answers_every_role_the_same(face, role):
    """The public face is public: each role gets what anon gets, no more (a team member does not
    see hidden profiles through it), and the contact refusals are the same."""
    if role == "anon":
        conn_for = as_anon
    else:
        email = f"{role}.caller@example.org"
        make_member(email, role=role)

        def conn_for():
            return authenticate_as(email)
    with conn_for() as conn:
        members = {r["full_name"] for r in conn.execute("select * from public.public_members()").fetchall()}
        events = [r["title"] for r in conn.execute("select * from public.public_events()").fetchall()]
        hidden = conn.execute("select * from public.public_member(%s)", (face["hidden"],)).fetchall()
        draft = conn.execute("select * from public.public_event(%s)", (face["draft"],)).fetchall()
        version = conn.execute("select public.public_face_version() as v").fetchone()["v"]
    assert members == {"Pia Publique", "Quentin Discret"}
    assert events == ["Talk with a hidden member", "Coming talk by Pia", "Meetup organised by Pia"]
    assert hidden == [] and draft == [] and version > 0
    with pytest.raises(psycopg.errors.RaiseException, match="public.contact_unavailable"), conn_for() as conn:
        conn.execute("select public.public_contact_member(%s, 'x@example.net', 'X', 'Hi')", (face["hidden"],))
    with pytest.raises(psycopg.errors.RaiseException, match="public.proof_unknown"), conn_for() as conn:
        conn.execute("select public.public_contact_prove('nope')")
