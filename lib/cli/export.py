"""`python -m lib export members|bookings|events|registrations [FILE]`: one verb, several kinds.

Each area plugs its exporter into `EXPORTERS` with one line: a function
`(args) -> (csv_text, row_count)` running as the owner.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from lib.booking import bookings
from lib.core import clock, db
from lib.directory import csv_export
from lib.events import events

KINDS = ("members", "bookings", "events", "registrations")


def _export_bookings(args: argparse.Namespace) -> tuple[str, int]:
    today = clock.space_today(bookings.booking_settings()["time_zone"])
    first = dt.date.fromisoformat(args.date_from) if args.date_from else today - dt.timedelta(days=365)
    last = dt.date.fromisoformat(args.date_to) if args.date_to else today + dt.timedelta(days=365)
    with db.as_owner() as conn:
        rows = bookings.export_rows(conn, first, last)
    return bookings.to_csv(rows, args.lang), len(rows)


EXPORTERS: dict[str, Callable[[argparse.Namespace], tuple[str, int]]] = {
    "bookings": _export_bookings,
    "members": lambda args: csv_export.cli_export(args),
    "events": lambda args: events.cli_export("events"),
    "registrations": lambda args: events.cli_export("registrations"),
}


def _cmd_export(args: argparse.Namespace) -> int:
    exporter = EXPORTERS.get(args.kind)
    if exporter is None:
        print(f"export: exporting {args.kind} is not available yet", file=sys.stderr)
        return 2
    text, count = exporter(args)
    if args.file and args.file != "-":
        Path(args.file).write_text(text, encoding="utf-8")
        print(f"exported {count} {args.kind} to {args.file}")
    else:
        sys.stdout.write(text)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export members, bookings, events or registrations as CSV")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("file", nargs="?", help="CSV file to write (default: standard output)")
    p.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD (bookings; default: a year ago)")
    p.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD (bookings; default: in a year)")
    p.add_argument("--lang", choices=("fr", "en"), default="fr",
                   help="the reader's language: headers, words, separators (bookings; default: fr)")
    p.set_defaults(func=_cmd_export)
