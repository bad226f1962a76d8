"""What each e-mail says: one renderer per kind of outbox message, in the recipient's language
(the row's `locale`). Every message is multipart: plain text and a simple HTML alternative built
from the same parts (inline styles, nothing remote, every value escaped), from the space's name
at the configured address, with an `.ics` attachment when it puts something in a calendar (or
takes it out: METHOD:CANCEL, or updates it: same UID, higher SEQUENCE). The outbox and its
sender are lib/mail/notify.py; the sender passes a message's secret (a proof, manage or
set-password token) in the row as `secret`.

A new kind of message: the database trigger that queues it (its SQL migration), a renderer
here and one line in `KINDS`, its sentences in lib/core/strings/notify.py.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from lib.core import clock, ics
from lib.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, fmt_date, fmt_money, fmt_time, has, t


def when(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def one_line(text: str | None) -> str:
    """Names go into headers: no line breaks (a header injection), no runs of spaces."""
    return " ".join(str(text or "").split())


def domain(address: str) -> str:
    domain = parseaddr(address)[1].rpartition("@")[2]
    return domain or "cantine.invalid"


def _reason(payload: Mapping[str, Any], lang: str) -> str:
    if payload.get("reason") in ("member", "link"):
        return t("mail.reason.by_you", lang)
    if payload.get("was_pending") and payload.get("reason") == "team":
        return t("notify.reason.not_approved", lang)
    if payload.get("closure_reason"):
        return t("notify.reason.closure_why", lang, why=one_line(payload["closure_reason"]))
    if payload.get("reason") == "closure":
        return t("notify.reason.closure", lang)
    if payload.get("reason") == "resource_inactive":
        return t("notify.reason.resource_inactive", lang, resource=payload.get("resource") or "")
    return t("notify.reason.team", lang)


# --------------------------------------------------------------------------- the parts of a message

@dataclass
class Mail:
    """What a message says, once: the plain text and the HTML are both drawn from these parts,
    so they cannot say different things."""

    lang: str
    space: str
    subject: str
    greeting: str
    intro: str
    details: list[str] = field(default_factory=list)     # the booking / event / week it is about
    paragraphs: list[str] = field(default_factory=list)  # may hold the addresses in `urls`
    urls: list[str] = field(default_factory=list)        # links, drawn as such in the HTML
    calendar: str | None = None                          # an .ics to attach
    calendar_method: str = "PUBLISH"

    def text(self) -> str:
        intro = self.intro + ("\n\n" + "\n".join("  " + line for line in self.details) if self.details else "")
        parts = [self.greeting, intro, *self.paragraphs, t("notify.signature", self.lang, space=self.space),
                 "-- \n" + t("notify.automatic", self.lang)]
        return "\n\n".join(part for part in parts if part) + "\n"

    def _para(self, text: str, style: str = "margin:0 0 16px 0;") -> str:
        out = html.escape(text)
        for url in self.urls:  # the escaped address becomes a link to the same (escaped) address
            safe = html.escape(url)
            out = out.replace(safe, f'<a href="{safe}" style="color:#1f5f8b;">{safe}</a>')
        return f'<p style="{style}">{out.replace(chr(10), "<br>")}</p>'

    def html(self) -> str:
        details = ""
        if self.details:
            lines = "<br>".join(html.escape(line) for line in self.details)
            details = ('<div style="margin:0 0 16px 0;padding:10px 14px;border-left:4px solid #2f6f4f;'
                       f'background:#f1f5f2;">{lines}</div>')
        paragraphs = "".join(self._para(p) for p in self.paragraphs if p)
        return (
            f'<!DOCTYPE html><html lang="{html.escape(self.lang)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.subject)}</title></head>"
            '<body style="margin:0;padding:24px;background:#f6f6f4;font-family:Arial,Helvetica,sans-serif;'
            'font-size:15px;line-height:1.5;color:#222;">'
            '<div style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff;border-radius:6px;">'
            + self._para(self.greeting) + self._para(self.intro) + details + paragraphs
            + self._para(t("notify.signature", self.lang, space=self.space))
            + self._para(t("notify.automatic", self.lang), "margin:24px 0 0 0;font-size:12px;color:#777;")
            + "</div></body></html>")


def _envelope(row: Mapping[str, Any], mail: Mail, sender: str | None) -> EmailMessage:
    """The e-mail: headers (injection-safe: `one_line`), text, HTML, the calendar file."""
    message = EmailMessage()
    message["Subject"] = one_line(mail.subject)
    message["To"] = formataddr((one_line(row.get("to_name")), row["to_email"]))
    if sender:
        # the space's name people know, at the address the mail server lets us send from
        message["From"] = formataddr((one_line(mail.space), parseaddr(sender)[1]))
    message["Date"] = format_datetime(clock.now())
    # stable per outbox row: a message retried after a lost answer is recognisably the same one
    message["Message-ID"] = f"<{row['id']}.{row.get('kind', 'notice')}@{domain(sender or '')}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    message.set_content(mail.text())
    message.add_alternative(mail.html(), subtype="html")
    if mail.calendar:
        message.add_attachment(mail.calendar.encode("utf-8"), maintype="text", subtype="calendar",
                               filename="cantine.ics", params={"method": mail.calendar_method})
    # after the content: set_content and the multipart conversions move or drop Content-* headers
    message["Content-Language"] = mail.lang
    return message


def _lang(row: Mapping[str, Any]) -> str:
    return row.get("locale") if row.get("locale") in LANGUAGES else DEFAULT_LANGUAGE


def _tz(payload: Mapping[str, Any]) -> ZoneInfo:
    return ZoneInfo(payload.get("time_zone") or "Europe/Paris")


def _span(starts: dt.datetime, ends: dt.datetime, lang: str) -> str:
    return t("notify.cancelled.when", lang, date=fmt_date(starts.date(), "full", lang),
             start=fmt_time(starts, lang), end=fmt_time(ends, lang))


def _moment(value: Any, tz: ZoneInfo, lang: str) -> str:
    local = when(value).astimezone(tz)
    return t("mail.at_time", lang, date=fmt_date(local.date(), "full", lang), time=fmt_time(local, lang))


def _greeting(row: Mapping[str, Any], lang: str) -> str:
    name = one_line(row.get("to_name"))
    return t("notify.hello", lang, name=name) if name else t("notify.hello_anonymous", lang)


def _url(app_url: str | None, path: str) -> str | None:
    return (app_url or "").rstrip("/") + path if app_url else None


def _sequence(row: Mapping[str, Any]) -> int:
    """An update or a cancellation must carry a higher SEQUENCE than what calendars hold (0 for
    the first message): the time it was queued, in seconds, only grows."""
    created = row.get("created_at")
    return int(when(created).timestamp()) if created else int(clock.now().timestamp())


class _Booking:
    """A booking as messages describe it (private.booking_notice_payload)."""

    def __init__(self, row: Mapping[str, Any], lang: str) -> None:
        p = row.get("payload") or {}
        self.p, self.lang = p, lang
        self.space = one_line(p.get("space")) or "Cantine"
        tz = _tz(p)
        self.starts, self.ends = when(p["starts"]).astimezone(tz), when(p["ends"]).astimezone(tz)
        self.resource = one_line(p.get("resource"))
        self.place = f"{self.resource} ({one_line(p['zone'])})" if p.get("zone") else self.resource
        self.uid = f"booking-{row.get('booking_id') or row['id']}"

    def subject(self, key: str) -> str:
        return t(key, self.lang, resource=self.resource, date=fmt_date(self.starts.date(), "medium", self.lang))

    def details(self) -> list[str]:
        return [self.place, _span(self.starts, self.ends, self.lang)]

    def calendar(self, sender: str | None, method: str = "PUBLISH", sequence: int = 0) -> str:
        return ics.calendar([{"uid": f"{self.uid}@{domain(sender or '')}", "starts": self.starts, "ends": self.ends,
                              "summary": t("ics.summary", self.lang, resource=self.resource, space=self.space),
                              "location": f"{self.place} — {self.space}", "sequence": sequence}],
                            self.space, method)


def _booking_links(row: Mapping[str, Any], b: _Booking, app_url: str | None) -> tuple[list[str], list[str]]:
    """Where the person manages this booking: their private manage link (a shared-link booking),
    else My bookings (a member)."""
    if row.get("secret") and app_url:
        url = _url(app_url, f"/?manage={row['secret']}")
        return [t("mail.manage_booking", b.lang, url=url)], [url]
    if not b.p.get("guest") and app_url:
        url = _url(app_url, "/my_bookings")
        return [t("mail.my_bookings", b.lang, url=url)], [url]
    return [], []


def _booking_confirmed(row: Mapping[str, Any], sender: str | None, app_url: str | None) -> EmailMessage:
    """A booking made (in the app, by the team, or proven through a shared link); a guest's
    request the team must still approve says so and carries no calendar entry yet."""
    lang = _lang(row)
    b = _Booking(row, lang)
    pending = b.p.get("status") == "pending"
    paragraphs, urls = _booking_links(row, b, app_url)
    mail = Mail(lang, b.space, b.subject("mail.booking_pending.subject" if pending else "mail.booking_confirmed.subject"),
                _greeting(row, lang),
                t("mail.booking_pending.intro" if pending else "mail.booking_confirmed.intro", lang, space=b.space),
                b.details(), paragraphs, urls, None if pending else b.calendar(sender))
    return _envelope(row, mail, sender)


def _guest_approved(row: Mapping[str, Any], sender: str | None, app_url: str | None) -> EmailMessage:
    lang = _lang(row)
    b = _Booking(row, lang)
    paragraphs, urls = _booking_links(row, b, app_url)
    mail = Mail(lang, b.space, b.subject("mail.guest_approved.subject"), _greeting(row, lang),
                t("mail.guest_approved.intro", lang, space=b.space), b.details(), paragraphs, urls,
                b.calendar(sender))
    return _envelope(row, mail, sender)


def _booking_reminder(row: Mapping[str, Any], sender: str | None, app_url: str | None) -> EmailMessage:
    lang = _lang(row)
    b = _Booking(row, lang)
    paragraphs, urls = _booking_links(row, b, app_url)
    mail = Mail(lang, b.space, b.subject("mail.booking_reminder.subject"), _greeting(row, lang),
                t("mail.booking_reminder.intro", lang, space=b.space), b.details(), paragraphs, urls,
                b.calendar(sender))
    return _envelope(row, mail, sender)


def _booking_cancelled(row: Mapping[str, Any], sender: str | None, app_url: str | None) -> EmailMessage:
    """A booking cancelled: by the team (by hand, a closure, a resource taken out of service, a
    guest's request refused) or by the person (their receipt)."""
    lang = _lang(row)
    b = _Booking(row, lang)
    by_you = b.p.get("reason") in ("member", "link")
    rebook = (t("notify.rebook_guest", lang) if b.p.get("guest")
              else t("notify.rebook_member", lang, url=app_url) if app_url else "")
    closing = rebook if by_you else " ".join(part for part in (t("notify.sorry", lang), rebook) if part)
    mail = Mail(lang, b.space, b.subject("notify.cancelled.subject"), _greeting(row, lang),
                t("notify.cancelled.intro", lang, space=b.space), b.details(), [_reason(b.p, lang), closing],
                [app_url] if app_url and not b.p.get("guest") else [],
                b.calendar(sender, "CANCEL", _sequence(row)), "CANCEL")
    return _envelope(row, mail, sender)


def render_test(to_email: str, to_name: str | None, lang: str, sender: str, space: str) -> EmailMessage:
    """A short test message, to check the settings from the settings page."""
    message = EmailMessage()
    message["Subject"] = t("notify.test.subject", lang)
    message["To"] = formataddr((one_line(to_name), to_email))
    message["From"] = formataddr((one_line(space), parseaddr(sender)[1]))
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = f"<test.{os.urandom(8).hex()}@{domain(sender)}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(t("notify.test.body", lang, space=space) + "\n")
    message["Content-Language"] = lang  # after set_content, which drops Content-* headers
    return message


class _Registration:
    """A registration as messages describe it (private.registration_notice_payload)."""

    def __init__(self, row: Mapping[str, Any], lang: str) -> None:
        p = row.get("payload") or {}
        self.p, self.lang = p, lang
        self.space = one_line(p.get("space")) or "Cantine"
        self.tz = _tz(p)
        self.starts, self.ends = when(p["starts"]).astimezone(self.tz), when(p["ends"]).astimezone(self.tz)
        self.title = one_line(p.get("title"))
        self.room = one_line(p.get("room"))
        self.uid = f"registration-{row.get('registration_id') or row['id']}"

    def subject(self, key: str) -> str:
        return t(key, self.lang, title=self.title, date=fmt_date(self.starts.date(), "medium", self.lang))

    def details(self) -> list[str]:
        lines = [self.title, t("events.when", self.lang, date=fmt_date(self.starts.date(), "full", self.lang),
                               start=fmt_time(self.starts, self.lang), end=fmt_time(self.ends, self.lang))]
        if self.room:
            lines.append(t("eventnotice.where", self.lang, room=self.room))
        return lines

    def calendar(self, sender: str | None, method: str = "PUBLISH", sequence: int = 0) -> str:
        return ics.calendar([{"uid": f"{self.uid}@{domain(sender or '')}", "starts": self.starts, "ends": self.ends,
                              "summary": f"{self.title} — {self.space}",
                              "location": f"{self.room} — {self.space}" if self.room else self.space,
                              "sequence": sequence}], self.space, method)


def _registration_links(row: Mapping[str, Any], g: _Registration, app_url: str | None) -> tuple[list[str], list[str]]:
    if row.get("secret") and app_url:
        url = _url(app_url, f"/?manage={row['secret']}")
        return [t("mail.manage_registration", g.lang, url=url)], [url]
    if g.p.get("guest"):
        return [t("eventnotice.promoted.cancel_guest", g.lang)], []
    if app_url:
        url = _url(app_url, "/events")
        return [t("eventnotice.promoted.cancel_member", g.lang, url=url)], [url]
    return [], []


def _registration_notice(row: Mapping[str, Any], sender: str | None, app_url: str | None) -> EmailMessage:
    """A registration confirmed or on the waiting list, a place gained from it, a reminder."""
    lang = _lang(row)
    g = _Registration(row, lang)
    kind = row.get("kind")
    keys = {"registration_confirmed": ("mail.registered.subject", "mail.registered.intro"),
            "registration_waitlisted": ("mail.waitlisted.subject", "mail.waitlisted.intro"),
            "waitlist_promoted": ("eventnotice.promoted.subject", "eventnotice.promoted.intro"),
            "event_reminder": ("mail.event_reminder.subject", "mail.event_reminder.intro")}[str(kind)]
    paragraphs, urls = _registration_links(row, g, app_url)
    mail = Mail(lang, g.space, g.subject(keys[0]), _greeting(row, lang), t(keys[1], lang, space=g.space),
                g.details(), paragraphs, urls, None if kind == "registration_waitlisted" else g.calendar(sender))
    return _envelope(row, mail, sender)


def _event_cancelled(row: Mapping[str, Any], sender: str | None, app_url: str | None) -> EmailMessage:
    lang = _lang(row)
    g = _Registration(row, lang)
    mail = Mail(lang, g.space, g.subject("eventnotice.cancelled.subject"), _greeting(row, lang),
                t("eventnotice.cancelled.intro", lang, space=g.space), g.details(),
                [t("eventnotice.cancelled.sorry", lang)], [],
                g.calendar(sender, "CANCEL", _sequence(row)), "CANCEL")
    return _envelope(row, mail, sender)


def _event_changed(row: Mapping[str, Any], sender: str | None, app_url: str | None) -> EmailMessage:
    """An event moved or renamed: what changed (before → now), the event as it is now, and the
    calendar entry updated (same UID, higher SEQUENCE)."""
    lang = _lang(row)
    g = _Registration(row, lang)
    changes = g.p.get("changes") or {}
    lines: list[str] = []
    if "starts" in changes or "ends" in changes:
        old_starts = when((changes.get("starts") or [g.p["starts"]])[0]).astimezone(g.tz)
        old_ends = when((changes.get("ends") or [g.p["ends"]])[0]).astimezone(g.tz)
        lines.append(t("mail.changed.when", lang, old=_span(old_starts, old_ends, lang),
                       new=_span(g.starts, g.ends, lang)))
    if "room" in changes:
        old, new = (one_line(v) or t("mail.changed.no_room", lang) for v in changes["room"][:2])
        lines.append(t("mail.changed.room", lang, old=old, new=new))
    if "title" in changes:
        lines.append(t("mail.changed.title", lang, old=one_line(changes["title"][0]), new=g.title))
    paragraphs, urls = _registration_links(row, g, app_url)
    mail = Mail(lang, g.space, g.subject("mail.changed.subject"), _greeting(row, lang),
                t("mail.changed.intro", lang, space=g.space), g.details(),
                ["\n".join(lines), t("mail.changed.still", lang), *paragraphs], urls,
                g.calendar(sender, "PUBLISH", _sequence(row)))
    return _envelope(row, mail, sender)


def _link_proof(row: Mapping[str, Any], sender: str | None, app_url: str | None) -> EmailMessage:
    """Prove an address before a shared-link request counts. Nothing typed by the visitor is in
    it (no name: `to_name` is null), only what the space offers and the link."""
    lang = _lang(row)
    p = row.get("payload") or {}
    space = one_line(p.get("space")) or "Cantine"
    tz = _tz(p)
    starts, ends = when(p["starts"]).astimezone(tz), when(p["ends"]).astimezone(tz)
    url = _url(app_url, f"/?proof={row.get('secret') or ''}")
    if p.get("request") == "registration":
        what = one_line(p.get("title"))
        details = [what, t("events.when", lang, date=fmt_date(starts.date(), "full", lang),
                           start=fmt_time(starts, lang), end=fmt_time(ends, lang))]
        if p.get("room"):
            details.append(t("eventnotice.where", lang, room=one_line(p["room"])))
        subject, intro = "mail.proof.subject_registration", "mail.proof.intro_registration"
    else:
        what = one_line(p.get("resource"))
        details = [f"{what} ({one_line(p['zone'])})" if p.get("zone") else what, _span(starts, ends, lang)]
        subject, intro = "mail.proof.subject_booking", "mail.proof.intro_booking"
    paragraphs = [t("mail.proof.follow", lang, url=url, expires=_moment(p["expires_at"], tz, lang)) if url else "",
                  t("mail.proof.ignore", lang)]
    mail = Mail(lang, space, t(subject, lang, what=what, date=fmt_date(starts.date(), "medium", lang)),
                t("notify.hello_anonymous", lang), t(intro, lang, space=space), details, paragraphs,
                [url] if url else [])
    return _envelope({**row, "to_name": None}, mail, sender)


def _account_link(row: Mapping[str, Any], sender: str | None, app_url: str | None) -> EmailMessage:
    """An account invitation or a password reset (local accounts): a one-time set-password link."""
    lang = _lang(row)
    p = row.get("payload") or {}
    space = one_line(p.get("space")) or "Cantine"
    tz = _tz(p)
    url = _url(app_url, f"/set_password?token={row.get('secret') or ''}")
    expires = _moment(p["expires_at"], tz, lang)
    if row.get("kind") == "account_invite":
        role = str(p.get("role") or "member")
        role_name = t(f"role.{role}", lang) if has(f"role.{role}") else role
        name = one_line(p.get("full_name") or row.get("to_name"))
        greeting = t("notify.hello", lang, name=name) if name else t("notify.hello_anonymous", lang)
        subject, intro = t("mail.invite.subject", lang, space=space), t("mail.invite.intro", lang, space=space,
                                                                           role=role_name)
        after = t("mail.invite.ignore", lang)
    else:
        greeting = _greeting(row, lang)
        subject, intro = t("mail.reset.subject", lang, space=space), t("mail.reset.intro", lang, space=space)
        after = t("mail.reset.ignore", lang)
    mail = Mail(lang, space, subject, greeting, intro, [],
                [t("mail.account.follow", lang, url=url, expires=expires) if url else "", after],
                [url] if url else [])
    return _envelope(row, mail, sender)


def _team_digest(row: Mapping[str, Any], sender: str | None, app_url: str | None) -> EmailMessage:
    """The team's week ahead: bookings per day, events and how full they are, guests waiting."""
    lang = _lang(row)
    p = row.get("payload") or {}
    space = one_line(p.get("space")) or "Cantine"
    tz = _tz(p)
    first, last = (dt.date.fromisoformat(str(p[k])[:10]) for k in ("week_start", "week_end"))
    details = [t("mail.digest.day", lang, day=fmt_date(dt.date.fromisoformat(str(d["day"])[:10]), "EEEE d MMMM", lang),
                 desks=int(d.get("desk_bookings") or 0), rooms=int(d.get("room_bookings") or 0))
               for d in p.get("days") or []]
    events = [t("mail.digest.event", lang, title=one_line(e.get("title")), when=_moment(e["starts"], tz, lang),
                registered=int(e.get("registered") or 0), capacity=int(e.get("capacity") or 0))
              for e in p.get("events") or []]
    waiting = int(p.get("guests_waiting") or 0)
    url = _url(app_url, "/staff_day")
    paragraphs = [t("mail.digest.events", lang) + "\n" + "\n".join("  " + e for e in events) if events
                  else t("mail.digest.no_events", lang)]
    if waiting:
        paragraphs.append(t("mail.digest.guests", lang, n=waiting, url=url or ""))
    mail = Mail(lang, space, t("mail.digest.subject", lang, space=space, start=fmt_date(first, "medium", lang)),
                _greeting(row, lang), t("mail.digest.intro", lang, space=space, start=fmt_date(first, "full", lang),
                                        end=fmt_date(last, "full", lang)),
                details, paragraphs, [url] if url and waiting else [])
    return _envelope(row, mail, sender)



# --------------------------------------------------------------------------- public contact (issue #17)

def _contact_proof(row: Mapping[str, Any], sender: str | None, app_url: str | None) -> EmailMessage:
    """Prove an address before a message to a public member is passed on. Nothing the visitor
    typed is in it (no name, no message): only the member's public name, the space and the link."""
    lang = _lang(row)
    p = row.get("payload") or {}
    space = one_line(p.get("space")) or "Cantine"
    member = one_line(p.get("member"))
    url = _url(app_url, f"/?contact={row.get('secret') or ''}")
    paragraphs = [t("mail.contact_proof.follow", lang, url=url, expires=_moment(p["expires_at"], _tz(p), lang))
                  if url else "", t("mail.contact_proof.ignore", lang)]
    mail = Mail(lang, space, t("mail.contact_proof.subject", lang, member=member), t("notify.hello_anonymous", lang),
                t("mail.contact_proof.intro", lang, member=member, space=space), [], paragraphs, [url] if url else [])
    return _envelope({**row, "to_name": None}, mail, sender)


def _contact_message(row: Mapping[str, Any], sender: str | None, app_url: str | None) -> EmailMessage:
    """A proven visitor's message to a member: the message as they typed it (plain text, escaped
    in the HTML), their name and proven address, and Reply-To that address, so answering is the
    member's choice and reveals their address only then."""
    lang = _lang(row)
    p = row.get("payload") or {}
    space = one_line(p.get("space")) or "Cantine"
    name, address = one_line(p.get("from_name")), one_line(p.get("from_email"))
    mail = Mail(lang, space, t("mail.contact_message.subject", lang, name=name, space=space), _greeting(row, lang),
                t("mail.contact_message.intro", lang, name=name, email=address, space=space), [],
                [str(p.get("message") or ""), t("mail.contact_message.stop", lang)])
    message = _envelope(row, mail, sender)
    if address:
        message["Reply-To"] = formataddr((name, address))
    return message


def _adhesion_reminder(row: Mapping[str, Any], sender: str | None, app_url: str | None) -> EmailMessage:
    """The team reminds a member that their adhésion has ended or soon ends (the fee, where to
    renew). Queued by public.queue_adhesion_reminders (supabase/migrations/20261206100000_money.sql)."""
    lang = _lang(row)
    p = row.get("payload") or {}
    space = one_line(p.get("space")) or "Cantine"
    association = one_line(p.get("association")) or space
    ends = p.get("ends_on")
    if ends:
        ends_on = dt.date.fromisoformat(str(ends)[:10])
        key = "mail.adhesion.ended" if ends_on < clock.now().date() else "mail.adhesion.ends"
        intro = t(key, lang, association=association, date=fmt_date(ends_on, "long", lang))
    else:
        intro = t("mail.adhesion.never", lang, association=association)
    fee = fmt_money(int(p.get("fee_cents") or 0), lang)
    url = _url(app_url, "/my_money")
    paragraphs = [t("mail.adhesion.renew", lang, fee=fee)]
    if url:
        paragraphs.append(t("mail.adhesion.see", lang, url=url))
    mail = Mail(lang, space, t("mail.adhesion.subject", lang, association=association), _greeting(row, lang), intro,
                [], paragraphs, [url] if url else [])
    return _envelope(row, mail, sender)


Renderer = Callable[[Mapping[str, Any], str | None, str | None], EmailMessage]

# every kind of message the outbox holds (`public.notifications.kind`) and what renders it
KINDS: dict[str, Renderer] = {
    "booking_confirmed": _booking_confirmed,
    "booking_cancelled": _booking_cancelled,
    "booking_reminder": _booking_reminder,
    "guest_approved": _guest_approved,
    "registration_confirmed": _registration_notice,
    "registration_waitlisted": _registration_notice,
    "waitlist_promoted": _registration_notice,
    "event_changed": _event_changed,
    "event_cancelled": _event_cancelled,
    "event_reminder": _registration_notice,
    "link_proof": _link_proof,
    "account_invite": _account_link,
    "password_reset": _account_link,
    "team_digest": _team_digest,
    # the public face (issue #17)
    "contact_proof": _contact_proof,
    "contact_message": _contact_message,

    # money
    "adhesion_reminder": _adhesion_reminder,
}


def render(row: Mapping[str, Any], sender: str | None = None, app_url: str | None = None) -> EmailMessage:
    """The e-mail for an outbox row (with its `secret`, if it has one). `sender` is the From
    address (the sender's settings), `app_url` the app's address for links. A kind without a
    renderer is a bug: it fails loudly (the sender records the error on the row, which stays in
    the outbox)."""
    return KINDS[str(row.get("kind") or "booking_cancelled")](row, sender, app_url)
