"""Skill proposals are capped per member (5 waiting, 10 in 24 hours) in SQL, so that a member
cannot drown the admins' queue, even with one multi-row statement or two concurrent transactions;
admins are not limited. Tested from the member's side through SQL, as any Supabase client could."""

from __future__ import annotations

import threading

import psycopg
import pytest

from lib.core import db
from lib.core.errors import user_message
from tests.conftest import app_as, authenticate_as, make_member

PROPOSE = "insert into public.skills (name, status, proposed_by) values (%s, 'proposed', %s)"


@pytest.fixture
def member(empty_db) -> str:
    make_member("admin@t.org", role="admin")
    return make_member("eager@t.org", full_name="Eager Member")


def _proposals_of(member_id: str) -> int:
    with db.as_owner() as conn:
        return conn.execute("select count(*) as n from public.skills where proposed_by = %s",
                            (member_id,)).fetchone()["n"]


def test_a_one_statement_flood_is_refused_whole(member):
    with pytest.raises(psycopg.errors.RaiseException) as refused, authenticate_as("eager@t.org") as conn:
        conn.execute("insert into public.skills (name, status, proposed_by)"
                     " select 'Flood ' || g, 'proposed', %s from generate_series(1, 5000) g", (member,))
    assert refused.value.diag.message_primary == "directory.too_many_proposals"
    assert "at most 5 waiting" in user_message(refused.value, "en")
    assert "5 au plus en attente" in user_message(refused.value, "fr")
    assert _proposals_of(member) == 0, "nothing of the statement is left"


def test_five_waiting_then_refused_until_an_admin_handles_them_and_ten_a_day(member):
    with authenticate_as("eager@t.org") as conn:
        for i in range(5):
            conn.execute(PROPOSE, (f"Skill {i}", member))
    with pytest.raises(psycopg.errors.RaiseException), authenticate_as("eager@t.org") as conn:
        conn.execute(PROPOSE, ("Skill 5", member))
    with authenticate_as("admin@t.org") as conn:
        conn.execute("update public.skills set status = 'approved' where proposed_by = %s", (member,))
    with authenticate_as("eager@t.org") as conn:  # approved ones no longer wait: five more
        for i in range(5, 10):
            conn.execute(PROPOSE, (f"Skill {i}", member))
    with authenticate_as("admin@t.org") as conn:
        conn.execute("update public.skills set status = 'approved' where proposed_by = %s", (member,))
    # nothing waits, but ten were proposed within 24 hours; an old date chosen by the member is not believed
    with pytest.raises(psycopg.errors.RaiseException) as refused, authenticate_as("eager@t.org") as conn:
        conn.execute("insert into public.skills (name, status, proposed_by, created_at)"
                     " values ('Skill 10', 'proposed', %s, '2000-01-01')", (member,))
    assert refused.value.diag.message_primary == "directory.too_many_proposals"
    assert _proposals_of(member) == 10


def test_admins_are_not_limited(member):
    with authenticate_as("admin@t.org") as conn:
        admin_id = conn.execute("select id from public.members where email = 'admin@t.org'").fetchone()["id"]
        conn.execute("insert into public.skills (name, status, proposed_by)"
                     " select 'Admin skill ' || g, 'proposed', %s from generate_series(1, 30) g", (admin_id,))
    assert _proposals_of(str(admin_id)) == 30


def test_two_concurrent_transactions_of_one_member_do_not_both_pass(member):
    """Each transaction alone is within the cap (3 + 3 > 5): the member's lock makes the second
    count after the first commits, instead of both counting zero."""
    second_done = threading.Event()
    outcome: dict[str, object] = {}

    def second() -> None:
        try:
            with authenticate_as("eager@t.org") as conn:
                for i in range(3):
                    conn.execute(PROPOSE, (f"Second {i}", member))
            outcome["second"] = "committed"
        except psycopg.Error as exc:
            outcome["second"] = exc.diag.message_primary
        finally:
            second_done.set()

    with authenticate_as("eager@t.org") as conn:
        for i in range(3):
            conn.execute(PROPOSE, (f"First {i}", member))
        thread = threading.Thread(target=second)
        thread.start()
        assert not second_done.wait(1.0), "the second transaction waits for the first"
    thread.join(10)
    assert outcome["second"] == "directory.too_many_proposals"
    assert _proposals_of(member) == 3


def test_the_profile_page_says_why_a_proposal_is_refused(member):
    with authenticate_as("eager@t.org") as conn:
        for i in range(5):
            conn.execute(PROPOSE, (f"Waiting {i}", member))
    at = app_as("eager@t.org", "views/profile.py", lang="en")
    at.multiselect(key="pf_skills").set_value(["A sixth idea"])
    at.run()
    at.button(key="pf_save").click()
    at.run()
    assert not at.exception
    assert any("Too many skill proposals: at most 5 waiting" in e.value for e in at.error), \
        [e.value for e in at.error]
    assert _proposals_of(member) == 5
