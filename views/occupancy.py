"""Occupancy dashboard for the board and the team: choose a period → ask lib → draw."""


import streamlit as st

from lib.core.i18n import current_language, fmt_date, fmt_number, fmt_percent, t
from lib.dashboards import charts, occupancy
from lib.events import events
from lib.web import reads, session
from lib.web.ui import refusal

person = session.require_page(__file__)

MAX_DAYS = 1100  # three years and a bit: the longest history the space keeps in view


def _points(value: float | None) -> str | None:
    """A change of rate in percentage points, signed ('+3,2 pt'): a rate's delta is not a %."""
    if value is None:
        return None
    return ("-" if value < 0 else "+") + t("occupancy.points", value=fmt_number(abs(value) * 100, digits=1))


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
zone_id = second[0].selectbox(t("occupancy.zone"), list(zone_names), format_func=zone_names.get,
                              key=f"occ_zone_{lang}") or None

custom = None
if preset == "custom":
    start = occupancy.period_for("3m", today).first
    picked = second[1].date_input(t("occupancy.custom_range"), value=(start, today), max_value=today,
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
    series = open_days[column].fillna(0)
    return occupancy.weekly(series, open_days["day"], how) if long_period else series.tolist()


# the year only when the period spans two of them
peak_format = "EEE d MMM" if period.first.year == period.last.year else "EEE d MMM y"
kpi = st.columns(5)
common = {"border": True, "height": "stretch"}
kpi[0].metric(t("occupancy.kpi.occupancy"), fmt_percent(now["occupancy"]),
              _points(occupancy.change(now["occupancy"], then["occupancy"])) if compare else None,
              help=t("occupancy.kpi.occupancy_help"), chart_data=_spark("occupancy", "mean"), chart_type="area",
              **common)
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
kpi[3].metric(t("occupancy.kpi.no_show"), fmt_percent(no_show) if no_show is not None else "—",
              _points(occupancy.change(no_show, then["no_show_rate"])) if compare else None,
              delta_color="inverse", help=t("occupancy.kpi.no_show_help"), **common)
kpi[4].metric(t("occupancy.kpi.members"), fmt_number(now["members_came"]),
              _signed(now["members_came"] - then["members_came"]) if compare else None,
              help=t("occupancy.kpi.members_help"), **common)

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
st.altair_chart(charts.daily_occupancy(occupancy.label_days(days, lang), {
    "day": t("occupancy.series.day"), "rolling": t("occupancy.series.rolling"),
    "date": t("occupancy.axis.date"), "occupancy": t("occupancy.axis.occupancy")}), width="stretch")
st.caption(t("occupancy.chart.daily_caption"))

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("occupancy.chart.slots"))
    st.altair_chart(charts.slot_heatmap(slots, {
        "weekday": t("occupancy.axis.weekday"), "half": t("occupancy.axis.half"),
        "occupancy": t("occupancy.axis.occupancy")}), width="stretch")
with right:
    st.subheader(t("occupancy.chart.zones"))
    st.altair_chart(charts.zone_bars(by_zone, {
        "zone": t("occupancy.axis.zone"), "occupancy": t("occupancy.axis.occupancy"),
        "resources": t("occupancy.axis.resources")}, highlight=zone_names[zone_id] if zone_id else None),
        width="stretch")

st.subheader(t("occupancy.chart.plans"))
st.caption(t("occupancy.plans_caption"))
st.altair_chart(charts.plan_bars(occupancy.plan_rows(by_plan, lang, t("occupancy.no_plan")), {
    "plan": t("occupancy.axis.plan"), "members": t("occupancy.series.members"),
    "came": t("occupancy.series.came"), "count": t("occupancy.axis.members")}), width="stretch")

st.download_button(t("occupancy.download"), occupancy.daily_csv(days),
                   file_name=f"occupancy-{kind}-{period.first:%Y-%m-%d}-{period.last:%Y-%m-%d}.csv",
                   mime="text/csv", icon=":material/download:", on_click="ignore")

# ------------------------------------------------------------------ events of the period
st.subheader(t("dash.events.title"))
try:
    held = reads.event_stats(person.role, claims, period.first, period.last)
except Exception as exc:
    st.error(refusal(exc))
    st.stop()
figures = events.stats_summary(held)
if not figures["events"]:
    st.info(t("dash.events.none"), icon=":material/event_busy:")
else:
    ev = st.columns(4)
    ev[0].metric(t("dash.events.held"), fmt_number(figures["events"]),
                 help=t("dash.events.held_help", registrations=fmt_number(figures["registrations"])), **common)
    ev[1].metric(t("dash.events.fill"), fmt_percent(figures["fill_rate"]), help=t("dash.events.fill_help"), **common)
    ev[2].metric(t("dash.events.attendance"), fmt_percent(figures["attendance_rate"])
                 if figures["attendance_rate"] is not None else "—", help=t("dash.events.attendance_help"), **common)
    ev[3].metric(t("dash.events.waitlist"), fmt_percent(figures["waitlist_share"]),
                 help=t("dash.events.waitlist_help"), **common)
