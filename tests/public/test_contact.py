"""Contacting a public member from the showcase, from the attacker's side: no power before the
address is proven, no answer that tells a member from a stranger, floods capped per address and
per client, and the member's address never reaches the visitor."""

from __future__ import annotations

import re

import pytest

from lib.core import db
from lib.core.errors import UserError
from lib.directory import showcase
from lib.mail import notify
from tests.mail.conftest import body
from tests.public.conftest import PUBLIC, VISITOR

MESSAGE = "Bonjour Pia, <b>on</b> se parle de [Python](https://evil.example) ?"


def _outbox() -> list[dict]:
    with db.as_owner() as conn:
        return conn.execute("select n.*, s.token as secret from public.notifications n"
                            " left join private.notification_secrets s on s.notification_id = n.id"
                            " order by n.created_at").fetchall()


def _ask(face, member: str = "public", email: str = VISITOR, client: str | None = "203.0.113.9") -> str:
    return showcase.contact(db.ANONYMOUS, face[member], email, "Vi Sitor", MESSAGE, client=client, locale="en")


def test_nothing_reaches_the_member_before_the_proof_and_the_proof_mail_holds_no_visitor_text(face):
    assert _ask(face) == "check_email"
    (proof,) = _outbox()
    assert proof["kind"] == "contact_proof" and proof["to_email"] == VISITOR and proof["to_name"] is None
    assert "Vi Sitor" not in str(proof["payload"]) and "Python" not in str(proof["payload"])
    assert not [n for n in _outbox() if n["to_email"] == PUBLIC], "no message to the member yet"

    assert showcase.prove_contact(db.ANONYMOUS, proof["secret"]) == "Pia Publique"
    relayed = [n for n in _outbox() if n["kind"] == "contact_message"]
    assert [(n["to_email"], n["payload"]["message"]) for n in relayed] == [(PUBLIC, MESSAGE)]
    with pytest.raises(UserError) as again:
        showcase.prove_contact(db.ANONYMOUS, proof["secret"])
    assert again.value.key == "public.proof_used"


def test_an_unknown_id_a_hidden_member_and_a_member_without_contact_get_one_same_answer(face):
    answers = set()
    for member in ("quiet", "hidden", "members_only", "inactive"):
        with pytest.raises(UserError) as refused:
            _ask(face, member)
        answers.add((refused.value.key, refused.value.message("en")))
    with pytest.raises(UserError) as unknown:
        showcase.contact(db.ANONYMOUS, "00000000-0000-4000-8000-000000000000", VISITOR, "Vi", "Hi")
    answers.add((unknown.value.key, unknown.value.message("en")))
    assert answers == {("public.contact_unavailable", "This member cannot be contacted through this site.")}
    assert _outbox() == [], "nothing recorded, nothing queued"


def test_a_flood_from_one_address_mails_it_at_most_three_proofs_a_day_and_answers_the_same(face):
    answers = [_ask(face, email=f"Vi.Sitor+{i}@Example.net", client=f"198.51.100.{i}") for i in range(6)]
    assert answers == ["check_email"] * 6
    assert len([n for n in _outbox() if n["kind"] == "contact_proof"]) == 3


def test_one_client_is_capped_at_ten_requests_an_hour_whatever_the_address(face):
    for i in range(10):
        assert _ask(face, email=f"someone{i}@example.net") == "check_email"
    with pytest.raises(UserError) as busy:
        _ask(face, email="another@example.net")
    assert busy.value.key == "public.busy"
    assert _ask(face, email="another@example.net", client="192.0.2.77") == "check_email", "others still pass"


def test_a_proven_sender_writes_at_most_twice_a_day_to_one_member(face):
    for i in range(3):
        _ask(face, client=f"192.0.2.{i}")
    proofs = [n["secret"] for n in _outbox() if n["kind"] == "contact_proof"]
    assert len(proofs) == 3
    showcase.prove_contact(db.ANONYMOUS, proofs[0])
    showcase.prove_contact(db.ANONYMOUS, proofs[1])
    with pytest.raises(UserError) as limit:
        showcase.prove_contact(db.ANONYMOUS, proofs[2])
    assert limit.value.key == "public.contact_limit"
    assert len([n for n in _outbox() if n["kind"] == "contact_message"]) == 2


def test_contact_stopped_after_the_request_refuses_the_proof(face):
    _ask(face)
    (proof,) = _outbox()
    with db.as_owner() as conn:
        conn.execute("update public.members set contact_allowed = false where email = %s", (PUBLIC,))
    with pytest.raises(UserError) as refused:
        showcase.prove_contact(db.ANONYMOUS, proof["secret"])
    assert refused.value.key == "public.contact_unavailable"


@pytest.mark.parametrize("email, name, message, key", [
    ("not-an-address", "Vi", "Hello", "link.email_invalid"),
    (VISITOR, "", "Hello", "link.name_required"),
    (VISITOR, "Vi", "   ", "public.message_required"),
    (VISITOR, "Vi", "x" * 2001, "public.message_too_long"),
    (VISITOR, "Vi", "Hi\u202eevil", "public.message_invisible"),
])
def test_bad_input_is_refused_with_its_sentence(face, email, name, message, key):
    with pytest.raises(UserError) as refused:
        showcase.contact(db.ANONYMOUS, face["public"], email, name, message)
    assert refused.value.key == key


def test_an_unknown_or_expired_proof_is_refused(face):
    with pytest.raises(UserError) as unknown:
        showcase.prove_contact(db.ANONYMOUS, "x" * 43)
    assert unknown.value.key == "public.proof_unknown"
    _ask(face)
    (proof,) = _outbox()
    with db.as_owner() as conn:
        conn.execute("update private.contact_requests set expires_at = now() - interval '1 second'")
    with pytest.raises(UserError) as expired:
        showcase.prove_contact(db.ANONYMOUS, proof["secret"])
    assert expired.value.key == "public.proof_expired"


def test_erasing_the_member_forgets_what_was_written_to_them(face):
    _ask(face)
    with db.as_owner() as conn:
        conn.execute("select public.erase_member(%s)", (face["public"],))
        assert conn.execute("select count(*) as n from private.contact_requests").fetchone()["n"] == 0


def test_the_e_mails_as_sent_the_member_replies_to_the_visitor_who_never_sees_their_address(
        face, smtp_server, monkeypatch):
    monkeypatch.setenv("CANTINE_APP_URL", "https://cantine.example")
    _ask(face)
    notify.send_pending()
    (proof_mail,) = smtp_server.to(VISITOR)
    assert "Vi Sitor" not in proof_mail.as_string() and "Python" not in body(proof_mail)
    assert PUBLIC not in proof_mail.as_string()
    link = re.search(r"https://cantine\.example/\?contact=([A-Za-z0-9_\-]+)", body(proof_mail))
    assert link, body(proof_mail)
    showcase.prove_contact(db.ANONYMOUS, link.group(1))
    notify.send_pending()
    (relayed,) = smtp_server.to(PUBLIC)
    assert MESSAGE in body(relayed)
    assert relayed["Reply-To"].addresses[0].addr_spec == VISITOR
    html = relayed.get_body(("html",)).get_content()
    assert "<b>on</b>" not in html and "&lt;b&gt;on&lt;/b&gt;" in html
    assert all(PUBLIC not in m.as_string() for m in smtp_server.to(VISITOR))


def test_erasing_a_member_who_wrote_to_another_leaves_no_trace_of_them(face):
    """A member writes to Pia from the showcase with their own address, then is erased: neither
    their request nor the message in the outbox keeps their address or words."""
    showcase.contact(db.ANONYMOUS, face["public"], "Mo.Members+site@example.org", "Mona Entre-Nous",
                     "Signed: Mona Entre-Nous")
    (proof,) = _outbox()
    showcase.prove_contact(db.ANONYMOUS, proof["secret"])
    with db.as_owner() as conn:
        conn.execute("select public.erase_member(%s)", (face["members_only"],))
        left = conn.execute("select (select count(*) from private.contact_requests) as requests,"
                            " (select count(*) from public.notifications n where n::text ilike '%%mona%%'"
                            "  or n::text ilike '%%mo.members%%') as messages").fetchone()
    assert left == {"requests": 0, "messages": 0}
