"""Money: plans and their prices, adhésions, carnets, payments at the desk, refunds, who is due,
the treasurer's exports and totals.

Every rule lives in supabase/migrations/20261206100000_money.sql (who may sell, record, read;
a carnet that would be overdrawn; receipt numbers without gaps): these functions call it as the
person, and a refusal comes back as a sentence (lib/core/errors.py). Amounts are integer cents.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import psycopg
from psycopg import sql

from lib.core import csv_excel, db
from lib.core.errors import UserError, from_db_error
from lib.core.i18n import current_language, fmt_date, fmt_money, fmt_number, t

METHODS = ("cash", "cheque", "transfer", "card_terminal")
BILLINGS = ("day", "card", "month")
KINDS = ("adhesion", "carnet", "day_pass", "plan", "other", "refund")


def _run(who: db.Actor, query: str | sql.Composable, params: tuple | dict = ()) -> list[dict[str, Any]]:
    try:
        with db.acting_as(who) as conn:
            return conn.execute(query, params).fetchall()
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


def _one(who: db.Actor, query: str, params: tuple | dict = ()) -> dict[str, Any]:
    rows = _run(who, query, params)
    return dict(rows[0]) if rows else {}


# --------------------------------------------------------------------------- amounts

def parse_amount(text: str) -> int:
    """What a volunteer types ("12", "12,50", "1 234,50 €", "12.5") as cents; refused with a
    sentence naming the field when it is not an amount."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", str(text or ""))
    if re.fullmatch(r"\d{1,3}(\.\d{3})+,\d{1,2}", cleaned):  # 1.234,50
        cleaned = cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise UserError("money.bad_amount", value=str(text)) from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")) or value > 1_000_000:
        raise UserError("money.bad_amount", value=str(text))
    return int(value * 100)


def money(cents: int | None, lang: str | None = None) -> str:
    """An amount as the language writes it ("1 234,50 €" / "€1,234.50"); '' for none."""
    return "" if cents is None or pd.isna(cents) else fmt_money(int(cents), lang)


# --------------------------------------------------------------------------- plans

def plans(who: db.Actor, active_only: bool = False) -> list[dict[str, Any]]:
    """Every plan with its price and what it gives (signed-in people read them)."""
    return _run(who, "select id, code, name_fr, name_en, billing, price_cents, days_per_month, card_days,"
                     " valid_days, active from public.plans where active or not %s"
                     " order by active desc, price_cents, code", (active_only,))


def save_plan(who: db.Actor, plan_id: str | None, code: str, name_fr: str, name_en: str, billing: str,
              price_cents: int, days_per_month: float | None = None, card_days: float | None = None,
              valid_days: int | None = None, active: bool = True) -> dict[str, Any]:
    """Admins: create (plan_id None) or change a plan; its price history follows in SQL."""
    return _one(who, "select * from public.save_plan(%s::uuid, %s, %s, %s, %s, %s::int, %s::numeric, %s::numeric,"
                     " %s::int, %s)",
                (plan_id, code.strip(), name_fr.strip(), name_en.strip(), billing, price_cents,
                 days_per_month, card_days, valid_days, active))


def price_history(who: db.Actor, plan_id: str) -> list[dict[str, Any]]:
    return _run(who, "select price_cents, since from public.plan_prices where plan_id = %s order by since desc, id desc",
                (plan_id,))


def plan_name(plan: dict[str, Any], lang: str | None = None) -> str:
    return plan["name_fr"] if (lang or current_language()) == "fr" else plan["name_en"]


def plan_gives(plan: dict[str, Any], lang: str | None = None) -> str:
    """What a plan gives, in words: "10 jours, valables 365 jours", "20 jours par mois"."""
    if plan["billing"] == "card":
        return t("money.gives.card", lang, days=_days(plan["card_days"], lang), valid=plan["valid_days"])
    if plan["billing"] == "day":
        return t("money.gives.day", lang)
    if plan["days_per_month"] is None:
        return t("money.gives.unlimited", lang)
    return t("money.gives.month", lang, days=_days(plan["days_per_month"], lang))


def _days(value: Any, lang: str | None = None) -> str:
    number = Decimal(str(value or 0)).normalize()
    return fmt_number(number, lang, digits=1 if number % 1 else 0)


def days_text(value: Any, lang: str | None = None) -> str:
    """A number of days as the language writes it (0,5 / 0.5)."""
    return _days(value, lang)


# --------------------------------------------------------------------------- settings

SETTINGS = ("adhesion_required", "adhesion_fee_cents", "adhesion_months", "association_name",
            "association_address", "association_siret", "vat_exempt")


def money_settings(who: db.Actor) -> dict[str, Any]:
    return _one(who, "select space_name, time_zone, default_language, adhesion_required, adhesion_fee_cents,"
                     " adhesion_months, association_name, association_address, association_siret, vat_exempt"
                     " from public.settings")


def save_money_settings(who: db.Actor, values: dict[str, Any]) -> None:
    """Admins: the association's mentions, the adhésion's fee and length, whether booking needs one."""
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise ValueError(f"not money settings: {sorted(unknown)}")
    values = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}
    assignments = sql.SQL(", ").join(sql.SQL("{} = {}").format(sql.Identifier(k), sql.Placeholder(k)) for k in values)
    try:
        with db.acting_as(who) as conn:
            done = conn.execute(sql.SQL("update public.settings set {} returning id").format(assignments),
                                values).fetchone()
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc
    if not done:
        raise UserError("money.admin_only")


# --------------------------------------------------------------------------- selling, paying

def sell_carnet(who: db.Actor, member_id: str, plan_id: str, method: str | None, reference: str | None = None,
                starts_on: dt.date | None = None) -> dict[str, Any]:
    """The team sells a carnet; paid now when `method` is given. Returns the carnet."""
    return _one(who, "select * from public.sell_carnet(%s, %s, %s, %s, %s)",
                (member_id, plan_id, method, reference or None, starts_on))


def sell_adhesion(who: db.Actor, member_id: str, method: str | None, reference: str | None = None) -> dict[str, Any]:
    """The team sells or renews an adhésion; paid now when `method` is given. Returns it."""
    return _one(who, "select * from public.sell_adhesion(%s, %s, %s)", (member_id, method, reference or None))


def record_payment(who: db.Actor, member_id: str | None, amount_cents: int, method: str, kind: str = "other",
                   label: str | None = None, reference: str | None = None, plan_id: str | None = None,
                   company_name: str | None = None, company_address: str | None = None,
                   payer_name: str | None = None, payer_email: str | None = None) -> dict[str, Any]:
    """The team records money received; returns the payment with its receipt number."""
    return _one(who, "select * from public.record_payment(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (member_id, amount_cents, method, kind, label, reference, plan_id, company_name, company_address,
                 payer_name, payer_email))


def refund(who: db.Actor, payment_id: str, amount_cents: int, method: str, label: str | None = None) -> dict[str, Any]:
    """The team gives money back: a new negative line, never an edit."""
    return _one(who, "select * from public.refund_payment(%s, %s, %s, %s)", (payment_id, amount_cents, method, label))


# --------------------------------------------------------------------------- reading

def status(who: db.Actor, member_id: str | None = None) -> dict[str, Any]:
    """A member's adhésion, carnet days left today, paid, owed and balance (own, or the team)."""
    return _one(who, "select * from public.money_status(%s)", (member_id,))


def carnets(who: db.Actor, member_id: str | None = None) -> list[dict[str, Any]]:
    return _run(who, "select c.*, p.name_fr, p.name_en from public.carnets_of(%s) c"
                     " join public.plans p on p.id = c.plan_id", (member_id,))


def adhesions(who: db.Actor, member_id: str) -> list[dict[str, Any]]:
    return _run(who, "select starts_on, ends_on, fee_cents from public.adhesions where member_id = %s"
                     " order by starts_on desc", (member_id,))


_PAYMENTS = sql.SQL(
    "select p.id, p.paid_at, p.receipt_year, p.receipt_number, p.kind, p.amount_cents, p.method, p.reference,"
    " p.label, p.refund_of, p.company_name, p.lang, coalesce(m.full_name, p.payer_name) as payer,"
    " pl.name_fr as plan_fr, pl.name_en as plan_en, p.member_id,"
    " case when p.kind = 'refund' then 0 else p.amount_cents + coalesce((select sum(r.amount_cents)"
    " from public.payments r where r.refund_of = p.id), 0) end as refundable_cents"
    " from public.payments p left join public.members m on m.id = p.member_id"
    " left join public.plans pl on pl.id = p.plan_id")


def member_payments(who: db.Actor, member_id: str) -> list[dict[str, Any]]:
    """A member's payments (their own, or the team's view of anyone), newest first."""
    return _run(who, _PAYMENTS + sql.SQL(" where p.member_id = %s order by p.paid_at desc, p.receipt_number desc"),
                (member_id,))


def payments(who: db.Actor, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Every payment of a period, in receipt order (row-level security: the team sees all)."""
    return _run(who, _PAYMENTS + sql.SQL(" where (p.paid_at at time zone (select time_zone from public.settings))::date"
                                         " between %s and %s order by p.receipt_year, p.receipt_number"), (first, last))


def totals(who: db.Actor, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Income per kind, plan and method for a period: admins, staff, the board."""
    return _run(who, "select * from public.money_totals(%s, %s)", (first, last))


def year_totals(who: db.Actor, year: int) -> dict[str, Any]:
    """The year's income: total, refunds, and per kind (for the annual report)."""
    rows = totals(who, dt.date(year, 1, 1), dt.date(year, 12, 31))
    by_kind: dict[str, int] = {}
    for row in rows:
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + int(row["amount_cents"])
    return {"year": year, "total_cents": sum(by_kind.values()), "refunds_cents": -by_kind.get("refund", 0),
            "by_kind": by_kind, "payments": sum(int(r["payments"]) for r in rows if r["kind"] != "refund")}


def adhesions_due(who: db.Actor, days: int = 30) -> list[dict[str, Any]]:
    """The team: members whose adhésion has lapsed or ends within `days` days."""
    return _run(who, "select * from public.adhesions_due(%s) order by ends_on nulls first", (days,))


def queue_reminders(who: db.Actor, member_ids: Iterable[str]) -> int:
    """The team: queue an adhésion reminder to each of these members (once per adhésion end)."""
    row = _one(who, "select public.queue_adhesion_reminders(%s::uuid[]) as n", (list(member_ids),))
    return int(row.get("n") or 0)


def payment(who: db.Actor, payment_id: str) -> dict[str, Any]:
    """One payment with what a receipt prints (payer, company, plan); {} when not visible."""
    return _one(who, "select p.*, coalesce(m.full_name, p.payer_name) as payer, m.email::text as payer_address,"
                     " pl.name_fr as plan_fr, pl.name_en as plan_en,"
                     " o.receipt_year as refund_of_year, o.receipt_number as refund_of_number"
                     " from public.payments p left join public.members m on m.id = p.member_id"
                     " left join public.plans pl on pl.id = p.plan_id"
                     " left join public.payments o on o.id = p.refund_of where p.id = %s", (payment_id,))


# --------------------------------------------------------------------------- words and exports

def receipt_label(row: dict[str, Any]) -> str:
    """"2026-0042": the year and the number, as printed and filed."""
    return f"{row['receipt_year']}-{int(row['receipt_number']):04d}"


def what_for(row: dict[str, Any], lang: str | None = None) -> str:
    plan = row.get("plan_fr") if (lang or "fr") == "fr" else row.get("plan_en")
    text = t(f"money.kind.{row['kind']}", lang)
    return f"{text} — {plan}" if plan else (f"{text} — {row['label']}" if row.get("label") else text)


def payments_csv(who: db.Actor, first: dt.date, last: dt.date, lang: str, time_zone: str) -> bytes:
    """The treasurer's CSV of payments for a period (French Excel: `;`, BOM, cents as "12,50")."""
    tz = ZoneInfo(time_zone)
    header = [t(f"money.csv.{k}", lang) for k in ("receipt", "date", "payer", "company", "what", "method",
                                                   "reference", "amount")]
    rows = [[receipt_label(r), r["paid_at"].astimezone(tz).date().isoformat(), r["payer"] or "", r["company_name"] or "",
             what_for(r, lang), t(f"money.method.{r['method']}", lang), r["reference"] or "",
             _csv_amount(r["amount_cents"], lang)] for r in payments(who, first, last)]
    return csv_excel.to_csv(header, rows, lang)


def income_csv(who: db.Actor, first: dt.date, last: dt.date, lang: str) -> bytes:
    """Income per plan (and kind) for a period: what the treasurer files."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for r in totals(who, first, last):
        plan = (r["plan_name_fr"] if lang == "fr" else r["plan_name_en"]) or ""
        key = (t(f"money.kind.{r['kind']}", lang), plan)
        grouped.setdefault(key, [0, 0])
        grouped[key][0] += int(r["payments"])
        grouped[key][1] += int(r["amount_cents"])
    header = [t(f"money.csv.{k}", lang) for k in ("kind", "plan", "count", "amount")]
    rows = [[kind, plan, n, _csv_amount(cents, lang)] for (kind, plan), (n, cents) in sorted(grouped.items())]
    return csv_excel.to_csv(header, rows, lang)


def _csv_amount(cents: int, lang: str) -> str:
    """A number a spreadsheet reads as a number: "-12,50" in French, "-12.50" in English."""
    text = f"{int(cents) / 100:.2f}"
    return text.replace(".", ",") if lang == "fr" else text


def period_words(first: dt.date, last: dt.date, lang: str | None = None) -> str:
    return t("money.period", lang, first=fmt_date(first, "medium", lang), last=fmt_date(last, "medium", lang))
