"""What signing in and staying signed in cost: a sign-in (bcrypt at the production cost, the
throttle lookup and record), the per-rerun session check (`auth.refresh`), restoring from the
remember-me cookie, and the throttle lookup alone. Runs on a fresh embedded database with the
demo data.  Usage: python bench/auth_costs.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._scratch import discard, scratch_data_dir

DATA = scratch_data_dir("auth", bcrypt_rounds=12)  # what production uses

from lib.core import db
from lib.demo import seed
from lib.identity import (
    accounts,
    auth,
)


def timed(label: str, fn: Callable[[], object], n: int) -> None:
    fn()  # warm up (pool, caches)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    print(f"{label:<48} median {statistics.median(samples):8.2f} ms   p95 {p95:8.2f} ms   (n={n})")


def _refusal_ms(email: str) -> float:
    with db.as_owner() as conn:  # no lock in the way: each try is checked
        conn.execute("delete from private.sign_in_attempts")
    start = time.perf_counter()
    try:
        auth.check_credentials(email, "a-wrong-password", None)
    except Exception:
        pass
    return (time.perf_counter() - start) * 1000


def timing_gap() -> None:
    """Does a refusal take longer for a real account than for an unknown address? (#12)"""
    real = [_refusal_ms("member@example.org") for _ in range(15)]
    unknown = [_refusal_ms(f"nobody{i}@example.org") for i in range(15)]
    print(f"refusal, wrong password on a real account      median {statistics.median(real):8.2f} ms")
    print(f"refusal, unknown address                        median {statistics.median(unknown):8.2f} ms"
          f"   (gap {statistics.median(real) - statistics.median(unknown):+.1f} ms,"
          f" ratio {statistics.median(unknown) / statistics.median(real):.2f})")


def sign_in_under_attack() -> None:
    """A real member signs in from the browser they used before while one script sends 1,000
    wrong passwords (on random addresses and on that member's) from another client."""
    import threading

    with db.as_owner() as conn:
        conn.execute("delete from private.sign_in_attempts")
    auth.check_credentials("member@example.org", seed.DEMO_PASSWORD, "198.51.100.7")
    quiet = [_timed_once(lambda: auth.check_credentials("member@example.org", seed.DEMO_PASSWORD, "198.51.100.7"))
             for _ in range(5)]
    counts = {"checked": 0, "held": 0}

    def attack() -> None:
        for i in range(1000):
            try:
                auth.check_credentials("member@example.org" if i % 2 else f"bot{i}@example.org", "guess", "203.0.113.66")
            except Exception as refused:
                counts["checked" if getattr(refused, "key", "") == "auth.wrong_credentials" else "held"] += 1

    attacker = threading.Thread(target=attack)
    started = time.perf_counter()
    attacker.start()
    during = [_timed_once(lambda: auth.check_credentials("member@example.org", seed.DEMO_PASSWORD, "198.51.100.7"))
              for _ in range(5)]
    attacker.join()
    print(f"attack: 1,000 failures in {time.perf_counter() - started:.1f} s, {counts['checked']} checked,"
          f" {counts['held']} held back by the throttle")
    print(f"real member's sign-in: quiet median {statistics.median(quiet):.0f} ms, during the attack"
          f" median {statistics.median(during):.0f} ms (all 5 signed in)")


def _timed_once(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    try:
        info = db.ensure_embedded_database()
        db.use_database(info)
        db.migrate(info)
        with db.as_owner() as conn:
            os.environ["CANTINE_BCRYPT_ROUNDS"] = "4"  # seeding only
            seed.seed_demo(conn)
            os.environ["CANTINE_BCRYPT_ROUNDS"] = "12"
            accounts.create_account(conn, "member@example.org", seed.DEMO_PASSWORD)  # a cost-12 hash
        person = auth.check_credentials("member@example.org", seed.DEMO_PASSWORD, None)
        cookie = auth.cookie_token(person)
        timed("sign-in (bcrypt cost 12 + throttle + record)",
              lambda: auth.check_credentials("member@example.org", seed.DEMO_PASSWORD, None), 10)
        timed("session check on every rerun (auth.refresh)", lambda: auth.refresh(person), 300)
        timed("restore from the remember-me cookie", lambda: auth.person_from_cookie(cookie), 300)
        timed("throttle lookup alone (private.sign_in_wait)", lambda: accounts.sign_in_wait("x@example.org", None), 300)
        timing_gap()
        sign_in_under_attack()
    finally:
        discard(DATA)


if __name__ == "__main__":
    main()
