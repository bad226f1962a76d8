"""Changing the space's settings (admins). The database checks the same rules (constraints on
`settings`, RLS: only admins update); checking here first gives a message naming the field."""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from functools import lru_cache
from typing import Any

from psycopg import sql

from lib.core import db
from lib.core.errors import UserError
from lib.space import space

EDITABLE = ("space_name", "time_zone", "default_language", "open_days", "opens_at", "midday_at", "closes_at",
            "booking_window_days", "cancellation_cutoff_hours", "release_unclaimed_minutes",
            "guest_approval_required", "room_hours_per_day", "profile_stale_months", "registration_cutoff_minutes")


def demo_autoseed() -> bool:
    """Whether `run.sh` loads demo data into an empty embedded database before the app starts
    (`python -m lib seed --demo --first-run`), so a first run shows something. CANTINE_DEMO=0 (or `[app] demo = false` in secrets) turns it
    off, and a new space then sees the first-run form: "create the first admin"."""
    value = os.environ.get("CANTINE_DEMO") or str(db.read_secrets().get("app", {}).get("demo", "1"))
    return value.strip().lower() not in ("0", "false", "no", "off")


@lru_cache(maxsize=1)
def time_zones() -> list[str]:
    """Time zones people pick from (Area/City names, sorted, Europe/Paris among them)."""
    return sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


def validate(values: dict[str, Any]) -> dict[str, Any]:
    """Cleaned values, or a UserError naming the first field that is wrong and how to fix it."""
    clean = {k: values[k] for k in EDITABLE if k in values}
    name = (clean.get("space_name") or "").strip()
    if not 1 <= len(name) <= 120:
        raise UserError("settings.bad_name")
    clean["space_name"] = name
    if clean.get("time_zone") not in set(time_zones()) | {"UTC"}:
        raise UserError("settings.bad_time_zone")
    if clean.get("default_language") not in ("fr", "en"):
        raise UserError("settings.bad_language")
    days = sorted({int(d) for d in clean.get("open_days") or []})
    if not days or any(d < 1 or d > 7 for d in days):
        raise UserError("settings.bad_days")
    clean["open_days"] = days
    opens, midday, closes = clean.get("opens_at"), clean.get("midday_at"), clean.get("closes_at")
    if not all(isinstance(v, dt.time) for v in (opens, midday, closes)) or not opens < midday < closes:
        raise UserError("settings.bad_hours")
    window, cutoff = clean.get("booking_window_days"), clean.get("cancellation_cutoff_hours")
    if not isinstance(window, int) or not 1 <= window <= 730:
        raise UserError("settings.bad_window")
    if "release_unclaimed_minutes" in clean:
        release = clean["release_unclaimed_minutes"]
        if release in (0, None):
            clean["release_unclaimed_minutes"] = None  # 0 in the form means: never release
        elif not isinstance(release, int) or not 5 <= release <= 480:
            raise UserError("settings.bad_release")
    if "room_hours_per_day" in clean and not (isinstance(clean["room_hours_per_day"], int)
                                              and 1 <= clean["room_hours_per_day"] <= 24):
        raise UserError("settings.bad_room_hours")
    if "profile_stale_months" in clean and not (isinstance(clean["profile_stale_months"], int)
                                                and 1 <= clean["profile_stale_months"] <= 120):
        raise UserError("settings.bad_stale_months")
    if "registration_cutoff_minutes" in clean and not (isinstance(clean["registration_cutoff_minutes"], int)
                                                       and 0 <= clean["registration_cutoff_minutes"] <= 10080):
        raise UserError("db.settings_registration_cutoff")
    if "guest_approval_required" in clean:
        clean["guest_approval_required"] = bool(clean["guest_approval_required"])
    if not isinstance(cutoff, int) or not 0 <= cutoff <= 168:
        raise UserError("settings.bad_cutoff")
    return clean


def save(claims: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Validate and store, as the admin (RLS refuses anyone else). Returns the stored row."""
    clean = validate(values)
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(column), sql.Placeholder(column)) for column in clean)
    with db.as_user(claims) as conn:
        row = conn.execute(sql.SQL("update public.settings set {} returning *").format(assignments), clean).fetchone()
    if row is None:
        raise UserError("db.permission_denied")
    space.forget_settings()
    return dict(row)
