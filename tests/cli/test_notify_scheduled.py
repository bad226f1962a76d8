"""`python -m lib notify remind|digest` print what they queued, and queue nothing twice."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from lib.core import clock, db
from tests.cli.test_cli_and_seed import cli
from tests.conftest import make_member


def test_remind_and_digest_say_what_they_queued(empty_db):
    make_member("boss@example.org", role="admin")
    member = make_member("ann@example.org")
    with db.as_owner() as conn:
        tz = conn.execute("select time_zone from public.settings").fetchone()["time_zone"]
        tomorrow = clock.space_today(tz) + dt.timedelta(days=1)
        starts = dt.datetime.combine(tomorrow, dt.time(18), ZoneInfo(tz))
        event = conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status)"
                             " values ('Apéro', %s, %s, 20, 'published') returning id",
                             (starts, starts + dt.timedelta(hours=2))).fetchone()["id"]
        conn.execute("insert into public.registrations (event_id, member_id) values (%s, %s)", (event, member))

    first, again = cli("notify", "remind"), cli("notify", "remind")
    assert first.returncode == 0 and "queued 1 reminder(s) for tomorrow" in first.stdout, first.stderr
    assert again.returncode == 0 and "queued 0 reminder(s)" in again.stdout
    first, again = cli("notify", "digest"), cli("notify", "digest")
    assert first.returncode == 0 and "queued 1 weekly digest(s)" in first.stdout, first.stderr
    assert "queued 0 weekly digest(s)" in again.stdout
    with db.as_owner() as conn:
        kinds = [r["kind"] for r in conn.execute("select kind from public.notifications order by kind").fetchall()]
    # the registration's own confirmation (queued by its insert), then one reminder and one digest
    assert kinds == ["event_reminder", "registration_confirmed", "team_digest"]
