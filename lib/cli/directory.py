"""Directory commands: `import-members FILE [--dry-run]`, `hide-stale-profiles`,
`erase-member EMAIL`. They run as the database owner, like every command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lib.core import db
from lib.directory import csv_import, privacy


def _cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"import-members: no such file: {path}", file=sys.stderr)
        return 2
    db.migrate()
    plan = csv_import.import_members(path.read_bytes(), db.OWNER, dry_run=args.dry_run)
    parsed = plan.parsed
    print(f"{path.name}: {parsed.encoding}, separator {parsed.delimiter!r}, {len(plan.rows)} rows")
    if parsed.ignored:
        print(f"ignored columns: {', '.join(parsed.ignored)}")
    for row in plan.rows:
        detail = row.reason_text("en") if row.action == "refused" else ", ".join(row.changes)
        print(f"line {row.line:>5}  {row.action:<9}  {row.email or '-':<40}  {detail}")
    print(("dry run, nothing changed: " if args.dry_run else "imported: ") + plan.summary("en"))
    return 0


def _cmd_hide_stale(args: argparse.Namespace) -> int:
    db.migrate()
    print(f"{privacy.hide_stale_profiles(db.OWNER)} stale profile(s) hidden")
    return 0


def _cmd_erase(args: argparse.Namespace) -> int:
    db.migrate()
    with db.as_owner() as conn:
        row = conn.execute("select id from public.members where email = %s", (args.email,)).fetchone()
    if row is None:
        print(f"erase-member: no member with email {args.email}", file=sys.stderr)
        return 1
    privacy.erase_member(db.OWNER, str(row["id"]))
    print(f"erased member {row['id']}: personal data deleted, bookings kept anonymised")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import-members", help="import members from a CSV file (dry run first)")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="show what would happen, change nothing")
    p.set_defaults(func=_cmd_import)
    p = sub.add_parser("hide-stale-profiles", help="hide directory profiles unused for the configured months")
    p.set_defaults(func=_cmd_hide_stale)
    p = sub.add_parser("erase-member", help="erase a member's personal data (keeps anonymised statistics)")
    p.add_argument("email")
    p.set_defaults(func=_cmd_erase)
