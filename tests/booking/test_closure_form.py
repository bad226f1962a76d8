"""Closures on the resources page (issue #13): creating one is a form — its errors next to its
fields, nothing typed lost on an error —, the grid stays for editing existing ones and shows no
"None", and "Annuler ces réservations", which e-mails everyone, asks first, saying how many
people will be told."""

from __future__ import annotations

import datetime as dt

from lib.booking import bookings, resources_admin
from lib.core import db
from lib.core.i18n import t
from tests.booking.conftest import ALICE, BOB, future_day
from tests.conftest import app_as, claims, make_member

PAGE = "views/resources.py"
BOSS = "boss@example.org"


def _closures() -> list[dict]:
    with db.as_owner() as conn:
        return conn.execute("select starts_on, ends_on, resource_id, reason from public.closures").fetchall()


def _live(ids: list[str]) -> int:
    with db.as_owner() as conn:
        return conn.execute("select count(*) as n from public.bookings where id = any(%s::uuid[])"
                            " and status <> 'cancelled'", (ids,)).fetchone()["n"]


def test_a_closure_with_a_mistake_is_corrected_without_retyping(space):
    make_member(BOSS, role="admin")
    day = future_day(space["settings"], 10)
    at = app_as(BOSS, PAGE, "fr")
    assert not at.exception, at.exception
    at.date_input(key="closure_new_from").set_value(day)
    at.date_input(key="closure_new_to").set_value(day - dt.timedelta(days=2))  # the mistake
    at.text_input(key="closure_new_reason").input("Inventaire annuel")
    at.button(key="FormSubmitter:closure_new-" + t("resources.closure_add", "fr")).click().run()
    assert not at.exception, at.exception
    assert _closures() == [], "nothing saved with a mistake"
    assert t("resources.err.dates", "fr") in [e.value for e in at.error]
    # what was typed is still there: only the wrong field changes
    assert at.text_input(key="closure_new_reason").value == "Inventaire annuel"
    assert at.date_input(key="closure_new_from").value == day
    at.date_input(key="closure_new_to").set_value(day + dt.timedelta(days=1))
    at.button(key="FormSubmitter:closure_new-" + t("resources.closure_add", "fr")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    saved = _closures()
    assert [(c["starts_on"], c["ends_on"], c["resource_id"], c["reason"]) for c in saved] == [
        (day, day + dt.timedelta(days=1), None, "Inventaire annuel")]
    # a fresh form for the next one
    assert [box.value for box in at.text_input if box.label == t("resources.col.reason", "fr")] == [""]
    assert t("resources.closure_added", "fr") in [s.value for s in at.success] + [m.value for m in at.markdown]


def test_a_closure_without_a_reason_says_so_next_to_the_reason(space):
    make_member(BOSS, role="admin")
    at = app_as(BOSS, PAGE, "en")
    at.button(key="FormSubmitter:closure_new-" + t("resources.closure_add", "en")).click().run()
    assert _closures() == []
    assert t("resources.err.reason", "en") in [e.value for e in at.error]


def test_the_grid_of_closures_shows_no_none(space):
    make_member(BOSS, role="admin")
    day = future_day(space["settings"], 5)
    with db.as_owner() as conn:
        conn.execute("insert into public.closures (starts_on, ends_on, reason) values (%s, %s, 'Noël')", (day, day))
    at = app_as(BOSS, PAGE, "fr")
    grids = [d for d in at.dataframe if d.proto.editing_mode and "Noël" in d.value.to_string()]
    assert grids, "the closures' grid"
    grid = grids[0]
    assert grid.proto.HasField("placeholder") and grid.proto.placeholder == ""
    assert list(grid.value["resource"]) == [t("resources.whole_space", "fr")], "the whole space, not None"
    assert "None" not in grid.value.to_string()
    # saving the grid unchanged keeps the closure for the whole space
    edited = resources_admin.closures(claims(BOSS))
    assert resources_admin.save_closures(claims(BOSS), edited, edited).errors == []


def _hits(space) -> list[str]:
    s = space["settings"]
    day = future_day(s, 2)
    ids = [str(bookings.book(claims(ALICE), space["desks"][0], *bookings.slot_range(day, "am", s))["id"]),
           str(bookings.book(claims(ALICE), space["desks"][0], *bookings.slot_range(day, "pm", s))["id"]),
           str(bookings.book(claims(BOB), space["desks"][1], *bookings.slot_range(day, "am", s))["id"])]
    with db.as_owner() as conn:
        conn.execute("insert into public.closures (starts_on, ends_on, reason) values (%s, %s, 'Travaux')", (day, day))
    return ids


def test_cancelling_the_bookings_a_closure_hits_asks_first_and_says_how_many_are_told(space):
    make_member(BOSS, role="admin")
    ids = _hits(space)
    at = app_as(BOSS, PAGE, "fr")
    at.button(key="closure_cancel").click().run()
    assert not at.exception, at.exception
    assert _live(ids) == 3, "one click cancels nothing"
    asked = [w.value for w in at.warning]
    assert t("resources.closure_confirm", "fr", n=3, people=2) in asked, asked
    assert "3 réservations" in asked[-1] and "2 personnes" in asked[-1]
    headers = list(at.dataframe[-1].value.columns)
    assert t("book.day", "fr") in headers and "day" not in headers and "who" not in headers
    at.button(key="closure_cancel_back").click().run()
    assert _live(ids) == 3 and not any("personnes" in w.value for w in at.warning)
    at.button(key="closure_cancel").click().run()
    at.button(key="closure_cancel_confirm").click().run()
    assert not at.exception, at.exception
    assert _live(ids) == 0
