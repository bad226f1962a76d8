"""The attendance tab of the team's events page (views/events_admin.py): each tick is saved at
once (no "save attendance" button to forget, no jump back to the Programme tab), the team's
registration form says who went where ("Bob Martin is registered", "… on the waiting list, in
position 1"), and once the event has started the form gives way to a link to the door page."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.core import clock, db
from tests.conftest import app_as, make_member, noon_zone, shown

HOST, ALICE, BOB = "host@example.org", "alice@example.org", "bob@example.org"


@pytest.fixture
def team(empty_db):
    with db.as_owner() as conn:
        conn.execute("update public.settings set time_zone = %s", (noon_zone(),))
    make_member(HOST, role="staff")
    return {ALICE: make_member(ALICE, full_name="Alice Dupré"), BOB: make_member(BOB, full_name="Bob Martin")}


def make_event(title: str, starts: dt.datetime, capacity: int) -> str:
    with db.as_owner() as conn:
        return conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status)"
                            " values (%s, %s, %s, %s, 'published') returning id::text",
                            (title, starts, starts + dt.timedelta(hours=2), capacity)).fetchone()["id"]


def register(event: str, member: str) -> str:
    with db.as_owner() as conn:
        return conn.execute("insert into public.registrations (event_id, member_id) values (%s, %s) returning id::text",
                            (event, member)).fetchone()["id"]


def status(rid: str) -> str:
    with db.as_owner() as conn:
        return conn.execute("select status from public.registrations where id = %s", (rid,)).fetchone()["status"]


def test_each_tick_is_saved_at_once_and_registering_has_moved_to_the_door(team):
    event = make_event("Soirée", clock.now() - dt.timedelta(minutes=20), 5)
    alice, bob = register(event, team[ALICE]), register(event, team[BOB])
    at = app_as(HOST, "views/events_admin.py", lang="fr")
    assert not at.exception, at.exception
    assert not [b for b in at.button if b.label == "Enregistrer les présences"]
    at.checkbox(key=f"eva_att_{alice}_registered").check().run()
    assert status(alice) == "attended" and status(bob) == "registered"  # saved by the tick itself
    at.checkbox(key=f"eva_att_{bob}_registered").check().run()
    assert not at.error, [e.value for e in at.error]
    assert status(bob) == "attended"
    assert "2 présent·es" in " ".join(c.value for c in at.caption)
    at.checkbox(key=f"eva_att_{bob}_attended").uncheck().run()
    assert status(bob) == "registered"
    # started: the registration form gives way to the door (walk-ins), it does not just vanish
    assert not [b for b in at.button if b.label == "Inscrire"]
    assert any("Accueil d'événement" in i.value for i in at.info)
    assert "Ouvrir l'accueil d'événement" in [p.label for p in at.get("page_link")]


@pytest.mark.parametrize("lang,placed,waiting", [
    ("fr", "Bob Martin est inscrit·e à « Atelier ».", "« Atelier » est complet : Alice Dupré est sur la liste "
                                                     "d'attente, en position 1."),
    ("en", "Bob Martin is registered for “Atelier”.", "“Atelier” is full: Alice Dupré is on the waiting list, in "
                                                     "position 1.")])
def test_the_team_is_told_about_the_person_they_registered_and_where_they_went(team, lang, placed, waiting):
    make_event("Atelier", clock.now() + dt.timedelta(days=2), 1)
    at = app_as(HOST, "views/events_admin.py", lang=lang)
    submit = next(b for b in at.button if b.label in ("Inscrire", "Register"))
    at.selectbox(key="eva_member").select(team[BOB])
    submit.click().run()
    assert not at.error, [e.value for e in at.error]
    assert [shown(s.value) for s in at.success] == [placed]
    at.selectbox(key="eva_member").select(team[ALICE])
    next(b for b in at.button if b.label in ("Inscrire", "Register")).click().run()
    assert [shown(s.value) for s in at.success] == [waiting]
