"""`python -m lib notify send|status|remind|digest`: the e-mail outbox from the command line (and cron).

`remind` queues tomorrow's reminders, `digest` this week's team digest; both queue each message
once, so running them often is harmless (they print how many they queued).

`send` exits 0 when everything waiting left, 1 when some messages could not be sent, 2 when
e-mail sending is not set up. The SMTP password is never printed.
"""

from __future__ import annotations

import argparse
import sys

from lib.core import db
from lib.mail import notify, scheduled


def _cmd_notify(args: argparse.Namespace) -> int:
    db.migrate()
    if args.action == "remind":
        print(f"queued {scheduled.queue_reminders(db.OWNER)} reminder(s) for tomorrow")
        return 0
    if args.action == "digest":
        print(f"queued {scheduled.queue_weekly_digest(db.OWNER)} weekly digest(s) for the team")
        return 0
    settings = notify.smtp_settings()
    if args.action == "status":
        numbers = notify.counts(db.OWNER)
        if settings is None:
            print("e-mail: not set up (CANTINE_SMTP_HOST and CANTINE_SMTP_FROM, or [smtp] in secrets)")
        else:
            tls = "implicit TLS" if settings.implicit_tls else ("STARTTLS" if settings.starttls else "no TLS")
            print(f"e-mail: {settings.describe()} ({tls}), from {settings.sender}")
        print(f"outbox: {numbers['pending']} waiting, {numbers['failed']} failed, {numbers['sent']} sent")
        if numbers["last_error"]:
            print(f"last error: {numbers['last_error']}")
        return 0
    result = notify.send_pending(limit=args.limit, settings=settings)
    if not result.configured:
        print(f"notify: e-mail sending is not set up; {result.waiting} message(s) waiting "
              "(see README, Configuration)", file=sys.stderr)
        return 2
    print(f"sent {result.sent}, given up {result.failed}, {result.waiting} waiting")
    for level, line in notify.summary(result, "en"):
        if level == "warning":
            print(line, file=sys.stderr)
    return 1 if result.errors or result.failed or result.server_down else 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("notify", help="send the e-mail outbox, show its state, queue reminders or the digest")
    p.add_argument("action", choices=["send", "status", "remind", "digest"])
    p.add_argument("--limit", type=int, default=200, help="messages to send at most in this run (send)")
    p.set_defaults(func=_cmd_notify)
    # DESIGN.md's name for sending the outbox (what cron jobs written from it call)
    p = sub.add_parser("send-mail", help="send the e-mail outbox (same as: notify send)")
    p.add_argument("--limit", type=int, default=200, help="messages to send at most in this run")
    p.set_defaults(func=_cmd_notify, action="send")
