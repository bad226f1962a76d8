"""An event with registrations is never deleted with them (it is cancelled instead, which tells
those registered); a draft without registrations may still be deleted. From the team's side over
SQL and through the programme editor."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from lib.core import clock, db
from lib.core.errors import from_db_error
from lib.core.i18n import t
from lib.events import events
from tests.conftest import DEMO, app_as, authenticate_as, claims


def _draft(title: str, registered: int) -> str:
    """A draft event in ten days with `registered` members on its list (a published event put back
    to draft keeps them: the case a click could lose)."""
    starts = clock.now() + dt.timedelta(days=10)
    with db.as_owner() as conn:
        event = conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status)"
                             " values (%s, %s, %s, 20, 'draft') returning id::text",
                             (title, starts, starts + dt.timedelta(hours=2))).fetchone()["id"]
        conn.execute("insert into public.registrations (event_id, member_id) select %s, id from public.members"
                     " where active and erased_at is null order by email limit %s", (event, registered))
    return event


def _left(event: str) -> tuple[int, int]:
    with db.as_owner() as conn:
        return (conn.execute("select count(*) as n from public.events where id = %s", (event,)).fetchone()["n"],
                conn.execute("select count(*) as n from public.registrations where event_id = %s",
                             (event,)).fetchone()["n"])


def test_the_team_deleting_an_event_with_registrations_over_sql_is_refused(demo_db):
    event = _draft("Apéro RGPD", 3)
    with pytest.raises(psycopg.Error) as info, authenticate_as(DEMO["staff"]) as conn:
        conn.execute("delete from public.events where id = %s", (event,))
    assert from_db_error(info.value).key == "event.has_registrations"
    assert from_db_error(info.value).params == {"name": "Apéro RGPD", "n": 3}
    assert _left(event) == (1, 3)


def test_removing_an_event_with_registrations_in_the_editor_keeps_it_and_says_why(demo_db):
    event = _draft("Apéro RGPD", 2)
    at = app_as(DEMO["staff"], "views/events_admin.py", lang="en")
    programme = at.data_editor(key="eva_editor").value
    row = int(programme.index[programme.id == event][0])
    at.session_state["eva_editor"] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [row]}
    at.button(key="eva_save").click().run()
    assert not at.exception
    assert t("event.has_registrations", "en", name="Apéro RGPD", n=2) in [e.value for e in at.error]
    assert _left(event) == (1, 2)


def test_a_draft_without_registrations_is_still_deleted(demo_db):
    event = _draft("Brouillon", 0)
    team = claims(DEMO["staff"])
    today = clock.now().date()
    original = events.team_events(team, today, today + dt.timedelta(days=365))
    result = events.save_events(team, original[original.id != event], original)
    assert result.errors == [] and result.changes == 1
    assert _left(event) == (0, 0)
