"""The command line: `python -m lib <command>`. See README.md, "Command line".

Each command prints what it did and exits non-zero with a one-line reason on failure.
Each area's commands are a module of this package with `register(subparsers)` whose parsers
set `func`, listed in `AREA_COMMANDS`.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from pathlib import Path

from lib.cli import booking as cli_booking
from lib.cli import dashboards as cli_dashboards
from lib.cli import directory as cli_directory
from lib.cli import export as cli_export
from lib.cli import money as cli_money
from lib.cli import notify as cli_notify
from lib.cli import space as cli_space
from lib.core import backup, db, embedded
from lib.core.errors import UserError, user_message
from lib.core.i18n import t
from lib.demo import seed
from lib.identity import accounts
from lib.space import settings_admin

AREA_COMMANDS = (cli_booking, cli_dashboards, cli_export, cli_directory, cli_notify, cli_space, cli_money)


def _cmd_migrate(args: argparse.Namespace) -> int:
    report = db.migrate()
    for name in report.applied:
        print(f"applied  {name}")
    for name in report.changed:
        print(f"CHANGED  {name}: this file was edited after it was applied; write a new migration instead",
              file=sys.stderr)
    print(f"{len(report.applied)} applied, {len(report.already)} already applied ({db.describe()})")
    return 1 if report.changed else 0


def _cmd_seed(args: argparse.Namespace) -> int:
    if not args.demo:
        print("seed: only demo data exists; use `seed --demo`", file=sys.stderr)
        return 2
    db.migrate()
    if args.first_run and not (db.is_embedded() and settings_admin.demo_autoseed()):
        print("seed: not an embedded database with demo data on (CANTINE_DEMO): nothing loaded")
        return 0
    with db.as_owner() as conn:
        if args.first_run and conn.execute("select count(*) as n from public.members").fetchone()["n"]:
            print("seed: the database already has members: nothing loaded")
            return 0
        report = seed.seed_demo(conn, scale=args.scale, force=args.force)
    if report.skipped:
        print("demo data already present; nothing to do (add --force to start again)")
        return 0
    print(f"demo data: {report.members} members, {report.resources} resources, {report.accounts} accounts "
          f"(password: {seed.DEMO_PASSWORD})")
    for note in report.notes or []:
        print(note)
    return 0


def _cmd_create_admin(args: argparse.Namespace) -> int:
    password = args.password or os.environ.get("CANTINE_ADMIN_PASSWORD")
    generated = False
    if not password and sys.stdin.isatty():
        password = getpass.getpass("Password (10 characters or more): ")
    if not password:
        password, generated = accounts.generate_password(), True
    problem = accounts.password_problem(password)
    if problem:
        print(f"create-admin: {t(problem, 'en')}", file=sys.stderr)
        return 2
    db.migrate()
    with db.as_owner() as conn:
        accounts.create_admin(conn, args.email, args.name or args.email.split("@")[0], password)
    print(f"admin {args.email} can sign in" + (f" with password: {password}" if generated else ""))
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    counts = backup.backup(Path(args.file))
    print(f"backed up {sum(counts.values())} rows from {len(counts)} tables to {args.file}")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    counts = backup.restore(Path(args.file))
    print(f"restored {sum(counts.values())} rows into {len(counts)} tables ({db.describe()})")
    return 0


def _cmd_db(args: argparse.Namespace) -> int:
    if not db.is_embedded():
        print(f"db: DATABASE_URL is set ({db.describe()}); nothing to start or stop here", file=sys.stderr)
        return 2
    if args.action == "start":
        print(f"running: {db.ensure_embedded_database()}")
    elif args.action == "stop":
        print("stopped" if embedded.stop(db.data_dir()) else "was not running")
    elif args.action == "reset":
        if not args.yes:
            print(f"db: reset deletes every piece of data in {db.data_dir()}; add --yes to do it", file=sys.stderr)
            return 2
        embedded.stop(db.data_dir())
        removed = embedded.delete_data(db.data_dir())
        print(f"deleted the embedded database in {db.data_dir()}" if removed else "there was no embedded database")
    else:
        pid = embedded.server_pid(db.data_dir())
        print(f"running (pid {pid}) in {db.data_dir()}" if pid else f"not running ({db.data_dir()})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lib", description="Cantine's command line")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("migrate", help="apply pending migrations")
    p.set_defaults(func=_cmd_migrate)
    p = sub.add_parser("seed", help="load demo data")
    p.add_argument("--demo", action="store_true", help="demo data (the only kind)")
    p.add_argument("--scale", choices=["small", "large"], default="small")
    p.add_argument("--force", action="store_true", help="replace whatever the database holds")
    p.add_argument("--first-run", action="store_true",
                   help="only into an embedded database without members, unless CANTINE_DEMO=0 (run.sh)")
    p.set_defaults(func=_cmd_seed)
    p = sub.add_parser("create-admin", help="create or promote an administrator account")
    p.add_argument("email")
    p.add_argument("--name", help="full name (default: the part of the email before @)")
    p.add_argument("--password", help="default: asked, or CANTINE_ADMIN_PASSWORD, or generated and printed")
    p.set_defaults(func=_cmd_create_admin)
    p = sub.add_parser("backup", help="write a backup file")
    p.add_argument("file")
    p.set_defaults(func=_cmd_backup)
    p = sub.add_parser("restore", help="restore a backup into an empty database")
    p.add_argument("file")
    p.set_defaults(func=_cmd_restore)
    p = sub.add_parser("db", help="start, stop or show the embedded PostgreSQL")
    p.add_argument("action", choices=["start", "stop", "status", "reset"])
    p.add_argument("--yes", action="store_true", help="reset: yes, delete the embedded database")
    p.set_defaults(func=_cmd_db)
    for module in AREA_COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one line, no traceback: the command line is for people too
        reason = user_message(exc, "en") if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        print(f"{args.command}: {reason}".splitlines()[0], file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
