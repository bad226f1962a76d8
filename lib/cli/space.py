"""Space commands: `audit [--table T] [--since DATE] [--limit N] [--format text|csv]`, the audit
log newest first. Runs as the database owner, like every command."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from lib.core import csv_excel, db
from lib.core.i18n import t
from lib.space import audit

FIELDS = ("when", "who", "what", "row", "changes")


def _cmd_audit(args: argparse.Namespace) -> int:
    try:
        since = dt.date.fromisoformat(args.since) if args.since else None
    except ValueError:
        print(f"audit: --since must be a date like 2026-12-05, not {args.since!r}", file=sys.stderr)
        return 2
    if args.limit < 1:
        print("audit: --limit must be 1 or more", file=sys.stderr)
        return 2
    db.migrate()
    filters = audit.AuditFilter(tables=(args.table,) if args.table else (), since=since)
    rows, more = audit.entries(db.OWNER, filters, args.limit)
    lines = [audit.describe(r, "en") for r in rows]
    if args.format == "csv":
        header = [t(f"audit.col.{f}", "en") for f in FIELDS]
        sys.stdout.buffer.write(csv_excel.to_csv(header, [[line[f] for f in FIELDS] for line in lines], "en"))
        sys.stdout.flush()
        return 0
    for line in lines:
        print(f"{line['when']}  {line['who']}  {line['what']}  {line['row']}")
        if line["changes"]:
            print(f"    {line['changes']}")
    print(f"{len(lines)} change(s), newest first" + (f" (older ones beyond --limit {args.limit})" if more else ""))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="show the audit log: who changed what, when, old -> new")
    p.add_argument("--table", choices=audit.TABLES, help="only this table's changes")
    p.add_argument("--since", help="only changes from this day on (the space's local day), YYYY-MM-DD")
    p.add_argument("--limit", type=int, default=50, help="at most this many changes (default 50)")
    p.add_argument("--format", choices=["text", "csv"], default="text", help="text (default) or CSV for a spreadsheet")
    p.set_defaults(func=_cmd_audit)
