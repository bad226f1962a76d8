"""Cached reads of the shared-link page, shared by every visitor of a link (they name no one).

They live in a module, not in the page: a page script runs again on every rerun, and a
`st.cache_data` decorator run again re-reads the function's source each time (7% of a link
rerun under a burst, measured with py-spy).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from lib import bookings, share_links


@st.cache_data(ttl=60, show_spinner=False, max_entries=100)
def space(token: str) -> dict:
    return share_links.space(token)


@st.cache_data(ttl=10, show_spinner=False, max_entries=1000)
def day(token: str, day: dt.date, slot: str, lang: str) -> tuple[dict[str, str], str]:
    """Free desks for a slot as {id: label}, and the day's grid as a Markdown table: computed once
    per link, day, slot and language every few seconds, whoever asks (it names no one). Plain
    strings on purpose: unpickling and Arrow-encoding a DataFrame cost more than the rest of the
    page under a burst (measured with bench/link_burst.py)."""
    grid = bookings.link_day_grid(token, day, "desk")
    free = bookings.free_resources(grid, slot)
    return (dict(zip(free.resource_id, free.resource_name + " · " + free.zone_name, strict=True)),
            bookings.grid_markdown(grid, lang))


