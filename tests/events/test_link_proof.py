"""Proof before power for events: registering through a shared link only records a request and
e-mails a proof link; the answer is the same for any address (registered already or not); the
proof registers once, as the member whose address it is or as a guest, and queues the
confirmation (or the waiting-list notice) with the manage token."""

from __future__ import annotations

import psycopg
import pytest

from lib.booking import share_links
from lib.core import db
from lib.core.errors import UserError, from_db_error
from lib.events import events
from tests.booking.conftest import proof_secret, prove_latest
from tests.conftest import as_anon, claims, make_member
from tests.events.test_link import make_event

ALICE = "alice@example.org"
CHECK = share_links.CHECK_EMAIL


@pytest.fixture
def link(empty_db):
    ids = {"alice": make_member(ALICE)}
    ids["token"] = events.create_link(db.OWNER, "Newsletter")
    return ids


def owner_rows(query: str, params: tuple = ()) -> list[dict]:
    with db.as_owner() as conn:
        return conn.execute(query, params).fetchall()


def answer(call) -> tuple[str, object]:
    try:
        return ("ok", call())
    except UserError as exc:
        return ("refused", (exc.key, exc.params))


def raw_register(token: str, event: str, email: str, name: str) -> tuple[str, object]:
    try:
        with as_anon() as conn:
            return ("ok", conn.execute("select public.link_register(%s, %s, %s, %s) as a",
                                       (token, event, email, name)).fetchone()["a"])
    except psycopg.Error as exc:
        err = from_db_error(exc)
        return ("refused", (err.key, err.params))


def test_a_members_address_registers_nothing_until_the_proof(link):
    event = make_event()
    assert events.link_register(link["token"], event, ALICE, "Not Alice") == CHECK
    assert owner_rows("select count(*) as n from public.registrations")[0]["n"] == 0
    proof = owner_rows("select to_name, payload from public.notifications where kind = 'link_proof'")
    assert proof[0]["to_name"] is None and proof[0]["payload"]["title"] == "Atelier Figma"
    assert "Not Alice" not in str(proof[0]["payload"])
    proved = prove_latest(ALICE)
    assert (proved["outcome"], proved["kind"]) == ("registered", "registration")
    reg = owner_rows("select member_id::text, guest_email, source from public.registrations")[0]
    assert reg == {"member_id": link["alice"], "guest_email": None, "source": "link"}
    mail = owner_rows("select n.member_id::text, s.token from public.notifications n join private.notification_secrets s"
                      " on s.notification_id = n.id where n.kind = 'registration_confirmed'")
    assert mail == [{"member_id": link["alice"], "token": proved["manage_token"]}]
    assert events.link_registration(proved["manage_token"])["status"] == "registered"


def test_the_answer_is_the_same_for_a_registered_member_and_a_stranger(link):
    event = make_event()
    events.register(claims(ALICE), event)  # Alice is registered already
    for name in ("Someone", "\u200b"):
        for call in (events.link_register, raw_register):
            assert answer(lambda c=call, n=name: c(link["token"], event, ALICE, n)) \
                == answer(lambda c=call, n=name: c(link["token"], event, "stranger@example.net", n))
    # proven, the address may hear it
    proved = prove_latest(ALICE)
    assert proved["outcome"] == "refused" and proved["detail"]["key"] == "event.already_registered"


def test_a_full_event_puts_the_proven_visitor_on_the_waiting_list_and_says_so(link):
    event = make_event(capacity=1)
    events.register(claims(ALICE), event)
    events.link_register(link["token"], event, "late@example.net", "Late")
    proved = prove_latest("late@example.net")
    assert proved["outcome"] == "waitlisted"
    kinds = [r["kind"] for r in owner_rows("select kind from public.notifications where to_email = 'late@example.net'"
                                           " order by created_at")]
    assert kinds == ["link_proof", "registration_waitlisted"]


def test_an_event_proof_works_once_and_expires(link):
    event = make_event(in_hours=3)  # past the default cut-off (2 hours before)
    events.link_register(link["token"], event, "guest@example.net", "Guest")
    expires = owner_rows("select expires_at, (select starts_at from public.events) as starts"
                         " from private.link_requests")[0]
    assert expires["expires_at"] <= expires["starts"]  # never after the event starts
    secret = proof_secret("guest@example.net")
    assert share_links.prove(secret)["outcome"] == "registered"
    assert answer(lambda: share_links.prove(secret)) == ("refused", ("link.proof_used", {}))
    events.link_register(link["token"], event, "other@example.net", "Other")
    with db.as_owner() as conn:
        conn.execute("update private.link_requests set expires_at = now() where used_at is null")
    assert answer(lambda: prove_latest("other@example.net")) == ("refused", ("link.proof_expired", {}))
