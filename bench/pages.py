"""Every signed-in page's rerun, for each role that may open it, against a trivial page in the same run.

For each scale (`seed --demo`, and `seed --demo --scale large`: 2,000 members, 213 resources,
three years of history) on a fresh embedded database, starts two Streamlit servers with the same
configuration (this repository's .streamlit/): the app, and a trivial script (a title and a
button). Each measurement is one websocket session speaking Streamlit's own protocol (what a
browser tab does; see bench/link_burst.py) that carries the role's demo account's remember-me
cookie (`auth.cookie_token`, so the shell signs it in as a returning browser): 3 reruns to warm
the caches, then 9 timed reruns, from the request to `script_finished`. Right before each page's
session, a trivial page's session does the same, so both share whatever else the machine is doing;
the "× trivial" column divides by the median of every trivial sample of that scale, and the
trivial page's own spread over the run is printed as the noise. `--rounds N` repeats every
measurement N times in turns and pools the samples.

Prints: page, role, elements sent (deltas of the last rerun), demo ms, × trivial, large ms,
× trivial, large ÷ demo; the target is ≤ 1.5× trivial and large ÷ demo ≤ 1.3.

Usage: python bench/pages.py [--scale demo|large|both] [--pages directory,book] [--rounds 1]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._scratch import discard, fresh_database, percentile, scratch_data_dir

DATA = scratch_data_dir("pages")

import psycopg
import websockets
from psycopg.rows import dict_row
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from lib.core import db, embedded
from lib.demo import seed
from lib.identity import auth
from lib.web import navigation
from tests.browser import start_app, stop_app

WARM, TIMED = 3, 9
TRIVIAL = 'import streamlit as st\n\nst.title("Trivial")\nst.button("Click")\n'
TARGET_TRIVIAL, TARGET_GROWTH = 1.5, 1.3


async def session(base: str, page_name: str, cookie: str | None) -> tuple[list[float], int, int]:
    """One browser tab: WARM + TIMED reruns of one page; returns the timed durations (ms), the
    exceptions the page showed, and the elements the last rerun sent."""
    ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
    headers = {"Cookie": f"{auth.COOKIE_NAME}={cookie}"} if cookie else {}
    durations, errors, elements = [], 0, 0
    async with websockets.connect(ws_url, subprotocols=["streamlit"], origin=base, max_size=None,
                                  open_timeout=120, ping_interval=None, additional_headers=headers) as ws:
        for i in range(WARM + TIMED):
            msg = BackMsg()
            msg.rerun_script.query_string = ""
            msg.rerun_script.page_name = page_name
            start = time.perf_counter()
            await ws.send(msg.SerializeToString())
            elements = 0
            while True:
                fwd = ForwardMsg()
                fwd.ParseFromString(await asyncio.wait_for(ws.recv(), timeout=300))
                kind = fwd.WhichOneof("type")
                if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                    elements += 1
                    if fwd.delta.new_element.WhichOneof("type") == "exception":
                        errors += 1
                if kind == "script_finished" and fwd.script_finished in (
                        ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                    break
            if i >= WARM:
                durations.append((time.perf_counter() - start) * 1000)
    return durations, errors, elements


def seeded(name: str, scale: str) -> str:
    info = fresh_database(DATA, name)
    t0 = time.perf_counter()
    with psycopg.connect(info, row_factory=dict_row) as conn:
        report = seed.seed_demo(conn, scale=scale)
        conn.commit()
        conn.autocommit = True
        conn.execute("vacuum analyze")
    print(f"seed --demo --scale {scale}: {report.notes[0]} in {time.perf_counter() - t0:.0f} s", flush=True)
    return info


def cookies() -> dict[str, str]:
    """A remember-me cookie for each role's demo account."""
    out = {}
    with db.as_owner() as conn:
        for email, (role, _name) in seed.DEMO_ACCOUNTS.items():
            user_id = conn.execute("select user_id::text from public.members where email = %s", (email,)).fetchone()["user_id"]
            out[role] = auth.cookie_token(auth.person_for_user(user_id))
    return out


def measure_scale(scale: str, specs: list[navigation.PageSpec], rounds: int) -> dict:
    """{(page, role): (p50 ms, elements, errors)} and the trivial page's samples, for one scale."""
    info = seeded(f"bench_pages_{scale}", "small" if scale == "demo" else scale)
    tokens = cookies()
    db.close_pools()
    trivial_dir = Path(tempfile.mkdtemp(prefix="cantine-trivial-", dir="/tmp"))
    (trivial_dir / "trivial.py").write_text(TRIVIAL)
    procs = []
    try:
        app, app_url = start_app({"DATABASE_URL": info, "CANTINE_SENDER": "off"})
        procs.append(app)
        trivial, trivial_url = start_app({"DATABASE_URL": info}, script=str(trivial_dir / "trivial.py"))
        procs.append(trivial)
        asyncio.run(session(trivial_url, "", None))  # warm both processes: imports, pool, caches
        asyncio.run(session(app_url, "", tokens["admin"]))
        samples: dict[tuple[str, str], list[float]] = {}
        seen: dict[tuple[str, str], tuple[int, int]] = {}
        trivial_samples: list[float] = []
        trivial_p50s: list[float] = []
        for _ in range(rounds):
            for spec in specs:
                for role in sorted(spec.roles):
                    base, _, _ = asyncio.run(session(trivial_url, "", None))
                    trivial_samples += base
                    trivial_p50s.append(statistics.median(base))
                    durations, errors, elements = asyncio.run(session(app_url, spec.url_path, tokens[role]))
                    samples.setdefault((spec.url_path, role), []).extend(durations)
                    previous = seen.get((spec.url_path, role), (0, 0))
                    seen[(spec.url_path, role)] = (elements, previous[1] + errors)
        trivial_p50 = statistics.median(trivial_samples)
        print(f"{scale}: trivial page p50 {trivial_p50:.0f} ms; its per-session p50 ranged "
              f"{min(trivial_p50s):.0f}–{max(trivial_p50s):.0f} ms (p10–p90 {percentile(trivial_p50s, 0.1):.0f}–"
              f"{percentile(trivial_p50s, 0.9):.0f}) over {len(trivial_p50s)} sessions: the noise", flush=True)
        return {"trivial": trivial_p50,
                "pages": {key: (statistics.median(v), *seen[key]) for key, v in samples.items()}}
    finally:
        for proc in procs:
            stop_app(proc)
        shutil.rmtree(trivial_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=("demo", "large", "both"), default="both")
    parser.add_argument("--pages", default="", help="comma-separated url paths (default: every signed-in page)")
    parser.add_argument("--rounds", type=int, default=1, help="measure every page this many times, in turns")
    args = parser.parse_args()
    wanted = {p.strip() for p in args.pages.split(",") if p.strip()}
    specs = [p for p in navigation.PAGES if not wanted or p.url_path in wanted]
    if wanted - {p.url_path for p in specs}:
        parser.error(f"unknown pages: {', '.join(sorted(wanted - {p.url_path for p in specs}))}")
    scales = ("demo", "large") if args.scale == "both" else (args.scale,)
    results = {}
    try:
        embedded.ensure_running(DATA)
        for scale in scales:
            results[scale] = measure_scale(scale, specs, args.rounds)
    finally:
        discard(DATA)
    print(f"\n{WARM} warm + {TIMED} timed reruns per session, cookie sign-in over the websocket, "
          f"{args.rounds} round(s); target ≤ {TARGET_TRIVIAL}× trivial, large ÷ demo ≤ {TARGET_GROWTH}")
    print(f"{'page':<16}{'role':<8}{'elements':>9}" + "".join(f"{s + ' ms':>10}{'× trivial':>11}" for s in scales)
          + (f"{'large ÷ demo':>14}" if len(scales) == 2 else "") + "  ")
    misses = 0
    for spec in specs:
        for role in sorted(spec.roles):
            key = (spec.url_path, role)
            cells, over = "", False
            errors = sum(results[s]["pages"][key][2] for s in scales)
            for s in scales:
                ms = results[s]["pages"][key][0]
                ratio = ms / results[s]["trivial"]
                over |= ratio > TARGET_TRIVIAL
                cells += f"{ms:10.0f}{ratio:11.1f}"
            if len(scales) == 2:
                growth = results["large"]["pages"][key][0] / results["demo"]["pages"][key][0]
                over |= growth > TARGET_GROWTH
                cells += f"{growth:14.1f}"
            elements = results[scales[-1]]["pages"][key][1]
            misses += over
            print(f"{spec.url_path:<16}{role:<8}{elements:>9}{cells}  {'OVER' if over else ''}"
                  f"{f'  {errors} exceptions!' if errors else ''}")
    print("trivial page: " + ", ".join(f"{s} {results[s]['trivial']:.0f} ms" for s in scales)
          + f"; {misses} row(s) over target")


if __name__ == "__main__":
    main()
