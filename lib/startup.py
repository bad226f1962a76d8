"""Once-per-process work of the app, cached here rather than in app.py: app.py runs again on
every rerun, and a `st.cache_resource` decorator evaluated again re-reads its function's source
each time (7% of a shared-link rerun under a burst, measured with py-spy)."""

from __future__ import annotations

import streamlit as st

from lib import db, settings_admin


@st.cache_resource(show_spinner=False)
def database_ready() -> str:
    """Once per process: start the embedded server if it is the one, apply migrations, and load
    demo data into an empty embedded database so a first run shows something."""
    from lib import seed

    db.migrate()
    if db.is_embedded() and settings_admin.demo_autoseed():
        with db.as_owner() as conn:
            empty = conn.execute("select count(*) as n from public.members").fetchone()["n"] == 0
            if empty:
                seed.seed_demo(conn)
    return db.describe()


@st.cache_resource(ttl=24 * 3600, show_spinner=False)
def daily_housekeeping() -> int:
    """At most once a day per process: profiles unused and not updated for the configured months
    fall back to hidden (their owners are told on next sign-in)."""
    from lib import privacy

    try:
        return privacy.hide_stale_profiles(None)
    except Exception:  # housekeeping must never stop a page; it runs again tomorrow
        return 0
