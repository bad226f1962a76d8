"""Who may do what with money, from each role's side: admins edit plans and settings; admins and
staff sell and record; members read only their own money; the board sees totals only; anon
nothing. Payments are never edited nor deleted: refunds are their own lines."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from lib.core import clock, db
from lib.money import money
from lib.space import space
from tests.conftest import as_anon, authenticate_as, claims
from tests.money.conftest import ADMIN, ALICE, BOARD, BOB, STAFF, refused


@pytest.fixture
def paid(money_space):
    """Alice bought a carnet by cheque, Bob paid 20 € cash."""
    money.sell_carnet(claims(STAFF), money_space["alice"], money_space["card"], "cheque", "123")
    money.record_payment(claims(ADMIN), money_space["bob"], 2000, "cash", "other", "Café")
    return money_space


def test_members_read_only_their_own_money(paid):
    with authenticate_as(ALICE) as conn:
        rows = conn.execute("select member_id::text, amount_cents from public.payments").fetchall()
        carnets = conn.execute("select member_id::text from public.carnets").fetchall()
        dues = conn.execute("select member_id::text from public.dues").fetchall()
    assert rows == [{"member_id": paid["alice"], "amount_cents": 3000}]
    assert {r["member_id"] for r in carnets + dues} == {paid["alice"]}
    assert refused(lambda: money.status(claims(ALICE), paid["bob"])).key == "money.own_only"
    assert refused(lambda: money.carnets(claims(ALICE), paid["bob"])).key == "money.own_only"
    assert money.status(claims(BOB))["paid_cents"] == 2000


def test_members_cannot_sell_record_refund_or_write_the_tables(paid):
    who = claims(ALICE)
    assert refused(lambda: money.record_payment(who, paid["alice"], 100, "cash")).key == "money.team_only"
    assert refused(lambda: money.sell_carnet(who, paid["alice"], paid["card"], "cash")).key == "money.team_only"
    assert refused(lambda: money.sell_adhesion(who, paid["alice"], "cash")).key == "money.team_only"
    with db.as_owner() as conn:
        pid = conn.execute("select id::text from public.payments where member_id = %s", (paid["alice"],)).fetchone()["id"]
    assert refused(lambda: money.refund(who, pid, 100, "cash")).key == "money.team_only"
    for statement in ("insert into public.carnets (member_id, plan_id, days, starts_on, expires_on, price_cents)"
                      " values (%(m)s, %(p)s, 99, current_date, current_date + 1000, 0)",
                      "update public.payments set amount_cents = 1",
                      "delete from public.dues"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), authenticate_as(ALICE) as conn:
            conn.execute(statement, {"m": paid["alice"], "p": paid["card"]})


def test_only_admins_edit_plans_and_money_settings(paid):
    plan = next(p for p in money.plans(claims(ADMIN)) if p["code"] == "card-2")
    for email in (STAFF, ALICE, BOARD):
        assert refused(lambda email=email: money.save_plan(
            claims(email), plan["id"], "card-2", "Carnet", "Card", "card", 1)).key == "money.admin_only"
        assert refused(lambda email=email: money.save_money_settings(
            claims(email), {"adhesion_required": True})).key == "money.admin_only"
    money.save_plan(claims(ADMIN), plan["id"], "card-2", "Carnet 2 jours", "2-day card", "card", 3500,
                    card_days=2, valid_days=30)
    history = money.price_history(claims(ALICE), plan["id"])
    assert [h["price_cents"] for h in history] == [3500, 3000]
    money.save_money_settings(claims(ADMIN), {"association_siret": "12345678900012"})
    assert money.money_settings(claims(ALICE))["association_siret"] == "12345678900012"


def test_the_board_sees_totals_not_payments(paid):
    with authenticate_as(BOARD) as conn:
        assert conn.execute("select count(*) as n from public.payments").fetchone()["n"] == 0
        assert conn.execute("select count(*) as n from public.carnets").fetchone()["n"] == 0
    today = clock.space_today(space.settings()["time_zone"])
    rows = money.totals(claims(BOARD), today - dt.timedelta(days=2), today + dt.timedelta(days=2))
    assert sum(r["amount_cents"] for r in rows) == 5000
    assert set(rows[0]) == {"kind", "plan_code", "plan_name_fr", "plan_name_en", "method", "payments", "amount_cents"}
    assert refused(lambda: money.totals(claims(ALICE), today, today)).key == "money.totals_only_team_board"


def test_anon_reads_and_calls_nothing(paid):
    for statement in ("select * from public.payments", "select * from public.carnets", "select * from public.dues",
                      "select * from public.adhesions", "select * from public.plan_prices",
                      "select * from public.money_totals(current_date, current_date)",
                      "select * from public.money_status(null)",
                      "select * from public.record_payment(null, 100, 'cash', 'other', null, null, null, null, null,"
                      " 'Anon', null)"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), as_anon() as conn:
            conn.execute(statement)


def test_payments_are_never_edited_and_refunds_are_lines(paid):
    with db.as_owner() as conn:
        original = conn.execute("select id::text, amount_cents from public.payments where member_id = %s",
                                (paid["bob"],)).fetchone()
    for statement in ("update public.payments set amount_cents = 1", "delete from public.payments"):
        with pytest.raises(psycopg.errors.RaiseException, match="money.payments_final"), db.as_owner() as conn:
            conn.execute(statement)
    back = money.refund(claims(STAFF), original["id"], 500, "cash")
    assert back["amount_cents"] == -500 and back["kind"] == "refund" and str(back["refund_of"]) == original["id"]
    assert refused(lambda: money.refund(claims(STAFF), original["id"], 1501, "cash")).key == "money.refund_too_much"
    money.refund(claims(STAFF), original["id"], 1500, "cash")
    assert money.status(claims(BOB))["paid_cents"] == 0
    with db.as_owner() as conn:
        assert conn.execute("select amount_cents from public.payments where id = %s",
                            (original["id"],)).fetchone()["amount_cents"] == original["amount_cents"]


def test_staff_sell_and_the_balance_follows(paid):
    status = money.status(claims(STAFF), paid["alice"])
    assert (status["paid_cents"], status["owed_cents"], status["balance_cents"]) == (3000, 3000, 0)
    money.sell_carnet(claims(STAFF), paid["alice"], paid["card"], None)  # not paid yet
    assert money.status(claims(ALICE))["balance_cents"] == -3000
