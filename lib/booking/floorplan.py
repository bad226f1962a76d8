"""The floor plan: desks at their positions, coloured by availability, clickable.

Pure: a DataFrame in, an Altair chart out. Clicking a desk selects it through the chart's
point selection named `desk` (Streamlit returns it with `on_select="rerun"`).
"""

from __future__ import annotations

import json
from functools import lru_cache

import altair as alt
import pandas as pd

SELECTION = "desk"
COLOURS = {"free": "#16a34a", "mine": "#2563eb", "taken": "#9ca3af", "closed": "#4b5563", "past": "#d1d5db"}
_STRONGEST = ("closed", "mine", "taken", "past")
_RANK = {state: i for i, state in enumerate(_STRONGEST)}
_BY_RANK = {**dict(enumerate(_STRONGEST)), len(_STRONGEST): "free"}


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


def floor_plan(desks: pd.DataFrame, state_labels: dict[str, str], height: int = 320) -> alt.LayerChart:
    """Desks as squares at (pos_x, pos_y) metres, coloured by state, names written on them.
    `desks` has resource_id, resource_name, zone_name, pos_x, pos_y, state."""
    data = desks.dropna(subset=["pos_x", "pos_y"]).assign(
        state_label=lambda d: d["state"].map(state_labels).fillna(d["state"]))
    domain = [state_labels.get(s, s) for s in COLOURS]
    pick = alt.selection_point(name=SELECTION, fields=["resource_id"], on="click", clear="dblclick")
    base = alt.Chart(data).encode(
        x=alt.X("pos_x:Q", axis=None, scale=alt.Scale(zero=True, nice=False, padding=20)),
        y=alt.Y("pos_y:Q", axis=None, scale=alt.Scale(zero=True, reverse=True, nice=False, padding=20)),
    )
    squares = base.mark_square(size=900, cornerRadius=4).encode(
        color=alt.Color("state_label:N", scale=alt.Scale(domain=domain, range=list(COLOURS.values())),
                        legend=alt.Legend(title=None, orient="bottom")),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.55)),
        tooltip=[alt.Tooltip("resource_name:N", title="#"), alt.Tooltip("zone_name:N", title=" "),
                 alt.Tooltip("state_label:N", title=" ")],
    ).add_params(pick)
    names = base.mark_text(fontSize=10, color="white", fontWeight="bold").encode(text="resource_name:N")
    return alt.layer(squares, names).properties(height=height)


_PLAN_COLUMNS = ["resource_id", "resource_name", "zone_name", "pos_x", "pos_y", "state"]


def floor_plan_spec(desks: pd.DataFrame, state_labels: dict[str, str], height: int = 320) -> dict:
    """`floor_plan` as a Vega-Lite specification (for `st.vega_lite_chart`), built once for the
    same desks, states and labels: building and validating the Altair chart was a quarter of a
    booking page's rerun, and the plan only changes when a booking does."""
    rows = tuple(desks[_PLAN_COLUMNS].itertuples(index=False, name=None))
    return json.loads(_spec_json(rows, tuple(state_labels.items()), height))  # a fresh copy each time


@lru_cache(maxsize=64)
def _spec_json(rows: tuple, labels: tuple, height: int) -> str:
    desks = pd.DataFrame(list(rows), columns=_PLAN_COLUMNS)
    return floor_plan(desks, dict(labels), height).to_json()
