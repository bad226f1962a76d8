"""My membership and card (every signed-in person): whether my adhésion is valid, the days left
on my carnets, what I paid and owe, my receipts, and the plans' prices."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from lib.core.i18n import current_language, fmt_date, t
from lib.money import money, receipts
from lib.web import reads, session, ui

person = session.require_page(__file__)
claims = person.claims()
lang = current_language()

st.title(t("mymoney.title"))
status = reads.money_status(claims, None)

if status.get("adhesion_valid"):
    st.success(t("mymoney.adhesion_valid", date=fmt_date(status["adhesion_ends_on"], "long", lang)),
               icon=":material/verified:")
elif status.get("adhesion_ends_on"):
    st.warning(t("mymoney.adhesion_lapsed", date=fmt_date(status["adhesion_ends_on"], "long", lang)))
else:
    st.info(t("mymoney.adhesion_none"))

if status.get("carnet_days") and status["carnet_days"] > 0:
    st.info(t("mymoney.carnet_left", days=money.days_text(status["carnet_days"], lang),
              date=fmt_date(status["carnet_expires_on"], "long", lang)), icon=":material/confirmation_number:")
else:
    st.caption(t("mymoney.carnet_none"))

balance = int(status.get("balance_cents") or 0)
if balance < 0:
    st.warning(t("mymoney.balance_owed", amount=money.money(-balance, lang)))
elif balance > 0:
    st.info(t("mymoney.balance_credit", amount=money.money(balance, lang)))
else:
    st.caption(t("mymoney.balance_zero"))

carnets = reads.money_carnets(claims, None)
if carnets:
    st.subheader(t("mymoney.carnets"), anchor=False)
    ui.table(st, pd.DataFrame({
        t("plans.plan"): [c["name_fr"] if lang == "fr" else c["name_en"] for c in carnets],
        t("mymoney.col.days"): [money.days_text(c["days"], lang) for c in carnets],
        t("mymoney.col.left"): [money.days_text(c["days_left"], lang) for c in carnets],
        t("mymoney.col.until"): [fmt_date(c["expires_on"], "medium", lang) for c in carnets],
    }), hide_index=True, width="stretch")

tz = ZoneInfo(reads.money_settings(claims)["time_zone"])
payments = reads.money_member_payments(claims, person.member_id) if person.member_id else []
if payments:
    st.subheader(t("mymoney.payments"), anchor=False)
    ui.table(st, pd.DataFrame({
        t("money.col.receipt"): [money.receipt_label(r) for r in payments],
        t("money.col.date"): [fmt_date(r["paid_at"].astimezone(tz).date(), "medium", lang) for r in payments],
        t("money.col.what"): [money.what_for(r, lang) for r in payments],
        t("money.col.amount"): [money.money(r["amount_cents"], lang) for r in payments],
    }), hide_index=True, width="stretch")
    labels = {str(r["id"]): f"{money.receipt_label(r)} · {money.money(r['amount_cents'], lang)}" for r in payments}
    picked = ui.select(st, t("money.pick_payment"), list(labels), format_func=labels.get, key="my_receipt",
                          placeholder=t("app.choose"))
    row = next(r for r in payments if str(r["id"]) == picked)
    st.download_button(t("money.receipt_button"), lambda pid=picked: receipts.receipt_pdf(claims, pid),
                       file_name=receipts.file_name(row), mime="application/pdf", icon=":material/receipt_long:",
                       on_click="ignore", key="my_receipt_pdf")

st.subheader(t("mymoney.prices"), anchor=False)
plans = [p for p in reads.money_plans(claims) if p["active"]]
ui.table(st, pd.DataFrame({
    t("plans.plan"): [money.plan_name(p, lang) for p in plans],
    t("plans.price"): [money.money(p["price_cents"], lang) for p in plans],
    t("plans.gives"): [money.plan_gives(p, lang) for p in plans],
}), hide_index=True, width="stretch")
