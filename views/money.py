"""The desk and the treasurer (admins and staff): sell a carnet or an adhésion, take a payment,
the period's payments with their receipts and refunds, the treasurer's CSVs, who is due for
renewal and their reminder. The board sees the totals only."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from lib.core import clock
from lib.core.errors import UserError
from lib.core.i18n import current_language, fmt_date, t
from lib.money import money, receipts
from lib.web import reads, session, ui
from lib.web.flash import set_flash, show_flash
from lib.web.ui import member_picker, run_action, send_outbox_after, show_outbox_report, t_md

person = session.require_page(__file__)
claims = person.claims()
lang = current_language()


def _method(code: str, lang: str = lang) -> str:
    """An option's words, the language bound now: widgets may format options outside this run."""
    return t(f"money.method.{code}", lang)


team = person.role in ("admin", "staff")
LIST_PAGE = 25  # payments, or people due, per page

st.title(t("money.title"))
show_flash("money")
show_outbox_report("money")
settings = reads.money_settings(claims)
today = clock.space_today(settings["time_zone"])
date_format = "DD/MM/YYYY" if lang == "fr" else "YYYY/MM/DD"


def _period(key: str) -> tuple[dt.date, dt.date]:
    cols = st.columns(2)
    first = ui.date(cols[0], t("money.from"), value=today.replace(day=1), format=date_format, key=f"{key}_from")
    last = ui.date(cols[1], t("money.to"), value=today, format=date_format, key=f"{key}_to")
    return first, last


def _last_receipt(key: str) -> None:
    """The receipt of the payment just recorded (by either tab), to print at once."""
    if last_payment:
        st.caption(t("money.last_receipt", number=money.receipt_label(last_payment)))
        _receipt_button(last_payment, key)


def _receipt_button(payment: dict, key: str) -> None:
    """The receipt of a payment, made when clicked, in the payer's language."""
    row = {"receipt_year": payment["receipt_year"], "receipt_number": payment["receipt_number"]}
    st.download_button(t("money.receipt_button") + " " + money.receipt_label(row),
                       lambda pid=str(payment["id"]): receipts.receipt_pdf(claims, pid),
                       file_name=receipts.file_name(row), mime="application/pdf", icon=":material/receipt_long:",
                       on_click="ignore", key=key)


def _totals() -> None:
    first, last = _period("tot")
    rows = reads.money_totals(person.role, claims, first, last)
    received = sum(int(r["amount_cents"]) for r in rows if r["kind"] != "refund")
    refunds = -sum(int(r["amount_cents"]) for r in rows if r["kind"] == "refund")
    count = sum(int(r["payments"]) for r in rows if r["kind"] != "refund")
    st.markdown(t("money.total_income", amount=money.money(received - refunds, lang), n=count,
                  refunds=money.money(refunds, lang)))
    if rows:
        ui.table(st, pd.DataFrame({
            t("money.col.kind"): [t(f"money.kind.{r['kind']}") for r in rows],
            t("money.col.plan"): [(r["plan_name_fr"] if lang == "fr" else r["plan_name_en"]) or "" for r in rows],
            t("money.col.method"): [t(f"money.method.{r['method']}") for r in rows],
            t("money.col.count"): [int(r["payments"]) for r in rows],
            t("money.col.amount"): [money.money(r["amount_cents"], lang) for r in rows],
        }), hide_index=True, width="stretch")


if not team:  # the board: totals, never people
    _totals()
    st.stop()

people = reads.member_labels(claims)
methods = list(money.METHODS)
# the payment just recorded (a sale or a payment sets it, then reruns): read once, both tabs show it
last_payment = (money.payment(claims, st.session_state["money_last_payment"])
                if st.session_state.get("money_last_payment") else None)
sell_tab, pay_tab, list_tab, due_tab, totals_tab = st.tabs(
    [t("money.tab.sell"), t("money.tab.pay"), t("money.tab.payments"), t("money.tab.due"), t("money.tab.totals")],
    key="money_tabs")  # keyed: a rerun after an action stays on its tab

with sell_tab:
    member_id = member_picker(st, t("money.member"), people, key="sell_member")
    cards = [p for p in reads.money_plans(claims) if p["billing"] == "card" and p["active"]]
    offers = {"adhesion": t("money.sell_adhesion", fee=money.money(settings["adhesion_fee_cents"], lang)),
              **{str(p["id"]): f"{money.plan_name(p, lang)} — {money.money(p['price_cents'], lang)}"
                 f" ({money.plan_gives(p, lang)})" for p in cards}}
    what = ui.select(st, t("money.sell_what"), list(offers), format_func=offers.get, index=None,
                        placeholder=t("app.choose"), key="sell_what")
    method = ui.select(st, t("money.method"), methods, format_func=_method, index=None,
                          placeholder=t("app.choose"), key="sell_method")
    reference = st.text_input(t("money.reference"), max_chars=100, key="sell_ref")
    if member_id and what and method:
        price = settings["adhesion_fee_cents"] if what == "adhesion" else \
            next(p["price_cents"] for p in cards if str(p["id"]) == what)
        sure = st.checkbox(t_md("money.confirm_sell", what=offers[what].split(" — ")[0], who=people[member_id],
                                amount=money.money(price, lang), method=t(f"money.method.{method}")),
                           key="sell_sure")
        if st.button(t("money.sell_button"), type="primary", disabled=not sure, key="sell_go",
                     icon=":material/point_of_sale:"):
            if what == "adhesion":
                done = run_action(lambda: money.sell_adhesion(claims, member_id, method, reference))
            else:
                done = run_action(lambda: money.sell_carnet(claims, member_id, what, method, reference))
            if done is not None:
                paid = money.payment(claims, str(done["payment_id"])) if done.get("payment_id") else {}
                st.session_state["money_last_payment"] = str(paid["id"]) if paid else None
                for key in ("sell_what", "sell_method", "sell_ref", "sell_sure"):
                    st.session_state.pop(key, None)
                set_flash("money", t("money.sold", number=money.receipt_label(paid) if paid else ""))
                st.rerun()
    _last_receipt("sell_receipt")

with pay_tab:
    payer_id = member_picker(st, t("money.member"), people, key="pay_member", blank=t("money.no_member"))
    payer_name = "" if payer_id else st.text_input(t("money.payer_name"), max_chars=200, key="pay_name")
    cols = st.columns(2)
    amount_text = cols[0].text_input(t("money.amount"), max_chars=20, key="pay_amount")
    pay_method = ui.select(cols[1], t("money.method"), methods, format_func=_method,
                                   index=None, placeholder=t("app.choose"), key="pay_method")
    label = st.text_input(t("money.label"), max_chars=200, key="pay_label")
    pay_ref = st.text_input(t("money.reference"), max_chars=100, key="pay_ref")
    cols = st.columns(2)
    company = cols[0].text_input(t("money.company_name"), max_chars=200, key="pay_company")
    company_address = cols[1].text_area(t("money.company_address"), max_chars=500, key="pay_company_address")
    if amount_text.strip() and pay_method and (payer_id or payer_name.strip()):
        try:
            cents = money.parse_amount(amount_text)
        except UserError as exc:
            st.error(t_md(exc.key, **exc.params))
            cents = None
        if cents:
            sure = st.checkbox(t_md("money.confirm_pay", amount=money.money(cents, lang),
                                    who=people.get(payer_id or "", payer_name), method=t(f"money.method.{pay_method}")),
                               key="pay_sure")
            if st.button(t("money.pay_button"), type="primary", disabled=not sure, key="pay_go", icon=":material/payments:"):
                done = run_action(lambda: money.record_payment(
                    claims, payer_id, cents, pay_method, "other", label or None, pay_ref or None, None,
                    company or None, company_address or None, payer_name or None))
                if done is not None:
                    st.session_state["money_last_payment"] = str(done["id"])
                    for key in ("pay_amount", "pay_label", "pay_ref", "pay_sure", "pay_method", "pay_name",
                                "pay_company", "pay_company_address"):
                        st.session_state.pop(key, None)
                    set_flash("money", t("money.paid", number=money.receipt_label(done)))
                    st.rerun()
    _last_receipt("pay_receipt")

with list_tab:
    first, last_day = _period("list")
    rows = reads.money_payments(claims, first, last_day)
    cols = st.columns(2)
    tz = settings["time_zone"]
    cols[0].download_button(t("money.csv_payments"), lambda: money.payments_csv(claims, first, last_day, lang, tz),
                            file_name=f"paiements-{first}-{last_day}.csv", mime="text/csv", icon=":material/table:",
                            on_click="ignore", key="csv_payments")
    cols[1].download_button(t("money.csv_income"), lambda: money.income_csv(claims, first, last_day, lang),
                            file_name=f"recettes-{first}-{last_day}.csv", mime="text/csv", icon=":material/table:",
                            on_click="ignore", key="csv_income")
    search = st.text_input(t("money.search_payment"), max_chars=100, key="list_q").strip().casefold()
    if search:
        rows = [r for r in rows if search in " ".join((money.receipt_label(r), r["payer"] or "", r["label"] or "",
                                                       r["company_name"] or "")).casefold()]
    if not rows:
        st.info(t("money.search_none") if search else t("money.none"))
    else:
        # a page of the period at a time: a month of a busy desk is hundreds of payments, and each row
        # and option sent costs every rerun of the page
        page, shown = ui.page_of("list_page", (first, last_day, search), rows, LIST_PAGE)
        ui.table(st, pd.DataFrame({
            t("money.col.receipt"): [money.receipt_label(r) for r in shown],
            t("money.col.date"): [fmt_date(r["paid_at"].astimezone(ZoneInfo(tz)).date(), "medium", lang) for r in shown],
            t("money.col.payer"): [r["payer"] or "" for r in shown],
            t("money.col.what"): [money.what_for(r, lang) for r in shown],
            t("money.col.method"): [t(f"money.method.{r['method']}") for r in shown],
            t("money.col.amount"): [money.money(r["amount_cents"], lang) for r in shown],
        }), hide_index=True, width="stretch")
        ui.pager("list_page", page, len(rows), LIST_PAGE)
        labels = {str(r["id"]): f"{money.receipt_label(r)} · {r['payer'] or ''} · {money.money(r['amount_cents'], lang)}"
                  for r in shown}
        picked = ui.select(st, t("money.pick_payment"), list(labels), format_func=labels.get, index=None,
                              placeholder=t("app.choose"), key="list_pick")
        row = next((r for r in shown if str(r["id"]) == picked), None)
        if row:
            _receipt_button(row, "list_receipt")
            if row["refundable_cents"] > 0:
                cols = st.columns(2)
                back_text = cols[0].text_input(t("money.refund_amount"), max_chars=20, key="refund_amount",
                                               placeholder=money.money(row["refundable_cents"], lang))
                back_method = ui.select(cols[1], t("money.method"), methods, format_func=_method,
                                                index=None, placeholder=t("app.choose"), key="refund_method")
                sure = st.checkbox(t("money.confirm_refund"), key="refund_sure")
                if st.button(t("money.refund_button"), disabled=not (sure and back_text.strip() and back_method),
                             key="refund_go", icon=":material/undo:"):
                    done = run_action(lambda: money.refund(claims, picked, money.parse_amount(back_text), back_method))
                    if done is not None:
                        for key in ("refund_amount", "refund_method", "refund_sure"):
                            st.session_state.pop(key, None)
                        set_flash("money", t("money.refunded", number=money.receipt_label(done)))
                        st.rerun()

with due_tab:
    days = st.number_input(t("money.due_days"), min_value=0, max_value=365, value=30, step=5, key="due_days")
    due = reads.money_due(claims, int(days))
    if not due:
        st.info(t("money.due_none"))
    else:
        page, shown = ui.page_of("due_page", int(days), due, LIST_PAGE)
        ui.table(st, pd.DataFrame({
            t("money.member"): [f"{d['full_name']} <{d['email']}>" for d in shown],
            t("money.col.ends"): [fmt_date(d["ends_on"], "medium", lang) if d["ends_on"] else t("money.due_never")
                                  for d in shown],
            t("money.due_reminded"): [bool(d["reminded"]) for d in shown],
        }), hide_index=True, width="stretch")
        ui.pager("due_page", page, len(due), LIST_PAGE)
        waiting = [str(d["member_id"]) for d in due if not d["reminded"]]
        everyone = bool(waiting) and st.checkbox(t("money.remind_all", n=len(waiting)), key="due_all")
        if everyone:
            whom = waiting
        else:
            # the page's people not reminded yet, and whoever was chosen on another page
            offered = {str(d["member_id"]) for d in shown} | set(st.session_state.get("due_whom") or [])
            names = {str(d["member_id"]): f"{d['full_name']} <{d['email']}>" for d in due
                     if not d["reminded"] and str(d["member_id"]) in offered}
            whom = ui.multi(st, t("money.remind_pick"), list(names), format_func=names.get,
                            placeholder=t("app.choose"), key="due_whom")
        if whom:
            sure = st.checkbox(t("money.confirm_remind", n=len(whom)), key="due_sure")
            if st.button(t("money.remind_button"), disabled=not sure, key="due_go", icon=":material/mail:"):
                n = run_action(lambda: money.queue_reminders(claims, whom))
                if n is not None:
                    send_outbox_after("money")
                    for key in ("due_whom", "due_sure", "due_all"):
                        st.session_state.pop(key, None)
                    set_flash("money", t("money.reminded", n=n))
                    st.rerun()

with totals_tab:
    _totals()
