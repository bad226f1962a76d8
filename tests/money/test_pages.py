"""The money pages through AppTest, as each role: the admin edits a plan's price, the desk sells
a carnet (after confirming) and the receipt is offered, the member sees their balance, the board
sees totals and nothing about people."""

from __future__ import annotations

from lib.core import db
from lib.money import money
from tests.conftest import app_as, claims, make_member
from tests.money.conftest import ADMIN, ALICE, BOARD, STAFF


def test_the_admin_edits_a_plans_price_and_the_history_keeps_both(money_space):
    at = app_as(ADMIN, "views/plans.py", lang="fr")
    assert not at.exception
    at.selectbox(key="plans_pick").set_value(money_space["card"]).run()
    form_price = next(w for w in at.text_input if w.label == "Prix (€)")
    assert form_price.value == "30"
    form_price.set_value("32,50")
    next(b for b in at.button if b.label == "Enregistrer la formule").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    history = money.price_history(claims(ADMIN), money_space["card"])
    assert [h["price_cents"] for h in history] == [3250, 3000]
    assert "32,50\u00a0€" in at.dataframe[0].value.to_string() or "32,50 €" in at.dataframe[0].value.to_string()


def test_the_desk_sells_a_carnet_only_once_confirmed(money_space):
    at = app_as(STAFF, "views/money.py", lang="fr")
    assert not at.exception
    at.selectbox(key="sell_member").set_value(money_space["alice"]).run()
    at.selectbox(key="sell_what").set_value(money_space["card"]).run()
    at.selectbox(key="sell_method").set_value("cheque").run()
    at.text_input(key="sell_ref").set_value("0001234").run()
    go = at.button(key="sell_go")
    assert go.disabled  # nothing happens before the confirmation
    at.checkbox(key="sell_sure").check().run()
    at.button(key="sell_go").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert money.status(claims(ALICE))["carnet_days"] == 2
    assert any(b.label.startswith("Reçu PDF") for b in at.get("download_button")) or at.caption


def test_the_member_sees_their_card_and_the_board_only_totals(money_space):
    money.sell_carnet(claims(STAFF), money_space["alice"], money_space["card"], "cash")
    at = app_as(ALICE, "views/my_money.py", lang="fr")
    assert not at.exception
    texts = " ".join(e.value for e in at.info)
    assert "Jours qui vous restent sur votre carnet : 2," in texts
    at = app_as(BOARD, "views/money.py", lang="en")
    assert not at.exception
    assert not at.tabs and "Income:" in " ".join(m.value for m in at.markdown)
    with db.as_owner() as conn:
        name = conn.execute("select full_name from public.members where id = %s", (money_space["alice"],)).fetchone()
    assert name["full_name"] not in str([d.value.to_string() for d in at.dataframe])


def test_every_money_page_opens_for_its_roles(money_space):
    for email, pages in ((ADMIN, ("views/money.py", "views/plans.py", "views/my_money.py")),
                         (STAFF, ("views/money.py", "views/my_money.py")), (ALICE, ("views/my_money.py",)),
                         (BOARD, ("views/money.py",))):
        for page in pages:
            for lang in ("fr", "en"):
                at = app_as(email, page, lang=lang)
                assert not at.exception, (email, page, lang, at.exception)


def _table_rows(at) -> int:
    return len(at.dataframe[0].value)


def test_the_treasurer_finds_one_payment_among_many_and_refunds_it(money_space):
    """A busy month: the list shows a page of payments, a search by receipt number finds one,
    and its refund is recorded as its own line."""
    made = [money.record_payment(claims(STAFF), money_space["bob"], 500 + i, "cash", label=f"Café {i}")
            for i in range(30)]
    at = app_as(STAFF, "views/money.py", lang="fr")
    assert not at.exception
    table = next(d for d in at.dataframe if "Reçu" in d.value.columns)
    assert len(table.value) == 25  # a page, not the month
    assert len(at.selectbox(key="list_pick").options) == 25
    wanted = made[17]
    at.text_input(key="list_q").set_value(money.receipt_label(wanted)).run()
    table = next(d for d in at.dataframe if "Reçu" in d.value.columns)
    assert list(table.value["Reçu"]) == [money.receipt_label(wanted)]
    at.selectbox(key="list_pick").set_value(str(wanted["id"])).run()
    at.text_input(key="refund_amount").set_value("2").run()
    at.selectbox(key="refund_method").set_value("cash").run()
    at.checkbox(key="refund_sure").check().run()
    at.button(key="refund_go").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with db.as_owner() as conn:
        refunds = conn.execute("select amount_cents from public.payments where refund_of = %s",
                               (wanted["id"],)).fetchall()
    assert [r["amount_cents"] for r in refunds] == [-200]
    at.text_input(key="list_q").set_value("personne-ici").run()
    assert "Aucun paiement ne correspond." in [i.value for i in at.info]


def test_the_team_reminds_everyone_due_at_once(money_space):
    for i in range(30):
        make_member(f"due-{i:02d}@example.org")
    due = money.adhesions_due(claims(STAFF), 30)
    assert len(due) > 25
    at = app_as(STAFF, "views/money.py", lang="fr")
    assert not at.exception
    everyone = at.checkbox(key="due_all")
    assert everyone.label.endswith(f"({len(due)})")
    assert len(at.multiselect(key="due_whom").options) == 25  # the page's people, not the whole list
    everyone.check().run()
    at.checkbox(key="due_sure").check().run()
    at.button(key="due_go").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with db.as_owner() as conn:
        queued = conn.execute("select count(*) as n from public.notifications where kind = 'adhesion_reminder'"
                              ).fetchone()["n"]
    assert queued == len(due)
    assert money.adhesions_due(claims(STAFF), 30)[0]["reminded"]
    at = app_as(STAFF, "views/money.py", lang="fr")
    assert not [c for c in at.checkbox if c.key == "due_all"]  # nobody left to remind
