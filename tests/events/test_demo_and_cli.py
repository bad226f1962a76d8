"""Demo events look like a year of a real programme, and the command line exports events and
registrations as CSV a French Excel opens, and makes shared links for events."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

from lib.core import clock, db
from lib.events import events

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lib", *args], cwd=ROOT, env=dict(os.environ), capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_demo_events_are_a_believable_year(demo_db):
    today = clock.now().date()
    with db.as_owner() as conn:
        row = conn.execute(
            "select count(*) filter (where starts_at < now() and starts_at > now() - interval '1 year') as past_year,"
            " count(*) filter (where starts_at > now() and status = 'published') as coming,"
            " count(*) filter (where status = 'draft') as drafts,"
            " count(*) filter (where status = 'cancelled') as cancelled,"
            " count(distinct kind) as kinds,"
            " count(*) filter (where title ~ '[a-z]' and title ~ '(Building|What|From|Workshop|Observability|Product)')"
            "   as english from public.events").fetchone()
        over = conn.execute(
            "select count(*) as n from public.events e where (select count(*) from public.registrations x"
            " where x.event_id = e.id and x.status in ('registered', 'attended')"
            # walk-ins may go over capacity by design (the event door, issue #14); registrations never
            "   and x.source <> 'walk_in') > e.capacity").fetchone()["n"]
        speakers = conn.execute("select count(*) filter (where member_id is not null) as members,"
                                " count(*) filter (where member_id is null) as outside from public.event_speakers"
                                ).fetchone()
        demo = conn.execute("select count(*) as n from public.registrations x join public.members m on m.id = x.member_id"
                            " where m.email = 'member@example.org' and x.status = 'registered'").fetchone()["n"]
    # about four a week (the generator's mean is 212 a year, spread about 11): bounds wide enough
    # for any start date of the demo year
    assert 150 <= row["past_year"] <= 270, row
    assert row["coming"] >= 15 and row["kinds"] == 3 and row["english"] > 0 and row["cancelled"] >= 1, row
    assert over == 0, "no event holds more registrations than its capacity"
    assert speakers["members"] > 0 and speakers["outside"] > 0
    assert demo >= 1
    stats = events.event_stats(db.OWNER, today - dt.timedelta(days=365), today - dt.timedelta(days=1))
    summary = events.stats_summary(stats)
    assert 0.6 <= summary["attendance_rate"] <= 0.8, summary
    assert 0.1 <= summary["waitlist_share"] <= 0.6 and 0.5 <= summary["fill_rate"] <= 1.0, summary


def test_export_events_and_registrations(demo_db, tmp_path):
    out = tmp_path / "events.csv"
    done = cli("export", "events", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("exported ") and " events to " in done.stdout
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    with db.as_owner() as conn:
        n = conn.execute("select count(*) as n from public.events").fetchone()["n"]
    assert len(rows) == n and {"title", "starts_at", "capacity", "registered", "attended"} <= set(rows[0])
    done = cli("export", "registrations")
    assert done.returncode == 0, done.stderr
    regs = list(csv.DictReader(io.StringIO(done.stdout.lstrip("\ufeff")), delimiter=";"))
    assert regs and "token_hash" not in regs[0] and {"event_title", "status", "guest_email"} <= set(regs[0])


def test_export_defuses_formulas(empty_db):
    starts = clock.now() + dt.timedelta(days=1)
    with db.as_owner() as conn:
        conn.execute("insert into public.events (title, starts_at, ends_at, capacity) values"
                     " ('=HYPERLINK(\"x\")', %s, %s, 5)", (starts, starts + dt.timedelta(hours=1)))
    done = cli("export", "events")
    assert done.returncode == 0 and "'=HYPERLINK" in done.stdout


def test_share_link_for_events_from_the_command_line(empty_db):
    made = cli("share-link", "create", "--label", "Newsletter événements", "--purpose", "events")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1].split("t=", 1)[1]
    assert events.link_events(token) == []
    listed = cli("share-link", "list")
    assert "Newsletter événements" in listed.stdout and token not in listed.stdout
    with db.as_owner() as conn:
        assert conn.execute("select purpose from public.share_links").fetchone()["purpose"] == "events"
