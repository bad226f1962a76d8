"""How fast the outbox empties, on a fresh embedded database and a local SMTP server (aiosmtpd on
127.0.0.1, accepting everything):

1. messages per second through `notify.send_pending()` — each message claimed in its own
   transaction (`skip locked`), rendered (text, HTML, .ics), sent, marked sent, its secret
   deleted — for N `booking_confirmed` messages, one SMTP connection;
2. the baseline: the same N messages, already rendered, sent with bare `smtplib` on one
   connection (what the network and the server cost alone), and the ratio.

Usage: python bench/mail_sender.py [N]   (default 500)
"""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._scratch import discard, fresh_database, scratch_data_dir

DATA = scratch_data_dir("mail")

from aiosmtpd.controller import Controller
from psycopg.types.json import Jsonb

from lib.booking import bookings
from lib.core import db, embedded
from lib.demo.bookings import tiny_space
from lib.mail import messages, notify

SENDER = "Cantine <noreply@cantine.test>"


class Counter:
    def __init__(self) -> None:
        self.n = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.n += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def queue(n: int) -> None:
    """n booking confirmations (each with a manage secret) to n addresses, about one real booking."""
    with db.as_owner() as conn:
        ids = tiny_space(conn)
        member = conn.execute("insert into public.members (email, full_name) values ('b@example.org', 'B')"
                              " returning id::text").fetchone()["id"]
        settings = bookings.booking_settings()
        day = bookings.local_today(settings)
        starts, ends = bookings.slot_range(day + dt.timedelta(days=2), "am", settings)
        booking = conn.execute("insert into public.bookings (resource_id, member_id, during, day)"
                               " values (%s, %s, tstzrange(%s, %s), %s) returning *",
                               (ids["desks"][0], member, starts, ends, starts.date())).fetchone()
        payload = conn.execute("select private.booking_notice_payload(b) as p from public.bookings b where id = %s",
                               (booking["id"],)).fetchone()["p"]
        conn.execute("delete from public.notifications")
        for i in range(n):
            conn.execute("select private.queue_notice('booking_confirmed', %s, %s, 'fr', %s, %s)",
                         (f"person{i}@example.org", f"Personne {i}", Jsonb(payload), f"manage-secret-{i:08d}-abcdef"))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    sink = Counter()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings = notify.SmtpSettings(host="127.0.0.1", port=controller.port, sender=SENDER, starttls=False)
    try:
        embedded.ensure_running(DATA)
        fresh_database(DATA, "bench_mail")
        queue(n)
        with db.as_owner() as conn:  # the same rows, rendered ahead for the baseline
            rows = conn.execute("select n.*, s.token as secret from public.notifications n"
                                " join private.notification_secrets s on s.notification_id = n.id").fetchall()
        rendered = [messages.render(row, SENDER, "https://app.example.org") for row in rows]

        t0 = time.perf_counter()
        result = notify.send_pending(limit=n, settings=settings)
        sender_s = time.perf_counter() - t0
        assert result.sent == n and sink.n == n, (result, sink.n)

        t0 = time.perf_counter()
        for row in rows:
            messages.render(row, SENDER, "https://app.example.org")
        render_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", controller.port) as smtp:
            for row, message in zip(rows, rendered, strict=True):
                smtp.send_message(message, from_addr="noreply@cantine.test", to_addrs=[row["to_email"]])
        raw_s = time.perf_counter() - t0
        assert sink.n == 2 * n

        print(f"messages: {n} booking_confirmed (text + HTML + .ics, a manage link each)")
        print(f"sender (notify.send_pending):   {n / sender_s:8.1f} messages/s  ({sender_s:.2f} s)")
        print(f"  of which rendering alone:     {n / render_s:8.1f} messages/s  ({render_s:.2f} s)")
        print(f"baseline (raw smtplib, same):   {n / raw_s:8.1f} messages/s  ({raw_s:.2f} s)")
        print(f"sender / baseline:              {raw_s / sender_s:8.2f}")
    finally:
        controller.stop()
        discard(DATA)


if __name__ == "__main__":
    main()
