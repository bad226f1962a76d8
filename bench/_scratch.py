"""What every benchmark needs: a throwaway embedded database, percentiles, and clean-up.

Import this before `lib`: it points CANTINE_DATA_DIR at a new folder under /tmp (never at the
developer's own data) and makes sure no DATABASE_URL sends a benchmark to a real database.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def scratch_data_dir(name: str, bcrypt_rounds: int = 4) -> Path:
    """A new, empty data folder for the embedded server, made the process's database."""
    data = Path(tempfile.mkdtemp(prefix=f"cantine-bench-{name}-", dir="/tmp"))
    os.environ["CANTINE_DATA_DIR"] = str(data)
    os.environ.pop("DATABASE_URL", None)
    os.environ["CANTINE_BCRYPT_ROUNDS"] = str(bcrypt_rounds)
    return data


def discard(data: Path) -> None:
    """Close the pools, stop the server and delete the folder."""
    from lib.core import db, embedded

    db.close_pools()
    embedded.stop(data, mode="immediate")
    shutil.rmtree(data, ignore_errors=True)


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (0 < p <= 1) by nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, int(round(p * len(ordered))) - 1))]


def act_as(conn, user_id: str, email: str) -> None:
    """Act as a signed-in person in this transaction, as Supabase's REST API does."""
    import json

    from lib.core import db

    conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(db.claims_for(user_id, email)),))
    conn.execute("set local role authenticated")


def people(conn, n: int, prefix: str = "bench", plan: str | None = None) -> list[tuple[str, str, str]]:
    """n members with accounts: (member id, user id, email)."""
    from lib.identity import accounts

    out = []
    for i in range(n):
        email = f"{prefix}{i}@example.org"
        member = conn.execute("insert into public.members (email, full_name, plan_id) values (%s, %s, %s)"
                              " returning id::text", (email, f"{prefix.title()} {i}", plan)).fetchone()["id"]
        out.append((member, str(accounts.create_account(conn, email, None)), email))
    return out


def fresh_database(data: Path, name: str) -> str:
    """A new, migrated database `name` on the scratch server in `data`, made the process's
    database; returns its connection string."""
    import psycopg

    from lib.core import db, embedded

    with psycopg.connect(embedded.conninfo(data, "postgres"), autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")
        conn.execute(f"create database {name}")
    info = embedded.conninfo(data, name)
    db.migrate(info)
    db.use_database(info)
    return info
