"""Money commands: `money payments|income [FILE] --from DAY --to DAY [--lang fr|en]`, the
treasurer's CSVs (the same as the desk page's downloads), for a script or a year-end archive.
Run as the database owner, like every command."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from lib.core import db
from lib.core.errors import UserError, user_message
from lib.money import money


def _cmd_money(args: argparse.Namespace) -> int:
    db.migrate()
    first, last = dt.date.fromisoformat(args.first), dt.date.fromisoformat(args.last)
    if last < first:
        print("money: --to must not be before --from", file=sys.stderr)
        return 2
    try:
        if args.what == "payments":
            zone = money.money_settings(db.OWNER)["time_zone"]
            data = money.payments_csv(db.OWNER, first, last, args.lang, zone)
        else:
            data = money.income_csv(db.OWNER, first, last, args.lang)
    except UserError as exc:
        print(f"money: {user_message(exc, 'en')}", file=sys.stderr)
        return 1
    if args.file:
        Path(args.file).write_bytes(data)
        rows = data.count(b"\r\n") - 1
        print(f"money {args.what} {first}..{last}: {rows} rows in {args.file}")
    else:
        sys.stdout.buffer.write(data)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("money", help="the treasurer's CSVs: payments, or income per plan, for a period")
    p.add_argument("what", choices=["payments", "income"])
    p.add_argument("--from", dest="first", required=True, help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="last", required=True, help="last day, YYYY-MM-DD")
    p.add_argument("--lang", choices=["fr", "en"], default="fr", help="French Excel (;) or English (,); default fr")
    # right after `what`: argparse fills positionals in one go, before the options
    p.add_argument("file", nargs="?", help="where to write the CSV (standard output without it)")
    p.set_defaults(func=_cmd_money)
