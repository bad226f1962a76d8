"""Newcomer trap (#13): loading the demo data never deletes what exists. A shared link made with
the command line before the first page is opened survives the first run's demo data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lib.booking import share_links
from lib.core import db
from lib.demo import seed

ROOT = Path(__file__).resolve().parents[2]


def _labels() -> list[str]:
    return sorted(share_links.list_links(db.OWNER).label)


def test_a_link_made_before_the_first_run_survives_the_demo_data(empty_db):
    share_links.create(db.OWNER, "Newsletter décembre")
    # what `python -m lib seed --demo --first-run` (run.sh, before the first page) runs
    done = subprocess.run([sys.executable, "-m", "lib", "seed", "--demo"], cwd=ROOT, env=dict(os.environ),
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert "Newsletter décembre" in _labels()
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.members").fetchone()["n"] >= 100, "demo loaded too"


def test_seeding_demo_alongside_existing_rows_deletes_none_of_them(empty_db):
    share_links.create(db.OWNER, "Affiche du hall")
    with db.as_owner() as conn:
        conn.execute("insert into public.zones (name) values ('Atelier existant')")
        seed.seed_demo(conn)
    assert "Affiche du hall" in _labels()
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.zones where name = 'Atelier existant'"
                            ).fetchone()["n"] == 1
