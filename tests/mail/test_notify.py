"""Cancel and notify: when the team cancels someone's booking, the database queues an e-mail
(`public.notifications`) and lib/mail/notify.py sends it to a REAL SMTP server (aiosmtpd on
127.0.0.1, a free port), in the recipient's language.

The fixtures (`smtp_server`, `no_smtp`, `space`) are in tests/mail/conftest.py.
"""

from __future__ import annotations

from lib.booking import bookings, resources_admin, share_links
from lib.core import db
from lib.core.i18n import fmt_date
from lib.mail import messages, notify
from tests.booking.conftest import clear_outbox, link_book_proven
from tests.conftest import claims
from tests.mail.conftest import ALICE, BOB, BOSS, HOST, SENDER, body, book, free_port, outbox

# --------------------------------------------------------------------------- the flows

def test_deactivating_a_desk_with_cancel_notifies_each_holder_in_their_language(space, smtp_server):
    book(space, ALICE, "am")
    book(space, BOB, "pm")
    admin = claims(BOSS)
    original = resources_admin.resources(admin)
    edited = original.copy()
    edited.loc[edited.id == space["desks"][0], "active"] = False
    assert resources_admin.save_resources(admin, edited, original, future="cancel").changes == 1

    queued = outbox()
    assert [(r["to_email"], r["locale"], r["status"]) for r in queued] == [
        (ALICE, "en", "pending"), (BOB, "fr", "pending")]
    assert queued[0]["payload"]["resource"] == "D01" and queued[0]["payload"]["reason"] == "resource_inactive"
    assert queued[0]["payload"]["zone"] == "Plateau" and queued[0]["payload"]["space"] == "La Cantine"

    result = notify.send_pending()
    assert (result.configured, result.sent, result.failed, result.waiting) == (True, 2, 0, 0)
    assert len(smtp_server.received) == 2
    english, = smtp_server.to(ALICE)
    french, = smtp_server.to(BOB)
    assert english["Subject"] == f"Booking cancelled: D01, {fmt_date(space['day'], 'medium', 'en')}"
    assert french["Subject"] == f"Réservation annulée : D01, {fmt_date(space['day'], 'medium', 'fr')}"
    assert "Hello Alice Martin," in body(english) and fmt_date(space["day"], "full", "en") in body(english)
    assert "08:30 to 13:30" in body(english) and "D01 can no longer be booked." in body(english)
    assert "Bonjour Bob Éluard," in body(french) and fmt_date(space["day"], "full", "fr") in body(french)
    assert "de 13:30 à 19:00" in body(french) and "D01 n'est plus proposé à la réservation." in body(french)
    assert "D01 (Plateau)" in body(french) and "L'équipe de La Cantine" in body(french)
    for message in (english, french):
        # the space's name at the configured address
        assert message["From"] == "La Cantine <noreply@cantine.test>" and message["Date"]
        assert message["Message-ID"].endswith("@cantine.test>")
        assert message["Auto-Submitted"] == "auto-generated"
        assert message.get_content_type() == "multipart/mixed"  # text, HTML, and the calendar's CANCEL
    assert str(french["To"]) == "Bob Éluard <bob@example.org>"
    assert {r["status"] for r in outbox()} == {"sent"} and all(r["sent_at"] for r in outbox())
    # nothing is sent twice
    assert notify.send_pending().sent == 0 and len(smtp_server.received) == 2


def test_a_member_cancelling_their_own_booking_gets_a_receipt(space, smtp_server):
    row = book(space, ALICE, "am")
    bookings.cancel(claims(ALICE), row["id"])
    queued, = outbox()
    assert (queued["kind"], queued["to_email"], queued["payload"]["reason"]) == ("booking_cancelled", ALICE, "member")
    assert notify.send_pending().sent == 1
    assert "You cancelled this booking" in body(smtp_server.to(ALICE)[0])


def test_a_guest_link_booking_cancelled_by_the_team_notifies_the_guest(space, smtp_server):
    token = share_links.create(db.OWNER, "Newsletter")
    starts, ends = bookings.slot_range(space["day"], "day", space["settings"])
    link_book_proven(token, "Guest@Example.net", "Gabriel Invité", space["desks"][1], starts, ends)
    clear_outbox()  # the proof's own messages are not this test's subject
    with db.as_owner() as conn:
        booking_id = conn.execute("select id from public.bookings where guest_email is not null").fetchone()["id"]
    bookings.cancel(claims(HOST), str(booking_id))  # the staff host, on the staff day page

    queued, = outbox()
    assert (queued["to_email"], queued["to_name"], queued["locale"]) == ("guest@example.net", "Gabriel Invité", "fr")
    assert queued["member_id"] is None and queued["booking_id"] == booking_id and queued["payload"]["guest"]
    assert notify.send_pending().sent == 1
    message, = smtp_server.to("guest@example.net")
    assert "Bonjour Gabriel Invité," in body(message) and "D02" in body(message)
    assert "L'équipe de l'espace a dû annuler cette réservation." in body(message)
    assert "lien de réservation que vous avez reçu" in body(message)


def test_a_closure_says_why_and_a_guest_manage_link_cancel_gets_a_receipt(space, smtp_server):
    token = share_links.create(db.OWNER, "Newsletter")
    starts, ends = bookings.slot_range(space["day"], "am", space["settings"])
    manage = link_book_proven(token, "guest@example.net", "Gabriel", space["desks"][1], starts, ends)
    clear_outbox()  # the proof's own messages are not this test's subject
    share_links.cancel(manage)  # the holder cancels through their own link
    receipt, = outbox()
    assert (receipt["to_email"], receipt["payload"]["reason"]) == ("guest@example.net", "link")
    assert notify.send_pending().sent == 1
    smtp_server.received.clear()
    smtp_server.envelopes.clear()
    book(space, BOB, "am")
    with db.as_owner() as conn:
        conn.execute("insert into public.closures (starts_on, ends_on, reason) values (%s, %s, 'Dégât des eaux')",
                     (space["day"], space["day"]))
    admin = claims(BOSS)
    hits = resources_admin.closure_hits(admin)
    resources_admin.cancel_bookings(admin, hits.id.tolist())
    assert notify.send_pending().sent == 1
    message, = smtp_server.to(BOB)
    assert "Fermeture ce jour-là : Dégât des eaux." in body(message)


def test_the_rest_path_queues_too(space, smtp_server):
    """A client of Supabase's REST API calls the SQL function itself: the trigger still queues."""
    book(space, ALICE, "am")
    book(space, BOB, "am", desk=1)
    with db.as_user(claims(BOSS)) as conn:
        n = conn.execute("select public.cancel_future_bookings(null, 'closure') as n").fetchone()["n"]
    assert n == 2
    assert sorted(r["to_email"] for r in outbox()) == [ALICE, BOB]
    assert {r["payload"]["reason"] for r in outbox()} == {"closure"}
    assert notify.send_pending().sent == 2
    assert "The space is closed that day." in body(smtp_server.to(ALICE)[0])


def test_smtp_down_keeps_the_message_pending_then_sends_it_next_run(space, smtp_server, monkeypatch):
    row = book(space, ALICE, "am")
    bookings.cancel(claims(HOST), row["id"])
    monkeypatch.setenv("CANTINE_SMTP_PORT", str(free_port()))  # nothing listens there
    result = notify.send_pending()
    assert result.configured and result.sent == 0 and result.server_down and result.waiting == 1
    queued, = outbox()
    assert queued["status"] == "pending" and queued["attempts"] == 0  # the server's fault, not the message's
    assert "ConnectionRefusedError" in queued["last_error"] and queued["last_attempt_at"] is not None
    level, line = notify.summary(result, "en")[0]
    assert level == "warning" and line.startswith("1 message could not be sent and stays in the outbox")
    assert smtp_server.received == []

    monkeypatch.setenv("CANTINE_SMTP_PORT", str(smtp_server.port))  # the server is back
    result = notify.send_pending()
    assert (result.sent, result.waiting) == (1, 0)
    queued, = outbox()
    assert queued["status"] == "sent" and queued["last_error"] is None and queued["attempts"] == 1
    assert notify.summary(result, "fr") == [("success", "1 personne prévenue par e-mail.")]


def test_a_refused_recipient_is_retried_then_given_up(space, smtp_server):
    smtp_server.refuse[ALICE] = "450 4.2.1 Mailbox busy, try later"
    smtp_server.refuse[BOB] = "550 5.1.1 No such user"
    book(space, ALICE, "am")
    book(space, BOB, "am", desk=1)
    with db.as_user(claims(BOSS)) as conn:
        conn.execute("select public.cancel_future_bookings(null)")
    result = notify.send_pending()
    assert (result.sent, result.errors, result.failed, result.waiting) == (0, 1, 1, 1)
    by_email = {r["to_email"]: r for r in outbox()}
    assert by_email[BOB]["status"] == "failed" and "550" in by_email[BOB]["last_error"]  # for good
    assert by_email[ALICE]["status"] == "pending" and by_email[ALICE]["attempts"] == 1
    for _ in range(notify.MAX_ATTEMPTS - 1):
        notify.send_pending()
    by_email = {r["to_email"]: r for r in outbox()}
    assert by_email[ALICE]["status"] == "failed" and by_email[ALICE]["attempts"] == notify.MAX_ATTEMPTS
    assert notify.counts(db.OWNER) | {"last_error": None} == {"pending": 0, "failed": 2, "sent": 0, "last_error": None}


def test_not_configured_sends_nothing_and_says_so(space, no_smtp):
    row = book(space, ALICE, "am")
    bookings.cancel(claims(HOST), row["id"])
    assert notify.smtp_settings() is None
    result = notify.send_pending()
    assert (result.configured, result.sent, result.waiting) == (False, 0, 1)
    assert notify.summary(result, "en") == [
        ("warning", "1 message waits in the outbox: e-mail sending is not set up (see README, Configuration).")]
    assert outbox()[0]["status"] == "pending" and outbox()[0]["last_error"] is None


def test_past_bookings_and_released_desks_are_not_announced(space):
    row = book(space, ALICE, "am")
    with db.as_owner() as conn:  # a desk released because nobody came: the holder knows why
        conn.execute("update public.bookings set status = 'cancelled', cancel_reason = 'released' where id = %s",
                     (row["id"],))
    assert outbox() == []


# --------------------------------------------------------------------------- settings and rendering

def test_settings_come_from_the_environment_or_secrets_and_hide_the_password(no_smtp, monkeypatch):
    secrets = db.secrets_file()
    secrets.write_text('[smtp]\nhost = "smtp.example.net"\nport = 465\nuser = "cantine"\n'
                       'password = "s3cret-pw"\nfrom = "Cantine <hello@example.net>"\n', encoding="utf-8")
    settings = notify.smtp_settings()
    assert (settings.host, settings.port, settings.user, settings.implicit_tls) == ("smtp.example.net", 465,
                                                                                   "cantine", True)
    assert "s3cret-pw" not in repr(settings) and "s3cret-pw" not in settings.describe()
    monkeypatch.setenv("CANTINE_SMTP_HOST", "mail.local")
    monkeypatch.setenv("CANTINE_SMTP_PORT", "2525")
    monkeypatch.setenv("CANTINE_SMTP_STARTTLS", "no")
    settings = notify.smtp_settings()
    assert (settings.host, settings.port, settings.starttls, settings.password) == ("mail.local", 2525, False,
                                                                                   "s3cret-pw")
    secrets.unlink()
    monkeypatch.delenv("CANTINE_SMTP_HOST")
    assert notify.smtp_settings() is None  # no host: not configured


def test_render_keeps_names_out_of_other_headers():
    row = {"id": "8a1c0f3e-0000-4000-8000-000000000001", "kind": "booking_cancelled", "to_email": "x@example.org",
           "to_name": "Eve\r\nBcc: victim@example.org", "locale": "en",
           "payload": {"resource": "Salle\nBcc: y@example.org", "zone": "Plateau", "time_zone": "Europe/Paris",
                       "starts": "2026-12-01T09:00:00+01:00", "ends": "2026-12-01T11:00:00+01:00",
                       "reason": "team", "space": "Cantine"}}
    message = messages.render(row, SENDER)
    assert message["Bcc"] is None
    assert "\n" not in str(message["To"]) and "\n" not in str(message["Subject"])
    assert message["Message-ID"] == "<8a1c0f3e-0000-4000-8000-000000000001.booking_cancelled@cantine.test>"
    assert "1 Dec 2026" in message["Subject"] and "09:00 to 11:00" in body(message)


def test_starttls_is_required_by_default(space, smtp_server, monkeypatch):
    """A server that cannot upgrade to TLS gets nothing (the password would cross in clear)."""
    monkeypatch.delenv("CANTINE_SMTP_STARTTLS")
    row = book(space, ALICE, "am")
    bookings.cancel(claims(HOST), row["id"])
    result = notify.send_pending()
    assert result.server_down and result.sent == 0 and "STARTTLS" in result.error
    assert outbox()[0]["status"] == "pending" and smtp_server.received == []
