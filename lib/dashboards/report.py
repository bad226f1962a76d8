"""The annual activity report ("rapport d'activité"): a year's figures against the year before,
from `public.annual_report` (supabase/migrations/20261205180000_board.sql), as JSON for scripts
and as an A4 PDF in French or English for the general assembly and funders.

The figures are computed in SQL only (the dashboard's own functions underneath, so the report
and the dashboard agree); this module shapes and prints them. The PDF is drawn by fpdf2 (pure
Python) and its chart by vl-convert (in-process, no browser, nothing downloaded). People-counts
under 5 arrive as null for board accounts and the board link and print as "fewer than 5".
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pandas as pd
import psycopg

from lib.core import clock, db
from lib.core.errors import from_db_error
from lib.core.i18n import fmt_date, fmt_number, fmt_percent, t
from lib.core.pdf import Document
from lib.dashboards import charts
from lib.money import money

# the figures a page, the PDF and --json show, in this order; "rate" ones are shares of 1
FIGURES = ("desk_days", "occupancy", "members_who_came", "new_members", "regular_members", "occasional_members",
           "guest_passes", "events_held", "attendees", "attendance_rate", "no_show_rate")
RATES = frozenset({"occupancy", "attendance_rate", "no_show_rate"})
# DejaVu ships with Debian (fonts-dejavu-core) and writes every character of both languages;
# without it the PDF falls back to a core font and Latin-1 (a narrow no-break space becomes a space)



def _plain(value: Any) -> Any:
    """JSON from psycopg with Decimals as floats, recursively."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def figures(who: db.Actor, year: int) -> dict[str, Any]:
    """The year's report figures for admins, board accounts (k-anonymised) or db.OWNER, with the
    year's income (totals only: public.money_totals)."""
    try:
        with db.acting_as(who) as conn:
            row = conn.execute("select public.annual_report(%s) as r", (year,)).fetchone()
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc
    return {**_plain(row["r"]), "income": money.year_totals(who, year)}


def link_figures(token: str, year: int) -> dict[str, Any]:
    """The same figures through a board link, as an anonymous visitor (always k-anonymised)."""
    try:
        with db.acting_as(db.ANONYMOUS) as conn:
            row = conn.execute("select public.link_board_report(%s, %s) as r", (token, year)).fetchone()
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc
    return _plain(row["r"])


# --------------------------------------------------------------------------- the team's text

def text(who: db.Actor, year: int, lang: str) -> str:
    """The words the team wrote for this year's report in `lang` ('' when none yet)."""
    with db.acting_as(who) as conn:
        row = conn.execute("select body from public.report_texts where year = %s and lang = %s",
                           (year, lang)).fetchone()
    return row["body"] if row else ""


def save_text(who: db.Actor, year: int, lang: str, body: str) -> None:
    """Admins: keep the report's text (row-level security refuses anyone else)."""
    try:
        with db.acting_as(who) as conn:
            conn.execute(
                "insert into public.report_texts (year, lang, body, updated_by)"
                " values (%s, %s, %s, (select id from public.members where user_id = auth.uid()))"
                " on conflict (year, lang) do update set body = excluded.body, updated_by = excluded.updated_by,"
                " updated_at = now()", (year, lang, body.strip()))
    except psycopg.Error as exc:
        raise from_db_error(exc) from exc


# --------------------------------------------------------------------------- shaping

def shown(key: str, value: Any, lang: str) -> str:
    """A figure as the language writes it; null people-counts are "fewer than 5", null rates "—"."""
    if value is None:
        return "—" if key in RATES else t("report.fewer_than", lang, k=fmt_number(5, lang))
    if key in RATES:
        return fmt_percent(value, lang)
    return fmt_number(value, lang, digits=1 if float(value) % 1 else 0)


def change(key: str, now: Any, before: Any, lang: str) -> str:
    """Against the year before: points for a rate, a signed number otherwise, '' if unknown."""
    if now is None or before is None:
        return ""
    delta = float(now) - float(before)
    if key in RATES:
        if round(delta * 1000) == 0:
            return t("report.unchanged", lang)
        return ("+" if delta > 0 else "−") + t("occupancy.points", lang, value=fmt_number(abs(delta) * 100, lang, digits=1))
    if delta == 0:
        return t("report.unchanged", lang)
    return ("+" if delta > 0 else "−") + fmt_number(abs(delta), lang, digits=1 if delta % 1 else 0)


def months_frame(report: dict[str, Any], lang: str) -> pd.DataFrame:
    """One row a month: its name in `lang` (abbreviated), desk occupancy and desk-days."""
    rows = [{"month": m["month"], "label": fmt_date(dt.date.fromisoformat(m["month"] + "-01"), "MMM", lang),
             "occupancy": m["occupancy"], "desk_days": m["desk_days"]} for m in report["months"]]
    return pd.DataFrame(rows, columns=["month", "label", "occupancy", "desk_days"])


def month_name(month: str | None, lang: str) -> str:
    return fmt_date(dt.date.fromisoformat(month + "-01"), "LLLL y", lang) if month else "—"


def chart_png(report: dict[str, Any], lang: str) -> bytes:
    frame = months_frame(report, lang).dropna(subset=["occupancy"])
    return charts.to_png(charts.monthly_occupancy(frame, {"month": t("report.month", lang),
                                                          "occupancy": t("occupancy.axis.occupancy", lang)}), lang)


# --------------------------------------------------------------------------- the PDF

class _Pdf(Document):
    def __init__(self, lang: str, title: str) -> None:
        super().__init__(lang, title)
        self.lang, self.title_line = lang, title
        self.set_auto_page_break(True, margin=18)

    def para(self, height: float, value: str) -> None:
        """A paragraph across the page, the next line starting at the left margin."""
        self.multi_cell(0, height, value, new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.face, "", 8)
        self.set_text_color(120)
        self.cell(0, 5, self.txt(f"{self.title_line} · {self.page_no()}"), align="C")


def build_pdf(report: dict[str, Any], lang: str, space_name: str, body: str = "",
              made_on: dt.date | None = None) -> bytes:
    """The report as an A4 PDF in `lang`: title, the team's text, the figures against the year
    before, busiest and quietest months, the monthly chart, skills and trades."""
    year = report["year"]
    title = t("report.title", lang, space=space_name, year=str(year))
    pdf = _Pdf(lang, title)
    pdf.add_page()
    pdf.set_font(pdf.face, "B", 18)
    pdf.para(9, pdf.txt(title))
    pdf.set_font(pdf.face, "", 9)
    pdf.set_text_color(100)
    made = fmt_date(made_on or clock.now().date(), "long", lang)
    pdf.para(5, pdf.txt(t("report.made_on", lang, date=made)))
    if report.get("k"):
        pdf.para(5, pdf.txt(t("report.k_note", lang, k=fmt_number(report["k"], lang))))
    pdf.set_text_color(0)
    pdf.ln(3)
    if body.strip():
        pdf.set_font(pdf.face, "", 11)
        pdf.para(5.5, pdf.txt(body.strip()))
        pdf.ln(3)

    pdf.set_font(pdf.face, "B", 13)
    pdf.cell(0, 8, pdf.txt(t("report.figures", lang)), new_x="LMARGIN", new_y="NEXT")
    now, before = report["current"], report["previous"]
    widths = (80, 34, 34, 34)
    pdf.set_font(pdf.face, "B", 9)
    for width, head in zip(widths, ("", str(year), str(year - 1), t("report.change", lang)), strict=True):
        pdf.cell(width, 7, pdf.txt(head), border="B", align="R" if head else "L")
    pdf.ln()
    pdf.set_font(pdf.face, "", 10)
    for key in FIGURES:
        pdf.cell(widths[0], 7, pdf.txt(t(f"report.fig.{key}", lang)))
        pdf.cell(widths[1], 7, pdf.txt(shown(key, now.get(key), lang)), align="R")
        pdf.cell(widths[2], 7, pdf.txt(shown(key, before.get(key), lang)), align="R")
        pdf.cell(widths[3], 7, pdf.txt(change(key, now.get(key), before.get(key), lang)), align="R")
        pdf.ln()
    pdf.set_font(pdf.face, "", 8)
    pdf.set_text_color(100)
    pdf.para(4.2, pdf.txt(t("report.definitions", lang, days=fmt_number(now.get("regular_days") or 24, lang))))
    pdf.set_text_color(0)
    pdf.ln(2)
    pdf.set_font(pdf.face, "", 10)
    pdf.para(6, pdf.txt(t("report.months", lang, busiest=month_name(report.get("busiest_month"), lang),
                                   quietest=month_name(report.get("quietest_month"), lang))))
    if any(m["occupancy"] is not None for m in report["months"]):
        pdf.image(io.BytesIO(chart_png(report, lang)), w=170)
    if report.get("income"):  # the board link's figures have none: money is for signed-in accounts
        income = report["income"]
        pdf.ln(2)
        pdf.set_font(pdf.face, "B", 13)
        pdf.cell(0, 8, pdf.txt(t("report.income", lang)), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(pdf.face, "", 10)
        for kind, cents in sorted(income["by_kind"].items()):
            if kind != "refund":
                pdf.cell(120, 6, pdf.txt(t(f"money.kind.{kind}", lang)))
                pdf.cell(30, 6, pdf.txt(money.money(cents, lang)), align="R")
                pdf.ln()
        pdf.cell(120, 6, pdf.txt(t("money.kind.refund", lang)))
        pdf.cell(30, 6, pdf.txt(money.money(-income["refunds_cents"], lang) if income["refunds_cents"] else "—"),
                 align="R")
        pdf.ln()
        pdf.set_font(pdf.face, "B", 10)
        pdf.cell(120, 7, pdf.txt(t("report.income_total", lang)), border="T")
        pdf.cell(30, 7, pdf.txt(money.money(income["total_cents"], lang)), border="T", align="R")
        pdf.ln()
    for section, key, label in (("report.skills", "skills", "skill"), ("report.trades", "trades", "trade")):
        pdf.ln(2)
        pdf.set_font(pdf.face, "B", 13)
        pdf.cell(0, 8, pdf.txt(t(section, lang)), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(pdf.face, "", 10)
        if not report[key]:
            pdf.para(6, pdf.txt(t("report.none", lang)))
        for row in report[key]:
            pdf.cell(120, 6, pdf.txt(str(row[label])))
            pdf.cell(30, 6, pdf.txt(fmt_number(row["members"], lang)), align="R")
            pdf.ln()
    return bytes(pdf.output())
