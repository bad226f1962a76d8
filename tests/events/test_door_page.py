"""The door page (views/door.py) through AppTest: staff pick today's event, tick people present in
one tap each (saved at once, no save button), search as they type (filtered in SQL), add a
walk-in to a full event; counts follow. Members cannot open it; a closed door says when it opens."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.core import clock, db
from tests.conftest import app_as, make_member, noon_zone

HOST, ALICE, BOB = "host@example.org", "alice@example.org", "bob@example.org"


@pytest.fixture
def door_day(empty_db):
    with db.as_owner() as conn:
        # noon where the space is: an event around now stays on today's local date at any hour
        conn.execute("update public.settings set time_zone = %s", (noon_zone(),))
    make_member(HOST, role="staff", full_name="Hélène Host")
    ids = {ALICE: make_member(ALICE, full_name="Alice Dupré"), BOB: make_member(BOB, full_name="Bob Martin")}
    starts = clock.now() - dt.timedelta(minutes=20)
    with db.as_owner() as conn:
        event = conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status)"
                             " values ('Apéro complet', %s, %s, 2, 'published') returning id::text",
                             (starts, starts + dt.timedelta(hours=2))).fetchone()["id"]
        regs = {email: conn.execute("insert into public.registrations (event_id, member_id) values (%s, %s)"
                                    " returning id::text", (event, member)).fetchone()["id"]
                for email, member in ids.items()}
    return event, regs


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def statuses(event: str) -> dict[str, str]:
    with db.as_owner() as conn:
        return {r["who"]: r["status"] for r in conn.execute(
            "select coalesce(m.full_name, x.guest_name) as who, x.status from public.registrations x"
            " left join public.members m on m.id = x.member_id where x.event_id = %s", (event,)).fetchall()}


def test_staff_tick_two_people_and_add_a_walk_in_to_a_full_event(door_day):
    event, regs = door_day
    at = app_as(HOST, "views/door.py", lang="fr")
    assert not at.exception, at.exception
    assert at.title[0].value == "Accueil d'événement"
    assert metrics(at) == {"Inscrit·es": "2", "Présent·es": "0", "Sur place": "0", "En attente": "0"}
    assert not [b for b in at.button if "Enregistrer" in b.label]  # no save button to forget
    at.checkbox(key=f"door_{regs[ALICE]}_registered").check().run()
    assert statuses(event)["Alice Dupré"] == "attended"  # saved by the tap itself
    at.checkbox(key=f"door_{regs[BOB]}_registered").check().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert metrics(at)["Présent·es"] == "2"
    at.text_input(key="door_wi_name").input("Zoé Sur-Place")
    at.text_input(key="door_wi_email").input("")
    next(b for b in at.button if b.label == "Ajouter présent·e").click().run()
    assert not at.error, [e.value for e in at.error]
    assert statuses(event) == {"Alice Dupré": "attended", "Bob Martin": "attended", "Zoé Sur-Place": "attended"}
    assert metrics(at) == {"Inscrit·es": "2", "Présent·es": "3", "Sur place": "1", "En attente": "0"}
    assert at.text_input(key="door_wi_name").value == ""  # ready for the next person


def test_the_search_filters_the_list_and_an_untick_is_saved_too(door_day):
    event, regs = door_day
    at = app_as(HOST, "views/door.py", lang="en")
    shown = {c.key for c in at.checkbox}
    assert shown == {f"door_{regs[ALICE]}_registered", f"door_{regs[BOB]}_registered"}
    at.text_input(key="door_search").input("dupre").run()
    assert {c.key for c in at.checkbox} == {f"door_{regs[ALICE]}_registered"}
    at.checkbox(key=f"door_{regs[ALICE]}_registered").check().run()
    at.checkbox(key=f"door_{regs[ALICE]}_attended").uncheck().run()
    assert statuses(event)["Alice Dupré"] == "registered"
    at.text_input(key="door_search").input("nobody here").run()
    assert not at.checkbox and "Nobody matches" in at.info[0].value


def test_a_door_that_is_not_open_yet_says_when_and_members_cannot_open_the_page(empty_db):
    with db.as_owner() as conn:
        conn.execute("update public.settings set time_zone = %s", (noon_zone(),))
        starts = clock.now() + dt.timedelta(hours=3)  # still today: it is noon in the space
        conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status)"
                     " values ('Plus tard', %s, %s, 5, 'published')", (starts, starts + dt.timedelta(hours=1)))
    make_member(HOST, role="staff")
    make_member(ALICE)
    at = app_as(HOST, "views/door.py", lang="fr")
    assert not at.exception
    assert "La porte ouvre" in at.info[0].value and "(2 heures avant le début)" in at.info[0].value
    assert not [b for b in at.button if b.label == "Ajouter présent·e"]
    try:
        refused = app_as(ALICE, "views/door.py", lang="fr")
    except Exception:  # noqa: BLE001 - switch_page may raise for a page the role may not see
        return
    assert "Accueil d'événement" not in [x.value for x in refused.title] and not refused.metric
