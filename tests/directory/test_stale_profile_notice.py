"""A member whose profile fell back to hidden is told on their next visit, whatever page they
open, until they say they saw it; then the notice is acknowledged in the database."""

from lib.core import db
from tests.conftest import DEMO, app_as


def test_member_is_told_once_their_profile_was_hidden(demo_db):
    with db.as_owner() as conn:
        conn.execute("update public.members set visibility = 'hidden', stale_hidden_at = now() where email = %s",
                     (DEMO["member"],))
    at = app_as(DEMO["member"], lang="en")
    assert not at.exception
    assert any("hidden from the directory" in w.value for w in at.warning)
    at.button(key="stale_ok").click().run()
    assert not any("hidden from the directory" in w.value for w in at.warning)
    with db.as_owner() as conn:
        left = conn.execute("select stale_hidden_at from public.members where email = %s",
                            (DEMO["member"],)).fetchone()["stale_hidden_at"]
    assert left is None, "acknowledged in the database"
    again = app_as(DEMO["member"], lang="en")
    assert not any("hidden from the directory" in w.value for w in again.warning)


def test_no_notice_for_a_profile_that_was_not_hidden(demo_db):
    at = app_as(DEMO["member"])
    assert not at.exception
    assert not any("masqué" in w.value for w in at.warning)
