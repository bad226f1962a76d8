"""The floor plan on a phone (#13): zone under zone with its name, desks that never overlap and
a plan as wide as one zone (not the whole building), and the plan on the shared link's page."""

from __future__ import annotations

import itertools

from lib.booking import floorplan, share_links
from lib.core import db
from tests.booking.test_volunteer_link_page import link_app


def _demo_desks():
    with db.as_owner() as conn:
        rows = conn.execute("select r.id::text as resource_id, r.name as resource_name, z.name as zone_name,"
                            " r.pos_x::float as pos_x, r.pos_y::float as pos_y, 'free' as state"
                            " from public.resources r join public.zones z on z.id = r.zone_id"
                            " where r.kind = 'desk' order by z.sort_order, r.name").fetchall()
    import pandas as pd
    return pd.DataFrame(rows)


def test_zones_stack_with_their_names_and_desks_never_overlap(demo_db):
    desks = _demo_desks()
    placed, titles, depth = floorplan.layout(desks)
    assert list(titles.zone_name) == list(dict.fromkeys(desks.zone_name))  # every zone is named
    for a, b in itertools.combinations(placed.itertuples(), 2):
        apart = a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0
        assert apart, (a.resource_name, b.resource_name)
    # as wide as the widest zone (~10 m), not the building (~45 m): at 390 px a desk keeps ~50 px
    assert placed.x1.max() <= 12 and desks.pos_x.max() - desks.pos_x.min() > 30
    spec = floorplan.floor_plan_spec(desks, {"free": "libre"})
    names = {r["zone_name"] for rows in spec["datasets"].values() for r in rows if "x" in r}
    assert names == set(desks.zone_name)


def test_the_shared_link_shows_the_desk_map(demo_db):
    token = share_links.create(db.OWNER, "Newsletter")
    at = link_app(t=token)
    assert not at.exception
    (plan,) = at.get("vega_lite_chart") or [None]
    assert plan is not None, "the desk map is on the link's page"
