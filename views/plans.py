"""Admins: the plans (name, kind, price, what each gives) with their price history, and the
adhésion and legal mentions that receipts print."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.core.i18n import current_language, fmt_datetime, t
from lib.money import money
from lib.web import reads, session, ui
from lib.web.flash import set_flash, show_flash
from lib.web.ui import run_action

person = session.require_page(__file__)
claims = person.claims()
lang = current_language()


def _billing(code: str, lang: str = lang) -> str:
    """An option's words, the language bound now: widgets may format options outside this run."""
    return t(f"money.billing.{code}", lang)

st.title(t("plans.title"))
show_flash("plans")
settings = reads.money_settings(claims)
plans = reads.money_plans(claims)


def _euros(cents: int | None) -> str:
    """What the price field shows: "120" or "12,50" (what a volunteer would type)."""
    if cents is None:
        return ""
    text = f"{cents / 100:.2f}".removesuffix(".00")
    return text.replace(".", ",") if lang == "fr" else text


ui.table(st, pd.DataFrame({
    t("plans.plan"): [money.plan_name(p, lang) for p in plans],
    t("plans.billing"): [t(f"money.billing.{p['billing']}") for p in plans],
    t("plans.price"): [money.money(p["price_cents"], lang) for p in plans],
    t("plans.gives"): [money.plan_gives(p, lang) for p in plans],
    t("plans.active"): [p["active"] for p in plans],
}), hide_index=True, width="stretch")

labels = {"": t("plans.new"), **{str(p["id"]): f"{money.plan_name(p, lang)} ({p['code']})" for p in plans}}
chosen = ui.select(st, t("plans.plan"), list(labels), format_func=labels.get, key="plans_pick",
                      placeholder=t("app.choose"))
plan = next((p for p in plans if str(p["id"]) == chosen), None)
form_key = f"plan_{chosen or 'new'}"

with st.form(form_key):
    cols = st.columns(2)
    code = cols[0].text_input(t("plans.code"), value=plan["code"] if plan else "", max_chars=40)
    billing = ui.select(cols[1], t("plans.billing"), list(money.BILLINGS), format_func=_billing,
                                index=money.BILLINGS.index(plan["billing"]) if plan else 1, placeholder=t("app.choose"))
    name_fr = cols[0].text_input(t("plans.name_fr"), value=plan["name_fr"] if plan else "", max_chars=80)
    name_en = cols[1].text_input(t("plans.name_en"), value=plan["name_en"] if plan else "", max_chars=80)
    price = cols[0].text_input(t("plans.price"), value=_euros(plan["price_cents"]) if plan else "", max_chars=20,
                               key=f"{form_key}_price")
    per_month = cols[1].number_input(t("plans.days_per_month"), min_value=0.0, max_value=31.0, step=0.5,
                                     value=float(plan["days_per_month"] or 0) if plan else 0.0)
    card_days = cols[0].number_input(t("plans.card_days"), min_value=0.5, max_value=500.0, step=0.5,
                                     value=float(plan["card_days"] or 10) if plan else 10.0)
    valid_days = cols[1].number_input(t("plans.valid_days"), min_value=1, max_value=3650, step=1,
                                      value=int(plan["valid_days"] or 365) if plan else 365)
    active = st.toggle(t("plans.active"), value=bool(plan["active"]) if plan else True)
    save = st.form_submit_button(t("plans.save"), type="primary")

if save:
    def _save() -> dict:
        return money.save_plan(claims, chosen or None, code, name_fr, name_en, billing, money.parse_amount(price),
                               days_per_month=(per_month or None) if billing == "month" else (1 if billing == "day" else None),
                               card_days=card_days if billing == "card" else None,
                               valid_days=int(valid_days) if billing == "card" else None, active=active)

    if run_action(_save) is not None:
        set_flash("plans", t("plans.saved"))
        st.rerun()

if plan:
    st.subheader(t("plans.history"), anchor=False)
    history = reads.money_price_history(claims, str(plan["id"]))
    ui.table(st, pd.DataFrame({
        t("plans.since"): [fmt_datetime(h["since"], settings["time_zone"], lang) for h in history],
        t("plans.price"): [money.money(h["price_cents"], lang) for h in history],
    }), hide_index=True, width="stretch")

st.subheader(t("plans.settings"), anchor=False)
with st.form("money_settings"):
    required = st.toggle(t("plans.adhesion_required"), value=bool(settings["adhesion_required"]))
    cols = st.columns(2)
    fee = cols[0].text_input(t("plans.adhesion_fee"), value=_euros(settings["adhesion_fee_cents"]), max_chars=20)
    months = cols[1].number_input(t("plans.adhesion_months"), min_value=1, max_value=36, step=1,
                                  value=int(settings["adhesion_months"]))
    name = st.text_input(t("plans.association_name"), value=settings["association_name"] or "", max_chars=200)
    address = st.text_area(t("plans.association_address"), value=settings["association_address"] or "", max_chars=500)
    siret = st.text_input(t("plans.siret"), value=settings["association_siret"] or "", max_chars=14)
    vat_exempt = st.toggle(t("plans.vat_exempt"), value=bool(settings["vat_exempt"]))
    save_settings = st.form_submit_button(t("plans.settings_save"), type="primary")

if save_settings:
    def _save_settings() -> bool:
        # a fee of zero is allowed (a free adhésion); parse_amount refuses 0, so it is read apart
        fee_cents = 0 if fee.strip() in ("0", "0,00", "0.00") else money.parse_amount(fee)
        money.save_money_settings(claims, {
            "adhesion_required": required, "adhesion_fee_cents": fee_cents, "adhesion_months": int(months),
            "association_name": name, "association_address": address, "association_siret": siret.replace(" ", ""),
            "vat_exempt": vat_exempt})
        return True  # run_action tells a refusal (None) from a success by the result

    if run_action(_save_settings) is not None:
        set_flash("plans", t("plans.settings_saved"))
        st.rerun()
