"""My bookings says what happened (#13): cancelled bookings stay (with who cancelled), past ones
say came / no-show / not checked in, a closure on a booking warns its member (here and on the
home page), and cancelling asks first."""

from __future__ import annotations

import datetime as dt

from lib.booking import bookings
from lib.core import db
from tests.booking.conftest import ALICE, book_slot
from tests.conftest import app_as, shown


def _texts(at) -> str:
    parts = [*at.info, *at.warning, *at.markdown, *at.caption, *at.text]
    return " ".join(shown(str(x.value)) for x in parts)


def _past(space, desk: int, days_ago: int, **extra) -> str:
    settings = space["settings"]
    day = bookings.local_today(settings) - dt.timedelta(days=days_ago)
    starts, ends = bookings.slot_range(day, "day", settings)
    cols = ", ".join(["resource_id", "member_id", "during", "units", *extra])
    vals = ", ".join(["%s", "%s", "tstzrange(%s, %s)", "1", *["%s"] * len(extra)])
    with db.as_owner() as conn:
        return conn.execute(f"insert into public.bookings ({cols}) values ({vals}) returning id::text",
                            (space["desks"][desk], space["alice"], starts, ends, *extra.values())).fetchone()["id"]


def test_cancelled_stay_and_past_say_what_happened(space):
    settings = space["settings"]
    later = book_slot(ALICE, space["desks"][0], bookings.local_today(settings) + dt.timedelta(days=3), "am", settings)
    with db.as_owner() as conn:
        conn.execute("update public.bookings set status = 'cancelled', cancelled_at = now(), cancel_reason = 'team'"
                     " where id = %s", (later["id"],))
    _past(space, 1, 2, checked_in_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
    _past(space, 1, 3, no_show_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
    _past(space, 1, 4)
    at = app_as(ALICE, "views/my_bookings.py", lang="en")
    assert not at.exception
    text = _texts(at)
    assert "cancelled by the team" in text
    past = at.dataframe[0].value
    outcomes = set(past[past.columns[-1]])
    assert {"came", "no-show", "not checked in"} <= outcomes, outcomes
    assert "confirmed" not in outcomes


def test_a_closure_on_my_booking_warns_me_here_and_at_home(space):
    settings = space["settings"]
    day = bookings.local_today(settings) + dt.timedelta(days=5)
    book_slot(ALICE, space["desks"][0], day, "day", settings)
    with db.as_owner() as conn:
        conn.execute("insert into public.closures (starts_on, ends_on, reason) values (%s, %s, 'Dégât des eaux')",
                     (day, day))
    at = app_as(ALICE, "views/my_bookings.py", lang="fr")
    assert any("Dégât des eaux" in shown(w.value) for w in at.warning), [w.value for w in at.warning]
    home = app_as(ALICE, "views/home.py", lang="fr")
    assert any("fermeture" in shown(w.value) for w in home.warning), [w.value for w in home.warning]


def test_cancelling_asks_first(space):
    settings = space["settings"]
    made = book_slot(ALICE, space["desks"][0], bookings.local_today(settings) + dt.timedelta(days=3), "am", settings)
    at = app_as(ALICE, "views/my_bookings.py", lang="en")
    at.button(key=f"cancel_{made['id']}").click().run()
    with db.as_owner() as conn:
        assert conn.execute("select status from public.bookings where id = %s", (made["id"],)).fetchone()[
            "status"] == "confirmed", "one tap must not cancel"
    at.button(key=f"cancel_yes_{made['id']}").click().run()
    assert not at.exception
    with db.as_owner() as conn:
        assert conn.execute("select status from public.bookings where id = %s", (made["id"],)).fetchone()[
            "status"] == "cancelled"
