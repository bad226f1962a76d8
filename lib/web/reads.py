"""The pages' cached reads, in one place: each is a function of lib wrapped once per process
(not redefined by a page on every run) and kept per person, so nobody is served what another may
see. `run_action` (lib/web/ui.py) forgets them all after a write, and tests before each test.

A new cached read: one line here, `name = for_person(area.function, ttl_seconds)`, called by the
page as `reads.name(claims, …)` with the arguments of `area.function`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from lib.booking import bookings
from lib.core import db
from lib.dashboards import occupancy, report
from lib.directory import members, privacy, showcase, skills
from lib.events import door, events
from lib.money import money
from lib.web.ui import cache_key

T = TypeVar("T")


def _cached(read: Callable[..., T], ttl: int) -> Callable[..., T]:
    """`read(claims, *args)` behind Streamlit's cache, keyed by a key the caller gives (never by
    the claims themselves, which are passed through unhashed)."""
    def cached(_claims: dict[str, Any], key: str, *args: Any) -> T:
        return read(_claims, *args)

    # Streamlit keys a cache by the function's module, qualified name and source: the source is
    # the same for every reader made here, so each gets its own name
    cached.__qualname__ = cached.__name__ = f"{read.__module__}.{read.__qualname__}".replace(".", "_")
    return st.cache_data(ttl=ttl, show_spinner=False)(cached)


def for_person(read: Callable[..., T], ttl: int) -> Callable[..., T]:
    """`read(claims, *args)` cached for `ttl` seconds per person (the claims' subject) and
    arguments. Called as `reader(claims, *args)`."""
    cached = _cached(read, ttl)

    def call(claims: dict[str, Any], *args: Any) -> T:
        return cached(claims, cache_key(claims), *args)

    call.__doc__ = read.__doc__
    return call


def for_role(read: Callable[..., T], ttl: int) -> Callable[..., T]:
    """`read(claims, *args)` cached per role of the app (and database): for aggregates that are the
    same for everyone of a role (the dashboards), so the second board member of the day waits for
    nothing. Called as `reader(person.role, claims, *args)`."""
    cached = _cached(read, ttl)

    def call(role: str, claims: dict[str, Any], *args: Any) -> T:
        return cached(claims, f"{role}@{db.current_key()}", *args)

    call.__doc__ = read.__doc__
    return call


def _space_settings(_claims: dict[str, Any]) -> dict[str, Any]:
    return bookings.booking_settings()


def _today_and_zone(claims: dict[str, Any]) -> tuple[Any, str]:
    return occupancy.space_today(claims), occupancy.time_zone(claims)


def _approved_skills(claims: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in skills.vocabulary(claims) if s["status"] == "approved"]


def _member_labels(claims: dict[str, Any]) -> dict[str, str]:
    return {m["id"]: f"{m['full_name']} <{m['email']}>" for m in bookings.bookable_members(claims)}


# booking
booking_settings = for_person(_space_settings, 300)
day_grid = for_person(bookings.day_grid, 20)
member_labels = for_person(_member_labels, 300)
week_of = for_person(bookings.week_of, 20)
my_bookings = for_person(bookings.my_bookings, 20)
staff_day = for_person(bookings.staff_day, 15)
day_status = for_person(bookings.day_status, 60)
# events
upcoming_events = for_person(events.upcoming, 20)
team_events = for_person(events.team_events, 15)
event_rooms = for_person(events.rooms, 300)
event_attendees = for_person(events.attendees, 15)
event_bookable_members = for_person(events.bookable_members, 300)
# the event door (issue #14): the window is a constant of the database; the door's own list and
# counts are read uncached (views/door.py says why)
event_door_window = for_person(door.window, 3600)
# events: the team's form, series and zones (issue #14)
event_zones = for_person(events.zones, 300)
event_cutoff_minutes = for_person(events.registration_cutoff_minutes, 300)
event_series = for_person(events.series_of, 15)
event_zone_bookings = for_person(events.zone_bookings, 15)
# directory
skill_vocabulary = for_person(skills.vocabulary, 60)
skills_admin_list = for_person(skills.admin_list, 30)
approved_skills = for_person(_approved_skills, 60)
search_page = for_person(members.search_page, 30)
here_today_by_skill = for_person(members.here_today_by_skill, 60)
admin_members_page = for_person(members.admin_members_page, 30)
erasure_requests = for_person(privacy.erasure_requests, 30)
plans = for_person(members.plans, 300)
my_profile = for_person(members.my_profile, 60)
stale_notice = for_person(privacy.stale_notice, 60)
consent_history = for_person(privacy.consent_history, 60)
skill_stats = for_person(members.skill_stats, 120)
# dashboards: aggregates, the same for everyone of a role
today_and_zone = for_role(_today_and_zone, 300)
zones = for_role(occupancy.zones, 300)
daily = for_role(occupancy.daily, 300)
summary = for_role(occupancy.summary, 300)
by_slot = for_role(occupancy.by_slot, 300)
by_zone = for_role(occupancy.by_zone, 300)
by_plan = for_role(occupancy.by_plan, 300)
event_stats = for_role(events.event_stats, 300)
by_hour = for_role(occupancy.by_hour, 300)
events_figures = for_role(occupancy.events_figures, 300)
event_no_shows = for_role(occupancy.event_no_shows, 300)  # the event door (issue #14)
annual_report = for_role(report.figures, 300)
# the public face (issue #17): a member's talks on the directory's member page
member_talks = for_person(showcase.talks, 120)
report_text = for_role(report.text, 300)

# money (lib/money): each person's own, the team's desk, the admins' plans
money_plans = for_person(money.plans, 60)
money_settings = for_person(money.money_settings, 60)
money_status = for_person(money.status, 15)
money_carnets = for_person(money.carnets, 15)
money_member_payments = for_person(money.member_payments, 15)
money_payments = for_person(money.payments, 15)
money_due = for_person(money.adhesions_due, 30)
money_price_history = for_person(money.price_history, 60)
money_totals = for_role(money.totals, 60)

# the board link's figures: the same for every holder of a link (anon, k-anonymised in SQL), so
# cached per year and token; the token itself is checked uncached on every run (board_page.py)
link_board_report = st.cache_data(ttl=300, show_spinner=False)(report.link_figures)


# --------------------------------------------------------------------------- built once per inputs
# Building an Altair chart and validating it into a Vega-Lite spec cost the occupancy page ~60% of
# its rerun (cProfile: jsonschema under altair's to_dict), and hashing the frames to key a cache
# on them another 20%: what a page derives from its cached reads (a chart's spec, a sparkline) is
# kept under the scalar inputs of those reads (role, database, period, filters, language), and
# charts are drawn from their spec (`st.vega_lite_chart`).

@st.cache_data(ttl=300, max_entries=500, show_spinner=False)
def _keyed(key: tuple, _build: Callable[[], Any]) -> Any:
    return _build()


def derived(role: str, key: tuple, build: Callable[[], T]) -> T:
    """`build()` once per `key` (and role and database) for 5 minutes, like the reads it uses."""
    return _keyed((role, db.current_key(), *key), build)


def chart_spec(role: str, key: tuple, build: Callable[[], Any]) -> dict[str, Any]:
    """The Vega-Lite spec of the chart `build()` makes, once per `key` (see `derived`)."""
    return derived(role, ("spec", *key), lambda: build().to_dict())
