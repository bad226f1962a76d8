"""The door page's search as you type (views/door.py) on a 300-person event, against a trivial page
in the same run (issue #14's closing figure).

On a fresh embedded database: 300 members registered for an event that started 20 minutes ago (a
few of them ticked, a few walk-ins), a staff account. Two Streamlit servers with the same
configuration: the app, and a trivial script (a title and a text input). Each measurement is one
websocket session speaking Streamlit's own protocol (bench/pages.py): the door page is opened,
then each keystroke of a name ("m", "ma", "mat", … and back to "") is sent as the browser sends
it — the search box's new value, rerunning the list's fragment — and timed from the request to
`script_finished`; the trivial page's text input gets the same keystrokes (a whole, tiny rerun).
Sessions alternate, so both share whatever else the machine is doing.

Prints ms per keystroke (p50, p90) for both, and the ratio.

Usage: python bench/door_search.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._scratch import discard, fresh_database, percentile, scratch_data_dir

DATA = scratch_data_dir("door")

import psycopg
import websockets
from psycopg.rows import dict_row
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from lib.core import clock, db, embedded
from lib.identity import accounts, auth
from tests.browser import start_app, stop_app

PEOPLE = 300
WORD = "mathis"
KEYS = [WORD[:i] for i in range(1, len(WORD) + 1)] + [WORD[:i] for i in range(len(WORD) - 1, -1, -1)]
TRIVIAL = 'import streamlit as st\n\nst.title("Trivial")\nst.text_input("Search", key="q")\n'
FIRST = "Martin Marine Mathis Léa Louis Camille Hugo Chloé Nathan Inès Jules Manon Arthur Zoé".split()
LAST = "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent".split()


def setup(info: str) -> str:
    """The 300-person event and a staff account; returns the staff's remember-me cookie."""
    starts = clock.now() - dt.timedelta(minutes=20)
    with psycopg.connect(info, row_factory=dict_row) as conn:
        event = conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status)"
                             " values ('Grande soirée', %s, %s, %s, 'published') returning id",
                             (starts, starts + dt.timedelta(hours=3), PEOPLE)).fetchone()["id"]
        for i in range(PEOPLE):
            name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}"
            member = conn.execute("insert into public.members (email, full_name) values (%s, %s) returning id",
                                  (f"door{i}@example.org", name)).fetchone()["id"]
            status = "attended" if i % 5 == 0 else "registered"
            conn.execute("insert into public.registrations (event_id, member_id, status) values (%s, %s, %s)",
                         (event, member, status))
        conn.execute("insert into public.members (email, full_name, role) values ('host@example.org', 'Host', 'staff')")
        user_id = str(accounts.create_account(conn, "host@example.org", None))
        conn.commit()
        conn.autocommit = True
        conn.execute("vacuum analyze")
    return auth.cookie_token(auth.person_for_user(user_id))


async def _until_finished(ws) -> list[ForwardMsg]:
    out = []
    while True:
        fwd = ForwardMsg()
        fwd.ParseFromString(await asyncio.wait_for(ws.recv(), timeout=300))
        out.append(fwd)
        if fwd.WhichOneof("type") == "script_finished" and fwd.script_finished in (
                ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
            return out


async def typing(base: str, page_name: str, key: str, cookie: str | None) -> list[float]:
    """Open the page, then send each keystroke of KEYS as the search box's value; ms per keystroke."""
    ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
    headers = {"Cookie": f"{auth.COOKIE_NAME}={cookie}"} if cookie else {}
    durations = []
    shown: dict[str, int] = {}
    async with websockets.connect(ws_url, subprotocols=["streamlit"], origin=base, max_size=None,
                                  open_timeout=120, ping_interval=None, additional_headers=headers) as ws:
        widget_id = fragment_id = ""
        for _ in range(2):  # the first run signs in from the cookie; the second draws the page
            msg = BackMsg()
            msg.rerun_script.page_name = page_name
            await ws.send(msg.SerializeToString())
            for fwd in await _until_finished(ws):
                if fwd.WhichOneof("type") == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                    element = fwd.delta.new_element
                    if element.WhichOneof("type") == "text_input" and element.text_input.id.endswith(key):
                        widget_id, fragment_id = element.text_input.id, fwd.delta.fragment_id
        assert widget_id, f"no search box {key!r} on {page_name or 'the trivial page'}"
        for text in KEYS:
            msg = BackMsg()
            msg.rerun_script.page_name = page_name
            if fragment_id:
                msg.rerun_script.fragment_id = fragment_id
            state = msg.rerun_script.widget_states.widgets.add()
            state.id = widget_id
            state.string_value = text
            start = time.perf_counter()
            await ws.send(msg.SerializeToString())
            messages = await _until_finished(ws)
            durations.append((time.perf_counter() - start) * 1000)
            kinds = [m.delta.new_element.WhichOneof("type") for m in messages
                     if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element"]
            assert "exception" not in kinds
            shown[text] = kinds.count("checkbox")
    if fragment_id:  # the search really ran: fewer people listed for the whole name than for nothing
        assert 0 < shown[WORD] < shown[""], shown
    return durations


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    trivial_dir = Path(tempfile.mkdtemp(prefix="cantine-trivial-", dir="/tmp"))
    (trivial_dir / "trivial.py").write_text(TRIVIAL)
    procs = []
    try:
        embedded.ensure_running(DATA)
        info = fresh_database(DATA, "bench_door")
        cookie = setup(info)
        db.close_pools()
        app, app_url = start_app({"DATABASE_URL": info, "CANTINE_SENDER": "off"})
        procs.append(app)
        trivial, trivial_url = start_app({"DATABASE_URL": info}, script=str(trivial_dir / "trivial.py"))
        procs.append(trivial)
        asyncio.run(typing(trivial_url, "", "q", None))  # warm both processes
        asyncio.run(typing(app_url, "door", "door_search", cookie))
        door_ms: list[float] = []
        trivial_ms: list[float] = []
        for _ in range(args.rounds):
            trivial_ms += asyncio.run(typing(trivial_url, "", "q", None))
            door_ms += asyncio.run(typing(app_url, "door", "door_search", cookie))
    finally:
        for proc in procs:
            stop_app(proc)
        shutil.rmtree(trivial_dir, ignore_errors=True)
        discard(DATA)
    d50, t50 = statistics.median(door_ms), statistics.median(trivial_ms)
    print(f"{PEOPLE}-person event, {len(door_ms)} keystrokes ({args.rounds} round(s) of {len(KEYS)}):")
    print(f"door page search  p50 {d50:.0f} ms  p90 {percentile(door_ms, 0.9):.0f} ms")
    print(f"trivial page      p50 {t50:.0f} ms  p90 {percentile(trivial_ms, 0.9):.0f} ms")
    print(f"door ÷ trivial    {d50 / t50:.2f}×")


if __name__ == "__main__":
    main()
