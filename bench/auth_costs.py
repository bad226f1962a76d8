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
    finally:
        discard(DATA)


if __name__ == "__main__":
    main()
