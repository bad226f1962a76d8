"""Booking that says what is true (#13): several days on the weekday of the day chosen, a refused
day says why (already taken vs just taken), closed / past / too-far days get their own sentence,
and the page opens on today while today still has a free slot."""

from __future__ import annotations

import datetime as dt

from lib.booking import bookings
from lib.core import caches, clock, db
from lib.core.i18n import fmt_date
from tests.booking.conftest import ALICE, BOB, book_slot
from tests.conftest import app_as, claims, noon_zone, shown


def _set(**values) -> None:
    with db.as_owner() as conn:
        for column, value in values.items():
            conn.execute(f"update public.settings set {column} = %s", (value,))


def _texts(at) -> str:
    return " ".join(shown(x.value) for x in [*at.info, *at.warning, *at.error, *at.success, *at.markdown, *at.caption])


def test_several_days_follow_the_weekday_of_the_day_moved_to(space):
    at = app_as(ALICE, "views/book.py", lang="en")
    first = at.date_input(key="book_day").value
    moved = first + dt.timedelta(days=6)  # another weekday than the day the page opened on
    at.date_input(key="book_day").set_value(moved).run()
    assert not at.exception
    until = moved + dt.timedelta(days=21)
    at.date_input(key="book_rep_until").set_value(until).run()
    at.button(key="book_rep_go").click().run()
    assert not at.exception
    with db.as_owner() as conn:
        days = [r["day"] for r in conn.execute(
            "select day from public.bookings where member_id = %s and status <> 'cancelled' order by day",
            (space["alice"],))]
    assert days == [moved + dt.timedelta(days=7 * i) for i in range(4)], days
    assert {d.isoweekday() for d in days} == {moved.isoweekday()}


def test_a_day_taken_long_ago_is_not_just_taken(space):
    settings = space["settings"]
    desk = space["desks"][0]
    day = bookings.local_today(settings) + dt.timedelta(days=3)
    book_slot(BOB, desk, day, "day", settings)
    with db.as_owner() as conn:  # Bob booked it weeks ago
        conn.execute("update public.bookings set created_at = now() - interval '20 days'")
    outcomes = bookings.book_many(claims(ALICE), desk, [day], "day", settings)
    assert outcomes[0].reason == "booking.taken_earlier"


def test_closed_past_and_too_far_days_each_say_why(space):
    today = bookings.local_today(space["settings"])
    _set(open_days=[d for d in range(1, 8) if d != (today + dt.timedelta(days=2)).isoweekday()],
         booking_window_days=10)
    with db.as_owner() as conn:
        conn.execute("insert into public.closures (starts_on, ends_on, reason) values (%s, %s, 'Inventaire')",
                     (today + dt.timedelta(days=4), today + dt.timedelta(days=5)))
    at = app_as(ALICE, "views/book.py", lang="fr")
    far = today + dt.timedelta(days=30)
    far = far if (far - today).days % 7 != 2 else far + dt.timedelta(days=1)  # not the closed weekday
    cases = {
        today + dt.timedelta(days=2): ["fermé le", "Prochain jour d'ouverture", fmt_date(today + dt.timedelta(days=3), lang="fr")],
        today + dt.timedelta(days=4): ["Inventaire", fmt_date(today + dt.timedelta(days=5), lang="fr")],
        today - dt.timedelta(days=1): ["passé"],
        far: ["ouvrent le", fmt_date(far - dt.timedelta(days=10), lang="fr")],
    }
    for day, words in cases.items():
        at.date_input(key="book_day").set_value(day).run()
        assert not at.exception
        text = _texts(at)
        assert "Plus rien de libre" not in text, day
        for word in words:
            assert word in text, (day, word, text)


def test_the_page_opens_on_today_while_a_slot_is_free_today(space):
    _set(time_zone=noon_zone())  # about 12:30 there: the afternoon is still to come
    today = clock.space_today(noon_zone())
    at = app_as(ALICE, "views/book.py", lang="en")
    assert at.date_input(key="book_day").value == today
    with db.as_owner() as conn:  # the whole space closed today: the next open day
        conn.execute("insert into public.closures (starts_on, ends_on, reason) values (%s, %s, 'Travaux')",
                     (today, today))
    caches.forget_all()  # the page's grid is cached for 20 s
    at = app_as(ALICE, "views/book.py", lang="en")
    assert at.date_input(key="book_day").value == today + dt.timedelta(days=1)
