"""The floor plan: desks at their positions, coloured by availability, clickable.

Pure: a DataFrame in, an Altair chart out. Clicking a desk selects it through the chart's
point selection named `desk` (Streamlit returns it with `on_select="rerun"`).

Readable on a phone (390 px): each zone is drawn as its own block, one under the other, with its
name above it, so the plan is as wide as one zone rather than the whole building; desks are
rectangles sized in metres (they shrink with the screen and never overlap), and their names are
written inside them.
"""

from __future__ import annotations

import json
from functools import lru_cache

import altair as alt
import pandas as pd

SELECTION = "desk"
COLOURS = {"free": "#16a34a", "mine": "#2563eb", "taken": "#9ca3af", "closed": "#4b5563", "past": "#d1d5db",
           "desk": "#475569"}
_STRONGEST = ("closed", "mine", "taken", "past")
_RANK = {state: i for i, state in enumerate(_STRONGEST)}
_BY_RANK = {**dict(enumerate(_STRONGEST)), len(_STRONGEST): "free"}
DESK_M = 1.8        # a desk's side in metres at most (demo desks are 2.2 m apart)
ZONE_GAP_M = 2.2    # room for a zone's name above its desks
PX_PER_M = 30       # the plan's height per metre of depth
LEGEND_PX = 80      # Streamlit fits the legend inside the height (autosize "fit"): room for its two rows


def slot_states(grid: pd.DataFrame, slot: str) -> pd.DataFrame:
    """One row per desk with its state for a slot; "day" combines both halves (free only if both are)."""
    if grid.empty:
        return grid.assign(state=[])
    halves = ["am", "pm"] if slot == "day" else [slot]
    part = grid[grid["slot"].isin(halves)]

    # the strongest state of the halves wins (closed, mine, taken, past), else free: a rank per
    # row and a grouped minimum, not a Python function per desk (a tenth of a rerun at 213 desks)
    rank = part["state"].map(_RANK).fillna(len(_STRONGEST)).astype(int)
    states = rank.groupby(part["resource_id"], sort=False).min().map(_BY_RANK)
    first = part.drop_duplicates("resource_id").set_index("resource_id")
    out = first[["resource_name", "zone_name", "pos_x", "pos_y"]].copy()
    out["state"] = states
    return out.reset_index()


def layout(desks: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Desks placed zone under zone: (desks with x0, x1, y0, y1, cx, cy in metres, zone titles
    with x, y, total depth in metres). Within a zone positions keep their distances; a desk's
    side is 80% of the closest spacing in its zone, at most DESK_M, so rectangles never overlap."""
    data = desks.dropna(subset=["pos_x", "pos_y"]).copy()
    placed, titles, top = [], [], 0.0
    for zone, part in data.groupby("zone_name", sort=False):
        part = part.copy()
        xs, ys = part["pos_x"].astype(float), part["pos_y"].astype(float)
        gaps = [abs(a - b) for col in (sorted(set(xs)), sorted(set(ys))) for a, b in zip(col, col[1:], strict=False)
                if a != b]
        side = min(DESK_M, 0.8 * min(gaps)) if gaps else DESK_M
        part["x0"] = xs - xs.min()
        part["y0"] = ys - ys.min() + top + ZONE_GAP_M
        part["x1"], part["y1"] = part["x0"] + side, part["y0"] + side
        part["cx"], part["cy"] = part["x0"] + side / 2, part["y0"] + side / 2
        titles.append({"zone_name": zone, "x": 0.0, "y": top + ZONE_GAP_M * 0.55})
        top = float(part["y1"].max()) + 0.6
        placed.append(part)
    frame = pd.concat(placed) if placed else data.assign(x0=[], x1=[], y0=[], y1=[], cx=[], cy=[])
    return frame, pd.DataFrame(titles, columns=["zone_name", "x", "y"]), top


def floor_plan(desks: pd.DataFrame, state_labels: dict[str, str], height: int | None = None) -> alt.LayerChart:
    """Desks as rectangles, zone under zone with the zone's name, coloured by state, names written
    on them. `desks` has resource_id, resource_name, zone_name, pos_x, pos_y, state. The height
    follows the plan's depth unless given."""
    data, titles, depth = layout(desks)
    data = data.assign(state_label=lambda d: d["state"].map(state_labels).fillna(d["state"]))
    shown = [s for s in COLOURS if s in state_labels]
    domain = [state_labels[s] for s in shown]
    pick = alt.selection_point(name=SELECTION, fields=["resource_id"], on="click", clear="dblclick")
    width = float(data["x1"].max()) + 0.3 if not data.empty else 1.0
    x = alt.Scale(domain=[-0.3, width], nice=False, zero=False)
    y = alt.Scale(domain=[0, max(depth, 1.0)], nice=False, zero=False, reverse=True)
    rects = alt.Chart(data).mark_rect(cornerRadius=4, stroke="white", strokeWidth=1).encode(
        x=alt.X("x0:Q", axis=None, scale=x), x2="x1:Q",
        y=alt.Y("y0:Q", axis=None, scale=y), y2="y1:Q",
        color=alt.Color("state_label:N", scale=alt.Scale(domain=domain, range=[COLOURS[s] for s in shown]),
                        legend=alt.Legend(title=None, orient="bottom", direction="horizontal", columns=3)),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.55)),
        tooltip=[alt.Tooltip("resource_name:N", title="#"), alt.Tooltip("zone_name:N", title=" "),
                 alt.Tooltip("state_label:N", title=" ")],
    ).add_params(pick)
    names = alt.Chart(data).mark_text(fontSize=11, color="white", fontWeight="bold").encode(
        x=alt.X("cx:Q", axis=None, scale=x), y=alt.Y("cy:Q", axis=None, scale=y), text="resource_name:N")
    zones = alt.Chart(titles).mark_text(align="left", baseline="middle", fontSize=13, fontWeight="bold",
                                        color="#334155").encode(
        x=alt.X("x:Q", axis=None, scale=x), y=alt.Y("y:Q", axis=None, scale=y), text="zone_name:N")
    return alt.layer(rects, names, zones).properties(
        height=height or max(120, int(depth * PX_PER_M)) + LEGEND_PX).configure_view(stroke=None)


_PLAN_COLUMNS = ["resource_id", "resource_name", "zone_name", "pos_x", "pos_y", "state"]


def floor_plan_spec(desks: pd.DataFrame, state_labels: dict[str, str], height: int | None = None) -> dict:
    """`floor_plan` as a Vega-Lite specification (for `st.vega_lite_chart`), built once for the
    same desks, states and labels: building and validating the Altair chart was a quarter of a
    booking page's rerun, and the plan only changes when a booking does."""
    rows = tuple(desks[_PLAN_COLUMNS].itertuples(index=False, name=None))
    return json.loads(_spec_json(rows, tuple(state_labels.items()), height))  # a fresh copy each time


@lru_cache(maxsize=64)
def _spec_json(rows: tuple, labels: tuple, height: int | None) -> str:
    desks = pd.DataFrame(list(rows), columns=_PLAN_COLUMNS)
    return floor_plan(desks, dict(labels), height).to_json()
