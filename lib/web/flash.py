"""A message that survives the rerun after an action ("Booked", "Cancelled").

Popping a message on the next run loses it when Streamlit reruns twice in a row (a component
reporting back, a fragment); keeping it for a few seconds of reruns does not.
"""

from __future__ import annotations

import time

SECONDS = 8.0


def set_flash(key: str, message: str) -> None:
    import streamlit as st

    st.session_state[f"_flash_{key}"] = (message, time.monotonic() + SECONDS)


def show_flash(key: str) -> None:
    """Show the page's message while it is fresh, then forget it."""
    import streamlit as st

    entry = st.session_state.get(f"_flash_{key}")
    if not entry:
        return
    message, until = entry
    if time.monotonic() > until:
        del st.session_state[f"_flash_{key}"]
        return
    st.success(message, icon=":material/check_circle:")
