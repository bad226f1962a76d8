"""The booking page draws the floor plan from a specification built once per state of the desks:
it must be the chart's own, follow every change of a desk's state, and never be shared (a page
that changed its copy would change everyone's plan)."""

import json

import pandas as pd

from lib.booking import floorplan


def _desks(state_of_b: str) -> pd.DataFrame:
    return pd.DataFrame({"resource_id": ["a", "b"], "resource_name": ["A1", "B1"], "zone_name": ["Open", "Open"],
                         "pos_x": [1.0, 3.0], "pos_y": [2.0, 2.0], "state": ["free", state_of_b]})


def _states(spec: dict) -> dict[str, str]:
    rows = next(rows for rows in spec["datasets"].values() if rows and "resource_id" in rows[0])
    return {r["resource_id"]: r["state"] for r in rows}


def test_the_spec_is_the_charts_and_follows_each_booking():
    labels = {"free": "Libre", "taken": "Pris"}
    spec = floorplan.floor_plan_spec(_desks("free"), labels)
    chart = json.loads(floorplan.floor_plan(_desks("free"), labels).to_json())
    assert spec["layer"][0]["mark"] == chart["layer"][0]["mark"] and spec["params"][0]["name"] == floorplan.SELECTION
    assert _states(spec) == {"a": "free", "b": "free"}
    assert _states(floorplan.floor_plan_spec(_desks("taken"), labels)) == {"a": "free", "b": "taken"}


def test_each_caller_gets_its_own_copy():
    spec = floorplan.floor_plan_spec(_desks("free"), {"free": "Libre"})
    height = spec["height"]
    spec["height"] = 1
    for rows in spec["datasets"].values():
        rows.clear()
    again = floorplan.floor_plan_spec(_desks("free"), {"free": "Libre"})
    assert again["height"] == height != 1 and len(_states(again)) == 2
