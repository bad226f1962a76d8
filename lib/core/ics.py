"""Calendar files (.ics, RFC 5545) for bookings and events, so people see them in their own
calendar: the My bookings export and the e-mails' attachments. Built with the `icalendar`
library (escaping, folding and line endings are its job, not ours)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import icalendar

from lib.core import clock

PRODID = "-//Cantine//Bookings//FR"


def calendar(events: Iterable[dict[str, Any]], space_name: str, method: str = "PUBLISH") -> str:
    """A VCALENDAR with one VEVENT per dict: id (or a full uid), starts, ends, summary, and
    optionally location, description, status ('cancelled') and sequence (a higher one updates an
    event already in someone's calendar: same UID). `method` CANCEL removes them from it."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    now = clock.now().astimezone(dt.UTC)
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.get("uid") or f"{item['id']}@cantine")
        event.add("dtstamp", now)
        # in UTC: every calendar reads it without a VTIMEZONE block
        event.add("dtstart", item["starts"].astimezone(dt.UTC))
        event.add("dtend", item["ends"].astimezone(dt.UTC))
        event.add("summary", item["summary"])
        event.add("location", item.get("location") or space_name)
        if item.get("description"):
            event.add("description", item["description"])
        event.add("sequence", int(item.get("sequence") or 0))
        cancelled = method == "CANCEL" or item.get("status") == "cancelled"
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical().decode("utf-8")
