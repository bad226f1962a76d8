"""Dashboard commands: `report --year YYYY [--lang fr|en] FILE.pdf | --json` (the annual activity
report) and `board-link create|list|revoke` (read-only dashboards without an account). Run as
the database owner, like every command."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from lib.core import db
from lib.core.errors import UserError, user_message
from lib.dashboards import board_links, report
from lib.space import space


def _cmd_report(args: argparse.Namespace) -> int:
    if not args.json and not args.file:
        print("report: give FILE.pdf, or --json to print the figures", file=sys.stderr)
        return 2
    db.migrate()
    started = time.perf_counter()
    try:
        figures = report.figures(db.OWNER, args.year)
    except UserError as exc:
        print(f"report: {user_message(exc, 'en')}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2, default=str))
        return 0
    body = report.text(db.OWNER, args.year, args.lang)
    pdf = report.build_pdf(figures, args.lang, space.settings()["space_name"], body)
    Path(args.file).write_bytes(pdf)
    print(f"report {args.year} ({args.lang}): {args.file}, {len(pdf) // 1024} KB in "
          f"{time.perf_counter() - started:.1f} s")
    return 0


def _cmd_board_link(args: argparse.Namespace) -> int:
    db.migrate()
    try:
        if args.action == "create":
            token = board_links.create(db.OWNER, args.label, args.days)
            print(board_links.address(token))
            print(f"board link '{args.label}' valid {args.days} days (the address is shown once)")
        elif args.action == "revoke":
            board_links.revoke(db.OWNER, args.id)
            print(f"board link {args.id} revoked")
        else:
            for row in board_links.listing(db.OWNER):
                state = "live" if row["live"] else ("revoked" if row["revoked_at"] else "expired")
                print(f"{row['id']}  {state:<8} until {row['expires_at']:%Y-%m-%d}  {row['label']}")
    except UserError as exc:
        print(f"board-link: {user_message(exc, 'en')}", file=sys.stderr)
        return 1
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="the annual activity report as an A4 PDF, or its figures as JSON")
    p.add_argument("--year", type=int, required=True, help="the year, e.g. 2026")
    p.add_argument("--lang", choices=["fr", "en"], default="fr", help="the PDF's language (default fr)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON instead of writing a PDF")
    p.add_argument("file", nargs="?", help="where to write the PDF")
    p.set_defaults(func=_cmd_report)
    p = sub.add_parser("board-link", help="links opening the dashboards read-only without an account")
    p.add_argument("action", choices=["create", "list", "revoke"])
    p.add_argument("id", nargs="?", help="the link to revoke (see list)")
    p.add_argument("--label", default="Board", help="a name for the link (create)")
    p.add_argument("--days", type=int, default=30, help="days the link stays valid (create, default 30)")
    p.set_defaults(func=_cmd_board_link)
