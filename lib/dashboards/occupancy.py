"""Occupancy dashboards: periods, and the SQL aggregates as small DataFrames.

Every read runs as the person (`db.as_user`), through the `occupancy_*` and `members_by_plan`
functions of supabase/migrations/20261204140000_occupancy.sql: they return aggregates only, and refuse anyone but the
board, admins and staff (`occupancy.forbidden`). Nothing here loads bookings or members into
pandas; the largest frame is one row a day of the period.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from lib.core import clock, csv_excel, db
from lib.core.i18n import fmt_date, weekday_name
from lib.events import door

Claims = dict[str, Any]
PRESETS = ("month", "3m", "12m", "custom")
KINDS = ("desk", "room")
ROLLING_DAYS = 7
DAILY_COLUMNS = ["day", "open_hours", "booked_hours", "occupancy", "rolling_7d", "units", "bookings", "no_shows"]


@dataclass(frozen=True)
class Period:
    """Inclusive local days."""

    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one (what deltas compare with)."""
        last = self.first - dt.timedelta(days=1)
        return Period(last - dt.timedelta(days=self.days - 1), last)


def _months_back(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _same_day_months_back(day: dt.date, months: int) -> dt.date:
    """The day after the same day `months` months before (the 31st falling back to the month's end):
    "the last 3 months" on 4 December start on 5 September."""
    first = _months_back(day, months)
    following = _months_back(day, months - 1)
    last_of_month = following - dt.timedelta(days=1)
    return min(first.replace(day=1) + dt.timedelta(days=day.day - 1), last_of_month) + dt.timedelta(days=1)


def period_for(preset: str, today: dt.date, custom: tuple[dt.date, dt.date] | None = None) -> Period:
    """The period a preset means, ending today: this month so far, the last 3 or 12 months
    (exactly: the 12 months ending today are 365 or 366 days, not "since 1 January"), or the
    custom range given."""
    if preset == "month":
        return Period(today.replace(day=1), today)
    if preset == "3m":
        return Period(_same_day_months_back(today, 3), today)
    if preset == "12m":
        return Period(_same_day_months_back(today, 12), today)
    if preset == "custom" and custom:
        first, last = sorted(custom)
        return Period(first, last)
    raise ValueError(f"unknown period {preset!r}")


def space_today(claims: Claims) -> dt.date:
    """Today in the space's time zone (days on the dashboards are the space's local days)."""
    return clock.space_today(time_zone(claims))


def time_zone(claims: Claims) -> str:
    with db.as_user(claims) as conn:
        row = conn.execute("select time_zone from public.settings").fetchone()
    return row["time_zone"] if row else "Europe/Paris"


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, Decimal | int | float) else None


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns:
        if frame[column].map(lambda v: isinstance(v, Decimal)).any():
            frame[column] = frame[column].astype(float)
    return frame


# --------------------------------------------------------------------------- reads (as the person)

def zones(claims: Claims, kind: str = "desk") -> pd.DataFrame:
    """Zones holding active resources of `kind`, in the space's order: the zone filter."""
    with db.as_user(claims) as conn:
        rows = conn.execute(
            "select z.id::text as id, z.name from public.zones z"
            " where exists (select 1 from public.resources r where r.zone_id = z.id and r.active and r.kind = %s)"
            " order by z.sort_order, z.name", (kind,)).fetchall()
    return pd.DataFrame(rows, columns=["id", "name"])


def daily(claims: Claims, period: Period, zone_id: str | None = None, kind: str = "desk",
          since: dt.date | None = None) -> pd.DataFrame:
    """One row a day: open and booked hours, occupancy, a 7-day rolling occupancy, desk-days
    (`units`), bookings and no-shows. The rolling value is booked ÷ open hours over the 7 days
    ending that day (closed days weigh nothing), so it reads the week before the period too;
    days before `since` (the first booking ever) are left out of it rather than counted empty."""
    lead = dt.timedelta(days=ROLLING_DAYS - 1)
    with db.as_user(claims) as conn:
        rows = conn.execute("select * from public.occupancy_days(%s, %s, %s, %s)",
                            (period.first - lead, period.last, zone_id, kind)).fetchall()
    frame = _frame(rows, [c for c in DAILY_COLUMNS if c != "rolling_7d"])
    known = frame["day"] >= since if since else pd.Series(True, index=frame.index)
    booked = frame["booked_hours"].where(known).rolling(ROLLING_DAYS, min_periods=1).sum()
    opened = frame["open_hours"].where(known).rolling(ROLLING_DAYS, min_periods=1).sum()
    frame["rolling_7d"] = (booked / opened.where(opened > 0)).round(4)
    frame = frame[frame["day"] >= period.first].reset_index(drop=True)
    return frame[DAILY_COLUMNS]


def summary(claims: Claims, period: Period, zone_id: str | None = None, kind: str = "desk") -> dict[str, Any]:
    """The headline figures of a period (see occupancy_summary in the migration)."""
    with db.as_user(claims) as conn:
        row = conn.execute("select * from public.occupancy_summary(%s, %s, %s, %s)",
                           (period.first, period.last, zone_id, kind)).fetchone()
    return {k: (_float(v) if isinstance(v, Decimal) else v) for k, v in dict(row or {}).items()}


def by_slot(claims: Claims, period: Period, zone_id: str | None = None, kind: str = "desk") -> pd.DataFrame:
    """Occupancy per weekday (isodow) and half day (am/pm)."""
    with db.as_user(claims) as conn:
        rows = conn.execute("select * from public.occupancy_by_slot(%s, %s, %s, %s)",
                            (period.first, period.last, zone_id, kind)).fetchall()
    return _frame(rows, ["isodow", "half", "open_hours", "booked_hours", "occupancy"])


def by_zone(claims: Claims, period: Period, kind: str = "desk") -> pd.DataFrame:
    with db.as_user(claims) as conn:
        rows = conn.execute("select zone_id::text, zone, sort_order, resources, open_hours, booked_hours, occupancy"
                            " from public.occupancy_by_zone(%s, %s, %s)", (period.first, period.last, kind)).fetchall()
    return _frame(rows, ["zone_id", "zone", "sort_order", "resources", "open_hours", "booked_hours", "occupancy"])


def by_plan(claims: Claims, period: Period) -> pd.DataFrame:
    """Active members per plan and how many of them came in the period (counts only)."""
    with db.as_user(claims) as conn:
        rows = conn.execute("select plan_id::text, code, name_fr, name_en, members, came"
                            " from public.members_by_plan(%s, %s)", (period.first, period.last)).fetchall()
    return _frame(rows, ["plan_id", "code", "name_fr", "name_en", "members", "came"])


# --------------------------------------------------------------------------- shaping for display

def change(current: float | None, previous: float | None) -> float | None:
    """current − previous, or None when either is unknown (no delta is better than a wrong one)."""
    if current is None or previous is None:
        return None
    return current - previous


def comparable(previous: Period, summary_before: dict[str, Any]) -> bool:
    """A previous period is worth comparing with when it was open and lies wholly within the
    booking history (else a first year would show +46 pt against months before the app)."""
    start = summary_before.get("history_from")
    return bool(summary_before.get("open_hours")) and start is not None and start <= previous.first


def weekly(values: pd.Series, days: pd.Series, how: str = "sum") -> list[float]:
    """A daily series folded into weeks (Monday first) by `how` (sum, mean, max), for the
    sparklines of long periods."""
    stamps = pd.to_datetime(days)
    mondays = (stamps - pd.to_timedelta(stamps.dt.day_of_week, unit="D")).to_numpy()
    grouped = values.groupby(mondays)
    return [float(v) for v in grouped.agg(how).fillna(0)]


def relative_change(current: float | None, previous: float | None) -> float | None:
    """(current − previous) ÷ previous; None when the previous period had nothing."""
    if current is None or not previous:
        return None
    return (current - previous) / previous


def label_days(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Add `label`, the day as people read it in `lang` (chart tooltips)."""
    out = frame.copy()
    out["label"] = [fmt_date(d, "EEE d MMM y", lang) for d in out["day"]]
    return out


def label_slots(frame: pd.DataFrame, lang: str, half_labels: dict[str, str]) -> pd.DataFrame:
    """Add the weekday's name and the half day's label in `lang`, for the heatmap."""
    out = frame.copy()
    out["weekday"] = [weekday_name(int(d), lang, "abbreviated") for d in out["isodow"]]
    out["slot"] = [half_labels[h] for h in out["half"]]
    return out


def plan_rows(frame: pd.DataFrame, lang: str, no_plan: str) -> pd.DataFrame:
    """Plans named in `lang` (members without a plan under `no_plan`)."""
    out = frame.copy()
    column = "name_fr" if lang == "fr" else "name_en"
    out["plan"] = [name if isinstance(name, str) else no_plan for name in out[column]]
    return out[["plan", "members", "came"]]


def daily_csv(frame: pd.DataFrame) -> str:
    """The daily series as CSV (ISO dates, dot decimals: what spreadsheets and scripts parse)."""
    out = io.StringIO()
    frame[DAILY_COLUMNS].to_csv(out, index=False, date_format="%Y-%m-%d", float_format="%.4f")
    return out.getvalue()


def events_figures(claims: Claims, period: Period) -> dict[str, Any]:
    """The period's events in figures (see occupancy_events: counts of people under 5 are None
    for board accounts)."""
    with db.as_user(claims) as conn:
        row = conn.execute("select * from public.occupancy_events(%s, %s)", (period.first, period.last)).fetchone()
    return {k: (_float(v) if isinstance(v, Decimal) else v) for k, v in dict(row or {}).items()}


def by_hour(claims: Claims, period: Period, zone_id: str | None = None, kind: str = "room") -> pd.DataFrame:
    """Occupancy per weekday (isodow) and hour of the day: the rooms' heatmap."""
    with db.as_user(claims) as conn:
        rows = conn.execute("select * from public.occupancy_by_hour(%s, %s, %s, %s)",
                            (period.first, period.last, zone_id, kind)).fetchall()
    return _frame(rows, ["isodow", "hour", "open_hours", "booked_hours", "occupancy"])


def label_hours(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy()
    out["weekday"] = [weekday_name(int(d), lang, "abbreviated") for d in out["isodow"]]
    out["hour"] = [f"{int(h):02d}h" if lang == "fr" else f"{int(h):02d}:00" for h in out["hour"]]
    return out


def take_away_csv(frame: pd.DataFrame, headers: dict[str, str], lang: str) -> bytes:
    """A chart's data as CSV for Excel in `lang` (lib/core/csv_excel.py): the `headers` columns,
    dates in ISO, decimals with the language's separator (a French Excel reads 0,5, not 0.5)."""
    def cell(value: Any) -> Any:
        if isinstance(value, float | Decimal):
            return csv_excel.decimal(value, lang)
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    rows = [[cell(v) for v in row] for row in frame[list(headers)].itertuples(index=False)]
    return csv_excel.to_csv(list(headers.values()), rows, lang)


# --------------------------------------------------------------------------- event no-shows (issue #14)

def event_no_shows(claims: Claims, period: Period) -> pd.DataFrame:
    """Event no-shows over the period, aggregated in SQL (public.event_no_shows: its definition,
    k-anonymity for board accounts): rows per event, a total per month (event_id None) and for the
    period (month None)."""
    return door.no_shows(claims, period.first, period.last)

