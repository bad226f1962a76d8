"""`python -m lib share-link create|list|revoke`: shared links for booking (or registering for
events, `--purpose events|all`) without an account.

The token is printed once, when the link is made (only its hash is stored), and never logged.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from lib.booking import share_links
from lib.core import db
from lib.events import events
from lib.identity import accounts


def _link_url(token: str) -> str:
    """The address to give out: the app's public address (CANTINE_APP_URL) + the link page."""
    base = (accounts.configured_app_url() or "http://localhost:8501").rstrip("/")
    return f"{base}/link?t={token}"


def _cmd_share_link(args: argparse.Namespace) -> int:
    db.migrate()
    if args.action == "create":
        if not args.label:
            print("share-link: create needs --label", file=sys.stderr)
            return 2
        expires = share_links.end_of_day(dt.date.fromisoformat(args.expires) if args.expires else None)
        if args.purpose == "booking":
            token = share_links.create(db.OWNER, args.label, expires, args.max_per_day, args.max_per_email)
        else:  # a link for events (or for both): event management's helper passes the purpose
            token = events.create_link(db.OWNER, args.label, expires, args.max_per_day, args.max_per_email, args.purpose)
        print(f"created link {args.label!r}; give out this address (shown only now):")
        print(_link_url(token))
        return 0
    if args.action == "list":
        frame = share_links.list_links(db.OWNER)
        if frame.empty:
            print("no shared links")
        for row in frame.itertuples():
            expires = row.expires_at.date().isoformat() if row.expires_at is not None else "never"
            print(f"{row.id}  {row.state:<8} expires {expires:<10} {row.bookings:>5} bookings  {row.label}")
        return 0
    if not args.id:
        print("share-link: revoke needs the link id (see `share-link list`)", file=sys.stderr)
        return 2
    row = share_links.revoke(db.OWNER, args.id)
    print(f"revoked {row['label']!r}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("share-link", help="create, list or revoke shared booking links")
    p.add_argument("action", choices=["create", "list", "revoke"])
    p.add_argument("id", nargs="?", help="link id (revoke)")
    p.add_argument("--label", help="what the link is for, e.g. 'Newsletter December' (create)")
    p.add_argument("--expires", help="last day the link works, YYYY-MM-DD (create; default: never)")
    p.add_argument("--max-per-day", type=int, default=200, help="bookings a day through this link (create)")
    p.add_argument("--max-per-email", type=int, default=2, help="bookings a day per email (create)")
    p.add_argument("--purpose", choices=["booking", "events", "all"], default="booking",
                   help="what the link opens: desk booking, event registration, or both (create)")
    p.set_defaults(func=_cmd_share_link)
