"""E-mail notifications: the outbox (`public.notifications`, filled by database triggers) and
the sender that empties it over SMTP.

The database queues a message whenever the team cancels someone's booking, whichever client did
it (this app, the command line, Supabase's REST API). `send_pending()` sends what waits: after a
cancellation in the app, from the settings page ("send now"), or from `python -m lib notify send`
(cron). Without SMTP settings nothing is sent and messages simply wait.

Sending is a system job, like the command line: it reads and updates the outbox as the owner
(API roles cannot write it). Each message is claimed in its own transaction with
`for update skip locked`, so two senders never send the same message and a message marked sent
is committed as soon as it left. Passwords are never logged nor shown.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any

from lib.core import db
from lib.core.errors import UserError
from lib.core.i18n import t
from lib.identity import accounts
from lib.mail import messages
from lib.space import space

log = logging.getLogger("cantine.notify")

# after this many delivery attempts refused by the mail server, a message is given up ('failed')
MAX_ATTEMPTS = 5
DEFAULT_BATCH = 50


# --------------------------------------------------------------------------- configuration

@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # never printed, never logged
    starttls: bool = True
    timeout: float = 10.0

    @property
    def implicit_tls(self) -> bool:
        """Port 465 speaks TLS from the first byte (SMTPS); others upgrade with STARTTLS."""
        return self.port == 465

    def describe(self) -> str:
        """Where mail goes, for people: host, port and user, no password."""
        who = f"{self.user}@" if self.user else ""
        return f"{who}{self.host}:{self.port}"


def _flag(value: Any, default: bool) -> bool:
    if value is None or str(value).strip() == "":
        return default
    return str(value).strip().lower() not in ("0", "false", "no", "off")


def smtp_settings() -> SmtpSettings | None:
    """SMTP settings from the environment (CANTINE_SMTP_*), else `[smtp]` in
    `.streamlit/secrets.toml`; None when no host or no sender address is set (not configured)."""
    secrets = db.read_secrets().get("smtp", {})
    host = os.environ.get("CANTINE_SMTP_HOST") or secrets.get("host")
    sender = os.environ.get("CANTINE_SMTP_FROM") or secrets.get("from")
    if not host or not sender:
        return None
    try:
        port = int(os.environ.get("CANTINE_SMTP_PORT") or secrets.get("port") or 587)
    except ValueError:
        log.warning("CANTINE_SMTP_PORT / [smtp] port is not a number: e-mail sending is off")
        return None
    return SmtpSettings(
        host=str(host).strip(), port=port, sender=str(sender).strip(),
        user=os.environ.get("CANTINE_SMTP_USER") or secrets.get("user") or None,
        password=os.environ.get("CANTINE_SMTP_PASSWORD") or secrets.get("password") or None,
        starttls=_flag(os.environ.get("CANTINE_SMTP_STARTTLS", secrets.get("starttls")), True))


# --------------------------------------------------------------------------- sending

# the server (or the way to it) failed, not this message: stop the run, keep the count of attempts
_SERVER_SMTP_ERRORS = (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, smtplib.SMTPAuthenticationError,
                       smtplib.SMTPNotSupportedError, smtplib.SMTPHeloError)


def _server_error(exc: BaseException) -> bool:
    """True when the server or the network failed (SMTPException is itself an OSError: a refusal
    of one message is not a server failure)."""
    if isinstance(exc, _SERVER_SMTP_ERRORS):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.implicit_tls:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                              context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.starttls and not settings.implicit_tls:
            smtp.starttls(context=context)
        if settings.user:
            smtp.login(settings.user, settings.password or "")
    except BaseException:
        _close(smtp)
        raise
    return smtp


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _describe_error(exc: BaseException) -> str:
    """One line for people and for the outbox. smtplib's errors carry the server's answer, never
    the password we sent."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, answer = next(iter(exc.recipients.values()))
        text = f"{code} {answer.decode(errors='replace') if isinstance(answer, bytes) else answer}"
    elif isinstance(exc, smtplib.SMTPResponseException):
        answer = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        text = f"{exc.smtp_code} {answer}"
    else:
        text = str(exc) or type(exc).__name__
    return messages.one_line(f"{type(exc).__name__}: {text}")[:500]


def _permanent(exc: BaseException) -> bool:
    """The server refused this message for good (5xx on its recipient): retrying will not help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return False


@dataclass
class SendResult:
    configured: bool
    sent: int = 0
    failed: int = 0     # given up during this run (now 'failed')
    errors: int = 0     # could not be sent this run, still pending
    waiting: int = 0    # pending after this run
    server_down: bool = False  # the mail server could not be reached or refused us: the run stopped
    error: str | None = None  # the last error of this run, one line


# a message's secret (proof, manage or set-password token) comes with it, for its links
_CLAIM_SQL = (
    "select n.id, n.kind, n.to_email, n.to_name, n.locale, n.payload, n.attempts, n.created_at,"
    " n.booking_id, n.registration_id, s.token as secret"
    " from public.notifications n left join private.notification_secrets s on s.notification_id = n.id"
    " where n.status = 'pending' and not (n.id = any(%s::uuid[]))"
    " order by n.created_at, n.id limit 1 for update of n skip locked")
# a secret lives only as long as its message waits: once sent, or given up, it goes
_FORGET_SECRET_SQL = "delete from private.notification_secrets where notification_id = %s"


def _record_error(conn: Any, row: Mapping[str, Any], error: str, counts: bool, permanent: bool = False) -> str:
    """Keep the error on the row; after MAX_ATTEMPTS counted attempts (or a permanent refusal)
    the message is given up. Returns the row's new status."""
    attempts = row["attempts"] + (1 if counts else 0)
    status = "failed" if permanent or attempts >= MAX_ATTEMPTS else "pending"
    conn.execute("update public.notifications set attempts = %s, last_error = %s, last_attempt_at = now(),"
                 " status = %s where id = %s", (attempts, error, status, row["id"]))
    if status == "failed":
        conn.execute(_FORGET_SECRET_SQL, (row["id"],))
    return status


def send_pending(limit: int = DEFAULT_BATCH, settings: SmtpSettings | None = None) -> SendResult:
    """Send up to `limit` waiting messages, oldest first. Without SMTP settings, sends nothing and
    says how many wait. A message the server refuses stays pending with its error (given up
    after MAX_ATTEMPTS); a server that cannot be reached stops the run and the messages wait."""
    settings = settings or smtp_settings()
    if settings is None:
        return SendResult(configured=False, waiting=counts(db.OWNER)["pending"])
    app_url = accounts.configured_app_url()
    result = SendResult(configured=True)
    tried: list[str] = []
    smtp: smtplib.SMTP | None = None
    try:
        while len(tried) < limit:
            with db.as_owner() as conn:
                row = conn.execute(_CLAIM_SQL, (tried,)).fetchone()
                if row is None:
                    break
                tried.append(str(row["id"]))
                try:
                    message = messages.render(row, settings.sender, app_url)
                except (KeyError, ValueError, TypeError) as exc:  # a payload we cannot read
                    result.error = _describe_error(exc)
                    _record_error(conn, row, result.error, counts=True, permanent=True)
                    result.failed += 1
                    continue
                try:
                    if smtp is None:
                        smtp = _connect(settings)
                    smtp.send_message(message, from_addr=parseaddr(settings.sender)[1], to_addrs=[row["to_email"]])
                except OSError as exc:  # smtplib's errors included
                    result.error = _describe_error(exc)
                    if smtp is None or _server_error(exc):
                        # the server, not this message: it waits (not counted), and so do the others
                        log.warning("mail server %s: %s", settings.describe(), result.error)
                        _record_error(conn, row, result.error, counts=False)
                        result.server_down = True
                        break
                    status = _record_error(conn, row, result.error, counts=True, permanent=_permanent(exc))
                    if status == "failed":
                        result.failed += 1
                    else:
                        result.errors += 1
                    try:
                        smtp.rset()
                    except (OSError, smtplib.SMTPException):
                        _close(smtp)
                        smtp = None
                    continue
                conn.execute("update public.notifications set status = 'sent', sent_at = now(),"
                             " attempts = attempts + 1, last_attempt_at = now(), last_error = null where id = %s",
                             (row["id"],))
                conn.execute(_FORGET_SECRET_SQL, (row["id"],))
                result.sent += 1
    finally:
        _close(smtp)
    result.waiting = counts(db.OWNER)["pending"]
    return result


def send_test(to_email: str, to_name: str | None, lang: str, settings: SmtpSettings | None = None) -> None:
    """Send a test message now (not through the outbox); a UserError says why it failed."""
    settings = settings or smtp_settings()
    if settings is None:
        raise UserError("notify.err_not_configured")
    message = messages.render_test(to_email, to_name, lang, settings.sender, space.settings()["space_name"])
    smtp = None
    try:
        smtp = _connect(settings)
        smtp.send_message(message, from_addr=parseaddr(settings.sender)[1], to_addrs=[to_email])
    except (OSError, smtplib.SMTPException) as exc:
        raise UserError("notify.test_failed", error=_describe_error(exc)) from exc
    finally:
        _close(smtp)


# --------------------------------------------------------------------------- reading the outbox

_COUNTS_SQL = (
    "select count(*) filter (where status = 'pending') as pending,"
    " count(*) filter (where status = 'failed') as failed,"
    " count(*) filter (where status = 'sent') as sent,"
    " (select n.last_error from public.notifications n where n.status <> 'sent' and n.last_error is not null"
    "   order by n.last_attempt_at desc nulls last limit 1) as last_error"
    " from public.notifications")


def counts(who: db.Actor) -> dict[str, Any]:
    """How many messages wait, were given up, were sent, and the latest error: as an admin
    (row-level security applies) or as db.OWNER (the sender, the command line)."""
    with db.acting_as(who) as conn:
        return dict(conn.execute(_COUNTS_SQL).fetchone())


def summary(result: SendResult, lang: str | None = None) -> list[tuple[str, str]]:
    """What to tell the person after a run: (level, sentence) pairs, level 'success' or 'warning'."""
    lines: list[tuple[str, str]] = []
    if not result.configured:
        if result.waiting:
            lines.append(("warning", t("notify.not_configured", lang, n=result.waiting)))
        return lines
    if result.sent:
        lines.append(("success", t("notify.sent_n", lang, n=result.sent)))
    if result.errors or result.server_down:
        n = result.waiting if result.server_down else result.errors
        lines.append(("warning", t("notify.send_errors", lang, n=n, error=result.error or "")))
    if result.failed:
        lines.append(("warning", t("notify.gave_up", lang, n=result.failed)))
    return lines
