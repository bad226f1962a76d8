"""Once-per-process work of the app. Plain flags under a lock rather than `st.cache_resource`:
the shell runs again on every rerun, and each cached call hashes its arguments and reads its
function's signature (together 7% of a shared-link rerun under a burst, measured with py-spy)."""

from __future__ import annotations

import gc
import threading
import time

from lib.core import db
from lib.directory import privacy

_lock = threading.Lock()
_described: str | None = None
_next_housekeeping = 0.0


def database_ready() -> str:
    """Once per process: start the embedded server if it is the one and apply migrations. (Demo
    data for a first run is loaded by run.sh, through the command line, before the app starts.)"""
    global _described
    if _described is None:
        with _lock:
            if _described is None:
                db.migrate()
                _described = db.describe()
                # Everything loaded so far (modules, settings, pools) lives as long as the
                # process: keep it out of the garbage collector's full passes, which otherwise
                # walk it all and pause every visitor's rerun (the tail of bench/link_burst.py).
                gc.freeze()
    return _described


def daily_housekeeping() -> None:
    """At most once a day per process: profiles unused and not updated for the configured months
    fall back to hidden (their owners are told on next sign-in)."""
    global _next_housekeeping
    if time.monotonic() < _next_housekeeping:
        return
    with _lock:
        if time.monotonic() < _next_housekeeping:
            return
        _next_housekeeping = time.monotonic() + 24 * 3600
    try:
        privacy.hide_stale_profiles(db.OWNER)
    except Exception:  # housekeeping must never stop a page; it runs again tomorrow
        pass
