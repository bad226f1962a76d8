"""Registration closes before an event (issue #14): per event (`events.registration_closes_at`)
or, by default, `settings.registration_cutoff_minutes` before the start. The database refuses a
member and a link visitor after it, on every path, saying when it closed in the reader's
language; the team may still register someone else."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from lib.booking import share_links
from lib.core import clock, db
from lib.core.errors import UserError
from lib.core.i18n import fmt_date, t
from lib.events import events
from tests.booking.conftest import proof_secret
from tests.conftest import claims, make_member

ALICE, HOST = "alice@example.org", "host@example.org"


@pytest.fixture
def people(empty_db):
    return {ALICE: make_member(ALICE), HOST: make_member(HOST, role="staff")}


def make_event(in_minutes: float, closes_in_minutes: float | None = None) -> str:
    starts = clock.now() + dt.timedelta(minutes=in_minutes)
    closes = clock.now() + dt.timedelta(minutes=closes_in_minutes) if closes_in_minutes is not None else None
    with db.as_owner() as conn:
        return conn.execute(
            "insert into public.events (title, starts_at, ends_at, capacity, status, registration_closes_at)"
            " values ('Apéro', %s, %s, 10, 'published', %s) returning id::text",
            (starts, starts + dt.timedelta(hours=2), closes)).fetchone()["id"]


def closing_time(event_id: str) -> dt.datetime:
    with db.as_owner() as conn:
        row = conn.execute("select private.registration_closes_at(e) as at, s.time_zone from public.events e,"
                           " public.settings s where e.id = %s", (event_id,)).fetchone()
    return row["at"].astimezone(ZoneInfo(row["time_zone"]))


def refusal(call) -> UserError:
    with pytest.raises(UserError) as info:
        call()
    return info.value


def test_a_member_is_refused_after_the_default_cut_off_and_told_when_it_closed(people):
    event = make_event(in_minutes=90)  # the setting: 2 hours before, so closed 30 minutes ago
    err = refusal(lambda: events.register(claims(ALICE), event))
    assert err.key == "event.registration_closed"
    closed = closing_time(event)
    french, english = err.message("fr"), err.message("en")
    assert fmt_date(closed.date(), "long", "fr") in french and closed.strftime("%H:%M") in french
    assert fmt_date(closed.date(), "long", "en") in english and closed.strftime("%H:%M") in english
    assert closed.date().isoformat() not in french + english  # no ISO date in a sentence
    assert "{" not in french + english
    assert events.my_registrations(claims(ALICE), people[ALICE]).empty


def test_before_the_cut_off_a_member_registers(people):
    event = make_event(in_minutes=200)
    assert events.register(claims(ALICE), event)["status"] == "registered"


def test_an_events_own_cut_off_overrides_the_setting(people):
    late = make_event(in_minutes=60, closes_in_minutes=30)  # the team lets people in until 30 min before
    assert events.register(claims(ALICE), late)["status"] == "registered"
    early = make_event(in_minutes=24 * 60, closes_in_minutes=-5)  # closed five minutes ago, a day ahead
    assert refusal(lambda: events.register(claims(ALICE), early)).key == "event.registration_closed"


def test_the_setting_moves_the_default(people):
    event = make_event(in_minutes=90)
    with db.as_owner() as conn:
        conn.execute("update public.settings set registration_cutoff_minutes = 30")
    assert events.register(claims(ALICE), event)["status"] == "registered"


def test_the_team_may_still_register_someone_else_but_not_themselves(people):
    event = make_event(in_minutes=60)
    row = events.register(claims(HOST), event, people[ALICE])
    assert row["status"] == "registered" and row["source"] == "admin"
    assert refusal(lambda: events.register(claims(HOST), event)).key == "event.registration_closed"


def test_the_link_refuses_a_request_after_the_cut_off(people):
    token = events.create_link(db.OWNER, "Newsletter")
    event = make_event(in_minutes=60)
    err = refusal(lambda: events.link_register(token, event, "guest@example.net", "Guest"))
    assert err.key == "event.registration_closed"
    assert proof_secret("guest@example.net") is None  # nothing queued


def test_a_proof_followed_after_the_cut_off_is_refused_with_when_it_closed(people):
    token = events.create_link(db.OWNER, "Newsletter")
    event = make_event(in_minutes=600, closes_in_minutes=60)
    events.link_register(token, event, "guest@example.net", "Guest")
    secret = proof_secret("guest@example.net")
    with db.as_owner() as conn:  # the visitor follows the proof once registration has closed
        conn.execute("update public.events set registration_closes_at = now() - interval '1 minute'")
        conn.execute("update private.link_requests set expires_at = now() + interval '1 hour'")
    outcome = share_links.prove(secret)
    assert outcome["outcome"] == "refused" and outcome["detail"]["key"] == "event.registration_closed"
    assert "{" not in t(outcome["detail"]["key"], "fr", **outcome["detail"]["params"])
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.registrations").fetchone()["n"] == 0


def test_the_setting_is_bounded(people):
    with db.as_owner() as conn, pytest.raises(Exception) as info:
        conn.execute("update public.settings set registration_cutoff_minutes = -1")
    assert "settings_registration_cutoff" in str(info.value)
