"""The space as a whole: its settings and a summary for the home page."""

from __future__ import annotations

import threading
import time
from typing import Any

from lib.core import caches, db

# Every rerun of every page reads the settings; they change a few times a year. Keep them a few
# seconds per database (measured: one query less per rerun under a shared-link burst), and forget
# them at once when this process saves new ones.
SETTINGS_TTL_SECONDS = 10.0
_settings_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_settings_lock = threading.Lock()


def settings() -> dict[str, Any]:
    """The settings row (read as the owner: settings are not secret and the sign-in page needs them)."""
    key = db.current_key()
    now = time.monotonic()
    with _settings_lock:
        hit = _settings_cache.get(key)
        if hit and hit[0] > now:
            return dict(hit[1])
    with db.as_owner() as conn:
        row = dict(conn.execute("select * from public.settings").fetchone())
    with _settings_lock:
        _settings_cache[key] = (now + SETTINGS_TTL_SECONDS, row)
    return dict(row)


@caches.register
def forget_settings() -> None:
    """After a change of settings: the next read goes to the database."""
    with _settings_lock:
        _settings_cache.clear()


def summary(claims: dict[str, Any]) -> dict[str, int]:
    """Counts for the home page, computed in SQL and filtered by what the person may know."""
    with db.as_user(claims) as conn:
        row = conn.execute("select * from public.space_summary()").fetchone()
    return dict(row) if row else {"members": 0, "active_members": 0, "resources": 0, "desks": 0, "rooms": 0}
