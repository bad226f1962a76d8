"""Proof before power on the shared link, tried as an attacker would: only the public link and
the anonymous role (the REST API's view).

- typing a member's address books nothing on their account until the proof e-mailed to that
  address is followed; then the booking stands on it;
- every answer is the same for a member's address and a stranger's (return values and refusals);
- a flood of fresh addresses holds no desk and does not lock real visitors out;
- at most 3 proof e-mails a day per normalised address; a proof works once, expires, is unknown;
- racing proofs of one address through two links pass only as far as the limit allows;
- anonymous visitors book desks only; hostile names and addresses are refused, by the database too.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import psycopg
import pytest
from psycopg.rows import dict_row
from streamlit.testing.v1 import AppTest

from lib.booking import bookings, share_links
from lib.core import db
from lib.core.errors import UserError, from_db_error
from lib.demo.bookings import tiny_space
from lib.web import link_page
from tests.booking.conftest import ALICE, book_slot, proof_secret, prove_latest
from tests.conftest import APP, as_anon, make_member

CHECK = share_links.CHECK_EMAIL


@pytest.fixture
def site(empty_db):
    with db.as_owner() as conn:
        ids = tiny_space(conn, desks=20)
    alice = make_member(ALICE)
    with db.as_owner() as conn:  # Alice's plan: one desk day a month, so a stolen booking uses all of it
        conn.execute("update public.members set plan_id = %s where id = %s", (ids["plan_one_day"], alice))
    ids["alice"] = alice
    ids["settings"] = bookings.booking_settings()
    ids["token"] = share_links.create(db.OWNER, "Newsletter")
    return ids


def slot(site: dict, days: int = 1, half: str = "am") -> tuple[dt.datetime, dt.datetime]:
    return bookings.slot_range(bookings.local_today(site["settings"]) + dt.timedelta(days=days), half, site["settings"])


def owner_one(query: str, params: tuple = ()) -> dict:
    with db.as_owner() as conn:
        return conn.execute(query, params).fetchone()


def answer(call) -> tuple[str, object]:
    """What a visitor sees of a call: its value, or its refusal's key and parameters."""
    try:
        return ("ok", call())
    except UserError as exc:
        return ("refused", (exc.key, exc.params))


def raw_link_book(token: str, email: str, name: str, resource: str, starts, ends) -> tuple[str, object]:
    """link_book as the REST API calls it (anon, no Python check first)."""
    try:
        with as_anon() as conn:
            return ("ok", conn.execute("select public.link_book(%s, %s, %s, %s, %s, %s) as a",
                                       (token, email, name, resource, starts, ends)).fetchone()["a"])
    except psycopg.Error as exc:
        err = from_db_error(exc)
        return ("refused", (err.key, err.params))


# --------------------------------------------------------------------------- a member's address

def test_a_members_address_books_nothing_until_the_proof_then_stands_on_their_account(site):
    before = owner_one("select to_jsonb(m) as m from public.members m where id = %s", (site["alice"],))["m"]
    assert raw_link_book(site["token"], ALICE, "Not Alice", site["desks"][0], *slot(site)) == ("ok", CHECK)
    # nothing on her account, no booking at all, her plan untouched: she can still book her one day
    assert owner_one("select count(*) as n from public.bookings")["n"] == 0
    assert owner_one("select to_jsonb(m) as m from public.members m where id = %s", (site["alice"],))["m"] == before
    queued = owner_one("select to_name, payload, member_id from public.notifications where kind = 'link_proof'")
    assert queued["to_name"] is None and queued["member_id"] is None
    assert "Not Alice" not in str(queued["payload"])  # an unproven visitor's words reach no e-mail
    assert queued["payload"]["request"] == "booking" and queued["payload"]["resource"] == "D01"

    proved = prove_latest(ALICE)
    assert proved["outcome"] == "confirmed" and proved["kind"] == "booking"
    row = owner_one("select member_id::text, guest_email, source, token_hash from public.bookings")
    assert row["member_id"] == site["alice"] and row["guest_email"] is None and row["source"] == "link"
    # the confirmation carries the manage token as its secret; it manages this booking
    mail = owner_one("select n.to_email, n.member_id::text, n.payload, s.token from public.notifications n"
                     " join private.notification_secrets s on s.notification_id = n.id"
                     " where n.kind = 'booking_confirmed'")
    assert mail["to_email"] == ALICE and mail["member_id"] == site["alice"] and mail["token"] == proved["manage_token"]
    assert mail["payload"]["status"] == "confirmed" and mail["payload"]["resource"] == "D01"
    assert share_links.managed_booking(proved["manage_token"])["status"] == "confirmed"
    # and now her plan applies: her one day is used, which may be said (the address is proven)
    assert share_links.book(site["token"], ALICE, "Alice", site["desks"][1], *slot(site, 2, "day")) == CHECK
    again = prove_latest(ALICE)
    assert again["outcome"] == "refused" and again["detail"]["key"] == "booking.quota"


# --------------------------------------------------------------------------- identical answers

def test_every_answer_is_the_same_for_a_members_address_and_a_strangers(site):
    token, desks = site["token"], site["desks"]
    book_slot(ALICE, desks[5], bookings.local_today(site["settings"]) + dt.timedelta(days=1), "am", site["settings"])
    stranger = "nobody.known@example.net"
    cases = [
        # (desk, slot, name): a free desk while Alice has another that morning; a desk Alice holds
        # (taken); a bad name; a past slot
        (desks[0], slot(site), "Someone"),
        (desks[5], slot(site), "Someone"),
        (desks[1], slot(site), "\u200b\u200b"),
        (desks[2], slot(site, -1), "Someone"),
    ]
    for desk, (starts, ends), name in cases:
        args = (name, desk, starts, ends)
        for call in (share_links.book, raw_link_book):  # through Python, and as the REST API does
            assert answer(lambda c=call, a=args: c(token, ALICE, *a)) \
                == answer(lambda c=call, a=args: c(token, stranger, *a)), (desk, name)
    # two requests each: still one answer, and still only Alice's own desk on her account
    assert owner_one("select count(*) as n from public.bookings")["n"] == 1


# --------------------------------------------------------------------------- flood

def test_a_flood_of_fresh_addresses_holds_no_desk_and_real_visitors_still_book(site):
    token, desks = site["token"], site["desks"]
    days = 5
    started = time.monotonic()
    answers = set()
    for i in range(200):  # bounded: one caller, one link, 200 fresh addresses
        starts, ends = slot(site, 1 + i % days, "am")
        answers.add(raw_link_book(token, f"bot{i}@spam.example.net", f"Bot {i}", desks[i % len(desks)], starts, ends))
    elapsed = time.monotonic() - started
    assert answers == {("ok", CHECK)}, answers  # every request accepted (none refused, none revealing)
    print(f"\nflood: 200 requests in {elapsed:.2f} s ({200 / elapsed:.0f}/s accepted)")
    assert owner_one("select count(*) as n from public.bookings")["n"] == 0
    free = total = 0
    for d in range(1, days + 1):
        day = bookings.local_today(site["settings"]) + dt.timedelta(days=d)
        states = [r["state"] for r in bookings.link_window_states(token, [day], "desk")]
        total, free = total + len(states), free + states.count("free")
    assert total and free == total  # ≥ 90% asked; in fact every desk of every flooded day
    # a real visitor arriving now is answered and their proof books
    visitor = "real.visitor@example.org"
    assert share_links.book(token, visitor, "Real Visitor", desks[0], *slot(site, 1)) == CHECK
    assert prove_latest(visitor)["outcome"] == "confirmed"


def test_above_the_links_ceiling_everyone_hears_busy_and_a_minute_later_passes(site):
    token = site["token"]
    link_id = owner_one("select id::text from public.share_links")["id"]
    with db.as_owner() as conn:  # 600 requests in the last minute (made quickly, as the owner)
        conn.execute(
            "insert into private.link_requests (token_hash, share_link_id, kind, email, email_key, full_name,"
            " resource_id, starts, ends, expires_at)"
            " select md5(g::text), %s, 'booking', 'b' || g || '@x.org', 'b' || g || '@x.org', 'B', %s, %s, %s,"
            " now() + interval '1 hour' from generate_series(1, 600) g", (link_id, site["desks"][0], *slot(site)))
    for email in (ALICE, "stranger@example.net"):
        assert answer(lambda e=email: share_links.book(token, e, "X", site["desks"][1], *slot(site))) \
            == ("refused", ("link.busy", {}))
    with db.as_owner() as conn:  # the flood minute is over
        conn.execute("update private.link_requests set created_at = now() - interval '61 seconds'")
    assert share_links.book(token, "stranger@example.net", "X", site["desks"][1], *slot(site)) == CHECK


# --------------------------------------------------------------------------- the mail cap, the proof itself

def test_at_most_three_proof_emails_a_day_per_normalised_address(site):
    token = site["token"]
    spellings = ["Ann+1@Example.net", "ann@example.net", "ANN+x@example.net", "ann+news@EXAMPLE.net", "ann@example.net"]
    for i, email in enumerate(spellings):
        assert share_links.book(token, email, "Ann", site["desks"][i], *slot(site)) == CHECK
    with db.as_owner() as conn:
        mailed = conn.execute("select count(*) as n from public.notifications where kind = 'link_proof'"
                              " and private.email_key(to_email) = 'ann@example.net'").fetchone()["n"]
        recorded = conn.execute("select count(*) as n from private.link_requests"
                                " where email_key = 'ann@example.net'").fetchone()["n"]
    assert (mailed, recorded) == (3, 5)
    # Gmail's dots are one mailbox too
    for email in ("j.doe@gmail.com", "jdoe@gmail.com", "J.D.O.E+x@googlemail.com", "jd.oe@gmail.com"):
        share_links.book(token, email, "Jo", site["desks"][10], *slot(site, 2))
    n = owner_one("select count(*) as n from public.notifications where kind = 'link_proof'"
                  " and private.email_key(to_email) = 'jdoe@gmail.com'")["n"]
    assert n == 3
    # another address is not affected
    share_links.book(token, "bea@example.net", "Bea", site["desks"][11], *slot(site))
    assert proof_secret("bea@example.net") is not None


def test_a_proof_works_once_expires_and_an_unknown_one_says_so(site):
    token = site["token"]
    share_links.book(token, "guest@example.net", "Guest", site["desks"][0], *slot(site))
    secret = proof_secret("guest@example.net")
    assert share_links.prove(secret)["outcome"] == "confirmed"
    used = answer(lambda: share_links.prove(secret))
    assert used == ("refused", ("link.proof_used", {}))
    assert "déjà servi" in UserError("link.proof_used").message("fr")
    assert answer(lambda: share_links.prove("x" * 43)) == ("refused", ("link.proof_unknown", {}))
    assert answer(lambda: share_links.prove("")) == ("refused", ("link.proof_unknown", {}))

    share_links.book(token, "late@example.net", "Late", site["desks"][1], *slot(site))
    late = proof_secret("late@example.net")
    request = owner_one("select expires_at - created_at as ttl from private.link_requests where email = 'late@example.net'")
    assert dt.timedelta(minutes=1) < request["ttl"] <= dt.timedelta(hours=2)
    with db.as_owner() as conn:
        conn.execute("update private.link_requests set expires_at = now() - interval '1 second'"
                     " where email = 'late@example.net'")
    assert answer(lambda: share_links.prove(late)) == ("refused", ("link.proof_expired", {}))
    assert owner_one("select count(*) as n from public.bookings where guest_email = 'late@example.net'")["n"] == 0


def test_a_slot_taken_before_the_proof_is_said_and_the_request_is_used(site):
    token = site["token"]
    share_links.book(token, "slow@example.net", "Slow", site["desks"][0], *slot(site))
    make_member("bob@example.org")
    book_slot("bob@example.org", site["desks"][0], bookings.local_today(site["settings"]) + dt.timedelta(days=1),
              "am", site["settings"])
    secret = proof_secret("slow@example.net")
    proved = share_links.prove(secret)
    assert proved["outcome"] == "refused" and proved["manage_token"] is None
    assert share_links.refusal_of(proved).key == "booking.taken"
    assert answer(lambda: share_links.prove(secret))[1][0] == "link.proof_used"


def test_one_desk_at_a_time_holds_across_plus_tags(site):
    token = share_links.create(db.OWNER, "Generous", max_per_email_per_day=5)
    share_links.book(token, "ann+1@example.net", "Ann", site["desks"][0], *slot(site))
    assert prove_latest("ann+1@example.net")["outcome"] == "confirmed"
    share_links.book(token, "Ann+2@example.net", "Ann", site["desks"][1], *slot(site))
    proved = prove_latest("ann+2@example.net")
    assert proved["outcome"] == "refused" and proved["detail"]["key"] == "booking.one_desk"


# --------------------------------------------------------------------------- racing proofs

@pytest.mark.parametrize("trial", range(5))
def test_racing_proofs_of_one_address_through_two_links_pass_only_as_the_limit_allows(site, empty_db, trial):
    links = [share_links.create(db.OWNER, f"L{i}", max_per_email_per_day=1) for i in range(2)]
    secrets = []
    for i, (link, email) in enumerate(zip(links, ("racer+a@example.net", "Racer+b@example.net"), strict=True)):
        share_links.book(link, email, "Racer", site["desks"][i], *slot(site, 1, "am" if i == 0 else "pm"))
        secrets.append(proof_secret(email))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    guard = threading.Lock()

    def prove(secret: str) -> None:
        with psycopg.connect(empty_db, row_factory=dict_row) as conn:
            conn.execute("set local role anon")
            barrier.wait()
            try:
                row = conn.execute("select * from public.link_prove(%s)", (secret,)).fetchone()
                conn.commit()
                result = row["outcome"] if row["outcome"] != "refused" else row["detail"]["key"]
            except psycopg.Error as exc:
                conn.rollback()
                result = from_db_error(exc).key
        with guard:
            outcomes.append(result)

    threads = [threading.Thread(target=prove, args=(s,)) for s in secrets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["confirmed", "link.email_limit"], outcomes
    assert owner_one("select count(*) as n from public.bookings where status <> 'cancelled'")["n"] == 1


# --------------------------------------------------------------------------- what anonymous visitors may ask

def test_rooms_are_refused_to_anonymous_visitors(site):
    starts, ends = slot(site)
    starts_room = starts.replace(minute=0) + dt.timedelta(hours=1)
    for call in (lambda: raw_link_book(site["token"], "x@example.net", "X", site["room"], starts_room,
                                       starts_room + dt.timedelta(hours=1)),):
        assert call() == ("refused", ("link.desk_only", {}))
    assert owner_one("select count(*) as n from private.link_requests")["n"] == 0


@pytest.mark.parametrize(("email", "name", "key"), [
    ("<svg/onload=alert(1)>@x.org", "Eve", "link.email_invalid"),
    ("eve@x.org>", "Eve", "link.email_invalid"),
    ('"eve"@x.org', "Eve", "link.email_invalid"),
    ("eve @x.org", "Eve", "link.email_invalid"),
    ("eve@x", "Eve", "link.email_invalid"),
    ("eve@-x.org", "Eve", "link.email_invalid"),
    ("eve\u200b@x.org", "Eve", "link.email_invalid"),
    ("eve@x.org", "\u200b\u200b\u200b", "link.name_invisible"),
    ("eve@x.org", "Eve\u202etxt.exe", "link.name_invisible"),
    ("eve@x.org", "Eve\x07\x1b[31m", "link.name_invisible"),
    ("eve@x.org", "...", "link.name_required"),
    ("eve@x.org", "   ", "link.name_required"),
])
def test_hostile_names_and_addresses_are_refused_by_python_and_by_the_database(site, email, name, key):
    args = (site["desks"][0], *slot(site))
    assert answer(lambda: share_links.book(site["token"], email, name, *args)) == ("refused", (key, {}))
    assert raw_link_book(site["token"], email, name, *args) == ("refused", (key, {}))
    assert UserError(key).message("fr") != UserError(key).message("en")


def test_ordinary_names_and_addresses_pass(site):
    for i, (email, name) in enumerate([("zoé.dupont+news@exämple.fr", "Zoé Dupont-Léger"),
                                       ("o'brien@example.ie", "Seán O'Brien"), ("li@example.cn", "李")]):
        assert share_links.book(site["token"], email, name, site["desks"][i], *slot(site)) == CHECK


# --------------------------------------------------------------------------- the pages (AppTest)

def link_app(lang: str = "en", **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_the_form_answers_check_your_email_the_same_for_any_address(site):
    request = {"day": (bookings.local_today(site["settings"]) + dt.timedelta(days=1)).isoformat(), "slot": "am",
               "resource": site["desks"][0], "name": "Someone"}
    member = link_page.book_request(site["token"], {**request, "email": ALICE})
    stranger = link_page.book_request(site["token"], {**request, "email": "x@example.net"})
    assert {**member, "email": None} == {**stranger, "email": None}
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = "en"
    at.session_state["_link_visit"] = {"done": member}  # what the form's "send" leaves for the page
    at.query_params["t"] = site["token"]
    at.run()
    assert not at.exception
    (info,) = at.info
    assert "Check your e-mail" in info.value and "Nothing is held until you confirm" in info.value
    assert not at.code and not [c for c in at.get("bidi_component") if b"manage=" in c.proto.bytes], \
        "no manage link before the proof"
    labels = json.loads(link_app(t=site["token"]).get("bidi_component")[0].proto.bytes)["labels"]
    assert labels["sign_in"] == "I have an account: sign in" and "nothing is held" in labels["hold_nothing"]


def test_the_proof_page_books_once_then_says_used(site):
    share_links.book(site["token"], "guest@example.net", "Guest", site["desks"][0], *slot(site))
    secret = proof_secret("guest@example.net")
    at = link_app(proof=secret)
    assert not at.exception and at.title[0].value == "Confirmation"
    assert any("Booked: D01" in s.value for s in at.success)
    (copier,) = [c for c in at.get("bidi_component") if b"manage=" in c.proto.bytes]
    manage = json.loads(copier.proto.bytes)["url"].split("manage=", 1)[1]  # the address with its copy button
    assert share_links.managed_booking(manage)["status"] == "confirmed"
    assert at.get("link_button")  # the button opening the manage page
    at.run()  # a rerun of the same visit shows the booking again, not "already used"
    assert any("Booked: D01" in s.value for s in at.success) and not at.error
    again = link_app("fr", proof=secret)  # the link opened again, on another device
    assert [e.value for e in again.error] == [UserError("link.proof_used").message("fr")]


def test_the_proof_page_says_expired_and_refused_in_words(site):
    share_links.book(site["token"], "late@example.net", "Late", site["desks"][0], *slot(site))
    with db.as_owner() as conn:
        conn.execute("update private.link_requests set expires_at = now() - interval '1 minute'")
    at = link_app(proof=proof_secret("late@example.net"))
    assert [e.value for e in at.error] == [UserError("link.proof_expired").message("en")]
    share_links.book(site["token"], "slow@example.net", "Slow", site["desks"][1], *slot(site))
    share_links.book(site["token"], "quick@example.net", "Quick", site["desks"][1], *slot(site))
    assert prove_latest("quick@example.net")["outcome"] == "confirmed"
    at = link_app(proof=proof_secret("slow@example.net"))
    assert at.error and "could not go through" in at.error[0].value
    assert UserError("booking.taken").message("en") in at.error[0].value
    assert not at.code


def test_requests_older_than_a_day_are_purged(site):
    share_links.book(site["token"], "old@example.net", "Old", site["desks"][0], *slot(site))
    with db.as_owner() as conn:
        conn.execute("update private.link_requests set created_at = now() - interval '25 hours'")
    share_links.book(site["token"], "new@example.net", "New", site["desks"][1], *slot(site))
    with db.as_owner() as conn:
        left = [r["email"] for r in conn.execute("select email from private.link_requests").fetchall()]
    assert left == ["new@example.net"]
