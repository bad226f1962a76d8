"""The app's one clock: what "now" is and which day "today" is in the space.

Every Python decision about time (the day a page opens on, whether check-in is open, whether an
event has started, an export's default period, demo data laid around today) asks these
functions, never `datetime.now()` or `date.today()` directly; the database asks its own `now()`.

`CANTINE_CLOCK_OFFSET` (seconds, may be negative; unset in production) moves this clock, and the
embedded PostgreSQL started by lib/core/embedded.py runs under Debian's libfaketime with the same
offset, so the app and its database agree on another day. The test suite sets it from
`CANTINE_TEST_NOW` (README, "Tests on another day"). Monotonic clocks are never moved: timeouts
and waits stay real.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

OFFSET_VARIABLE = "CANTINE_CLOCK_OFFSET"


def offset_seconds() -> int:
    """How far this process's clock is moved from the machine's (0: not moved)."""
    try:
        return int(os.environ.get(OFFSET_VARIABLE) or 0)
    except ValueError:
        return 0


def now() -> dt.datetime:
    """The current instant, time-zone aware (UTC)."""
    moved = offset_seconds()
    real = dt.datetime.now(dt.UTC)
    return real + dt.timedelta(seconds=moved) if moved else real


def local_now(time_zone: str) -> dt.datetime:
    """The current instant on the space's clock (`settings.time_zone`)."""
    return now().astimezone(ZoneInfo(time_zone))


def space_today(time_zone: str) -> dt.date:
    """Today in the space: its local day, which is what bookings' `day` column holds. The
    machine's own date can differ (a UTC server at 23:30 in Paris is on tomorrow)."""
    return local_now(time_zone).date()
