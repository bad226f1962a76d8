"""A full pool is "busy", after one wait of CANTINE_POOL_TIMEOUT; a database that does not answer
is "down". (Before: a full pool waited twice the setting, 10.4 s for 5, then said "down".)"""

import time
from contextlib import ExitStack

import psycopg
import pytest

from lib.core import db
from lib.core.errors import user_message

WAIT = 0.6  # seconds: a short CANTINE_POOL_TIMEOUT for the test


@pytest.fixture
def short_wait(monkeypatch):
    monkeypatch.setenv("CANTINE_POOL_TIMEOUT", str(WAIT))


def test_a_full_pool_says_busy_after_one_wait(empty_db, short_wait, monkeypatch):
    monkeypatch.setenv("CANTINE_POOL_SIZE", "2")
    info = f"{empty_db} application_name=pool_full_test"  # a pool of its own, made with size 2
    db.use_database(info)
    try:
        with ExitStack() as held:
            for _ in range(2):  # two pages in the middle of long requests
                held.enter_context(db.as_owner())
            started = time.monotonic()
            with pytest.raises(db.DatabaseBusy) as busy, db.as_owner():
                pass
            waited = time.monotonic() - started
        assert WAIT <= waited < 1.5 * WAIT, f"waited {waited:.2f} s for a setting of {WAIT} s"
        assert user_message(busy.value, "en").startswith("Many people at once")
        with db.as_owner() as conn:  # freed: the next request goes through
            assert conn.execute("select 1 as one").fetchone()["one"] == 1
    finally:
        db.get_pool(info).close()
        db.use_database(empty_db)


def test_a_database_that_does_not_answer_says_so(tmp_path, short_wait):
    info = f"host={tmp_path} port=5999 dbname=nothing user=nobody"  # no server behind this socket
    db.use_database(info)
    try:
        with pytest.raises(psycopg.OperationalError) as down, db.as_owner():
            pass
        assert not isinstance(down.value, db.DatabaseBusy)
        assert user_message(down.value, "en") == "The database is not answering. Try again in a moment."
    finally:
        db.get_pool(info).close()
