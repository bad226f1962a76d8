"""Calendar files (.ics, RFC 5545) for bookings, so people see them in their own calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from lib.core import clock


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, raw = [], line.encode("utf-8")
    while len(raw) > 75:
        cut = 75
        while (raw[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        out.append(raw[:cut].decode("utf-8"))
        raw = b" " + raw[cut:]
    out.append(raw.decode("utf-8"))
    return out


def calendar(events: Iterable[dict[str, Any]], space_name: str) -> str:
    """A VCALENDAR with one VEVENT per booking: each dict has id, starts, ends, summary and
    optionally location and status."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Cantine//Bookings//FR", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    now = clock.now()
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event['id']}@cantine", f"DTSTAMP:{_stamp(now)}",
                  f"DTSTART:{_stamp(event['starts'])}", f"DTEND:{_stamp(event['ends'])}",
                  f"SUMMARY:{_escape(event['summary'])}",
                  f"LOCATION:{_escape(event.get('location') or space_name)}",
                  "STATUS:" + ("CANCELLED" if event.get("status") == "cancelled" else "CONFIRMED"),
                  "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"
