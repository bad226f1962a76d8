"""Shared fixtures: one embedded PostgreSQL per test session, a fresh database per test.

Migrations run once into a template database (and demo data into a second template); each
test gets `CREATE DATABASE … TEMPLATE …`, which costs tens of milliseconds. Nothing is mocked.
Helpers to act as each role mirror basejump's `authenticate_as`.
"""

from __future__ import annotations

import atexit
import datetime as dt
import itertools
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg.rows import dict_row

# before any lib import reads them
os.environ.setdefault("CANTINE_BCRYPT_ROUNDS", "4")
# no background sender in the app processes tests open: tests send when they mean to
os.environ.setdefault("CANTINE_SENDER", "off")
# The suite on another day: CANTINE_TEST_NOW="2026-10-24T23:30:00+02:00" moves lib/core/clock.py's
# clock and the embedded server's (libfaketime) by the same offset, for this process and every
# process it starts (the app under a browser, the command line). See README, "Tests on another day".
if os.environ.get("CANTINE_TEST_NOW"):
    _wanted = dt.datetime.fromisoformat(os.environ["CANTINE_TEST_NOW"])
    if _wanted.tzinfo is None:
        raise SystemExit("CANTINE_TEST_NOW needs a UTC offset, e.g. 2026-12-31T23:30:00+01:00")
    os.environ["CANTINE_CLOCK_OFFSET"] = str(round((_wanted - dt.datetime.now(dt.UTC)).total_seconds()))
os.environ.pop("DATABASE_URL", None)
# tests/__init__.py makes this module `tests.conftest` for pytest and for test files alike; the
# environment guard keeps one data folder per test process even if it were imported twice
if "CANTINE_TEST_DATA_DIR" not in os.environ:
    os.environ["CANTINE_TEST_DATA_DIR"] = tempfile.mkdtemp(prefix="cantine-test-", dir="/tmp")
_DATA = Path(os.environ["CANTINE_TEST_DATA_DIR"])
os.environ["CANTINE_DATA_DIR"] = str(_DATA)
# a run that never started the server (collection only, a test file without a database) leaves
# the folder empty: remove it on the way out
atexit.register(lambda: _DATA.rmdir() if _DATA.is_dir() and not any(_DATA.iterdir()) else None)

from lib.core import caches, clock, db, embedded  # noqa: E402
from lib.demo import seed  # noqa: E402

# imported for their caches' registration, so the fixture below forgets them all (the shared-link
# pages' data, the settings, st.cache_data)
from lib.space import space  # noqa: E402, F401, I001
from lib.web import event_link_page, link_page, ui  # noqa: E402, F401

_counter = itertools.count()


def pytest_report_header(config) -> str:
    from lib.core import clock

    moved = clock.offset_seconds()
    return f"clock: {clock.now().isoformat(timespec='seconds')}" + (f" (moved by {moved} s)" if moved else "")


@pytest.fixture(autouse=True)
def forget_caches() -> Iterator[None]:
    """Each test starts from a clean state: no cached read left by the test that ran before it
    (tests run in random order), and none left behind for the next."""
    caches.forget_all()
    yield
    caches.forget_all()


def _admin_conninfo() -> str:
    return embedded.conninfo(_DATA, "postgres")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Path]:
    """The embedded server for this test session, with template databases ready."""
    embedded.ensure_running(_DATA)
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        for name in ("tpl_empty", "tpl_demo"):
            conn.execute(f"drop database if exists {name}")
            conn.execute(f"create database {name}")
    db.migrate(embedded.conninfo(_DATA, "tpl_empty"))
    db.migrate(embedded.conninfo(_DATA, "tpl_demo"))
    with psycopg.connect(embedded.conninfo(_DATA, "tpl_demo"), row_factory=dict_row) as conn:
        seed.seed_demo(conn)
        conn.commit()
    yield _DATA
    db.close_pools()
    embedded.stop(_DATA, mode="immediate")
    shutil.rmtree(_DATA, ignore_errors=True)


def _fresh_database(template: str) -> str:
    name = f"t_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f"create database {name} template {template}")
    return name


def _drop_database(name: str) -> None:
    db.close_pools()
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")


@contextmanager
def fresh_db(template: str) -> Iterator[str]:
    name = _fresh_database(template)
    info = embedded.conninfo(_DATA, name)
    db.use_database(info)
    os.environ["DATABASE_URL"] = info  # so AppTest scripts and subprocesses see the same database
    try:
        yield info
    finally:
        os.environ.pop("DATABASE_URL", None)
        db.use_database(None)
        _drop_database(name)


@pytest.fixture
def empty_db(pg_server) -> Iterator[str]:
    """A migrated database with no data but the settings row."""
    with fresh_db("tpl_empty") as info:
        yield info


@pytest.fixture
def demo_db(pg_server) -> Iterator[str]:
    """A migrated database holding the small demo data."""
    with fresh_db("tpl_demo") as info:
        yield info


@pytest.fixture
def raw_db(pg_server) -> Iterator[str]:
    """A database with nothing in it at all (no shim, no migrations)."""
    with fresh_db("template0") as info:
        yield info


# --------------------------------------------------------------------------- acting as someone

def user_id_of(email: str) -> str:
    with db.as_owner() as conn:
        row = conn.execute("select user_id from public.members where email = %s", (email,)).fetchone()
    assert row and row["user_id"], f"{email} has no account"
    return str(row["user_id"])


def shown(markdown: str) -> str:
    """What a reader sees of Markdown that `ui.md` made inert: its backslash escapes and invisible
    word joiners removed. Tests compare sentences with user values in them through this."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def noon_zone() -> str:
    """A fixed-offset time zone where it is now between 12:00 and 13:00: a space set to it keeps
    bookings a few hours either side of now on today's local date, whatever the hour the suite
    runs at (near midnight in Paris too)."""
    offset = 12 - clock.now().hour  # hours east of UTC; -11 … +12
    return f"Etc/GMT{-offset:+d}"  # POSIX sign: Etc/GMT-2 is UTC+2


def started_today(minutes_ago: int) -> dt.datetime:
    """An instant `minutes_ago` before now, or the space's last midnight if that is later: a
    booking or an event starting then is on today's local day at any hour (00:10 in Paris too)."""
    tz = space.settings()["time_zone"]
    midnight = dt.datetime.combine(clock.space_today(tz), dt.time(0), ZoneInfo(tz))
    return max(clock.now() - dt.timedelta(minutes=minutes_ago), midnight)


def claims(email: str) -> dict:
    """The JWT claims of the signed-in person with this email (what `Person.claims()` gives)."""
    return db.claims_for(user_id_of(email), email)


@contextmanager
def authenticate_as(email: str) -> Iterator[psycopg.Connection]:
    """A transaction as the signed-in person with this email (role `authenticated`)."""
    with db.as_user(db.claims_for(user_id_of(email), email)) as conn:
        yield conn


@contextmanager
def as_anon() -> Iterator[psycopg.Connection]:
    with db.as_anon() as conn:
        yield conn


def make_member(email: str, role: str = "member", visibility: str = "hidden", account: bool = True,
                full_name: str | None = None, active: bool = True) -> str:
    """Create a member (and an account) as the owner; returns the member id."""
    from lib.identity import accounts

    with db.as_owner() as conn:
        row = conn.execute(
            "insert into public.members (email, full_name, role, visibility, active) values (%s, %s, %s, %s, %s)"
            " returning id", (email, full_name or email.split("@")[0].title(), role, visibility, active)).fetchone()
        if account:
            accounts.create_account(conn, email, "correct-horse-battery")
    return str(row["id"])


DEMO = {role: f"{role}@example.org" for role in ("admin", "staff", "board", "member")}


APP = str(Path(__file__).resolve().parent.parent / "app.py")


def app_as(email: str | None, page: str | None = None, lang: str | None = None):
    """An AppTest of the whole app, signed in as `email` (None: signed out), optionally on `page`."""
    from streamlit.testing.v1 import AppTest

    from lib.identity.auth import person_for_user

    at = AppTest.from_file(APP, default_timeout=30)
    if email:
        at.session_state["person"] = person_for_user(user_id_of(email))
    if lang:
        at.session_state["lang"] = lang
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def open_address(at, url_path: str):
    """Point an AppTest at a page's address, as a browser opening /<url_path> does. Needed when the
    page is not a file in the current navigation (signed out, every page but the public ones is a
    stand-in showing the sign-in form). Uses AppTest's page hash, which is the url path's hash."""
    from streamlit.util import calc_hash

    at._page_hash = calc_hash(url_path)
    return at
