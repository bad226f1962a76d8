"""The board link's page (`?board=<token>`): the year's figures read-only, without an account,
for board members and funders who never sign in.

Everything shown comes from the `link_board_*` SQL functions as `anon`, which check the token on
every call (revoked, expired and unknown tokens get one and the same refusal) and aggregate under
k-anonymity (no figure about fewer than 5 people, no name). The token is checked uncached on each
run, so a revoked link stops at once; the figures behind it are cached per year for everyone
(they are the same for every holder of a link), in lib/web/reads.py.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.core.i18n import LANGUAGES, current_language, fmt_date, t
from lib.dashboards import board_links, charts, report
from lib.web import reads, ui
from lib.web.ui import refusal, t_md


def _language_switch() -> None:
    labels = {"fr": "Français", "en": "English"}
    chosen = st.segmented_control(t("app.language"), LANGUAGES, format_func=labels.get, default=current_language(),
                                  key="board_lang")
    if chosen in LANGUAGES and chosen != st.session_state.get("lang"):
        st.session_state["lang"] = chosen
        st.rerun()


def show(token: str) -> None:
    """The page for a board link's token (refused with one sentence when it does not open)."""
    st.set_page_config(page_title=t("board.page_title"), page_icon=":material/monitoring:", layout="wide")
    try:
        link = board_links.opened(token)
    except Exception as exc:  # unknown, revoked and expired alike: one sentence, no detail
        st.error(refusal(exc), icon=":material/link_off:")
        return
    lang = current_language()
    _language_switch()
    st.title(t("board.title", space=link["space_name"]))
    st.caption(t_md("board.intro", until=fmt_date(link["expires_at"].date(), "long")))
    today = link["today"]
    years = list(range(today.year, today.year - 4, -1))
    year = ui.select(st, t("report.year"), years, index=1 if today.month < 4 else 0, key="board_year")
    try:
        figures = reads.link_board_report(token, year)
    except Exception as exc:
        st.error(refusal(exc))
        return
    now, before = figures["current"], figures["previous"]
    rows = [{"": t(f"report.fig.{key}"), str(year): report.shown(key, now.get(key), lang),
             str(year - 1): report.shown(key, before.get(key), lang),
             t("report.change"): report.change(key, now.get(key), before.get(key), lang)} for key in report.FIGURES]
    st.subheader(t("report.figures"))
    st.table(pd.DataFrame(rows).set_index(""))  # a table: all eleven lines at once, as printed
    st.caption(t("report.k_note", k="5"))
    st.caption(t("report.definitions", days=str(now.get("regular_days") or 24)))
    st.markdown(t("report.months", busiest=report.month_name(figures.get("busiest_month"), lang),
                  quietest=report.month_name(figures.get("quietest_month"), lang)))
    months = report.months_frame(figures, lang).dropna(subset=["occupancy"])
    if len(months):
        st.altair_chart(charts.monthly_occupancy(months, {"month": t("report.month"),
                                                          "occupancy": t("occupancy.axis.occupancy")}),
                        width="stretch")
    left, right = st.columns(2)
    for column, section, key, label in ((left, "report.skills", "skills", "skill"),
                                        (right, "report.trades", "trades", "trade")):
        column.subheader(t(section))
        data = pd.DataFrame(figures[key], columns=[label, "members"])
        if data.empty:
            column.caption(t("report.none"))
        else:
            ui.table(column, data.rename(columns={label: t(section), "members": t("occupancy.axis.members")}),
                             hide_index=True, width="stretch")
    page_lang = lang  # the download runs on another thread, without the session's language
    st.download_button(t("report.download"), lambda: report.build_pdf(figures, page_lang, link["space_name"]),
                       file_name=f"rapport-{year}.pdf" if lang == "fr" else f"report-{year}.pdf",
                       mime="application/pdf", icon=":material/picture_as_pdf:", on_click="ignore", key="board_pdf")
