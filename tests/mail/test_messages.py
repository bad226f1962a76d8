"""Every message people expect (issue #11): what the database queues from the side of each role,
and what arrives at a REAL SMTP server (aiosmtpd), in French and in English — recipient, subject,
links carrying the message's secret, an HTML part with every value escaped, the `.ics` read back
with `icalendar`, `Content-Language`. Kinds queued by the other parts of #11 (proof, reminders,
accounts, digest) are queued here as the owner with the contract's payload."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from pathlib import Path

import icalendar
import pytest
from psycopg.types.json import Jsonb

from lib.booking import bookings, share_links
from lib.core import clock, db
from lib.events import events
from lib.mail import messages, notify
from lib.web import startup
from tests.booking.conftest import link_book_proven
from tests.conftest import claims
from tests.mail.conftest import ALICE, BOB, HOST, SENDER, book, forget_queued, free_port, outbox

APP = "https://app.cantine.test"
EVIL = "<script>alert(1)</script> Martin"
SECRET = "s3cret-token-0123456789abcdef"
MIGRATIONS = Path(__file__).resolve().parents[2] / "supabase" / "migrations"


@pytest.fixture
def app_url(monkeypatch):
    monkeypatch.setenv("CANTINE_APP_URL", APP)


def make_event(space: dict, capacity: int = 5, title: str = "Atelier accessibilité") -> str:
    starts = (clock.now() + dt.timedelta(days=3)).replace(microsecond=0)
    with db.as_owner() as conn:
        return conn.execute("insert into public.events (title, starts_at, ends_at, room_id, capacity, status)"
                            " values (%s, %s, %s, %s, %s, 'published') returning id::text",
                            (title, starts, starts + dt.timedelta(hours=2), space["room"], capacity)).fetchone()["id"]


def kinds_of(email: str) -> list[str]:
    return sorted(r["kind"] for r in outbox() if r["to_email"] == email)


def parts(message) -> dict[str, object]:
    """text, html and the calendar of a received message."""
    found: dict[str, object] = {}
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype == "text/plain":
            found["text"] = part.get_content()
        elif ctype == "text/html":
            found["html"] = part.get_content()
        elif ctype == "text/calendar":
            found["ics"] = icalendar.Calendar.from_ical(part.get_payload(decode=True))
            found["ics_method"] = part.get_param("method")
    return found


def vevent(cal: icalendar.Calendar) -> icalendar.Event:
    (event,) = cal.walk("VEVENT")
    return event


# --------------------------------------------------------------------------- rendering

def test_content_language_survives_set_content():
    """The fix on the way: `set_content` dropped the header set before it."""
    row = {"id": "8a1c0f3e-0000-4000-8000-000000000002", "kind": "booking_cancelled", "to_email": "x@example.org",
           "to_name": "X", "locale": "en",
           "payload": {"resource": "D01", "zone": "Plateau", "time_zone": "Europe/Paris", "reason": "team",
                       "starts": "2026-12-01T09:00:00+01:00", "ends": "2026-12-01T11:00:00+01:00", "space": "Cantine"}}
    assert messages.render(row, SENDER)["Content-Language"] == "en"
    assert messages.render({**row, "locale": "fr"}, SENDER)["Content-Language"] == "fr"
    assert messages.render_test("x@example.org", "X", "en", SENDER, "La Cantine")["Content-Language"] == "en"


def test_every_kind_has_a_renderer(empty_db):
    # the constraint as the migrations left it (several add kinds to it), read from the database
    with db.as_owner() as conn:
        check = conn.execute("select pg_get_constraintdef(oid) as d from pg_constraint"
                             " where conname = 'notifications_kind_check'").fetchone()["d"]
    assert set(messages.KINDS) == set(re.findall(r"'([a-z_]+)'", check))


def _queue(kind: str, email: str, name: str | None, lang: str, payload: dict, secret: str | None = None,
           booking_id: str | None = None, registration_id: str | None = None) -> str:
    with db.as_owner() as conn:
        return conn.execute("select private.queue_notice(%s, %s, %s, %s, %s, %s, null, %s, %s) as id",
                            (kind, email, name, lang, Jsonb(payload), secret, booking_id,
                             registration_id)).fetchone()["id"]


# kind: (subject start fr, en; the link it carries ('{s}' the secret) or None; calendar method or None)
EXPECTED = {
    "booking_confirmed": ("Réservation confirmée : D01", "Booking confirmed: D01", "/?manage={s}", "PUBLISH"),
    "booking_reminder": ("Rappel : D01", "Reminder: D01", "/my_bookings", "PUBLISH"),
    "guest_approved": ("Réservation acceptée : D01", "Booking approved: D01", "/my_bookings", "PUBLISH"),
    "booking_cancelled": ("Réservation annulée : D01", "Booking cancelled: D01", None, "CANCEL"),
    "registration_confirmed": ("Inscription confirmée : Atelier", "Registration confirmed: Atelier", "/?manage={s}",
                               "PUBLISH"),
    "registration_waitlisted": ("Liste d'attente : Atelier", "Waiting list: Atelier", "/events", None),
    "waitlist_promoted": ("Une place s'est libérée : Atelier", "Event: a place", "/events", "PUBLISH"),
    "event_reminder": ("Rappel : Atelier", "Reminder: Atelier", "/events", "PUBLISH"),
    "event_changed": ("Événement modifié : Atelier", "Event changed: Atelier", "/events", "PUBLISH"),
    "event_cancelled": ("Événement annulé : Atelier", "Event cancelled: Atelier", None, "CANCEL"),
    "link_proof": ("Confirmez votre demande : D01", "Confirm your request: D01", "/?proof={s}", None),
    "account_invite": ("Votre compte à La Cantine", "Your account at La Cantine", "/set_password?token={s}", None),
    "password_reset": ("Nouveau mot de passe pour La Cantine", "New password for La Cantine",
                       "/set_password?token={s}", None),
    "team_digest": ("La Cantine : la semaine du", "La Cantine: the week of", "/staff_day", None),
    "adhesion_reminder": ("La Cantine : votre adhésion", "La Cantine: your membership", "/my_money", None),
}
# the public face's contact (issue #17)
EXPECTED["contact_proof"] = ("Confirmez votre message à Pia", "Confirm your message to Pia", "/?contact={s}", None)
EXPECTED["contact_message"] = ("Un message de", "A message from", None, None)
EXPECTED["waitlist_promoted"] = ("Une place s'est libérée : Atelier", "A place freed up: Atelier", "/events", "PUBLISH")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_kind_arrives_in_each_language(space, smtp_server, app_url, lang):
    to = ALICE if lang == "en" else BOB
    booking = book(space, to, "am")
    event = make_event(space)
    registration = events.register(claims(to), event)
    forget_queued()
    with db.as_owner() as conn:
        conn.execute("update public.members set full_name = %s where email = %s", (EVIL, to))
        b = conn.execute("select private.booking_notice_payload(b) as p, b.id::text as id from public.bookings b"
                         " where b.id = %s", (booking["id"],)).fetchone()
        g = conn.execute("select private.registration_notice_payload(g) as p, g.id::text as id"
                         " from public.registrations g where g.id = %s", (registration["id"],)).fetchone()
    bp, gp = b["p"], g["p"]
    expires = (clock.now() + dt.timedelta(hours=1)).isoformat()
    week = bookings.local_today(space["settings"]) + dt.timedelta(days=7)
    queued = {
        "booking_confirmed": _queue("booking_confirmed", to, EVIL, lang, bp, SECRET, booking_id=b["id"]),
        "booking_reminder": _queue("booking_reminder", to, EVIL, lang, bp, booking_id=b["id"]),
        "guest_approved": _queue("guest_approved", to, EVIL, lang, bp, booking_id=b["id"]),
        "booking_cancelled": _queue("booking_cancelled", to, EVIL, lang, {**bp, "reason": "team"},
                                    booking_id=b["id"]),
        "registration_confirmed": _queue("registration_confirmed", to, EVIL, lang, gp, SECRET,
                                         registration_id=g["id"]),
        "registration_waitlisted": _queue("registration_waitlisted", to, EVIL, lang, gp, registration_id=g["id"]),
        "waitlist_promoted": _queue("waitlist_promoted", to, EVIL, lang, gp, registration_id=g["id"]),
        "event_reminder": _queue("event_reminder", to, EVIL, lang, gp, registration_id=g["id"]),
        "event_changed": _queue("event_changed", to, EVIL, lang,
                                {**gp, "changes": {"room": [None, "Salle"], "title": ["Old <b>talk</b>", gp["title"]]}},
                                registration_id=g["id"]),
        "event_cancelled": _queue("event_cancelled", to, EVIL, lang, gp, registration_id=g["id"]),
        "link_proof": _queue("link_proof", to, None, lang, {
            "request": "booking", "space": "La Cantine", "time_zone": "Europe/Paris", "expires_at": expires,
            "resource": "D01", "resource_kind": "desk", "zone": "Plateau", "starts": bp["starts"], "ends": bp["ends"]},
            SECRET + "p"),
        "account_invite": _queue("account_invite", to, EVIL, lang, {
            "space": "La Cantine", "full_name": EVIL, "role": "member", "expires_at": expires}, SECRET + "i"),
        "password_reset": _queue("password_reset", to, EVIL, lang, {"space": "La Cantine", "expires_at": expires},
                                 SECRET + "r"),
        "team_digest": _queue("team_digest", to, EVIL, lang, {
            "space": "La Cantine", "time_zone": "Europe/Paris", "week_start": week.isoformat(),
            "week_end": (week + dt.timedelta(days=6)).isoformat(),
            "days": [{"day": week.isoformat(), "desk_bookings": 3, "room_bookings": 1}],
            "events": [{"title": "Atelier <i>a11y</i>", "starts": gp["starts"], "registered": 4, "capacity": 5}],
            "guests_waiting": 2}),
        # the public face's contact (issue #17): a proof to a visitor, their message to a member
        "contact_proof": _queue("contact_proof", to, None, lang, {
            "space": "La Cantine", "time_zone": "Europe/Paris", "member": "Pia", "expires_at": expires}, SECRET + "c"),
        "contact_message": _queue("contact_message", to, EVIL, lang, {
            "space": "La Cantine", "from_name": "Ann <b>Visitor</b>", "from_email": "ann@example.net",
            "message": "Hello <i>there</i>"}),
        "adhesion_reminder": _queue("adhesion_reminder", to, EVIL, lang, {
            "space": "La Cantine", "association": "La Cantine", "ends_on": week.isoformat(), "fee_cents": 2000}),
    }
    assert all(queued.values()) and set(queued) == set(messages.KINDS)
    secrets = {"link_proof": SECRET + "p", "account_invite": SECRET + "i", "password_reset": SECRET + "r",
               "contact_proof": SECRET + "c"}

    result = notify.send_pending(limit=100)
    assert (result.sent, result.failed, result.errors) == (len(queued), 0, 0)
    received = {m["Message-ID"].split(".")[1].split("@")[0]: m for m in smtp_server.to(to)}
    assert set(received) == set(queued)
    for kind, message in received.items():
        subject_fr, subject_en, link, method = EXPECTED[kind]
        assert message["Subject"].startswith(subject_fr if lang == "fr" else subject_en), (kind, message["Subject"])
        assert message["Content-Language"] == lang, kind
        assert message["From"] == "La Cantine <noreply@cantine.test>", kind
        assert message["To"].addresses[0].addr_spec == to
        found = parts(message)
        text, html = found["text"], found["html"]
        if link:
            url = APP + link.format(s=secrets.get(kind, SECRET))
            assert url in text, kind
            assert f'href="{url}"' in html, kind
        # what anyone typed is escaped in the HTML, never markup
        assert "<script>" not in html and "<b>" not in html and "<i>" not in html, kind
        if kind not in ("link_proof", "contact_proof"):  # a proof carries no name: nothing typed by an unproven visitor
            assert "&lt;script&gt;alert(1)&lt;/script&gt; Martin" in html, kind
            assert EVIL in text, kind
        else:
            assert "script" not in text and "script" not in html
            assert message["To"].addresses[0].display_name == ""
        if method:
            assert found["ics_method"] == method and str(found["ics"]["METHOD"]) == method, kind
            ev = vevent(found["ics"])
            about = bp if kind.startswith(("booking", "guest")) else gp
            uid = f"booking-{b['id']}@cantine.test" if about is bp else f"registration-{g['id']}@cantine.test"
            assert str(ev["UID"]) == uid, kind
            assert ev.decoded("DTSTART") == dt.datetime.fromisoformat(about["starts"]), kind
            assert ev.decoded("DTEND") == dt.datetime.fromisoformat(about["ends"]), kind
            if kind in ("event_changed", "booking_cancelled", "event_cancelled"):
                assert int(ev["SEQUENCE"]) > 0, kind  # replaces what the calendar holds
        else:
            assert "ics" not in found, kind
    # the words of each language, from the same parts in text and HTML
    changed = parts(received["event_changed"])
    assert ("Old <b>talk</b>" in changed["text"]) and ("Old &lt;b&gt;talk&lt;/b&gt;" in changed["html"])
    # a secret lives only until its message left
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from private.notification_secrets").fetchone()["n"] == 0


# --------------------------------------------------------------------------- what the database queues

def test_a_member_booking_in_the_app_is_confirmed_by_mail(space, smtp_server, app_url):
    book(space, ALICE, "am", confirmation=True)
    (row,) = outbox()
    assert (row["kind"], row["to_email"], row["locale"], row["payload"]["status"]) == (
        "booking_confirmed", ALICE, "en", "confirmed")
    assert notify.send_pending().sent == 1
    found = parts(smtp_server.to(ALICE)[0])
    assert f"{APP}/my_bookings" in found["text"] and "?manage=" not in found["text"]
    assert str(vevent(found["ics"])["UID"]) == f"booking-{row['booking_id']}@cantine.test"


def test_the_team_booking_for_a_member_tells_the_member_and_a_link_booking_waits_for_its_proof(space):
    starts, ends = bookings.slot_range(space["day"], "am", space["settings"])
    bookings.book(claims(HOST), space["desks"][1], starts, ends, member_id=space["bob"])
    assert [(r["kind"], r["to_email"], r["payload"]["source"]) for r in outbox()] == [
        ("booking_confirmed", BOB, "admin")]
    forget_queued()
    token = share_links.create(db.OWNER, "Newsletter")
    share_links.book(token, "guest@example.net", "Gabriel", space["desks"][2], starts, ends)
    # a request: only its proof e-mail, without the name typed; the proof tells the rest
    assert [(r["kind"], r["to_email"], r["to_name"]) for r in outbox()] == [("link_proof", "guest@example.net", None)]


def test_cancellations_by_the_team_and_by_the_person(space):
    mine = book(space, ALICE, "am")
    theirs = book(space, BOB, "am", desk=1)
    bookings.cancel(claims(ALICE), mine["id"])
    bookings.cancel(claims(HOST), theirs["id"])
    by = {r["to_email"]: r for r in outbox()}
    assert (by[ALICE]["kind"], by[ALICE]["payload"]["reason"]) == ("booking_cancelled", "member")
    assert (by[BOB]["kind"], by[BOB]["payload"]["reason"]) == ("booking_cancelled", "team")
    assert by[BOB]["payload"]["was_pending"] is False and by[BOB]["payload"]["zone"] == "Plateau"


def test_approving_a_guest_tells_the_guest(space, smtp_server, app_url):
    with db.as_owner() as conn:
        conn.execute("update public.settings set guest_approval_required = true")
    token = share_links.create(db.OWNER, "Newsletter")
    starts, ends = bookings.slot_range(space["day"], "am", space["settings"])
    link_book_proven(token, "guest@example.net", "Gabriel <Invité>", space["desks"][1], starts, ends)
    forget_queued()  # the proof and the "to approve" confirmation
    with db.as_owner() as conn:
        booking_id = str(conn.execute("select id from public.bookings where status = 'pending'").fetchone()["id"])
    bookings.approve(claims(HOST), booking_id)
    (row,) = outbox()
    assert (row["kind"], row["to_email"], row["payload"]["status"]) == ("guest_approved", "guest@example.net",
                                                                         "confirmed")
    assert notify.send_pending().sent == 1
    message = smtp_server.to("guest@example.net")[0]
    assert message["Subject"].startswith("Réservation acceptée : D02")
    assert "Gabriel &lt;Invité&gt;" in parts(message)["html"]


def test_registrations_and_the_waiting_list_are_told(space, smtp_server):
    event = make_event(space, capacity=1)
    events.register(claims(ALICE), event)
    events.register(claims(BOB), event)
    assert [(r["to_email"], r["kind"]) for r in sorted(outbox(), key=lambda r: r["to_email"])] == [
        (ALICE, "registration_confirmed"), (BOB, "registration_waitlisted")]
    assert notify.send_pending().sent == 2
    assert "ics" in parts(smtp_server.to(ALICE)[0]) and "ics" not in parts(smtp_server.to(BOB)[0])
    assert smtp_server.to(BOB)[0]["Subject"].startswith("Liste d'attente : Atelier")


def test_an_event_moved_tells_each_registrant_once_per_change(space, smtp_server):
    event = make_event(space, capacity=1)
    events.register(claims(ALICE), event)
    events.register(claims(BOB), event)  # waiting: told too
    forget_queued()
    with db.as_owner() as conn:
        old = conn.execute("select starts_at, ends_at from public.events where id = %s", (event,)).fetchone()
        conn.execute("update public.events set starts_at = starts_at + interval '1 hour',"
                     " ends_at = ends_at + interval '1 hour' where id = %s", (event,))
    queued = outbox()
    assert sorted((r["to_email"], r["kind"]) for r in queued) == [(ALICE, "event_changed"), (BOB, "event_changed")]
    changes = queued[0]["payload"]["changes"]
    assert set(changes) == {"starts", "ends"}
    assert dt.datetime.fromisoformat(changes["starts"][0]) == old["starts_at"]

    # a second change before the first left: one message, from the first "before" to the last "now"
    with db.as_owner() as conn:
        conn.execute("update public.events set room_id = null where id = %s", (event,))
    queued = outbox()
    assert len(queued) == 2 and set(queued[0]["payload"]["changes"]) == {"starts", "ends", "room"}
    assert dt.datetime.fromisoformat(queued[0]["payload"]["changes"]["starts"][0]) == old["starts_at"]
    assert notify.send_pending().sent == 2
    assert "it was" in parts(smtp_server.to(ALICE)[0])["text"]

    # a change after the message left: a new message (the sent one stays in the outbox)
    with db.as_owner() as conn:
        conn.execute("update public.events set title = 'Atelier renommé' where id = %s", (event,))
    pending = [r for r in outbox() if r["status"] == "pending"]
    assert sorted(r["to_email"] for r in pending) == [ALICE, BOB]
    assert set(pending[0]["payload"]["changes"]) == {"title"}
    assert len(outbox()) == 4
    # moved back where it was: nothing left to say about the title
    with db.as_owner() as conn:
        conn.execute("update public.events set title = 'Atelier accessibilité' where id = %s", (event,))
    assert [r for r in outbox() if r["status"] == "pending"] == []


def test_a_draft_event_changed_tells_nobody(space):
    event = make_event(space)
    events.register(claims(ALICE), event)
    forget_queued()
    with db.as_owner() as conn:
        conn.execute("update public.events set status = 'draft' where id = %s", (event,))
        conn.execute("update public.events set title = 'Autre' where id = %s", (event,))
    assert outbox() == []


# --------------------------------------------------------------------------- sending

def test_an_outage_loses_nothing_and_sends_each_message_once(space, smtp_server, monkeypatch):
    for desk, who in enumerate((ALICE, BOB)):
        book(space, who, "am", desk=desk, confirmation=True)
    monkeypatch.setenv("CANTINE_SMTP_PORT", str(free_port()))  # the server is down
    for _ in range(3):
        result = notify.send_pending()
        assert result.server_down and result.sent == 0 and result.waiting == 2
    assert {r["status"] for r in outbox()} == {"pending"} and smtp_server.received == []
    monkeypatch.setenv("CANTINE_SMTP_PORT", str(smtp_server.port))  # back
    assert notify.send_pending().sent == 2
    assert notify.send_pending().sent == 0
    assert sorted(rcpt[0] for _, rcpt in smtp_server.envelopes) == [ALICE, BOB]


def test_a_message_given_up_forgets_its_secret(space, smtp_server):
    smtp_server.refuse[BOB] = "550 5.1.1 No such user"
    _queue("password_reset", BOB, None, "fr", {"space": "La Cantine", "expires_at": clock.now().isoformat()},
           SECRET)
    assert notify.send_pending().failed == 1
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from private.notification_secrets").fetchone()["n"] == 0


def test_the_app_process_sends_by_itself_and_stops_cleanly(space, smtp_server, monkeypatch):
    monkeypatch.setenv("CANTINE_SENDER", "on")
    book(space, ALICE, "am", confirmation=True)
    try:
        assert startup.start_sender(interval=0.2)
        assert not startup.start_sender(interval=0.2)  # once per process
        deadline = time.monotonic() + 10
        while not smtp_server.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(smtp_server.to(ALICE)) == 1
        # the server goes away: the next message waits, the thread survives, then it leaves. The
        # sender is stopped first so that no round begun with the old settings (its SMTP
        # connection still open) sends it: that race failed this test on a loaded machine.
        startup.stop_sender()
        monkeypatch.setenv("CANTINE_SMTP_PORT", str(free_port()))
        book(space, BOB, "am", desk=1, confirmation=True)
        assert startup.start_sender(interval=0.2)
        time.sleep(0.6)
        assert [r["status"] for r in outbox() if r["to_email"] == BOB] == ["pending"]
        monkeypatch.setenv("CANTINE_SMTP_PORT", str(smtp_server.port))
        deadline = time.monotonic() + 10
        while not smtp_server.to(BOB) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(smtp_server.to(BOB)) == 1
    finally:
        startup.stop_sender()
    assert startup._sender is None
    monkeypatch.setenv("CANTINE_SENDER", "off")
    assert not startup.start_sender()


def test_nothing_is_queued_for_a_released_desk_nor_an_event_over(space):
    row = book(space, ALICE, "am")
    with db.as_owner() as conn:
        conn.execute("update public.bookings set status = 'cancelled', cancel_reason = 'released' where id = %s",
                     (row["id"],))
        starts = clock.now() - dt.timedelta(hours=3)
        event = conn.execute("insert into public.events (title, starts_at, ends_at, capacity, status)"
                             " values ('Passé', %s, %s, 5, 'published') returning id", (starts, starts + dt.timedelta(hours=1))
                             ).fetchone()["id"]
        conn.execute("insert into public.registrations (event_id, member_id) values (%s, %s)", (event, space["alice"]))
        conn.execute("update public.events set title = 'Passé, renommé' where id = %s", (event,))
    assert kinds_of(ALICE) == []


def test_the_first_page_of_a_process_starts_the_sender(space, smtp_server, monkeypatch):
    """What the shell calls on every rerun starts the sender once (it sends at once, then every
    30 s), without holding up the page."""
    monkeypatch.setenv("CANTINE_SENDER", "on")
    monkeypatch.setattr(startup, "_described", None)
    book(space, ALICE, "am", confirmation=True)
    page = threading.Thread(target=startup.database_ready, daemon=True)
    try:
        page.start()
        page.join(10)
        assert not page.is_alive()  # the page was not held up (nor deadlocked)
        deadline = time.monotonic() + 10
        while not smtp_server.to(ALICE) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(smtp_server.to(ALICE)) == 1
        assert startup._sender is not None and startup._sender.is_alive()
    finally:
        startup.stop_sender()
