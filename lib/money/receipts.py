"""Receipts and invoices as A4 PDF (fpdf2), in the payer's language.

A receipt prints what a French association must show: its name, address and SIRET, the receipt's
number (year and number, without gaps: given by the database, see
supabase/migrations/20261206100000_money.sql), the date, who paid (a company's name and address
when one was given), what for, how, the amount, and "TVA non applicable, art. 293 B du CGI" when
the settings say the association is exempt. A refund prints as a credit note naming the receipt
it refunds. DejaVu (Debian's fonts-dejavu-core) writes every accent; without it the core
Helvetica font is used with Latin-1, which still holds French letters.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from lib.core import db
from lib.core.errors import UserError
from lib.core.i18n import LANGUAGES, fmt_date, t
from lib.core.pdf import Document
from lib.money import money


class _Pdf(Document):
    def line(self, height: float, value: str, bold: bool = False, size: float = 10) -> None:
        self.set_font(self.face, "B" if bold else "", size)
        self.multi_cell(0, height, self.txt(value), new_x="LMARGIN", new_y="NEXT")


def build(row: dict[str, Any], settings: dict[str, Any], lang: str | None = None) -> bytes:
    """The PDF of one payment row (`money.payment`), in `lang` (default: the payer's)."""
    lang = lang if lang in LANGUAGES else (row.get("lang") if row.get("lang") in LANGUAGES else "fr")
    refund = row["kind"] == "refund"
    number = money.receipt_label(row)
    title = t("money.receipt.credit_title" if refund else "money.receipt.title", lang, number=number)
    pdf = _Pdf(lang, title)
    pdf.add_page()
    association = settings.get("association_name") or settings["space_name"]
    pdf.line(7, association, bold=True, size=14)
    if settings.get("association_address"):
        pdf.line(5, settings["association_address"], size=9)
    if settings.get("association_siret"):
        pdf.line(5, t("money.receipt.siret", lang, siret=settings["association_siret"]), size=9)
    pdf.ln(6)
    pdf.line(9, title, bold=True, size=16)
    paid_on = row["paid_at"].astimezone(ZoneInfo(settings["time_zone"])).date()
    pdf.line(6, t("money.receipt.date", lang, date=fmt_date(paid_on, "long", lang)))
    if refund and row.get("refund_of_number"):
        pdf.line(6, t("money.receipt.refunds", lang,
                      number=money.receipt_label({"receipt_year": row["refund_of_year"],
                                                  "receipt_number": row["refund_of_number"]})))
    pdf.ln(4)
    pdf.line(6, t("money.receipt.payer", lang), bold=True)
    if row.get("company_name"):
        pdf.line(6, row["company_name"])
        if row.get("company_address"):
            pdf.line(5, row["company_address"], size=9)
        if row.get("payer"):
            pdf.line(5, t("money.receipt.for_person", lang, name=row["payer"]), size=9)
    else:
        pdf.line(6, row.get("payer") or "")
    pdf.ln(4)
    widths = (110, 70)
    pdf.set_font(pdf.face, "B", 10)
    pdf.cell(widths[0], 8, pdf.txt(t("money.receipt.what", lang)), border="B")
    pdf.cell(widths[1], 8, pdf.txt(t("money.receipt.amount", lang)), border="B", align="R")
    pdf.ln()
    pdf.set_font(pdf.face, "", 10)
    pdf.cell(widths[0], 8, pdf.txt(money.what_for(row, lang)))
    pdf.cell(widths[1], 8, pdf.txt(money.money(row["amount_cents"], lang)), align="R")
    pdf.ln()
    pdf.set_font(pdf.face, "B", 11)
    pdf.cell(widths[0], 9, pdf.txt(t("money.receipt.total", lang)), border="T")
    pdf.cell(widths[1], 9, pdf.txt(money.money(row["amount_cents"], lang)), border="T", align="R")
    pdf.ln(12)
    method = t(f"money.method.{row['method']}", lang)
    if row.get("reference"):
        method = f"{method} ({row['reference']})"
    pdf.line(6, t("money.receipt.method", lang, method=method))
    if settings.get("vat_exempt"):
        pdf.ln(2)
        # the legal mention is French whatever the receipt's language: it quotes the French tax code
        pdf.line(5, "TVA non applicable, art. 293 B du CGI", size=9)
    return bytes(pdf.output())


def receipt_pdf(who: db.Actor, payment_id: str, lang: str | None = None) -> bytes:
    """The receipt of a payment the caller may see (the payer, the team), as PDF bytes."""
    row = money.payment(who, payment_id)
    if not row:
        raise UserError("money.receipt_unknown")
    return build(row, money.money_settings(who), lang)


def file_name(row: dict[str, Any]) -> str:
    return f"recu-{money.receipt_label(row)}.pdf"
