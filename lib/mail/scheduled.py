"""Scheduled and optional messages: the reminders the day before, the team's weekly digest, and
each member's choice of which of these they receive; and whether account links go by e-mail.

The rules are in SQL (`supabase/migrations/*_scheduled_messages.sql`): the queueing functions
run for the owner (the sender, `python -m lib notify remind|digest`) or an admin, queue each
message once (calling them every few minutes is cheap and queues nothing new), and honour the
opt-outs. Only the member chooses their own (`public.set_email_opt_out`).
"""

from __future__ import annotations

import datetime as dt

from lib.core import db
from lib.identity import accounts
from lib.mail import notify

# the optional kinds, in the order the account page offers them (the others are always sent)
OPTIONAL_KINDS = ("booking_reminder", "event_reminder", "team_digest")
# who may receive the digest (the database sends it to no one else)
DIGEST_ROLES = ("admin", "staff")


def queue_reminders(who: db.Actor) -> int:
    """Queue tomorrow's booking and event reminders (the space's local day); how many were queued."""
    with db.acting_as(who) as conn:
        return int(conn.execute("select public.queue_reminders() as n").fetchone()["n"])


def queue_weekly_digest(who: db.Actor) -> int:
    """Queue this week's digest to each team member who has not had it; how many were queued."""
    with db.acting_as(who) as conn:
        return int(conn.execute("select public.queue_weekly_digest() as n").fetchone()["n"])


# reminders leave the afternoon before (not at midnight, and not for a whole day ahead)
REMINDER_HOUR = 16


def queue_due(who: db.Actor, local_now: dt.datetime) -> int:
    """What the sender thread queues on its rounds (`local_now`: the space's local time): this
    week's digest, and from REMINDER_HOUR tomorrow's reminders. Idempotent; how many were queued."""
    queued = queue_weekly_digest(who)
    if local_now.hour >= REMINDER_HOUR:
        queued += queue_reminders(who)
    return queued


def account_links_by_mail() -> bool:
    """Whether invitation and reset links of local accounts go by e-mail: SMTP is set up and the
    app's address is known (the e-mail's link needs it). Otherwise the team page shows the link."""
    return notify.smtp_settings() is not None and accounts.configured_app_url() is not None


def optional_kinds_for(role: str) -> tuple[str, ...]:
    """The optional kinds someone with this role may receive, hence choose."""
    return OPTIONAL_KINDS if role in DIGEST_ROLES else tuple(k for k in OPTIONAL_KINDS if k != "team_digest")


def email_opt_out(who: db.Actor) -> list[str]:
    """The optional kinds the signed-in person declined."""
    with db.acting_as(who) as conn:
        row = conn.execute("select email_opt_out from public.members where id = private.current_member_id()"
                           ).fetchone()
    return list(row["email_opt_out"]) if row else []


def set_email_opt_out(who: db.Actor, declined: list[str]) -> list[str]:
    """Save the optional kinds the signed-in person declines (for themselves only); what is now
    declined."""
    with db.acting_as(who) as conn:
        row = conn.execute("select public.set_email_opt_out(%s::text[]) as kinds", (list(declined),)).fetchone()
    return list(row["kinds"])
