"""A newsletter burst on the shared-link page, against a trivial page, in the same run.

Starts two Streamlit servers with the same configuration (this repository's .streamlit/): the
app on a fresh embedded database with demo data, and a trivial script (a title and a button).
Each visitor is a websocket session speaking Streamlit's own protocol (what a browser tab
does): it asks for the page, then reruns it twice more — 3 reruns; a rerun's time is from the
request to `script_finished`. The pages are measured in turns over several rounds (so that
whatever else the machine does weighs on all alike); prints p50/p95, reruns per second and the
server's CPU time per rerun, for one visitor at a time and for 50 at once, and the link page's
p95 as a multiple of the trivial page's.

Usage: python bench/link_burst.py [--visitors 50] [--rounds 3] [--processes 2] [--env STREAMLIT_RUNNER_POST_SCRIPT_GC=false]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._scratch import discard, scratch_data_dir

DATA = scratch_data_dir("burst")

import psutil
import psycopg
import websockets
from psycopg.rows import dict_row
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from lib.booking import share_links
from lib.core import (
    db,
    embedded,
)
from lib.demo import seed
from tests.browser import start_app, stop_app

RERUNS = 3
TRIVIAL = 'import streamlit as st\n\nst.title("Trivial")\nst.button("Click")\n'


async def visitor(base: str, page_name: str, query: str) -> tuple[list[float], int]:
    """One websocket session: RERUNS reruns; returns their durations (ms) and errors seen."""
    ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
    durations, errors = [], 0
    async with websockets.connect(ws_url, subprotocols=["streamlit"], origin=base, max_size=None,
                                  open_timeout=120, ping_interval=None) as ws:
        for _ in range(RERUNS):
            msg = BackMsg()
            msg.rerun_script.query_string = query
            msg.rerun_script.page_name = page_name
            start = time.perf_counter()
            await ws.send(msg.SerializeToString())
            while True:
                raw = await asyncio.wait_for(ws.recv(), timeout=300)
                fwd = ForwardMsg()
                fwd.ParseFromString(raw)
                kind = fwd.WhichOneof("type")
                if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element" \
                        and fwd.delta.new_element.WhichOneof("type") == "exception":
                    errors += 1
                if kind == "script_finished":
                    if fwd.script_finished in (ForwardMsg.FINISHED_SUCCESSFULLY,
                                               ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                        break
            durations.append((time.perf_counter() - start) * 1000)
    return durations, errors


async def crowd(base: str | list[str], page_name: str, query: str, n: int) -> tuple[list[float], int, float]:
    """n visitors at once, spread round-robin over one or several servers (processes)."""
    bases = [base] if isinstance(base, str) else base
    start = time.perf_counter()
    results = await asyncio.gather(*(visitor(bases[i % len(bases)], page_name, query) for i in range(n)))
    wall = time.perf_counter() - start
    samples = [d for durations, _ in results for d in durations]
    return samples, sum(e for _, e in results), wall


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, int(round(p * len(ordered))) - 1))]


def server_cpu(pids: list[int]) -> float:
    """CPU seconds used so far by the server processes (user + system)."""
    return sum(sum(psutil.Process(pid).cpu_times()[:2]) for pid in pids)


def measure(label: str, base: str | list[str], page_name: str, query: str, visitors: int,
            pids: list[int]) -> dict[str, float]:
    """One page alone: one visitor at a time (5 × 3 reruns), then `visitors` at once."""
    return compare([(label, base, page_name, query, pids)], visitors, rounds=1)[label]


def compare(pages: list[tuple[str, str | list[str], str, str, list[int]]], visitors: int,
            rounds: int) -> dict[str, dict[str, float]]:
    """Several pages measured in turns (a round = one burst of each), so that whatever else the
    machine does weighs on all of them alike; figures pool every round's samples."""
    single: dict[str, list[float]] = {label: [] for label, *_ in pages}
    burst: dict[str, list[float]] = {label: [] for label, *_ in pages}
    totals = {label: {"wall": 0.0, "cpu": 0.0, "errors": 0} for label, *_ in pages}
    for _label, base, page_name, query, _ in pages:
        asyncio.run(crowd(base, page_name, query, 2))  # warm-up: imports, caches, pool
    for _ in range(rounds):
        for label, base, page_name, query, pids in pages:
            for _ in range(5):
                samples, errors, _ = asyncio.run(crowd(base, page_name, query, 1))
                single[label] += samples
            cpu = server_cpu(pids)
            samples, errors, wall = asyncio.run(crowd(base, page_name, query, visitors))
            totals[label]["cpu"] += server_cpu(pids) - cpu
            totals[label]["wall"] += wall
            totals[label]["errors"] += errors
            burst[label] += samples
    out = {}
    for label, *_ in pages:
        n = len(burst[label])
        fig = out[label] = {"single_p50": pct(single[label], 0.5), "single_p95": pct(single[label], 0.95),
                            "burst_p50": pct(burst[label], 0.5), "burst_p95": pct(burst[label], 0.95),
                            "rps": n / totals[label]["wall"], "cpu_ms": 1000 * totals[label]["cpu"] / n}
        print(f"{label:<10} one visitor: p50 {fig['single_p50']:7.0f} ms  p95 {fig['single_p95']:7.0f} ms   |   "
              f"{visitors} at once: p50 {fig['burst_p50']:7.0f} ms  p95 {fig['burst_p95']:7.0f} ms  "
              f"{fig['rps']:5.1f} reruns/s  server CPU {fig['cpu_ms']:4.1f} ms/rerun   errors {totals[label]['errors']}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="bursts per page, taken in turns")
    parser.add_argument("--processes", type=int, default=1,
                        help="also run the link page on this many app processes, visitors spread over them")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for both servers, e.g. STREAMLIT_RUNNER_POST_SCRIPT_GC=false")
    args = parser.parse_args()
    extra = dict(item.split("=", 1) for item in args.env)
    procs = []
    trivial_dir = Path(tempfile.mkdtemp(prefix="cantine-trivial-", dir="/tmp"))
    try:
        embedded.ensure_running(DATA)
        info = db.ensure_embedded_database("bench_burst")
        db.use_database(info)
        db.migrate(info)
        with psycopg.connect(info, row_factory=dict_row) as conn:
            seed.seed_demo(conn)
            conn.commit()
        token = share_links.create(db.OWNER, "Burst")
        from lib.web import link_page

        timings = []
        for _ in range(5):
            start = time.perf_counter()
            payload = link_page.window_payload(token, "fr")
            timings.append((time.perf_counter() - start) * 1000)
            link_page.forget_windows()
        print(f"link form data: {len(payload) / 1024:.1f} kB, computed in {sorted(timings)[2]:.0f} ms (median of 5),"
              f" then served from memory for {link_page._WINDOW_SECONDS} s")
        db.close_pools()
        (trivial_dir / "trivial.py").write_text(TRIVIAL)
        app, app_url = start_app({"DATABASE_URL": info, **extra})
        procs.append(app)
        trivial, trivial_url = start_app({"DATABASE_URL": info, **extra}, script=str(trivial_dir / "trivial.py"))
        procs.append(trivial)
        print(f"{args.visitors} visitors x {RERUNS} reruns each; same config (.streamlit/config.toml), same machine"
              + (f"; with {' '.join(args.env)}" if args.env else ""))
        print(f"{args.rounds} rounds, the three pages in turns in each")
        figures = compare([("trivial", trivial_url, "", "", [trivial.pid]),
                           ("sign-in", app_url, "", "", [app.pid]),
                           ("link page", app_url, "link", f"t={token}", [app.pid])], args.visitors, args.rounds)
        base, shell, link = figures["trivial"], figures["sign-in"], figures["link page"]
        print(f"link / trivial p95: one visitor {link['single_p95'] / base['single_p95']:.2f}x, "
              f"burst {link['burst_p95'] / base['burst_p95']:.2f}x   (target: within 1.3x); "
              f"server CPU per rerun {link['cpu_ms'] / base['cpu_ms']:.2f}x")
        if args.processes > 1:
            urls = [app_url]
            for _ in range(args.processes - 1):
                proc, url = start_app({"DATABASE_URL": info, **extra})
                procs.append(proc)
                urls.append(url)
            measure(f"link x{args.processes}", urls, "link", f"t={token}", args.visitors, [p.pid for p in procs[:1] + procs[2:]])
        print(f"app shell (sign-in page) / trivial p95: one visitor {shell['single_p95'] / base['single_p95']:.2f}x, "
              f"burst {shell['burst_p95'] / base['burst_p95']:.2f}x   (what every page of app.py pays)")
    finally:
        for proc in procs:
            stop_app(proc)
        discard(DATA)
        shutil.rmtree(trivial_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
