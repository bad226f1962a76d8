"""The app's one clock: what "now" is and which day "today" is in the space.

Every Python decision about time (the day a page opens on, whether check-in is open, whether an
event has started, an export's default period, demo data laid around today) asks these two
functions, never `datetime.now()` or `date.today()` directly; the database asks its own `now()`.
Both read the machine clock, so moving that clock (Debian's `faketime`, which the embedded server
started by the same process inherits) moves the app and its database together: that is how the
test suite is run on another day (see README, "Tests on another day").
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def now() -> dt.datetime:
    """The current instant, time-zone aware (UTC)."""
    return dt.datetime.now(dt.UTC)


def local_now(time_zone: str) -> dt.datetime:
    """The current instant on the space's clock (`settings.time_zone`)."""
    return now().astimezone(ZoneInfo(time_zone))


def space_today(time_zone: str) -> dt.date:
    """Today in the space: its local day, which is what bookings' `day` column holds. The
    machine's own date can differ (a UTC server at 23:30 in Paris is on tomorrow)."""
    return local_now(time_zone).date()
