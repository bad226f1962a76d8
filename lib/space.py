"""The space as a whole: its settings and a summary for the home page."""

from __future__ import annotations

from typing import Any

from lib import db


def settings() -> dict[str, Any]:
    """The settings row (read as the owner: settings are not secret and the sign-in page needs them)."""
    with db.as_owner() as conn:
        return dict(conn.execute("select * from public.settings").fetchone())


def summary(claims: dict[str, Any]) -> dict[str, int]:
    """Counts for the home page, computed in SQL and filtered by what the person may know."""
    with db.as_user(claims) as conn:
        row = conn.execute("select * from public.space_summary()").fetchone()
    return dict(row) if row else {"members": 0, "active_members": 0, "resources": 0, "desks": 0, "rooms": 0}
