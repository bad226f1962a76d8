"""Book a desk or a room: a day, availability at a glance (grid or floor plan), two clicks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from lib.booking import bookings, floorplan
from lib.core import clock
from lib.core.i18n import fmt_date, fmt_time, t, weekday_name
from lib.web import reads, session, ui
from lib.web.flash import set_flash, show_flash
from lib.web.ui import md, member_picker, run_action, t_md

person = session.require_page(__file__)
claims = person.claims()


settings = reads.booking_settings(claims)
today = bookings.local_today(settings)
states = {s: t(f"book.state.{s}") for s in ("free", "taken", "mine", "closed", "past")}
# labels computed once per run: a format_func must not depend on the session (AppTest reruns it outside)
slot_names = {s: t(f"book.slot.{s}") for s in bookings.SLOTS}
kind_names = {k: t(f"book.kind.{k}") for k in ("desk", "room")}

st.title(t("book.title"))
show_flash("book")
top = st.columns([2, 2, 3])
# today while it still has a free slot (desks free this afternoon at 09:15), else the next open day;
# any date may be picked: a closed, past or too-far day is then told why (day_status below)
day = ui.date(top[0], t("book.day"), value=bookings.default_day(reads.day_grid(claims, today, "desk"), settings),
                        min_value=today - dt.timedelta(days=365),
                        max_value=today + dt.timedelta(days=settings["booking_window_days"] + 365),
                        format="DD/MM/YYYY", key="book_day")
kind = top[1].segmented_control(t("book.kind"), ["desk", "room"], format_func=kind_names.get,
                                default="desk", key="book_kind") or "desk"
member_id = None
if person.role in ("admin", "staff"):
    labels = reads.member_labels(claims)
    member_id = member_picker(top[2], t("book.for_member"), labels, "book_for", blank=t("book.myself"))


def _day_closed_sentence() -> str | None:
    """Why the chosen day cannot be booked at all (closed, past, too far ahead), from the
    database's own tests (public.day_status); None when it is open."""
    status = reads.day_status(claims, day)
    state = status["state"]
    if state == "open":
        return None
    if state == "weekday":
        return t("book.status.weekday", weekday=weekday_name(day.isoweekday()),
                 next=f"{weekday_name(status['until_day'].isoweekday())} {fmt_date(status['until_day'])}")
    if state == "closure":
        return t_md("book.status.closure", reason=status["reason"], until=fmt_date(status["until_day"]))
    if state == "too_far":
        return t("book.status.too_far", opens=fmt_date(status["opens_on"]), days=settings["booking_window_days"])
    return t("book.status.past")


def _tz() -> ZoneInfo:
    return ZoneInfo(settings["time_zone"])


def _when(starts: dt.datetime, ends: dt.datetime) -> str:
    return f"{fmt_date(starts.date())} {fmt_time(starts)}–{fmt_time(ends)}"


def _book(resource_id: str, name: str, starts: dt.datetime, ends: dt.datetime) -> None:
    """Book, then rerun the whole page (the week below changes too) with the news on top. A desk
    taken since the page showed it free was "just taken"; taken before, "already taken"."""
    looked_at = st.session_state.get("book_looked_at")
    done = run_action(lambda: bookings.book(claims, resource_id, starts, ends, member_id, looked_at))
    if done:
        set_flash("book", t_md("book.booked", resource=name,
                            when=_when(starts.astimezone(_tz()), ends.astimezone(_tz()))))
        st.rerun()


@st.fragment
def desk_picker() -> None:
    """The grid and the floor plan rerun alone when someone picks: the page around them does not."""
    grid = reads.day_grid(claims, day, "desk")
    # the grid may be 20 s old (cached): what the person saw was true from then on
    st.session_state["book_looked_at"] = clock.now() - dt.timedelta(seconds=20)
    slot = st.segmented_control(t("book.slot"), list(bookings.SLOTS), format_func=slot_names.get,
                                default="day", key="book_slot") or "day"
    free = bookings.free_resources(grid, slot)
    by_plan, by_grid = st.tabs([t("book.floor_plan"), t("book.grid")])
    with by_plan:
        st.caption(t("book.floor_plan_help"))
        desks = floorplan.slot_states(grid, slot)
        spec = floorplan.floor_plan_spec(desks, states)
        event = st.vega_lite_chart(spec, on_select="rerun", selection_mode=floorplan.SELECTION, key="book_plan",
                                   width="stretch", height=spec["height"])
        picked = (event or {}).get("selection", {}).get(floorplan.SELECTION) or []
        if picked:
            st.session_state["book_resource"] = picked[0].get("resource_id")
    with by_grid:
        table = bookings.grid_table(grid)
        if not table.empty:
            table = table.rename(columns={"zone_name": t("book.zone"), "resource_name": t("book.resource"),
                                          "am": slot_names["am"], "pm": slot_names["pm"]})
            ui.table(st, table.replace(states), hide_index=True, width="stretch")
    if free.empty:
        st.info(t("book.everything_taken"))
        return
    names = dict(zip(free.resource_id, free.resource_name + " · " + free.zone_name, strict=True))
    if st.session_state.get("book_resource") not in names:
        st.session_state["book_resource"] = next(iter(names))
    cols = st.columns([3, 1])
    resource = ui.select(cols[0], t("book.resource"), list(names), format_func=names.get, key="book_resource")
    starts, ends = bookings.slot_range(day, slot, settings)
    if cols[1].button(t("book.book_button"), type="primary", key="book_go", width="stretch"):
        _book(resource, names[resource].split(" · ")[0], starts, ends)
    with st.expander(t("book.repeat")):
        st.caption(t("book.repeat_help"))
        rc = st.columns(3)
        # options are the labels themselves: a format_func would be run again outside this session
        weekdays = {weekday_name(d): d for d in settings["open_days"]}
        default_wd = weekday_name(day.isoweekday())
        # a new day chosen above: its weekday and month, not those kept from the day shown first
        # (after moving to Tuesday 8/12 it booked four Wednesdays)
        if st.session_state.get("book_rep_for") != day:
            st.session_state["book_rep_for"] = day
            st.session_state.pop("book_rep_wd", None)
            st.session_state.pop("book_rep_until", None)
        label = ui.select(rc[0], t("book.repeat_weekday"), list(weekdays), key="book_rep_wd",
                                index=list(weekdays).index(default_wd) if default_wd in weekdays else 0)
        weekday = weekdays[label]
        month_end = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        until = ui.date(rc[1], t("book.repeat_until"), value=month_end, min_value=day, format="DD/MM/YYYY",
                                 key="book_rep_until")
        if rc[2].button(t("book.repeat_button"), key="book_rep_go"):
            days = bookings.weekdays_between(day, until, weekday)
            outcomes = run_action(lambda: bookings.book_many(claims, resource, days, slot, settings, member_id))
            if outcomes is not None:
                ok = sum(o.booked for o in outcomes)
                st.write(t("book.repeat_report", ok=ok, ko=len(outcomes) - ok))
                ui.table(st, pd.DataFrame([{t("book.day"): fmt_date(o.day, "full"),
                                            t("mybookings.status"): t("book.outcome.ok") if o.booked
                                            else t(o.reason, **(o.params or {}))} for o in outcomes]),
                             hide_index=True, width="stretch")


@st.fragment
def room_picker() -> None:
    grid = reads.day_grid(claims, day, "room")
    if grid.empty:
        st.info(t("book.nothing_free"))
        return
    table = bookings.grid_table(grid)
    table = table.rename(columns={"zone_name": t("book.zone"), "resource_name": t("book.resource")})
    ui.table(st, table.replace(states), hide_index=True, width="stretch")
    rooms = grid.drop_duplicates("resource_id")
    names = dict(zip(rooms.resource_id, rooms.resource_name, strict=True))
    cols = st.columns([3, 1, 1, 1])
    room = ui.select(cols[0], t("book.resource"), list(names), format_func=names.get, key="book_room")
    hours = grid[grid.resource_id == room]
    free_starts = hours[hours.state == "free"]
    if free_starts.empty:
        st.info(t("book.nothing_free"))
        return
    start = ui.select(cols[1], t("book.from"), list(free_starts.slot_starts), key="book_room_from",
                              format_func=lambda v: fmt_time(v.astimezone(_tz())))
    ends = [e for e in hours.slot_ends if e > start]
    end = ui.select(cols[2], t("book.to"), ends, key="book_room_to", format_func=lambda v: fmt_time(v.astimezone(_tz())))
    if cols[3].button(t("book.book_button"), type="primary", key="book_room_go", width="stretch"):
        _book(room, names[room], start, end)


closed_sentence = _day_closed_sentence()
if closed_sentence:
    st.info(closed_sentence, icon=":material/event_busy:")
elif kind == "desk":
    desk_picker()
else:
    room_picker()

st.subheader(t("book.week"))
week = reads.week_of(claims, member_id or person.member_id, day)
if week.empty:
    st.caption(t("book.week_empty"))
for row in week.itertuples():
    st.write(f"{weekday_name(row.day.isoweekday())} {fmt_date(row.day)} · {md(row.resource_name)} · "
             f"{fmt_time(row.starts.astimezone(_tz()))}–{fmt_time(row.ends.astimezone(_tz()))}")
