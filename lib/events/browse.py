"""The members' events page, browsed (issue #14): filter the coming events by type, month and a
search, lay a month out as a calendar, and one event as a `.ics` file.

The frame filtered here is `events.upcoming` (public.upcoming_events, at most `UPCOMING_LIMIT`
coming events, cached per person by lib/web/reads.py): a season's programme, small enough that
filtering it in pandas costs less than a round trip per keystroke; the page draws one page of
cards (10) or one month, never the whole list.
"""

from __future__ import annotations

import calendar
import datetime as dt
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from lib.core import ics

UPCOMING_LIMIT = 300  # about eighteen months of a busy programme


def _fold(text: Any) -> str:
    """Lower case without accents: "Atelier déco" is found by "deco"."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def months(frame: pd.DataFrame, tz: ZoneInfo) -> list[dt.date]:
    """The first days of the months that hold coming events, in order (the month filter's choices)."""
    return sorted({s.astimezone(tz).date().replace(day=1) for s in frame["starts_at"]})


def filtered(frame: pd.DataFrame, tz: ZoneInfo, kind: str | None = None, month: dt.date | None = None,
             search: str | None = None) -> pd.DataFrame:
    """The coming events of one type, starting in one month (its first day), whose title,
    description or speakers contain the search (accents and case ignored)."""
    keep = pd.Series(True, index=frame.index)
    if kind:
        keep &= frame["kind"] == kind
    if month:
        keep &= pd.Series([s.astimezone(tz).date().replace(day=1) == month for s in frame["starts_at"]],
                          index=frame.index, dtype=bool)
    words = _fold(search).split()
    if words:
        text = [_fold(" ".join(str(v) for v in (r.title, r.description, r.speakers) if v is not None))
                for r in frame.itertuples()]
        keep &= pd.Series([all(w in x for w in words) for x in text], index=frame.index, dtype=bool)
    return frame[keep]


def month_grid(month: dt.date) -> list[list[dt.date | None]]:
    """The weeks of a month, Monday first, None outside it: the calendar view's rows."""
    return [[day if day.month == month.month else None for day in week]
            for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)]


def by_day(frame: pd.DataFrame, tz: ZoneInfo) -> dict[dt.date, list[Any]]:
    """Events by their local day, in start order (the calendar's cells)."""
    out: dict[dt.date, list[Any]] = {}
    for row in frame.sort_values("starts_at").itertuples():
        out.setdefault(row.starts_at.astimezone(tz).date(), []).append(row)
    return out


def event_ics(row: Any, space_name: str) -> bytes:
    """One event as a calendar file (lib/core/ics.py, which the e-mails' attachments use): one UID
    per event, so adding it twice updates the entry rather than doubling it."""
    return ics.calendar([{"uid": f"event-{row.event_id}@cantine", "starts": row.starts_at, "ends": row.ends_at,
                          "summary": row.title, "location": row.room_name or space_name,
                          "description": row.description or ""}], space_name).encode("utf-8")
