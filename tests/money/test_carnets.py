"""Carnets run down: a card plan books desks with days bought once (a half day counts half),
valid for a set time; a booking that would overdraw is refused with what is left; cancelling
gives the days back; monthly plans keep their monthly quota; the adhésion setting; guests owe a
day pass."""

from __future__ import annotations

import datetime as dt
import threading

from lib.booking import bookings, share_links
from lib.core import db
from lib.core.i18n import t
from lib.money import money
from tests.booking.conftest import link_book_proven
from tests.conftest import authenticate_as, claims
from tests.money.conftest import ALICE, BOB, STAFF, book, day_ahead, refused


def _days_left(member_email: str) -> float:
    return float(money.status(claims(member_email))["carnet_days"])


def test_a_card_runs_down_by_half_days_and_refuses_with_the_balance(money_space):
    s, desks = money_space["settings"], money_space["desks"]
    money.sell_carnet(claims(STAFF), money_space["alice"], money_space["card"], "cash")
    assert _days_left(ALICE) == 2
    book(ALICE, desks[0], day_ahead(s, 1), "day", s)
    first_half = book(ALICE, desks[0], day_ahead(s, 2), "am", s)
    assert _days_left(ALICE) == 0.5
    err = refused(lambda: book(ALICE, desks[0], day_ahead(s, 3), "day", s))
    assert err.key == "money.carnet_empty" and err.params["balance"] == "½"
    assert "½" in err.message("fr") and "jour" in err.message("fr") and "day" in err.message("en")
    book(ALICE, desks[0], day_ahead(s, 3), "pm", s)   # the last half day fits
    assert _days_left(ALICE) == 0
    assert refused(lambda: book(ALICE, desks[1], day_ahead(s, 4), "am", s)).params["balance"] == "0"
    bookings.cancel(claims(ALICE), first_half["id"])  # cancelling gives the half day back
    assert _days_left(ALICE) == 0.5
    book(ALICE, desks[1], day_ahead(s, 4), "am", s)


def test_a_card_plan_without_a_carnet_books_nothing_but_the_team_books_for_it_too(money_space):
    s, desks = money_space["settings"], money_space["desks"]
    assert refused(lambda: book(ALICE, desks[0], day_ahead(s), "am", s)).key == "money.carnet_empty"
    starts, ends = bookings.slot_range(day_ahead(s), "am", s)
    assert refused(lambda: bookings.book(claims(STAFF), desks[0], starts, ends, money_space["alice"])).key \
        == "money.carnet_empty"
    # no plan: not concerned
    book(BOB, desks[1], day_ahead(s), "day", s)


def test_a_carnet_is_valid_for_a_set_time(money_space):
    s, desks = money_space["settings"], money_space["desks"]
    carnet = money.sell_carnet(claims(STAFF), money_space["alice"], money_space["card"], "cash")
    assert carnet["expires_on"] - carnet["starts_on"] == dt.timedelta(days=29)  # valid_days = 30
    with db.as_owner() as conn:  # shorten it: it ends tomorrow
        conn.execute("update public.carnets set expires_on = %s", (day_ahead(s, 1),))
    book(ALICE, desks[0], day_ahead(s, 1), "am", s)
    err = refused(lambda: book(ALICE, desks[0], day_ahead(s, 2), "am", s))
    assert err.key == "money.carnet_empty" and err.params["balance"] == "0"


def test_card_plans_lose_the_monthly_quota_and_monthly_plans_keep_it(money_space):
    s, desks = money_space["settings"], money_space["desks"]
    with db.as_owner() as conn:
        plan = conn.execute("select days_per_month, card_days from public.plans where id = %s",
                            (money_space["card"],)).fetchone()
        half = conn.execute("insert into public.plans (code, name_fr, name_en, billing, days_per_month, price_cents)"
                            " values ('half', 'Demi', 'Half', 'month', 0.5, 1000) returning id").fetchone()["id"]
        conn.execute("update public.members set plan_id = %s where id = %s", (half, money_space["bob"]))
    assert plan["days_per_month"] is None and float(plan["card_days"]) == 2
    day = day_ahead(s, 1)
    book(BOB, desks[0], day, "am", s)
    # the same day, so the same month whatever today is: the monthly quota of half a day is used
    assert refused(lambda: book(BOB, desks[1], day, "pm", s)).key == "booking.quota"


def test_booking_needs_an_adhesion_when_the_setting_says_so(money_space):
    s, desks = money_space["settings"], money_space["desks"]
    money.save_money_settings(claims("boss@example.org"), {"adhesion_required": True})
    assert refused(lambda: book(BOB, desks[0], day_ahead(s), "am", s)).key == "money.adhesion_required"
    adhesion = money.sell_adhesion(claims(STAFF), money_space["bob"], "cheque", "0001234")
    assert adhesion["starts_on"] == bookings.local_today(s)
    book(BOB, desks[0], day_ahead(s), "am", s)
    # a renewal starts the day after the last one ends
    renewal = money.sell_adhesion(claims(STAFF), money_space["bob"], "cash")
    assert renewal["starts_on"] == adhesion["ends_on"] + dt.timedelta(days=1)
    assert money.status(claims(BOB))["adhesion_valid"] is True


def test_a_guests_desk_booking_through_the_link_records_the_day_pass_due(money_space):
    s = money_space["settings"]
    with db.as_owner() as conn:
        conn.execute("insert into public.plans (code, name_fr, name_en, billing, days_per_month, price_cents)"
                     " values ('day-pass', 'Pass journée', 'Day pass', 'day', 1, 1500)")
    token = share_links.create(db.OWNER, "Newsletter")
    starts, ends = bookings.slot_range(day_ahead(s), "am", s)
    link_book_proven(token, "Guest@Example.net", "Gaëlle Invitée", money_space["desks"][0], starts, ends)
    with db.as_owner() as conn:
        dues = conn.execute("select d.kind, d.amount_cents, d.guest_email, d.member_id from public.dues d"
                            " join public.bookings b on b.id = d.booking_id").fetchall()
    assert dues == [{"kind": "day_pass", "amount_cents": 750, "guest_email": "guest@example.net", "member_id": None}]
    # the team sees it; a member does not
    with authenticate_as(STAFF) as conn:
        assert conn.execute("select count(*) as n from public.dues").fetchone()["n"] == 1
    with authenticate_as(BOB) as conn:
        assert conn.execute("select count(*) as n from public.dues").fetchone()["n"] == 0


def test_ten_racing_bookings_of_one_member_never_overdraw_the_carnet(money_space):
    """Ten half-day bookings on five days at once, by one member with 2 days: exactly four fit."""
    s = money_space["settings"]
    money.sell_carnet(claims(STAFF), money_space["alice"], money_space["card"], "cash")
    who = claims(ALICE)
    outcomes: list[str] = []
    barrier = threading.Barrier(10)

    def one(i: int) -> None:
        barrier.wait()
        starts, ends = bookings.slot_range(day_ahead(s, 1 + i % 5), ("am", "pm")[i // 5], s)
        try:
            bookings.book(who, money_space["desks"][i % 4], starts, ends)
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 — the test counts refusals by key
            outcomes.append(getattr(exc, "key", repr(exc)))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(10)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert outcomes.count("ok") == 4, outcomes
    assert set(outcomes) == {"ok", "money.carnet_empty"}, outcomes
    assert _days_left(ALICE) == 0


def test_the_refusal_reads_well_in_both_languages():
    assert "1½" in t("money.carnet_empty", "fr", balance="1½", units="1")
    assert "1½" in t("money.carnet_empty", "en", balance="1½", units="1")
