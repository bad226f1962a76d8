"""The embedded server recovers by itself: after `kill -9` of the server (stale postmaster.pid,
socket lock left behind), after a PID reused by another program, and the whole app comes back
after `kill -9` of both Streamlit and PostgreSQL without manual clean-up."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

from lib.core import embedded
from tests.browser import browser_page, screenshot, start_app, stop_app


@pytest.fixture
def data_dir():
    path = Path(tempfile.mkdtemp(prefix="cantine-crash-", dir="/tmp"))
    yield path
    try:
        embedded.stop(path, mode="immediate")
    finally:
        subprocess.run(["rm", "-rf", str(path)], check=False)


def _alive(info: str) -> bool:
    with psycopg.connect(info, connect_timeout=5) as conn:
        return conn.execute("select 1").fetchone() == (1,)


def test_restarts_after_the_server_was_killed(data_dir):
    info = embedded.ensure_running(data_dir)
    pid = embedded.server_pid(data_dir)
    os.kill(pid, signal.SIGKILL)
    embedded.wait_gone(pid)
    assert (data_dir / "pg" / "postmaster.pid").exists(), "the crash left a stale postmaster.pid"
    assert embedded.server_pid(data_dir) is None
    info = embedded.ensure_running(data_dir)
    assert _alive(info)
    assert embedded.server_pid(data_dir) != pid


def test_queries_recover_when_the_server_dies_under_a_running_app(data_dir, monkeypatch):
    """The app ensures the server once per process; if it is killed later, the next query
    starts it again instead of failing until someone restarts the app."""
    from lib.core import db

    monkeypatch.setenv("CANTINE_DATA_DIR", str(data_dir))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    db.use_database(None)
    try:
        with db.as_owner() as conn:
            assert conn.execute("select 1 as one").fetchone()["one"] == 1
        pid = embedded.server_pid(data_dir)
        os.kill(pid, signal.SIGKILL)
        embedded.wait_gone(pid)
        with db.as_owner() as conn:
            assert conn.execute("select 2 as two").fetchone()["two"] == 2
        assert embedded.server_pid(data_dir) not in (None, pid)
    finally:
        db.close_pools()


def test_a_pid_reused_by_another_program_is_not_mistaken_for_the_server(data_dir):
    embedded.ensure_running(data_dir)
    embedded.stop(data_dir)
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        pidfile = data_dir / "pg" / "postmaster.pid"
        pidfile.write_text(f"{sleeper.pid}\n{data_dir / 'pg'}\n0\n5432\n\n\n\nready\n")
        assert embedded.server_pid(data_dir) is None
        assert _alive(embedded.ensure_running(data_dir))
        assert sleeper.poll() is None, "we never kill a process we did not start"
    finally:
        sleeper.kill()
        sleeper.wait()


@pytest.mark.slow
@pytest.mark.browser
def test_the_app_comes_back_after_kill_9(data_dir):
    """Start the app on a new data folder, use it, kill -9 Streamlit and PostgreSQL, start again:
    its first page (on a new database: create the first admin) is served without any manual clean-up."""
    env = {"CANTINE_DATA_DIR": str(data_dir), "DATABASE_URL": ""}
    proc, url = start_app(env)
    try:
        with browser_page() as page:
            page.goto(url)
            page.get_by_text("créez le premier compte administrateur").first.wait_for(timeout=60_000)
        server = embedded.server_pid(data_dir)
        assert server, "the app started the embedded server"
    finally:
        stop_app(proc, signal.SIGKILL)
    os.kill(server, signal.SIGKILL)
    embedded.wait_gone(server)
    proc, url = start_app(env)
    try:
        with browser_page() as page:
            page.goto(url)
            page.get_by_text("créez le premier compte administrateur").first.wait_for(timeout=60_000)
            screenshot(page, "after-kill-9")
        assert embedded.server_pid(data_dir) not in (None, server)
    finally:
        stop_app(proc)


def test_a_server_on_another_clock_is_not_reused(data_dir, monkeypatch):
    """A server started on the real clock is not taken by a process whose clock is moved (tests
    on another day), which would see SQL's now() disagree with its own: it is told to stop it."""
    monkeypatch.delenv("CANTINE_CLOCK_OFFSET", raising=False)
    assert _alive(embedded.ensure_running(data_dir))
    monkeypatch.setenv("CANTINE_CLOCK_OFFSET", "86400")
    with pytest.raises(RuntimeError, match="stop it first"):
        embedded.ensure_running(data_dir)
    monkeypatch.delenv("CANTINE_CLOCK_OFFSET")
    assert _alive(embedded.ensure_running(data_dir)), "the same clock reuses it"
