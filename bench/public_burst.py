"""A newsletter burst on the public face (issue #17): the showcase, a search in it, a member's
page, the agenda and an event's page, against a trivial page, in the same run, on the large
demo space (2,000 members, hundreds of them public).

Same method as bench/link_burst.py (whose visitors and rounds it reuses): two Streamlit servers
with this repository's configuration, the app on a fresh embedded database and a trivial script;
each visitor a websocket session doing 3 reruns; pages measured in turns over several rounds.
Prints each page's p50/p95 for one visitor and for 50 at once, and its burst p95 as a multiple
of the trivial page's (target: within 1.3x).

Usage: python bench/public_burst.py [--visitors 50] [--rounds 3] [--scale large]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from psycopg.rows import dict_row

import bench.link_burst as burst  # first: it points the process at a scratch data folder
from bench._scratch import discard
from lib.core import db, embedded
from lib.demo import seed
from lib.directory import showcase
from tests.browser import start_app, stop_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="bursts per page, taken in turns")
    parser.add_argument("--scale", choices=("small", "large"), default="large")
    args = parser.parse_args()
    procs = []
    trivial_dir = Path(tempfile.mkdtemp(prefix="cantine-trivial-", dir="/tmp"))
    try:
        embedded.ensure_running(burst.DATA)
        info = db.ensure_embedded_database("bench_public")
        db.use_database(info)
        db.migrate(info)
        with psycopg.connect(info, row_factory=dict_row) as conn:
            seed.seed_demo(conn, scale=args.scale)
            conn.commit()
        people = showcase.members(db.ANONYMOUS)
        events = showcase.events(db.ANONYMOUS)
        busiest = max(people, key=lambda p: (p["talks"], len(p["skills"])))
        timings = []
        for _ in range(5):
            showcase.forget()
            start = time.perf_counter()
            showcase.members(db.ANONYMOUS)
            timings.append((time.perf_counter() - start) * 1000)
        print(f"{args.scale} demo: {len(people)} public members, {len(events)} coming public events; "
              f"the showcase read in {sorted(timings)[2]:.0f} ms (median of 5), then from memory until a change")
        db.close_pools()
        (trivial_dir / "trivial.py").write_text(burst.TRIVIAL)
        app, app_url = start_app({"DATABASE_URL": info, "CANTINE_SENDER": "off"})
        procs.append(app)
        trivial, trivial_url = start_app({"DATABASE_URL": info}, script=str(trivial_dir / "trivial.py"))
        procs.append(trivial)
        print(f"{args.visitors} visitors x {burst.RERUNS} reruns each; {args.rounds} rounds, the pages in turns")
        pages = [("trivial", trivial_url, "", "", [trivial.pid]),
                 ("showcase", app_url, "", "showcase=", [app.pid]),
                 ("search", app_url, "", "showcase=&q=design", [app.pid]),
                 ("member", app_url, "", f"showcase={busiest['id']}", [app.pid]),
                 ("agenda", app_url, "", "agenda=", [app.pid])]
        if events:
            pages.append(("event", app_url, "", f"agenda={events[0]['id']}", [app.pid]))
        figures = burst.compare(pages, args.visitors, args.rounds)
        base = figures["trivial"]
        for label, *_ in pages[1:]:
            fig = figures[label]
            print(f"{label:<10} / trivial p95: one visitor {fig['single_p95'] / base['single_p95']:.2f}x, "
                  f"burst {fig['burst_p95'] / base['burst_p95']:.2f}x   (target: within 1.3x)")
    finally:
        for proc in procs:
            stop_app(proc)
        discard(burst.DATA)
        shutil.rmtree(trivial_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
