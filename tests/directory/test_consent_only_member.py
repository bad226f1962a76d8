"""Only the member consents to being shown: through the REST API (SQL as each role), nobody but
the member raises their directory visibility or turns on contact; an administrator may lower them
(moderation), never raise them; the owner (command line, the stale-profile job) is not limited."""

from __future__ import annotations

import psycopg
import pytest

from lib.core import db
from lib.core.errors import from_db_error
from tests.conftest import as_anon, authenticate_as, make_member

ANN = "ann@t.org"
PUBLISH = "update public.members set visibility = 'public', contact_allowed = true where id = %s"


@pytest.fixture
def people(empty_db):
    make_member("admin@t.org", role="admin")
    make_member("staff@t.org", role="staff")
    make_member("board@t.org", role="board")
    make_member("other@t.org")
    return {"ann": make_member(ANN, full_name="Ann Privée")}


def _shown(member_id: str) -> tuple[str, bool]:
    with db.as_owner() as conn:
        row = conn.execute("select visibility, contact_allowed from public.members where id = %s",
                           (member_id,)).fetchone()
    return row["visibility"], row["contact_allowed"]


def _refused(email: str | None, query: str, params: tuple) -> str:
    """The refusal key of `query` run as `email` (None: the anonymous API caller), or '' if it ran."""
    try:
        with (authenticate_as(email) if email else as_anon()) as conn:
            conn.execute(query, params)
    except psycopg.Error as exc:
        return from_db_error(exc).key
    return ""


@pytest.mark.parametrize("email", ["staff@t.org", "board@t.org", "other@t.org", "admin@t.org", None])
def test_nobody_but_the_member_publishes_a_profile(people, email):
    _refused(email, PUBLISH, (people["ann"],))  # refused, or no row it may touch (RLS)
    assert _shown(people["ann"]) == ("hidden", False), f"{email or 'anon'} published Ann's profile"


@pytest.mark.parametrize("change", ["visibility = 'members'", "contact_allowed = true"])
def test_staff_and_admins_cannot_raise_one_column_either(people, change):
    for email in ("staff@t.org", "admin@t.org"):
        key = _refused(email, f"update public.members set {change} where id = %s", (people["ann"],))
        assert key == "directory.consent_member_only", email
    assert _shown(people["ann"]) == ("hidden", False)


def test_the_member_consents_an_admin_may_lower_staff_may_not(people):
    ann = people["ann"]
    assert _refused(ANN, PUBLISH, (ann,)) == ""
    assert _shown(ann) == ("public", True), "the member herself publishes her profile"

    lower = "update public.members set visibility = 'members' where id = %s"
    assert _refused("staff@t.org", lower, (ann,)) == "directory.consent_member_only", "moderation is for admins"
    assert _refused("admin@t.org", lower, (ann,)) == ""
    assert _shown(ann) == ("members", True)
    assert _refused("admin@t.org", "update public.members set visibility = 'public' where id = %s", (ann,)) \
        == "directory.consent_member_only", "an admin who lowered cannot raise back"
    assert _refused("admin@t.org", "update public.members set visibility = 'hidden', contact_allowed = false"
                    " where id = %s", (ann,)) == ""
    assert _shown(ann) == ("hidden", False)
    # other edits by the team still work
    assert _refused("staff@t.org", "update public.members set company = 'Atelier' where id = %s", (ann,)) == ""


def test_the_team_cannot_create_a_published_profile(people):
    insert = ("insert into public.members (email, full_name, visibility, contact_allowed) values (%s, 'New', %s, %s)")
    for email in ("staff@t.org", "admin@t.org"):
        assert _refused(email, insert, (f"new-{email}", "public", False)) == "directory.consent_member_only"
        assert _refused(email, insert, (f"new2-{email}", "hidden", True)) == "directory.consent_member_only"
        assert _refused(email, insert, (f"new3-{email}", "hidden", False)) == "", "a hidden profile may be added"


def test_the_owner_is_not_limited(people):
    with db.as_owner() as conn:  # the command line, an import of consents recorded elsewhere
        conn.execute(PUBLISH, (people["ann"],))
    assert _shown(people["ann"]) == ("public", True)
