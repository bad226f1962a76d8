"""The mail tests' fixtures: a REAL SMTP server (aiosmtpd on 127.0.0.1, a free port) or no SMTP
settings at all, and a small space whose members read French or English."""

from __future__ import annotations

import datetime as dt
import email
import socket
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from lib.booking import bookings
from lib.core import db
from lib.demo.bookings import tiny_space
from tests.conftest import claims, make_member

SMTP_ENV = ("CANTINE_SMTP_HOST", "CANTINE_SMTP_PORT", "CANTINE_SMTP_USER", "CANTINE_SMTP_PASSWORD",
            "CANTINE_SMTP_FROM", "CANTINE_SMTP_STARTTLS")
SENDER = "Cantine <noreply@cantine.test>"
ALICE, BOB, HOST, BOSS = "alice@example.org", "bob@example.org", "host@example.org", "boss@example.org"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """An aiosmtpd handler that keeps what it receives; recipients in `refuse` get that answer."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.received.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m, (_, rcpt) in zip(self.received, self.envelopes, strict=True) if address in rcpt]


@pytest.fixture
def no_smtp(monkeypatch, tmp_path):
    """No SMTP settings at all (whatever the machine's environment or secrets file hold): the
    secrets file is the test's own, absent until a test writes it."""
    for name in SMTP_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CANTINE_SECRETS_FILE", str(tmp_path / "secrets.toml"))


@pytest.fixture
def smtp_server(no_smtp, monkeypatch):
    """A real SMTP server on 127.0.0.1 and the environment pointing Cantine at it."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("CANTINE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CANTINE_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("CANTINE_SMTP_FROM", SENDER)
    monkeypatch.setenv("CANTINE_SMTP_STARTTLS", "0")
    sink.port = controller.port
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def space(empty_db):
    """Four desks and a room open every day; Alice reads English, Bob the space's French; a
    staff host and an admin."""
    with db.as_owner() as conn:
        ids = tiny_space(conn)
        conn.execute("update public.settings set space_name = 'La Cantine'")
    ids["alice"] = make_member(ALICE, full_name="Alice Martin")
    ids["bob"] = make_member(BOB, full_name="Bob Éluard")
    ids["staff"] = make_member(HOST, role="staff")
    ids["admin"] = make_member(BOSS, role="admin")
    with db.as_owner() as conn:
        conn.execute("update public.members set locale = 'en' where id = %s", (ids["alice"],))
    ids["settings"] = bookings.booking_settings()
    ids["day"] = bookings.local_today(ids["settings"]) + dt.timedelta(days=2)
    return ids


def book(space: dict, who: str, slot: str, desk: int = 0, confirmation: bool = False) -> dict:
    """A booking made by `who` in the app. Its confirmation e-mail (queued by the database) is
    forgotten unless asked for: most tests set bookings up to see what cancelling them says
    (tests/mail/test_messages.py checks the confirmations)."""
    starts, ends = bookings.slot_range(space["day"], slot, space["settings"])
    made = bookings.book(claims(who), space["desks"][desk], starts, ends)
    if not confirmation:
        with db.as_owner() as conn:
            conn.execute("delete from public.notifications where booking_id = %s and kind = 'booking_confirmed'",
                         (made["id"],))
    return made


def forget_queued() -> None:
    """Empty the outbox: what a test's setup queued (confirmations) is not what it checks."""
    with db.as_owner() as conn:
        conn.execute("delete from public.notifications")


def outbox() -> list[dict]:
    with db.as_owner() as conn:
        return conn.execute("select * from public.notifications order by created_at, to_email").fetchall()


def body(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()
