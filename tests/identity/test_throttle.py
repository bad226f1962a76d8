"""Brute force is slowed in the database: failed sign-ins are recorded in
`private.sign_in_attempts`, so the lock holds across server processes and restarts.

Per address: 5 failures lock it for 30 s, doubling with each further failure (up to 15 min);
while locked even the right password is not checked. A success clears the count. Per client:
10 failures in 10 minutes slow that client down, nobody else. A client the address signed in
from before is known: only its own failures count, so an attacker never locks the owner out.
"""

import subprocess
import sys

import pytest

from lib.core import db
from lib.core.errors import UserError
from lib.identity import accounts, auth
from tests.conftest import DEMO

DEMO_PASSWORD = "cantine-demo"


def _fail(email: str, times: int, client: str | None = None) -> None:
    for _ in range(times):
        with pytest.raises(UserError) as refused:
            auth.check_credentials(email, "wrong-password", client)
        assert refused.value.key == "auth.wrong_credentials"


def _age_attempts(seconds: int) -> None:
    """Move every recorded attempt `seconds` into the past (time passing, without sleeping)."""
    with db.as_owner() as conn:
        conn.execute("update private.sign_in_attempts set at = at - make_interval(secs => %s)", (seconds,))


def test_five_failures_lock_the_address_even_for_the_right_password(demo_db):
    _fail(DEMO["member"], 5)
    with pytest.raises(UserError) as locked:
        auth.check_credentials(DEMO["member"], DEMO_PASSWORD, None)
    assert locked.value.key == "auth.throttled"
    assert 25 <= locked.value.params["seconds"] <= 30, "the first lock lasts about 30 seconds"
    # another address is not affected
    assert auth.check_credentials(DEMO["staff"], DEMO_PASSWORD, None).role == "staff"


def test_the_lock_grows_with_each_failure_and_ends(demo_db):
    _fail(DEMO["member"], 5)
    _age_attempts(31)
    _fail(DEMO["member"], 1)  # allowed again, and wrong again: the lock doubles
    assert 55 <= accounts.sign_in_wait(DEMO["member"], None) <= 60
    _age_attempts(61)
    assert accounts.sign_in_wait(DEMO["member"], None) == 0
    assert auth.check_credentials(DEMO["member"], DEMO_PASSWORD, None).email == DEMO["member"]
    assert accounts.sign_in_wait(DEMO["member"], None) == 0, "a success clears the count"


def test_the_lock_is_the_same_for_unknown_addresses_and_case_insensitive(demo_db):
    _fail("nobody@example.org", 5)
    assert accounts.sign_in_wait("NOBODY@example.org", None) > 0, "an unknown address locks the same way"


def test_attempts_from_another_process_count(demo_db):
    """Five failures made by a separate Python process lock the address here too."""
    code = ("from lib.identity import auth\n"
            "for _ in range(5):\n"
            "    try: auth.check_credentials('member@example.org', 'nope-nope-nope', None)\n"
            "    except Exception: pass\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert accounts.sign_in_wait(DEMO["member"], None) > 0


ATTACKER = "203.0.113.66"
ADMIN_DESK = "198.51.100.7"  # where the admin signed in before
NEW_PLACE = "192.0.2.10"  # a client nobody signed in from


def test_an_attack_of_a_thousand_failures_holds_back_the_attacker_not_the_people(demo_db):
    """One script: 1,000 wrong passwords on random addresses and the admin's. The admin, from the
    browser they used before, and a staff member from a new place sign in at once; the script is
    held back after 10 failures, so almost none of its guesses is even checked."""
    assert auth.check_credentials(DEMO["admin"], DEMO_PASSWORD, ADMIN_DESK).role == "admin"
    checked = throttled = 0
    for i in range(1000):
        email = DEMO["admin"] if i % 2 else f"bot{i}@example.org"
        try:
            auth.check_credentials(email, "wrong-password", ATTACKER)
        except UserError as refused:
            checked += refused.key == "auth.wrong_credentials"
            throttled += refused.key == "auth.throttled"
    assert checked == 10 and throttled == 990
    assert auth.check_credentials(DEMO["admin"], DEMO_PASSWORD, ADMIN_DESK).role == "admin"
    assert auth.check_credentials(DEMO["staff"], DEMO_PASSWORD, NEW_PLACE).role == "staff"


def test_failures_from_many_clients_lock_the_address_but_not_for_its_owner_on_a_known_client(demo_db):
    """1,000 failures on the admin's address spread over 100 clients (a botnet): the address is
    locked for every new client, and the admin from their usual browser is not held back."""
    assert auth.check_credentials(DEMO["admin"], DEMO_PASSWORD, ADMIN_DESK)
    with db.as_owner() as conn:
        conn.execute("select private.record_sign_in(%s, '10.9.' || (i %% 100) || '.1', false)"
                     " from generate_series(1, 1000) i", (DEMO["admin"],))
    assert accounts.sign_in_wait(DEMO["admin"], NEW_PLACE) > 0
    with pytest.raises(UserError) as locked:
        auth.check_credentials(DEMO["admin"], DEMO_PASSWORD, NEW_PLACE)
    assert locked.value.key == "auth.throttled"
    assert accounts.sign_in_wait(DEMO["admin"], ADMIN_DESK) == 0
    assert auth.check_credentials(DEMO["admin"], DEMO_PASSWORD, ADMIN_DESK).role == "admin"
    assert accounts.sign_in_wait(DEMO["staff"], NEW_PLACE) == 0, "other addresses are not affected"


def test_guessing_from_a_known_client_is_bounded_too(demo_db):
    assert auth.check_credentials(DEMO["member"], DEMO_PASSWORD, ADMIN_DESK)
    _fail(DEMO["member"], 5, ADMIN_DESK)
    with pytest.raises(UserError) as locked:
        auth.check_credentials(DEMO["member"], DEMO_PASSWORD, ADMIN_DESK)
    assert locked.value.key == "auth.throttled"


def test_one_client_trying_many_addresses_slows_itself_only(demo_db):
    for i in range(10):
        _fail(f"someone{i}@example.org", 1, ATTACKER)
    assert accounts.sign_in_wait("someone-else@example.org", ATTACKER) > 0
    assert accounts.sign_in_wait("someone-else@example.org", NEW_PLACE) == 0
    _age_attempts(601)
    assert accounts.sign_in_wait("someone-else@example.org", ATTACKER) == 0


def test_an_unknown_address_costs_the_same_bcrypt_work_as_a_real_one(demo_db):
    """Timing must not tell who has an account: the stand-in hash checked for an unknown
    address has the cost of the real ones (bench/sign_in_timing.py measures the gap)."""
    with db.as_owner() as conn:
        real = conn.execute("select encrypted_password from auth.users where lower(email) = %s",
                            (DEMO["member"],)).fetchone()["encrypted_password"]
    assert accounts._stand_in_hash().decode()[:7] == real[:7]  # "$2b$NN$": same algorithm, same cost


def test_nobody_but_the_owner_reads_or_writes_attempts(demo_db):
    from tests.conftest import authenticate_as

    with pytest.raises(Exception) as denied, authenticate_as(DEMO["admin"]) as conn:
        conn.execute("select count(*) from private.sign_in_attempts")
    assert "permission denied" in str(denied.value)
    with pytest.raises(Exception) as denied, authenticate_as(DEMO["admin"]) as conn:
        conn.execute("select private.record_sign_in('x@example.org', null, true)")
    assert "permission denied" in str(denied.value)
