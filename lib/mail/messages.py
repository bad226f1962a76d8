"""What each e-mail says: one renderer per kind of outbox message, in the recipient's language,
as plain text. The outbox and its sender are lib/mail/notify.py.

A new kind of message: the database trigger that queues it (its SQL migration), a renderer
here and one line in `KINDS`, its sentences in lib/core/strings/notify.py.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from lib.core import clock
from lib.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, fmt_date, fmt_time, t


def when(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def one_line(text: str | None) -> str:
    """Names go into headers: no line breaks (a header injection), no runs of spaces."""
    return " ".join(str(text or "").split())


def domain(address: str) -> str:
    domain = parseaddr(address)[1].rpartition("@")[2]
    return domain or "cantine.invalid"


def _reason(payload: Mapping[str, Any], lang: str) -> str:
    if payload.get("was_pending") and payload.get("reason") == "team":
        return t("notify.reason.not_approved", lang)
    if payload.get("closure_reason"):
        return t("notify.reason.closure_why", lang, why=one_line(payload["closure_reason"]))
    if payload.get("reason") == "closure":
        return t("notify.reason.closure", lang)
    if payload.get("reason") == "resource_inactive":
        return t("notify.reason.resource_inactive", lang, resource=payload.get("resource") or "")
    return t("notify.reason.team", lang)


def _booking_cancelled(row: Mapping[str, Any], sender: str | None, app_url: str | None) -> EmailMessage:
    """A booking cancelled by the team (by hand, a closure, a resource taken out of service)."""
    lang = row.get("locale") if row.get("locale") in LANGUAGES else DEFAULT_LANGUAGE
    payload = row.get("payload") or {}
    space = payload.get("space") or "Cantine"
    tz = ZoneInfo(payload.get("time_zone") or "Europe/Paris")
    starts, ends = when(payload["starts"]).astimezone(tz), when(payload["ends"]).astimezone(tz)
    name = one_line(row.get("to_name"))
    resource = payload.get("resource") or ""
    place = f"{resource} ({payload['zone']})" if payload.get("zone") else resource
    rebook = (t("notify.rebook_guest", lang) if payload.get("guest")
              else t("notify.rebook_member", lang, url=app_url) if app_url else "")
    body = "\n\n".join(part for part in [
        t("notify.hello", lang, name=name) if name else t("notify.hello_anonymous", lang),
        t("notify.cancelled.intro", lang, space=space) + "\n\n  " + place + "\n  "
        + t("notify.cancelled.when", lang, date=fmt_date(starts.date(), "full", lang),
            start=fmt_time(starts, lang), end=fmt_time(ends, lang)),
        _reason(payload, lang),
        " ".join(p for p in (t("notify.sorry", lang), rebook) if p),
        t("notify.signature", lang, space=space),
        "-- \n" + t("notify.automatic", lang),
    ] if part)
    message = EmailMessage()
    message["Subject"] = one_line(t("notify.cancelled.subject", lang, resource=resource,
                                     date=fmt_date(starts.date(), "medium", lang)))
    message["To"] = formataddr((name, row["to_email"]))
    if sender:
        message["From"] = sender
    message["Date"] = format_datetime(clock.now())
    # stable per outbox row: a message retried after a lost answer is recognisably the same one
    message["Message-ID"] = f"<{row['id']}.{row.get('kind', 'notice')}@{domain(sender or '')}>"
    message["Content-Language"] = lang
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    message.set_content(body + "\n")
    return message


def render_test(to_email: str, to_name: str | None, lang: str, sender: str, space: str) -> EmailMessage:
    """A short test message, to check the settings from the settings page."""
    message = EmailMessage()
    message["Subject"] = t("notify.test.subject", lang)
    message["To"] = formataddr((one_line(to_name), to_email))
    message["From"] = sender
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = f"<test.{os.urandom(8).hex()}@{domain(sender)}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(t("notify.test.body", lang, space=space) + "\n")
    return message


def _event_notice(row: Mapping[str, Any], sender: str | None, app_url: str | None) -> EmailMessage:
    """An event cancelled, or a place gained from its waiting list."""
    lang = row.get("locale") if row.get("locale") in LANGUAGES else DEFAULT_LANGUAGE
    payload = row.get("payload") or {}
    space = payload.get("space") or "Cantine"
    tz = ZoneInfo(payload.get("time_zone") or "Europe/Paris")
    starts, ends = when(payload["starts"]).astimezone(tz), when(payload["ends"]).astimezone(tz)
    title = one_line(payload.get("title"))
    name = one_line(row.get("to_name"))
    cancelled = row.get("kind") == "event_cancelled"
    where = t("eventnotice.where", lang, room=payload["room"]) if payload.get("room") else ""
    what = "  " + title + "\n  " + t("events.when", lang, date=fmt_date(starts.date(), "full", lang),
                                     start=fmt_time(starts, lang), end=fmt_time(ends, lang))
    if where:
        what += "\n  " + where
    if cancelled:
        after = t("eventnotice.cancelled.sorry", lang)
    elif payload.get("guest"):
        after = t("eventnotice.promoted.cancel_guest", lang)
    else:
        after = t("eventnotice.promoted.cancel_member", lang, url=(app_url or "").rstrip("/") + "/events") \
            if app_url else ""
    body = "\n\n".join(part for part in [
        t("notify.hello", lang, name=name) if name else t("notify.hello_anonymous", lang),
        t("eventnotice.cancelled.intro" if cancelled else "eventnotice.promoted.intro", lang, space=space)
        + "\n\n" + what,
        after,
        t("notify.signature", lang, space=space),
        "-- \n" + t("notify.automatic", lang),
    ] if part)
    message = EmailMessage()
    message["Subject"] = one_line(t("eventnotice.cancelled.subject" if cancelled else "eventnotice.promoted.subject",
                                     lang, title=title, date=fmt_date(starts.date(), "medium", lang)))
    message["To"] = formataddr((name, row["to_email"]))
    if sender:
        message["From"] = sender
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = f"<{row['id']}.{row.get('kind')}@{domain(sender or '')}>"
    message["Content-Language"] = lang
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body + "\n")
    return message


Renderer = Callable[[Mapping[str, Any], str | None, str | None], EmailMessage]

# every kind of message the outbox holds (`public.notifications.kind`) and what renders it
KINDS: dict[str, Renderer] = {
    "booking_cancelled": _booking_cancelled,
    "event_cancelled": _event_notice,
    "waitlist_promoted": _event_notice,
}


def render(row: Mapping[str, Any], sender: str | None = None, app_url: str | None = None) -> EmailMessage:
    """The e-mail for an outbox row. `sender` is the From address (the sender's settings),
    `app_url` where members can book again. A kind without a renderer is a bug: it fails loudly
    (the sender records the error on the row, which stays in the outbox)."""
    return KINDS[str(row.get("kind") or "booking_cancelled")](row, sender, app_url)
