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
    from lib import db, embedded

    db.close_pools()
    embedded.stop(data, mode="immediate")
    shutil.rmtree(data, ignore_errors=True)


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (0 < p <= 1) by nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, int(round(p * len(ordered))) - 1))]
