"""The outbox from the side of each role: only admins read it, nobody writes it through the API;
erasing a member deletes their messages; the command line sends and reports."""

from __future__ import annotations

import psycopg
import pytest

from lib.booking import bookings
from lib.cli.main import main
from lib.core import db
from lib.directory import privacy
from tests.booking.conftest import link_book_proven
from tests.conftest import authenticate_as, make_member
from tests.mail.test_notify import ALICE, BOB, BOSS, HOST, book, claims, outbox

# the fixtures of tests/mail/test_notify.py, shared

BOARD = "board@example.org"


@pytest.fixture
def queued(space):
    """Two messages waiting: Alice's and Bob's bookings cancelled by the staff host."""
    make_member(BOARD, role="board")
    for who, desk in ((ALICE, 0), (BOB, 1)):
        row = book(space, who, "am", desk=desk)
        bookings.cancel(claims(HOST), row["id"])
    assert len(outbox()) == 2
    return space


@pytest.mark.parametrize("who", [ALICE, HOST, BOARD])
def test_members_staff_and_board_read_nothing_and_write_nothing(queued, who):
    with authenticate_as(who) as conn:
        assert conn.execute("select count(*) as n from public.notifications").fetchone()["n"] == 0
    statements = [
        "insert into public.notifications (kind, to_email, locale) values ('booking_cancelled', 'x@example.org', 'fr')",
        "update public.notifications set status = 'sent', sent_at = now()",
        "delete from public.notifications",
    ]
    for statement in statements:
        with pytest.raises(psycopg.errors.InsufficientPrivilege), authenticate_as(who) as conn:
            conn.execute(statement)
    assert {r["status"] for r in outbox()} == {"pending"} and len(outbox()) == 2


def test_anon_reads_and_writes_nothing(queued):
    for statement in ("select * from public.notifications", "delete from public.notifications"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), db.as_anon() as conn:
            conn.execute(statement)


def test_admins_read_the_outbox_but_do_not_write_it(queued):
    with authenticate_as(BOSS) as conn:
        rows = conn.execute("select to_email, status from public.notifications order by to_email").fetchall()
    assert rows == [{"to_email": ALICE, "status": "pending"}, {"to_email": BOB, "status": "pending"}]
    with pytest.raises(psycopg.errors.InsufficientPrivilege), authenticate_as(BOSS) as conn:
        conn.execute("update public.notifications set status = 'failed'")
    from lib.mail import notify

    assert notify.counts(claims(BOSS))["pending"] == 2
    assert notify.counts(claims(ALICE))["pending"] == 0  # RLS: a member counts nothing


def test_erasing_a_member_deletes_their_messages(queued):
    alice_id = queued["alice"]
    privacy.erase_member(claims(BOSS), alice_id)
    assert [r["to_email"] for r in outbox()] == [BOB]
    # an erased member is never written to again
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.notifications where member_id = %s",
                            (alice_id,)).fetchone()["n"] == 0


def test_erasure_also_deletes_messages_sent_to_their_address_as_a_guest(queued):
    from lib.booking import share_links

    token = share_links.create(db.OWNER, "Newsletter")
    starts, ends = bookings.slot_range(queued["day"], "pm", queued["settings"])
    link_book_proven(token, "carol@example.org", "Carol", queued["desks"][2], starts, ends)
    with db.as_owner() as conn:
        booking_id = conn.execute("select id::text from public.bookings where guest_email = 'carol@example.org'"
                                  ).fetchone()["id"]
    bookings.cancel(claims(HOST), booking_id)
    carol = make_member("carol@example.org", full_name="Carol")  # she became a member since
    privacy.erase_member(db.OWNER, carol)  # from the command line
    assert sorted(r["to_email"] for r in outbox()) == [ALICE, BOB]


def test_command_line_status_and_send(queued, smtp_server, capsys, monkeypatch):
    monkeypatch.setenv("CANTINE_SMTP_USER", "")
    monkeypatch.setenv("CANTINE_SMTP_PASSWORD", "never-printed")
    assert main(["notify", "status"]) == 0
    out = capsys.readouterr().out
    assert "127.0.0.1" in out and "2 waiting, 0 failed, 0 sent" in out and "never-printed" not in out
    assert main(["notify", "send"]) == 0
    assert "sent 2, given up 0, 0 waiting" in capsys.readouterr().out
    assert len(smtp_server.received) == 2


def test_command_line_without_smtp_says_so(queued, no_smtp, capsys):
    assert main(["notify", "send"]) == 2
    err = capsys.readouterr().err
    assert "not set up" in err and "2 message(s) waiting" in err
    assert main(["notify", "status"]) == 0
    assert "e-mail: not set up" in capsys.readouterr().out
