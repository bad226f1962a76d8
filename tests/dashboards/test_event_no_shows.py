"""Event no-shows (public.event_no_shows, supabase/migrations/20261206120000_event_door.sql): on a
finished event where attendance was taken, a registration that held a place and was never
ticked; walk-ins count on neither side; an event nobody ticked tells nothing. Per event, per month
and for the period, k-anonymised for board accounts, and shown on the dashboard next to the
desks' no-show rate."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.core import clock, db
from lib.core.errors import UserError
from lib.core.i18n import fmt_percent
from lib.demo.bookings import tiny_space
from lib.events import door
from tests.conftest import app_as, claims, make_member, noon_zone

ADMIN, BOARD, MEMBER = "boss@example.org", "board@example.org", "member@example.org"


@pytest.fixture
def held(empty_db):
    """Today (noon in the space): an apéro that ended an hour ago, 6 registered of whom 2 were
    ticked, plus a walk-in and someone waiting; a talk nobody ticked; an event still to come."""
    with db.as_owner() as conn:
        conn.execute("update public.settings set time_zone = %s", (noon_zone(),))
        tiny_space(conn)  # desks, so the dashboard has open hours to show
    make_member(ADMIN, role="admin")
    make_member(BOARD, role="board")
    make_member(MEMBER)
    now = clock.now()
    with db.as_owner() as conn:
        def event(title: str, starts: dt.datetime) -> str:
            return conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status)"
                                " values (%s, %s, %s, 10, 'published') returning id::text",
                                (title, starts, starts + dt.timedelta(hours=1))).fetchone()["id"]

        def guests(event_id: str, n: int, status: str, source: str = "app") -> None:
            for i in range(n):
                conn.execute("insert into public.registrations (event_id, guest_name, guest_email, status, source)"
                             " values (%s, %s, %s, %s, %s)",
                             (event_id, f"G{i}", f"{status}{source}{i}.{event_id[:8]}@example.org", status, source))

        apero = event("Apéro", now - dt.timedelta(hours=2))
        guests(apero, 4, "registered")
        guests(apero, 2, "attended")
        guests(apero, 1, "attended", "walk_in")
        guests(apero, 1, "waitlisted")
        talk = event("Talk", now - dt.timedelta(hours=3))
        guests(talk, 5, "registered")
        later = event("Later", now + dt.timedelta(minutes=5))
        guests(later, 5, "registered")
    return apero


def test_no_shows_count_registered_people_never_ticked_on_events_where_attendance_was_taken(held):
    today = clock.space_today(noon_zone())
    frame = door.no_shows(claims(ADMIN), today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    per_event = frame[frame.event_id.notna()]
    assert list(per_event.event_id) == [held]  # the talk nobody ticked and the coming event are not counted
    row = per_event.iloc[0]
    assert (row.expected, row.came, row.no_shows, row.no_show_rate) == (6, 2, 4, pytest.approx(0.6667))
    total = frame[frame.month.isna()].iloc[0]
    assert (total.events, total.expected, total.no_shows) == (1, 6, 4)
    month = frame[frame.month.notna() & frame.event_id.isna()].iloc[0]
    assert month.month == today.replace(day=1) and month.no_shows == 4


def test_board_accounts_read_no_title_and_no_count_under_five_and_members_nothing(held):
    today = clock.space_today(noon_zone())
    frame = door.no_shows(claims(BOARD), today, today)
    row = frame[frame.event_id.notna()].iloc[0]
    assert row.title is None and row.expected == 6 and row.came is None  # 2 people: fewer than 5
    assert row.no_show_rate == pytest.approx(0.6667)  # over 6 people: shown
    with pytest.raises(UserError) as info:
        door.no_shows(claims(MEMBER), today, today)
    assert info.value.key == "occupancy.forbidden"


def test_the_dashboard_shows_the_event_no_show_rate_next_to_the_desks(held):
    at = app_as(ADMIN, "views/occupancy.py", lang="fr")
    at.session_state["occ_preset"] = "3m"  # has open days whatever today is (the 1st may be a Saturday)
    at.run()
    assert not at.exception, at.exception
    rate = next(m for m in at.metric if m.label == "Inscrit·es absent·es")
    assert rate.value == fmt_percent(4 / 6, "fr")
    assert "Absences aux événements" in [s.value for s in at.subheader]
