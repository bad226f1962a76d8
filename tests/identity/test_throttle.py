"""Brute force is slowed in the database: failed sign-ins are recorded in
`private.sign_in_attempts`, so the lock holds across server processes and restarts.

Per address: 5 failures lock it for 30 s, doubling with each further failure (up to 15 min);
while locked even the right password is not checked. A success clears the count. Overall:
past 100 failures a minute across all addresses, everyone waits a little.
"""

import subprocess
import sys

import pytest

from lib.core import db
from lib.core.errors import UserError
from lib.identity import accounts, auth
from tests.conftest import DEMO

DEMO_PASSWORD = "cantine-demo"


def _fail(email: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(UserError) as refused:
            auth.check_credentials(email, "wrong-password")
        assert refused.value.key == "auth.wrong_credentials"


def _age_attempts(seconds: int) -> None:
    """Move every recorded attempt `seconds` into the past (time passing, without sleeping)."""
    with db.as_owner() as conn:
        conn.execute("update private.sign_in_attempts set at = at - make_interval(secs => %s)", (seconds,))


def test_five_failures_lock_the_address_even_for_the_right_password(demo_db):
    _fail(DEMO["member"], 5)
    with pytest.raises(UserError) as locked:
        auth.check_credentials(DEMO["member"], DEMO_PASSWORD)
    assert locked.value.key == "auth.throttled"
    assert 25 <= locked.value.params["seconds"] <= 30, "the first lock lasts about 30 seconds"
    # another address is not affected
    assert auth.check_credentials(DEMO["staff"], DEMO_PASSWORD).role == "staff"


def test_the_lock_grows_with_each_failure_and_ends(demo_db):
    _fail(DEMO["member"], 5)
    _age_attempts(31)
    _fail(DEMO["member"], 1)  # allowed again, and wrong again: the lock doubles
    assert 55 <= accounts.sign_in_wait(DEMO["member"]) <= 60
    _age_attempts(61)
    assert accounts.sign_in_wait(DEMO["member"]) == 0
    assert auth.check_credentials(DEMO["member"], DEMO_PASSWORD).email == DEMO["member"]
    assert accounts.sign_in_wait(DEMO["member"]) == 0, "a success clears the count"


def test_the_lock_is_the_same_for_unknown_addresses_and_case_insensitive(demo_db):
    _fail("nobody@example.org", 5)
    assert accounts.sign_in_wait("NOBODY@example.org") > 0, "an unknown address locks the same way"


def test_attempts_from_another_process_count(demo_db):
    """Five failures made by a separate Python process lock the address here too."""
    code = ("from lib.identity import auth\n"
            "for _ in range(5):\n"
            "    try: auth.check_credentials('member@example.org', 'nope-nope-nope')\n"
            "    except Exception: pass\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert accounts.sign_in_wait(DEMO["member"]) > 0


def test_overall_failures_slow_everyone(demo_db):
    with db.as_owner() as conn:
        conn.execute("insert into private.sign_in_attempts (email, succeeded)"
                     " select 'bot' || i || '@example.org', false from generate_series(1, 100) i")
    assert accounts.sign_in_wait(DEMO["admin"]) == 10
    _age_attempts(61)
    assert accounts.sign_in_wait(DEMO["admin"]) == 0


def test_nobody_but_the_owner_reads_or_writes_attempts(demo_db):
    from tests.conftest import authenticate_as

    with pytest.raises(Exception) as denied, authenticate_as(DEMO["admin"]) as conn:
        conn.execute("select count(*) from private.sign_in_attempts")
    assert "permission denied" in str(denied.value)
    with pytest.raises(Exception) as denied, authenticate_as(DEMO["admin"]) as conn:
        conn.execute("select private.record_sign_in('x@example.org', true)")
    assert "permission denied" in str(denied.value)
