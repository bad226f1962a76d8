"""Erasure finds a person by every address form they used (case, spaces, `+tag`, Gmail's dots)
and every row holding their name or address, in every schema: after `erase_member`, a search of
every column of every table of the database finds nothing of them, while bookings and
registrations stay as anonymous history (every count unchanged)."""

from __future__ import annotations

import datetime as dt

import pytest
from psycopg import sql

from lib.booking import bookings, share_links
from lib.core import clock, db
from lib.core.errors import UserError
from lib.demo.bookings import tiny_space
from lib.directory import privacy
from lib.events import events
from lib.identity import accounts
from lib.identity.auth import check_credentials
from tests.booking.conftest import link_book_proven, link_register_proven
from tests.conftest import authenticate_as, claims, make_member

ADMIN, STAFF = "boss@example.net", "host@example.net"
MEMBER_EMAIL = "ann.example@example.org"
# what she typed over time, and what the team wrote about her
GUEST_EMAIL, EVENT_EMAIL, SIGN_IN_TYPED = "Ann.Example+x@Example.org", " ANN.EXAMPLE+events@example.org ", "Ann.Example+x@example.org"
NAMES = ("Ann Example", "Ann Exampel", "Anne Exemple", "A. Example")
COMPANY, BIO_WORD = "Zorglub Studio", "Zyxquill"
# every address form holds "ann.example"; both names and the other spellings are searched for too
NEEDLES = ("ann.example", *NAMES, COMPANY, BIO_WORD)


def traces(*needles: str) -> dict[str, int]:
    """Rows mentioning any needle (case ignored), per schema.table.column, over every column of
    every table of every schema but PostgreSQL's own."""
    patterns = [f"%{n}%" for n in needles]
    found: dict[str, int] = {}
    with db.as_owner() as conn:
        columns = conn.execute(
            "select n.nspname as s, c.relname as t, a.attname as c from pg_class c"
            " join pg_namespace n on n.oid = c.relnamespace"
            " join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped"
            " where c.relkind in ('r', 'p', 'm')"
            "   and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp)'"
        ).fetchall()
        for col in columns:
            query = sql.SQL("select count(*) as n from {}.{} where {}::text ilike any(%s)").format(
                sql.Identifier(col["s"]), sql.Identifier(col["t"]), sql.Identifier(col["c"]))
            n = conn.execute(query, (patterns,)).fetchone()["n"]
            if n:
                found[f"{col['s']}.{col['t']}.{col['c']}"] = n
    return found


def _counts() -> dict[str, list]:
    with db.as_owner() as conn:
        return {
            table: conn.execute(sql.SQL("select array_agg(status || ':' || n order by status) as a from"
                                        " (select status, count(*) as n from {} group by status) x").format(
                sql.Identifier("public", table))).fetchone()["a"]
            for table in ("bookings", "registrations")}


def _days_pass() -> None:
    with db.as_owner() as conn:
        conn.execute("update private.link_requests set created_at = created_at - interval '2 days'")


@pytest.fixture
def ann(empty_db):
    """Ann's whole story: a guest booking with one spelling, a member later, another name typed on
    a link, a guest registration with a third address form, e-mails, sign-ins, a profile edited."""
    with db.as_owner() as conn:
        ids = tiny_space(conn)
    make_member(ADMIN, role="admin")
    make_member(STAFF, role="staff")
    settings = bookings.booking_settings()
    day = bookings.local_today(settings) + dt.timedelta(days=3)
    link = share_links.create(db.OWNER, "Newsletter", max_per_email_per_day=5)
    event_link = events.create_link(db.OWNER, "Agenda")

    # 1. a guest, before she was a member
    starts, ends = bookings.slot_range(day, "am", settings)
    link_book_proven(link, GUEST_EMAIL, "Ann Exampel", ids["desks"][0], starts, ends)
    with pytest.raises(UserError):
        check_credentials(SIGN_IN_TYPED, "not her password", None)  # an attempt before she had an account

    # 2. a member with an account; signs in, gets a reset link
    member_id = make_member(MEMBER_EMAIL, full_name="Ann Example")
    check_credentials(MEMBER_EMAIL, "correct-horse-battery", None)
    accounts.issue_reset(claims(ADMIN), member_id)
    # books through the link with her member address and another spelling of her name
    starts2, ends2 = bookings.slot_range(day, "pm", settings)
    link_book_proven(link, MEMBER_EMAIL.upper(), "Anne Exemple", ids["desks"][1], starts2, ends2)
    # registers to an event as a guest (a +tag address), and as herself to another, then is a speaker
    when = clock.now() + dt.timedelta(days=5)
    with db.as_owner() as conn:
        event, talk = (conn.execute(
            "insert into public.events (title, starts_at, ends_at, capacity, status)"
            " values (%s, %s, %s, 10, 'published') returning id::text",
            (title, when, when + dt.timedelta(hours=2))).fetchone()["id"] for title in ("Atelier", "Conférence"))
        conn.execute("insert into public.event_speakers (event_id, member_id, name) values (%s, %s, 'Ann Example')",
                     (talk, member_id))
    _days_pass()  # her story spans weeks: the daily cap of proof e-mails per address does not bite
    link_register_proven(event_link, event, EVENT_EMAIL, "A. Example")
    _days_pass()
    link_register_proven(event_link, talk, MEMBER_EMAIL, "Anne Exemple")
    # and a shared-link request she never confirmed (a private row that lives a day)
    assert share_links.book(link, MEMBER_EMAIL, "Anne Exemple", ids["desks"][2],
                            *bookings.slot_range(day + dt.timedelta(days=1), "am", settings)) == share_links.CHECK_EMAIL

    # 3. e-mails: the team cancels her guest booking, her member booking, and the event
    with db.as_owner() as conn:
        booked = [r["id"] for r in conn.execute(
            "select id::text from public.bookings where status <> 'cancelled' order by created_at").fetchall()]
    for booking_id in booked:
        bookings.cancel(claims(STAFF), booking_id)
    events.cancel_event(claims(STAFF), event)

    # 4. her profile, edited by the team and by herself (the audit log copies member rows)
    with authenticate_as(ADMIN) as conn:
        conn.execute("update public.members set company = %s, job_title = 'Illustratrice' where id = %s",
                     (COMPANY, member_id))
    with authenticate_as(MEMBER_EMAIL) as conn:
        conn.execute("update public.members set bio = %s where id = %s",
                     (f"Ann Example, {BIO_WORD} à ses heures", member_id))
    with db.as_owner() as conn:
        mails = conn.execute("select count(*) as n from public.notifications"
                             " where kind in ('booking_cancelled', 'event_cancelled')").fetchone()["n"]
        proofs = conn.execute("select count(*) as n from public.notifications where kind = 'link_proof'").fetchone()["n"]
    assert mails == 3, "three cancellations were queued (guest booking, member booking, event)"
    assert proofs == 5, "and a proof e-mail for each shared-link request, the unconfirmed one included"
    return member_id


def test_erasure_leaves_no_trace_of_any_address_form_or_name(ann):
    before = traces(*NEEDLES)
    for place in ("public.bookings.guest_email", "public.registrations.guest_email", "public.notifications.to_email",
                  "private.sign_in_attempts.email", "auth.users.email", "public.audit_log.new_values"):
        assert place in before, f"the story left her in {place}: the search would find her"
    counts = _counts()

    privacy.erase_member(claims(ADMIN), ann)

    left = traces(*NEEDLES)
    print(f"traces left after erasure: {sum(left.values())} (before erasure: {sum(before.values())})", left)
    assert left == {}, "no address form, name or profile text of hers may remain anywhere"
    assert _counts() == counts, "bookings and registrations stay, anonymous, with their statuses"


def test_the_address_key_covers_case_spaces_tags_and_gmail_dots(empty_db):
    with db.as_owner() as conn:
        keys = conn.execute(
            "select private.email_key(e) as k from unnest(%s::text[]) with ordinality x(e, i) order by i",
            ([" Ann.Example+x@Example.org", "ann.example@example.org", "A.N.N+news@GoogleMail.com",
              "ann@gmail.com", "a.nn@example.org"],)).fetchall()
    assert [r["k"] for r in keys] == ["ann.example@example.org", "ann.example@example.org", "ann@gmail.com",
                                      "ann@gmail.com", "a.nn@example.org"], "dots count outside Gmail"


def test_erasure_replaces_whole_names_not_parts_of_other_words(empty_db):
    """A guest who typed only "Ann": erasing her must not turn the zone "Planning" of the audit
    log into "Plerasureing" (names are replaced where they stand alone)."""
    with db.as_owner() as conn:
        ids = tiny_space(conn)
        conn.execute("insert into public.zones (name) values ('Planning')")
    make_member(ADMIN, role="admin")
    settings = bookings.booking_settings()
    starts, ends = bookings.slot_range(bookings.local_today(settings) + dt.timedelta(days=2), "am", settings)
    link_book_proven(share_links.create(db.OWNER, "News"), "ann+x@example.org", "Ann", ids["desks"][0], starts, ends)
    member_id = make_member("ann@example.org", full_name="Ann Example")

    privacy.erase_member(claims(ADMIN), member_id)

    with db.as_owner() as conn:
        zone = conn.execute("select count(*) as n from public.audit_log where table_name = 'zones'"
                            " and new_values ->> 'name' = 'Planning'").fetchone()["n"]
        guest = conn.execute("select count(*) as n from public.bookings where guest_name = 'Ann'").fetchone()["n"]
    assert zone == 1, "another row's words stay as they were"
    assert guest == 0
