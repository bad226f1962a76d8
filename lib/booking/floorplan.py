"""The floor plan: desks at their positions, coloured by availability, clickable.

Pure: a DataFrame in, an Altair chart out. Clicking a desk selects it through the chart's
point selection named `desk` (Streamlit returns it with `on_select="rerun"`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

SELECTION = "desk"
COLOURS = {"free": "#16a34a", "mine": "#2563eb", "taken": "#9ca3af", "closed": "#4b5563", "past": "#d1d5db"}


def slot_states(grid: pd.DataFrame, slot: str) -> pd.DataFrame:
    """One row per desk with its state for a slot; "day" combines both halves (free only if both are)."""
    if grid.empty:
        return grid.assign(state=[])
    halves = ["am", "pm"] if slot == "day" else [slot]
    part = grid[grid["slot"].isin(halves)]

    def combine(states: pd.Series) -> str:
        values = set(states)
        for state in ("closed", "mine", "taken", "past"):
            if state in values:
                return state
        return "free"

    states = part.groupby("resource_id", sort=False)["state"].agg(combine)
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
