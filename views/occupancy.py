"""Occupancy dashboard for the board and the team: choose a period → ask lib → draw."""


import pandas as pd
import streamlit as st

from lib.core.i18n import current_language, fmt_date, fmt_number, fmt_percent, t
from lib.dashboards import board_links, charts, occupancy, report
from lib.space import space
from lib.web import reads, session, ui
from lib.web.ui import refusal, run_action, t_md

person = session.require_page(__file__)

MAX_DAYS = 1100  # three years and a bit: the longest history the space keeps in view


def _points(value: float | None) -> str | None:
    """A change of rate in percentage points, signed ('+3,2 pt'): a rate's delta is not a %.
    A change that rounds to nothing says "unchanged" (not "+0,0 pt" in red with an arrow)."""
    if value is None:
        return None
    if round(abs(value) * 1000) == 0:
        return t("occupancy.unchanged")
    return ("-" if value < 0 else "+") + t("occupancy.points", value=fmt_number(abs(value) * 100, digits=1))


def _delta_style(delta: str | None, color: str = "normal") -> dict:
    """st.metric's colour and arrow for a delta: none for "unchanged"."""
    if delta == t("occupancy.unchanged"):
        return {"delta_color": "off", "delta_arrow": "off"}
    return {"delta_color": color}


def _count(value: int | None) -> str:
    """A count of people; None is a group under 5 hidden by the database (board accounts)."""
    return t("occupancy.fewer_than", k=fmt_number(5)) if value is None else fmt_number(value)


def _take_away(chart, frame, name: str, columns: list[str]) -> None:
    """Under a chart: what it measures, and the chart as a PNG (drawn only when asked, in this
    page's language) and its data as CSV for Excel."""
    st.caption(t(f"occupancy.def.{name}"))
    stem = f"{name}-{kind}-{period.first:%Y-%m-%d}-{period.last:%Y-%m-%d}"
    cols = st.columns([1, 1, 4])
    page_lang = lang  # the callables run on another thread, without the session's language
    headers = {c: t(f"occupancy.col.{c}") for c in columns}
    # both are made only when clicked (Streamlit calls them then), not on every rerun
    cols[0].download_button(t("occupancy.png"), lambda: charts.to_png(chart, page_lang), file_name=f"{stem}.png",
                            mime="image/png", icon=":material/image:", on_click="ignore", key=f"png_{name}")
    cols[1].download_button(t("occupancy.csv"), lambda: occupancy.take_away_csv(frame, headers, page_lang),
                            file_name=f"{stem}.csv", mime="text/csv", icon=":material/table:", on_click="ignore",
                            key=f"csv_{name}")


def _signed(value: float | None, digits: int = 0) -> str | None:
    if value is None:
        return None
    return ("-" if value < 0 else "+") + fmt_number(abs(value), digits=digits)


def _relative(value: float | None) -> str | None:
    if value is None:
        return None
    return ("-" if value < 0 else "+") + fmt_percent(abs(value))


claims = person.claims()
lang = current_language()
try:
    today, tz = reads.today_and_zone(person.role, claims)
except Exception as exc:  # a sentence, never a traceback
    st.error(refusal(exc))
    st.stop()

st.title(t("occupancy.title"))
st.caption(t("occupancy.intro", tz=tz))

# ------------------------------------------------------------------ choose
top = st.columns([3, 1], vertical_alignment="bottom")
preset_names = {p: t(f"occupancy.preset.{p}") for p in occupancy.PRESETS}
preset = top[0].segmented_control(t("occupancy.period"), occupancy.PRESETS, default="month",
                                  format_func=preset_names.get, required=True, key="occ_preset") or "month"
kind_names = {k: t(f"occupancy.kind.{k}") for k in occupancy.KINDS}
kind = top[1].segmented_control(t("occupancy.kind"), occupancy.KINDS, default="desk", format_func=kind_names.get,
                                required=True, key="occ_kind") or "desk"
try:
    zones = reads.zones(person.role, claims, kind)
except Exception as exc:
    st.error(refusal(exc))
    st.stop()
second = st.columns(2)
zone_names = {"": t("occupancy.all_zones"), **dict(zip(zones["id"], zones["name"], strict=True))}
# the language is part of the key: a selectbox keeps the option labels it was first drawn with
zone_id = ui.select(second[0], t("occupancy.zone"), list(zone_names), format_func=zone_names.get,
                              key=f"occ_zone_{lang}") or None

custom = None
if preset == "custom":
    start = occupancy.period_for("3m", today).first
    picked = ui.date(second[1], t("occupancy.custom_range"), value=(start, today), max_value=today,
                                  format="DD/MM/YYYY", key="occ_custom")
    if not isinstance(picked, tuple | list) or len(picked) != 2:
        st.info(t("occupancy.custom_incomplete"), icon=":material/date_range:")
        st.stop()
    custom = (picked[0], picked[1])
period = occupancy.period_for(preset, today, custom)
if period.days > MAX_DAYS:
    st.error(t("occupancy.custom_too_long", max=fmt_number(MAX_DAYS)))
    st.stop()
before = period.previous()

# ------------------------------------------------------------------ ask
try:
    now = reads.summary(person.role, claims, period, zone_id, kind)
    then = reads.summary(person.role, claims, before, zone_id, kind)
    days = reads.daily(person.role, claims, period, zone_id, kind, now["history_from"])
    slots = reads.by_slot(person.role, claims, period, zone_id, kind)
    by_zone = reads.by_zone(person.role, claims, period, kind)
    by_plan = reads.by_plan(person.role, claims, period)
except Exception as exc:
    st.error(refusal(exc))
    st.stop()

compare = occupancy.comparable(before, then)
# what every chart and sparkline below is derived from: they are built once per these inputs
inputs = (period.first, period.last, zone_id, kind, lang)
dates = {"first": fmt_date(period.first, "long"), "last": fmt_date(period.last, "long"),
         "days": fmt_number(period.days)}
if compare:
    st.caption(t("occupancy.showing", **dates, prev_first=fmt_date(before.first, "long"),
                 prev_last=fmt_date(before.last, "long")))
elif now["history_from"]:
    st.caption(t("occupancy.showing_alone", **dates, since=fmt_date(now["history_from"], "long")))
if not now.get("open_hours"):
    st.info(t("occupancy.nothing_open"), icon=":material/event_busy:")
    st.stop()

# ------------------------------------------------------------------ draw: the figures
open_days = days[days["open_hours"] > 0]
long_period = len(open_days) > 45  # past ~2 months, daily bars in a small card are a blur: weeks


def _spark(column: str, how: str = "sum") -> list[float]:
    def build() -> list[float]:
        series = open_days[column].fillna(0)
        return occupancy.weekly(series, open_days["day"], how) if long_period else series.tolist()

    return reads.derived(person.role, ("spark", column, how, *inputs), build)


# the year only when the period spans two of them
peak_format = "EEE d MMM" if period.first.year == period.last.year else "EEE d MMM y"
kpi = st.columns(5)
common = {"border": True, "height": "stretch"}
occ_delta = _points(occupancy.change(now["occupancy"], then["occupancy"])) if compare else None
kpi[0].metric(t("occupancy.kpi.occupancy"), fmt_percent(now["occupancy"]), occ_delta,
              help=t("occupancy.kpi.occupancy_help"), chart_data=_spark("occupancy", "mean"), chart_type="area",
              **_delta_style(occ_delta), **common)
kpi[1].metric(t("occupancy.kpi.peak"), fmt_percent(now["peak_occupancy"] or 0),
              t("occupancy.kpi.peak_on", day=fmt_date(now["peak_day"], peak_format)) if now["peak_day"] else None,
              delta_color="off", delta_arrow="off", help=t("occupancy.kpi.peak_help"),
              chart_data=_spark("occupancy", "max"), chart_type="bar", **common)
units_column = "units" if kind == "desk" else "booked_hours"
units, units_before = now[units_column], then[units_column]
kpi[2].metric(t(f"occupancy.units.{kind}"), fmt_number(units, digits=1 if units % 1 else 0),
              _relative(occupancy.relative_change(units, units_before)) if compare else None,
              help=t(f"occupancy.units_help.{kind}"), chart_data=_spark(units_column), chart_type="bar", **common)
no_show = now["no_show_rate"]
ns_delta = _points(occupancy.change(no_show, then["no_show_rate"])) if compare else None
kpi[3].metric(t("occupancy.kpi.no_show"), fmt_percent(no_show) if no_show is not None else "—", ns_delta,
              help=t("occupancy.kpi.no_show_help"), **_delta_style(ns_delta, "inverse"), **common)
came, came_before = now["members_came"], then["members_came"]
kpi[4].metric(t("occupancy.kpi.members"), _count(came),
              _signed(came - came_before) if compare and came is not None and came_before is not None else None,
              help=t("occupancy.kpi.members_help"), **common)
if person.role == "board":  # the database hides groups under 5 from board accounts: say so
    st.caption(t("occupancy.k_note"))

half_names = {"am": t("occupancy.half.am"), "pm": t("occupancy.half.pm")}
slots = occupancy.label_slots(slots, lang, half_names)
busy = slots[slots["open_hours"] > 0].sort_values(["occupancy", "isodow"])
if len(busy) >= 2:
    top_slot, low_slot = busy.iloc[-1], busy.iloc[0]
    st.info(t("occupancy.insight",
              busiest=t("occupancy.slot_name", weekday=top_slot["weekday"], slot=top_slot["slot"]),
              busiest_pct=fmt_percent(top_slot["occupancy"]),
              quietest=t("occupancy.slot_name", weekday=low_slot["weekday"], slot=low_slot["slot"]),
              quietest_pct=fmt_percent(low_slot["occupancy"])), icon=":material/insights:")

# ------------------------------------------------------------------ draw: the charts
st.subheader(t("occupancy.chart.daily"))
daily_chart = reads.chart_spec(person.role, ("daily", *inputs), lambda: charts.daily_occupancy(
    occupancy.label_days(days, lang), {
        "day": t("occupancy.series.day"), "rolling": t("occupancy.series.rolling"),
        "date": t("occupancy.axis.date"), "occupancy": t("occupancy.axis.occupancy")}))
st.vega_lite_chart(daily_chart, width="stretch")
st.caption(t("occupancy.chart.daily_caption"))
_take_away(daily_chart, days, "daily", list(occupancy.DAILY_COLUMNS))

left, right = st.columns(2, gap="large")
with left:
    if kind == "room":
        st.subheader(t("occupancy.chart.hours"))
        try:
            hours = occupancy.label_hours(reads.by_hour(person.role, claims, period, zone_id, kind), lang)
        except Exception as exc:
            st.error(refusal(exc))
            st.stop()
        slot_chart = reads.chart_spec(person.role, ("hours", *inputs), lambda: charts.hour_heatmap(hours, {
            "weekday": t("occupancy.axis.weekday"), "hour": t("occupancy.axis.hour"),
            "occupancy": t("occupancy.axis.occupancy")}))
        st.vega_lite_chart(slot_chart, width="stretch")
        _take_away(slot_chart, hours, "hours", ["isodow", "weekday", "hour", "open_hours", "booked_hours", "occupancy"])
    else:
        st.subheader(t("occupancy.chart.slots"))
        slot_chart = reads.chart_spec(person.role, ("slots", *inputs), lambda: charts.slot_heatmap(slots, {
            "weekday": t("occupancy.axis.weekday"), "half": t("occupancy.axis.half"),
            "occupancy": t("occupancy.axis.occupancy")}))
        st.vega_lite_chart(slot_chart, width="stretch")
        _take_away(slot_chart, slots, "slots", ["isodow", "weekday", "half", "open_hours", "booked_hours", "occupancy"])
with right:
    st.subheader(t("occupancy.chart.zones"))
    zone_chart = reads.chart_spec(person.role, ("zones", *inputs), lambda: charts.zone_bars(by_zone, {
        "zone": t("occupancy.axis.zone"), "occupancy": t("occupancy.axis.occupancy"),
        "resources": t("occupancy.axis.resources")}, highlight=zone_names[zone_id] if zone_id else None))
    st.vega_lite_chart(zone_chart, width="stretch")
    _take_away(zone_chart, by_zone, "zones", ["zone", "open_hours", "booked_hours", "occupancy"])

st.subheader(t("occupancy.chart.plans"))
st.caption(t("occupancy.plans_caption"))
plans = occupancy.plan_rows(by_plan, lang, t("occupancy.no_plan"))
# a group hidden from the board (under 5) is left out of the chart rather than drawn as 0
plan_chart = reads.chart_spec(person.role, ("plans", *inputs), lambda: charts.plan_bars(plans.dropna(), {
    "plan": t("occupancy.axis.plan"), "members": t("occupancy.series.members"),
    "came": t("occupancy.series.came"), "count": t("occupancy.axis.members")}))
st.vega_lite_chart(plan_chart, width="stretch")
_take_away(plan_chart, plans, "plans", ["plan", "members", "came"])

# ------------------------------------------------------------------ events of the period
st.subheader(t("dash.events.title"))
try:
    figures = reads.events_figures(person.role, claims, period)
except Exception as exc:
    st.error(refusal(exc))
    st.stop()
if not figures["events"]:
    st.info(t("dash.events.none"), icon=":material/event_busy:")
else:
    ev = st.columns(4)
    ev[0].metric(t("dash.events.held"), fmt_number(figures["events"]),
                 help=t("dash.events.held_help", registrations=_count(figures["registrations"])), **common)
    ev[1].metric(t("dash.events.fill"), fmt_percent(figures["fill_rate"]) if figures["fill_rate"] is not None
                 else "—", help=t("dash.events.fill_help"), **common)
    ev[2].metric(t("dash.events.attendance"), fmt_percent(figures["attendance_rate"])
                 if figures["attendance_rate"] is not None else "—", help=t("dash.events.attendance_help"), **common)
    ev[3].metric(t("dash.events.waitlist"), fmt_percent(figures["waitlist_share"])
                 if figures["waitlist_share"] is not None else "—", help=t("dash.events.waitlist_help"), **common)


# ------------------------------------------------------------------ event no-shows, next to the desks' (issue #14)
st.subheader(t("dash.noshow.title"), anchor=False)
try:
    missed = reads.event_no_shows(person.role, claims, period)
except Exception as exc:
    st.error(refusal(exc))
    st.stop()
if missed.empty:
    st.info(t("dash.noshow.none"), icon=":material/event_busy:")
else:
    total = missed[missed["month"].isna()].iloc[0]
    ns = st.columns(2)
    ns[0].metric(t("dash.noshow.rate"), fmt_percent(total["no_show_rate"]) if pd.notna(total["no_show_rate"])
                 else "—", help=t("dash.noshow.rate_help"), **common)
    ns[1].metric(t("occupancy.kpi.no_show"), fmt_percent(no_show) if no_show is not None else "—",
                 help=t("occupancy.kpi.no_show_help"), **common)
    months = missed[missed["month"].notna() & missed["event_id"].isna()]

    def _cell(value) -> str:  # a hidden count (fewer than 5, board accounts) reads "—", never "None"
        return fmt_number(value) if pd.notna(value) else "—"

    ui.table(st, pd.DataFrame({
        t("dash.noshow.month"): [fmt_date(m, "MMMM y") for m in months["month"]],
        t("dash.noshow.expected"): [_cell(v) for v in months["expected"]],
        t("dash.noshow.missed"): [_cell(v) for v in months["no_shows"]],
        t("dash.noshow.rate_col"): [fmt_percent(v) if pd.notna(v) else "—" for v in months["no_show_rate"]],
    }), hide_index=True, width="stretch")
    worst = missed[missed["event_id"].notna() & missed["no_shows"].notna() & missed["title"].notna()]
    worst = worst.sort_values(["no_shows", "starts_at"], ascending=False).head(5)
    if not worst.empty:  # the team only: board accounts read no title
        st.caption(t("dash.noshow.worst"))
        ui.table(st, pd.DataFrame({
            t("dash.noshow.event"): [f"{fmt_date(s.tz_convert(tz).date())} · {title}" for s, title in zip(worst["starts_at"],
                                                                                         worst["title"], strict=True)],
            t("dash.noshow.expected"): [_cell(v) for v in worst["expected"]],
            t("dash.noshow.missed"): [_cell(v) for v in worst["no_shows"]],
        }), hide_index=True, width="stretch")

# ------------------------------------------------------------------ the annual report (admins and the board)
@st.fragment
def _annual_report() -> None:
    """A fragment: choosing a year or saving the text reruns this part only."""
    st.subheader(t("report.section"))
    years = list(range(today.year, today.year - 4, -1))
    year = ui.select(st, t("report.year"), years, index=1 if today.month < 4 else 0, key="report_year")
    try:
        figures = reads.annual_report(person.role, claims, year)
        body = reads.report_text(person.role, claims, year, lang)
    except Exception as exc:
        st.error(refusal(exc))
        return
    name = space.settings()["space_name"]
    page_lang = lang  # the download runs on another thread, without the session's language
    st.download_button(t("report.download"), lambda: report.build_pdf(figures, page_lang, name, body),
                       file_name=f"rapport-{year}-{lang}.pdf" if lang == "fr" else f"report-{year}-{lang}.pdf",
                       mime="application/pdf", icon=":material/picture_as_pdf:", on_click="ignore",
                       key="report_pdf")
    if person.role == "admin":
        with st.form("report_text"):
            text = st.text_area(t("report.text_label", year=str(year), lang=lang.upper()), body, max_chars=4000,
                                help=t("report.text_help"), key=f"report_text_{year}_{lang}")
            if st.form_submit_button(t("report.text_save")):
                run_action(lambda: report.save_text(claims, year, lang, text), t("report.text_saved"))


if person.role in ("admin", "board"):
    _annual_report()


# ------------------------------------------------------------------ board links (admins)
def _revoke(link_id: str) -> None:
    try:
        board_links.revoke(claims, link_id)
    except Exception as exc:
        st.session_state["_board_link_error"] = refusal(exc)


@st.fragment
def _board_links() -> None:
    st.subheader(t("occupancy.board_links"))
    st.caption(t("occupancy.board_links_intro"))
    if "_board_link_error" in st.session_state:
        st.error(st.session_state.pop("_board_link_error"))
    with st.form("board_link", clear_on_submit=True):
        cols = st.columns([3, 1], vertical_alignment="bottom")
        label = cols[0].text_input(t("occupancy.board_link_label"), max_chars=120, key="board_link_label")
        days_valid = cols[1].number_input(t("occupancy.board_link_days"), 1, 366, 30, key="board_link_days")
        if st.form_submit_button(t("occupancy.board_link_create"), icon=":material/add_link:"):
            try:
                token = board_links.create(claims, label, int(days_valid))
            except Exception as exc:
                st.error(refusal(exc))
            else:
                st.success(t("occupancy.board_link_created"))
                st.code(f"{board_links.address(token)}", language=None)
    try:
        links = board_links.listing(claims)
    except Exception as exc:
        st.error(refusal(exc))
        return
    if not links:
        st.caption(t("occupancy.board_link_none"))
    for link in links:
        row = st.columns([4, 1], vertical_alignment="center")
        if link["live"]:
            row[0].markdown(t_md("occupancy.board_link_row", label=link["label"],
                              until=fmt_date(link["expires_at"].date(), "long")))
            # revoked in the click's callback, before the list below is read again
            row[1].button(t("occupancy.board_link_revoke"), key=f"revoke_{link['id']}", on_click=_revoke,
                          args=(link["id"],))
        else:
            state = t("occupancy.board_link_revoked" if link["revoked_at"] else "occupancy.board_link_expired")
            row[0].caption(t_md("occupancy.board_link_gone", label=link["label"], state=state))


if person.role == "admin":
    _board_links()
