"""What the occupancy dashboard's queries cost, as a board member, on a fresh embedded database.

For the demo data (`seed --demo`: a year of bookings) and the large data (`seed --demo --scale
large`: three years on a ten-zone space), each dashboard query over the last 12 months: p50 and
p95 in ms, and its p50 as a multiple of `occupancy_daily` over the same 12 months (the baseline,
the bookings area's own per-day aggregate). Then a whole cold page (every query the page makes,
cache empty) for this month and for 12 months.

Then the page itself (issue #15): the occupancy page's rerun as a board member with its caches
warm, against a trivial Streamlit page (a title and a button) in the same process and run, both
through Streamlit's AppTest (the script's own cost: widgets, charts, downloads; what a rerun pays
besides the websocket), as p50 and the ratio; and the annual report's build time (figures, then
the PDF with its chart).

Usage: python bench/occupancy.py [--quick] [-n N]   (--quick skips the large data set)
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._scratch import discard, fresh_database, percentile, scratch_data_dir

DATA = scratch_data_dir("occupancy")

import psycopg
from psycopg.rows import dict_row

from lib.core import clock, db, embedded
from lib.dashboards import occupancy, report
from lib.demo import seed

ROOT = Path(__file__).resolve().parent.parent
TRIVIAL = "import streamlit as st\nst.title('Trivial')\nst.button('Click')\n"


def seeded(name: str, scale: str) -> str:
    info = fresh_database(DATA, name)
    t0 = time.perf_counter()
    with psycopg.connect(info, row_factory=dict_row) as conn:
        report = seed.seed_demo(conn, scale=scale)
        conn.commit()
        conn.autocommit = True
        conn.execute("vacuum analyze")
    print(f"seed --demo --scale {scale}: {report.notes[0]} in {time.perf_counter() - t0:.1f} s")
    return info


def queries(period: occupancy.Period) -> dict[str, tuple[str, tuple]]:
    """The page's SQL, by name: what lib/dashboards/occupancy.py sends for one period."""
    lead = period.first - dt.timedelta(days=occupancy.ROLLING_DAYS - 1)
    before = period.previous()
    return {
        "occupancy_daily (baseline)": ("select * from public.occupancy_daily(%s, %s, null, 'desk')",
                                       (period.first, period.last)),
        "occupancy_days (+6 days)": ("select * from public.occupancy_days(%s, %s, null, 'desk')",
                                     (lead, period.last)),
        "occupancy_summary": ("select * from public.occupancy_summary(%s, %s, null, 'desk')",
                              (period.first, period.last)),
        "occupancy_summary (before)": ("select * from public.occupancy_summary(%s, %s, null, 'desk')",
                                       (before.first, before.last)),
        "occupancy_by_slot": ("select * from public.occupancy_by_slot(%s, %s, null, 'desk')",
                              (period.first, period.last)),
        "occupancy_by_zone": ("select * from public.occupancy_by_zone(%s, %s, 'desk')", (period.first, period.last)),
        "members_by_plan": ("select * from public.members_by_plan(%s, %s)", (period.first, period.last)),
    }


def timed(conn: psycopg.Connection, claims: dict, sql: str, params: tuple) -> float:
    t0 = time.perf_counter()
    with conn.transaction():
        conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
        conn.execute("set local role authenticated")
        conn.execute(sql, params).fetchall()
    return (time.perf_counter() - t0) * 1000


def measure(info: str, label: str, n: int) -> None:
    with psycopg.connect(info, row_factory=dict_row) as conn:
        board = conn.execute("select user_id::text as u from public.members where email = 'board@example.org'").fetchone()
        count = conn.execute("select count(*) as n from public.bookings").fetchone()["n"]
        tz = conn.execute("select time_zone from public.settings").fetchone()["time_zone"]
    claims = db.claims_for(board["u"], "board@example.org")
    today = clock.space_today(tz)
    year = occupancy.period_for("12m", today)
    print(f"\n{label}: {count} bookings; 12 months = {year.first} .. {year.last}, as board@example.org, n={n}")
    results: dict[str, tuple[float, float]] = {}
    with psycopg.connect(info, row_factory=dict_row) as conn:
        for name, (sql, params) in queries(year).items():
            for _ in range(3):  # warm-up: plans and pages in cache
                timed(conn, claims, sql, params)
            samples = [timed(conn, claims, sql, params) for _ in range(n)]
            results[name] = (percentile(samples, 0.5), percentile(samples, 0.95))
        base = results["occupancy_daily (baseline)"][0]
        for name, (p50, p95) in results.items():
            print(f"  {name:<28} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   x{p50 / base:4.1f} of baseline")
        for preset in ("month", "12m"):
            period = occupancy.period_for(preset, today)
            page = [sum(timed(conn, claims, sql, params) for name, (sql, params) in queries(period).items()
                        if "baseline" not in name) for _ in range(max(5, n // 3))]
            print(f"  whole page, cold cache, {preset:<5}  p50 {percentile(page, 0.5):7.1f} ms   "
                  f"p95 {percentile(page, 0.95):7.1f} ms")


def page_reruns(info: str, label: str, n: int) -> float:
    """The dashboard's warm rerun against a trivial page's, through AppTest in this process."""
    import os
    import tempfile

    from streamlit.runtime.scriptrunner import script_cache
    from streamlit.testing.v1 import AppTest

    from lib.identity.auth import person_for_user

    # A server keeps one ScriptCache for all sessions, so a page is compiled once; AppTest makes a
    # new one for every run, which would bill each rerun for compiling the page: keep the bytecode
    # across runs here as the server does.
    compiled: dict[str, object] = {}
    original = script_cache.ScriptCache.get_bytecode

    def get_bytecode(self, script_path: str) -> object:
        if script_path not in compiled:
            compiled[script_path] = original(self, script_path)
        return compiled[script_path]

    script_cache.ScriptCache.get_bytecode = get_bytecode

    os.environ["DATABASE_URL"] = info
    os.environ["CANTINE_SENDER"] = "off"
    db.use_database(info)
    with db.as_owner() as conn:
        user = conn.execute("select user_id::text as u from public.members where email = 'board@example.org'"
                            ).fetchone()["u"]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["person"] = person_for_user(user)
    at.session_state["lang"] = "fr"
    at.run()
    at.switch_page("views/occupancy.py")
    at.run()
    at.segmented_control(key="occ_preset").set_value("12m").run()
    assert not at.exception, at.exception
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(TRIVIAL)
    trivial = AppTest.from_file(f.name, default_timeout=30)
    trivial.run()

    def timed_run(app) -> float:
        t0 = time.perf_counter()
        app.run()
        return (time.perf_counter() - t0) * 1000

    for _ in range(3):
        timed_run(at), timed_run(trivial)
    page, base = [], []
    for _ in range(n):  # interleaved, so both see the same machine
        page.append(timed_run(at))
        base.append(timed_run(trivial))
    p50, b50 = percentile(page, 0.5), percentile(base, 0.5)
    print(f"  AppTest rerun (the script alone), warm, 12 months: p50 {p50:6.1f} ms (p95 {percentile(page, 0.95):6.1f}); trivial p50 "
          f"{b50:6.1f} ms; dashboard / trivial = {p50 / b50:.2f}x")
    t0 = time.perf_counter()
    figures = report.figures(db.OWNER, clock.now().year)
    t1 = time.perf_counter()
    pdf = report.build_pdf(figures, "fr", "Cantine")
    t2 = time.perf_counter()
    print(f"  annual report {clock.now().year}: figures {1000 * (t1 - t0):.0f} ms, PDF {1000 * (t2 - t1):.0f} ms "
          f"({len(pdf) // 1024} KB)")
    db.use_database(None)
    os.environ.pop("DATABASE_URL", None)
    return p50 / b50


def websocket_reruns(info: str, label: str, n: int) -> tuple[float, float]:
    """End to end, as the issue measured it: the occupancy page's rerun over Streamlit's websocket
    as a board member (signed in by the remember-me cookie), caches warm, against a trivial page
    served by another `streamlit run` on the same machine, interleaved. Returns both p50s (ms)."""
    import asyncio
    import os
    import tempfile

    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from lib.identity.auth import COOKIE_NAME, cookie_token, person_for_user
    from tests.browser import start_app, stop_app

    db.use_database(info)
    with db.as_owner() as conn:
        user = conn.execute("select user_id::text as u from public.members where email = 'board@example.org'"
                            ).fetchone()["u"]
    cookie = f"{COOKIE_NAME}={cookie_token(person_for_user(user))}"
    db.close_pools()
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False, dir="/tmp") as f:
        f.write(TRIVIAL)
    env = {"DATABASE_URL": info, "CANTINE_SENDER": "off", "CANTINE_DATA_DIR": os.environ["CANTINE_DATA_DIR"]}
    app, app_url = start_app(env)
    trivial, trivial_url = start_app(env, script=f.name)

    async def session(base: str, page: str, headers: dict) -> object:
        ws = await websockets.connect(base.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],
                                      origin=base, max_size=None, open_timeout=120, ping_interval=None,
                                      additional_headers=headers)
        return ws

    kinds: dict[str, int] = {}

    async def rerun(ws: object, page: str) -> float:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_name = page
        start = time.perf_counter()
        await ws.send(msg.SerializeToString())
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(ws.recv(), timeout=300))
            if fwd.WhichOneof("type") == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                kinds[fwd.delta.new_element.WhichOneof("type")] = kinds.get(fwd.delta.new_element.WhichOneof("type"), 0) + 1
            if fwd.WhichOneof("type") == "script_finished":
                return (time.perf_counter() - start) * 1000

    async def run() -> tuple[list[float], list[float]]:
        dash = await session(app_url, "occupancy", {"Cookie": cookie})
        base = await session(trivial_url, "", {})
        for _ in range(5):  # sign-in from the cookie, caches filled, page compiled
            kinds.clear()
            await rerun(dash, "occupancy")
            await rerun(base, "")
        # what the dashboard's rerun sent, so a sign-in page is never timed instead of it
        assert kinds.get("arrow_vega_lite_chart", 0) + kinds.get("vega_lite_chart", 0) >= 4, kinds
        page, triv = [], []
        for _ in range(n):
            page.append(await rerun(dash, "occupancy"))
            triv.append(await rerun(base, ""))
        await dash.close()
        await base.close()
        return page, triv

    try:
        page, triv = asyncio.run(run())
    finally:
        stop_app(app)
        stop_app(trivial)
    p50, b50 = percentile(page, 0.5), percentile(triv, 0.5)
    print(f"  websocket rerun, warm, this month: dashboard p50 {p50:6.1f} ms (p95 {percentile(page, 0.95):6.1f}); "
          f"trivial p50 {b50:6.1f} ms; dashboard / trivial = {p50 / b50:.2f}x")
    return p50, b50


def main() -> None:
    quick = "--quick" in sys.argv
    n = int(sys.argv[sys.argv.index("-n") + 1]) if "-n" in sys.argv else 30
    try:
        embedded.ensure_running(DATA)
        small = seeded("bench_occ_small", "small")
        measure(small, "demo data", n)
        page_reruns(small, "demo data", n)
        ws_small, _ = websocket_reruns(small, "demo data", n)
        if not quick:
            large = seeded("bench_occ_large", "large")
            measure(large, "large data", n)
            page_reruns(large, "large data", n)
            ws_large, _ = websocket_reruns(large, "large data", n)
            print(f"\nlarge / demo, the dashboard's websocket rerun: {ws_large / ws_small:.2f}")
    finally:
        discard(DATA)


if __name__ == "__main__":
    main()
