"""Altair chart builders: a small DataFrame in, a chart out, nothing read or translated here.

Labels come in already translated (`labels` dicts), and dates come with a `label` column
formatted by Babel, because Vega's own date formatting would speak English on a French page.
Axis dates use numeric formats for the same reason.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

PERCENT = ".0%"
ACCENT = "#1f6f8b"
MUTED = "#9ecae1"


def _percent_domain(values: pd.Series) -> list[float]:
    """0 to 100 % for busy resources; zoomed to the next 10 % step above the highest value when
    everything stays under 50 % (rooms at 5 % would otherwise be a flat line on the floor)."""
    top = float(values.max()) if len(values) and pd.notna(values.max()) else 0.0
    if top >= 0.5:
        return [0.0, max(1.0, top)]
    return [0.0, max(0.1, math.ceil(top * 1.15 * 10) / 10)]


def daily_occupancy(frame: pd.DataFrame, labels: dict[str, str]) -> alt.LayerChart:
    """Daily occupancy as points joined by a thin line (open days only), and the 7-day average
    as a thick line. `frame`: day, label, occupancy, rolling_7d, open_hours.
    `labels`: day, rolling, date, occupancy."""
    data = frame[frame["open_hours"] > 0].copy()
    data["day"] = pd.to_datetime(data["day"])
    long = data.melt(id_vars=["day", "label"], value_vars=["occupancy", "rolling_7d"], var_name="series",
                     value_name="value")
    long["series"] = long["series"].map({"occupancy": labels["day"], "rolling_7d": labels["rolling"]})
    span = (data["day"].max() - data["day"].min()).days if len(data) else 0
    axis_format = "%d/%m" if span <= 120 else "%m/%Y"
    # ticks on whole days (or months): left to itself Vega puts ticks every few hours on a short
    # period, each labelled with the same day ("01/12 01/12 …")
    ticks = (alt.TickCount(interval="day", step=max(1, math.ceil((span + 1) / 10))) if span <= 120
             else alt.TickCount(interval="month", step=1 if span <= 400 else 3))
    color = alt.Color("series:N", title=None,
                      scale=alt.Scale(domain=[labels["day"], labels["rolling"]], range=[MUTED, ACCENT]),
                      legend=alt.Legend(orient="top"))
    base = alt.Chart(long).encode(
        x=alt.X("day:T", title=labels["date"], axis=alt.Axis(format=axis_format, labelOverlap=True, tickCount=ticks)),
        y=alt.Y("value:Q", title=labels["occupancy"], axis=alt.Axis(format=PERCENT),
                scale=alt.Scale(domain=_percent_domain(long["value"]))),
        color=color,
        tooltip=[alt.Tooltip("label:N", title=labels["date"]), alt.Tooltip("series:N", title=" "),
                 alt.Tooltip("value:Q", title=labels["occupancy"], format=PERCENT)],
    )
    daily = base.transform_filter(alt.datum.series == labels["day"])
    rolling = base.transform_filter(alt.datum.series == labels["rolling"])
    return alt.layer(
        daily.mark_line(strokeWidth=1, opacity=0.7),
        daily.mark_circle(size=18, opacity=0.9) if len(data) <= 200 else daily.mark_line(strokeWidth=0),
        rolling.mark_line(strokeWidth=3),
    ).properties(height=300)


def slot_heatmap(frame: pd.DataFrame, labels: dict[str, str]) -> alt.LayerChart:
    """Weekdays down, morning and afternoon across, each cell's occupancy written in it.
    `frame`: isodow, weekday, half, slot, occupancy. `labels`: weekday, half, occupancy."""
    days = frame.sort_values("isodow")["weekday"].drop_duplicates().tolist()
    halves = frame.sort_values("half")["slot"].drop_duplicates().tolist()
    base = alt.Chart(frame).encode(
        x=alt.X("slot:N", title=labels["half"], sort=halves, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("weekday:N", title=labels["weekday"], sort=days),
    )
    cells = base.mark_rect(cornerRadius=3).encode(
        color=alt.Color("occupancy:Q", title=labels["occupancy"], legend=None,
                        scale=alt.Scale(scheme="blues", domain=_percent_domain(frame["occupancy"]))),
        tooltip=[alt.Tooltip("weekday:N", title=labels["weekday"]), alt.Tooltip("slot:N", title=labels["half"]),
                 alt.Tooltip("occupancy:Q", title=labels["occupancy"], format=PERCENT)],
    )
    text = base.mark_text(fontSize=13).encode(
        text=alt.Text("occupancy:Q", format=PERCENT),
        # white only on the dark end of the scale, where black would not read
        color=alt.condition(alt.datum.occupancy > 0.7, alt.value("white"), alt.value("#1b1b1b")),
    )
    return alt.layer(cells, text).properties(height=alt.Step(34))


def zone_bars(frame: pd.DataFrame, labels: dict[str, str], highlight: str | None = None) -> alt.LayerChart:
    """Occupancy per zone, horizontal bars in the space's zone order, the value at each bar's end;
    the `highlight` zone (the one the page is filtered on) stands out, the others step back.
    `frame`: zone, resources, occupancy. `labels`: zone, occupancy, resources."""
    order = frame["zone"].tolist()
    frame = frame.assign(chosen=[highlight is None or z == highlight for z in frame["zone"]])
    base = alt.Chart(frame).encode(
        y=alt.Y("zone:N", title=None, sort=order),
        x=alt.X("occupancy:Q", title=labels["occupancy"], axis=alt.Axis(format=PERCENT),
                scale=alt.Scale(domain=_percent_domain(frame["occupancy"]))),
        tooltip=[alt.Tooltip("zone:N", title=labels["zone"]), alt.Tooltip("resources:Q", title=labels["resources"]),
                 alt.Tooltip("occupancy:Q", title=labels["occupancy"], format=PERCENT)],
    )
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.condition(alt.datum.chosen, alt.value(ACCENT), alt.value(MUTED)))
    return alt.layer(bars,
                     base.mark_text(align="left", dx=4).encode(text=alt.Text("occupancy:Q", format=PERCENT))
                     ).properties(height=alt.Step(30))


def plan_bars(frame: pd.DataFrame, labels: dict[str, str]) -> alt.LayerChart:
    """Per plan, active members and how many came, side by side (counts only).
    `frame`: plan, members, came. `labels`: plan, members (series), came (series), count (axis)."""
    order = frame["plan"].tolist()
    long = frame.melt(id_vars=["plan"], value_vars=["members", "came"], var_name="series", value_name="count")
    long["series"] = long["series"].map({"members": labels["members"], "came": labels["came"]})
    series = [labels["members"], labels["came"]]
    base = alt.Chart(long).encode(
        y=alt.Y("plan:N", title=None, sort=order),
        yOffset=alt.YOffset("series:N", sort=series),
        x=alt.X("count:Q", title=labels["count"], axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=series, range=[MUTED, ACCENT]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("plan:N", title=labels["plan"]), alt.Tooltip("series:N", title=" "),
                 alt.Tooltip("count:Q", title=labels["count"], format="d")],
    )
    return alt.layer(base.mark_bar(cornerRadiusEnd=3),
                     base.mark_text(align="left", dx=3).encode(text=alt.Text("count:Q", format="d"),
                                                               color=alt.value("#1b1b1b"))
                     ).properties(height=alt.Step(16))


def monthly_occupancy(frame: pd.DataFrame, labels: dict[str, str]) -> alt.LayerChart:
    """Desk occupancy per month as bars, the value on each bar (the annual report).
    `frame`: label (the month's name, already translated), occupancy. `labels`: month, occupancy."""
    order = frame["label"].tolist()
    base = alt.Chart(frame).encode(
        x=alt.X("label:N", title=labels["month"], sort=order, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("occupancy:Q", title=labels["occupancy"], axis=alt.Axis(format=PERCENT),
                scale=alt.Scale(domain=_percent_domain(frame["occupancy"]))),
        tooltip=[alt.Tooltip("label:N", title=labels["month"]),
                 alt.Tooltip("occupancy:Q", title=labels["occupancy"], format=PERCENT)],
    )
    return alt.layer(base.mark_bar(color=ACCENT, cornerRadiusEnd=2),
                     base.mark_text(dy=-6).encode(text=alt.Text("occupancy:Q", format=PERCENT))
                     ).properties(height=220, width=460)


def hour_heatmap(frame: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    """Rooms by the hour: weekdays down, hours across. `frame`: isodow, weekday, hour, occupancy.
    `labels`: weekday, hour, occupancy."""
    days = frame.sort_values("isodow")["weekday"].drop_duplicates().tolist()
    return alt.Chart(frame).mark_rect(cornerRadius=2).encode(
        x=alt.X("hour:O", title=labels["hour"], axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("weekday:N", title=labels["weekday"], sort=days),
        color=alt.Color("occupancy:Q", title=labels["occupancy"], legend=alt.Legend(format=PERCENT),
                        scale=alt.Scale(scheme="blues", domain=_percent_domain(frame["occupancy"]))),
        tooltip=[alt.Tooltip("weekday:N", title=labels["weekday"]), alt.Tooltip("hour:O", title=labels["hour"]),
                 alt.Tooltip("occupancy:Q", title=labels["occupancy"], format=PERCENT)],
    ).properties(height=alt.Step(26))


# numbers and dates inside a PNG as the page's language writes them (vl-convert's own locales,
# bundled: nothing is downloaded)
_VL_LOCALES = {"fr": "fr-FR", "en": "en-GB"}


def to_png(chart: alt.TopLevelMixin | dict, lang: str, scale: float = 2) -> bytes:
    """The chart (or its Vega-Lite spec) as a PNG, rendered in-process by vl-convert (no browser),
    in `lang`. A chart sized by the page's container gets a fixed width first: a PNG has none."""
    import vl_convert  # noqa: PLC0415 - heavy (a JS engine): loaded on the first download only

    spec = dict(chart) if isinstance(chart, dict) else chart.to_dict()
    if spec.get("width") in (None, "container"):
        spec["width"] = 640
    return vl_convert.vegalite_to_png(vl_spec=spec, scale=scale, format_locale=_VL_LOCALES[lang],
                                      time_format_locale=_VL_LOCALES[lang])
