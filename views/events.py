"""Events: what is coming (cards with date, room, places left or the waiting list, speakers),
register or cancel in one click, and my registrations."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from lib.core import clock
from lib.core.i18n import current_language, fmt_date, fmt_time, t, weekday_name
from lib.events import browse, events
from lib.space import space
from lib.web import reads, session, ui
from lib.web.flash import set_flash, show_flash
from lib.web.ui import md, page_of, pager, run_action, t_md

PAGE_SIZE = 10  # event cards a page: each is a dozen elements sent on every rerun

person = session.require_page(__file__)
claims = person.claims()
tz = ZoneInfo(space.settings()["time_zone"])
space_name = space.settings()["space_name"]
lang = current_language()


def when(starts, ends) -> str:
    a, b = starts.astimezone(tz), ends.astimezone(tz)
    return t("events.when", date=f"{weekday_name(a.isoweekday())} {fmt_date(a.date(), 'long')}", start=fmt_time(a),
             end=fmt_time(b))


def places_left(n: int) -> str:
    return t("events.places_left_one") if n == 1 else t("events.places_left", n=n)


def my_status(row) -> str:
    position = int(row.my_position) if row.my_status == "waitlisted" else None  # a float column (NaN elsewhere)
    return t(f"events.you.{row.my_status}", position=position)


def _register(row) -> None:
    done = run_action(lambda: events.register(claims, row.event_id))
    if done is None:
        return
    if done["status"] == "waitlisted":
        position = row.waitlisted + 1
        set_flash("events", t_md("events.waitlisted_ok", title=row.title, position=position))
    else:
        set_flash("events", t_md("events.registered_ok", title=row.title))
    st.rerun()


def _cancel(registration_id: str) -> None:
    if run_action(lambda: events.cancel_registration(claims, registration_id)):
        set_flash("events", t("events.cancelled_ok"))
        st.rerun()


st.title(t("events.title"))
show_flash("events")
coming = reads.upcoming_events(claims, browse.UPCOMING_LIMIT)
now = clock.now()
mine = coming[coming.my_status.notna()]
upcoming_tab, mine_tab = st.tabs([t("events.upcoming"), f"{t('events.mine')} ({len(mine)})"], key="events_tabs")


def _card(row) -> None:
    # the database refuses registering or cancelling once an event has started: offer neither
    under_way = row.starts_at <= now
    with st.container(border=True, key=f"event_{row.event_id}"):
        cols = st.columns([5, 2])
        cols[0].subheader(md(row.title), anchor=False)  # text, never Markdown or HTML
        cols[0].markdown(f"**{when(row.starts_at, row.ends_at)}**")
        place = md(row.room_name) or t("events.online_or_elsewhere")
        line = f"{t('events.kind.' + row.kind)} · {place}"
        if row.speakers:
            line += " · " + t_md("events.speakers", names=row.speakers)
        cols[0].caption(line)
        if row.description:
            with cols[0].expander(t("events.details")):
                st.text(row.description)
        if row.my_status:
            cols[1].success(my_status(row), icon=":material/check_circle:")
        elif under_way:
            pass
        elif row.places_left > 0:
            cols[1].markdown(f"**{places_left(row.places_left)}**")
        else:
            cols[1].warning(t("events.full_waitlist", n=row.waitlisted), icon=":material/hourglass_top:")
        closed = row.registration_closes is not None and row.registration_closes <= now
        if under_way:
            cols[1].caption(t("events.under_way"))
        elif closed and not row.my_status:
            # past the cut-off the database refuses: say when it closed rather than offer a button
            closes = row.registration_closes.astimezone(tz)
            cols[1].caption(t("events.registration_closed_on", day=fmt_date(closes.date(), "long"),
                              time=fmt_time(closes)))
        elif row.my_status:
            if cols[1].button(t("events.cancel"), key=f"unreg_{row.event_id}", icon=":material/close:"):
                _cancel(row.my_registration_id)
        else:
            label = t("events.register") if row.places_left > 0 else t("events.join_waitlist")
            if cols[1].button(label, key=f"reg_{row.event_id}", type="primary", icon=":material/how_to_reg:"):
                _register(row)
        # made on click (a file for one event), not on every rerun
        cols[1].download_button(t("events.ics"), lambda r=row: browse.event_ics(r, space_name),
                                file_name="evenement.ics" if lang == "fr" else "event.ics", mime="text/calendar",
                                key=f"ics_{row.event_id}", icon=":material/calendar_add_on:", type="tertiary")


def _calendar(shown, month) -> None:
    """A month as a grid of Streamlit columns: on a phone the columns stack, which reads as a list
    of days in order."""
    days = browse.by_day(shown, tz)
    st.subheader(fmt_date(month, "MMMM y", lang).capitalize(), anchor=False)
    head = st.columns(7)
    for i, cell in enumerate(head):
        cell.caption(weekday_name(i + 1, width="abbreviated"))
    for week in browse.month_grid(month):
        cells = st.columns(7, border=True)
        for cell, day in zip(cells, week, strict=True):
            if day is None:
                continue
            held = days.get(day, [])
            cell.markdown(f"**{day.day}**" if held else str(day.day))
            for row in held[:3]:
                cell.caption(f"{fmt_time(row.starts_at.astimezone(tz))} {md(row.title)}")
            if len(held) > 3:
                cell.caption(t("events.calendar_more", n=len(held) - 3))


with upcoming_tab:
    if coming.empty:
        st.info(t("events.none"))
    else:
        filters = st.columns([2, 2, 3, 2], vertical_alignment="bottom")
        # labels made here, once: a format_func calling t() would be called again outside this run
        kinds = {"": t("events.filter.kind_any"), **{k: t(f"events.kind.{k}") for k in events.KINDS}}
        kind = ui.select(filters[0], t("events.filter.kind"), list(kinds), key=f"events_kind_{lang}",
                                    placeholder=t("app.choose"), format_func=kinds.get)
        month_names = {"": t("events.filter.month_any"),
                       **{m.isoformat(): fmt_date(m, "MMMM y", lang).capitalize() for m in browse.months(coming, tz)}}
        month_key = ui.select(filters[1], t("events.filter.month"), list(month_names), key=f"events_month_{lang}",
                                         placeholder=t("app.choose"), format_func=month_names.get)
        month = dt.date.fromisoformat(month_key) if month_key else None
        search = filters[2].text_input(t("events.filter.search"), key="events_search", max_chars=100, type="search",
                                       live=True, placeholder=t("events.filter.search_placeholder"))
        views = {"list": t("events.view.list"), "calendar": t("events.view.calendar")}
        view = filters[3].segmented_control(t("events.view"), list(views), format_func=views.get, default="list",
                                            required=True, key="events_view") or "list"
        shown = browse.filtered(coming, tz, kind or None, month, search)
        if shown.empty:
            st.info(t("events.none_match"))
        elif view == "calendar":
            _calendar(shown, month or browse.months(shown, tz)[0])
        else:
            st.caption(t("events.found_one") if len(shown) == 1 else t("events.found", n=len(shown)))
            page, page_rows = page_of("events_page", (kind, month, search), shown, PAGE_SIZE)
            for row in page_rows.itertuples():
                _card(row)
            pager("events_page", page, len(shown), PAGE_SIZE)

with mine_tab:
    if mine.empty:
        st.info(t("events.none_mine"))
    else:
        st.caption(t("events.mine_help"))
    for row in mine.itertuples():
        with st.container(border=True, key=f"mine_{row.event_id}"):
            cols = st.columns([5, 2], vertical_alignment="center")
            cols[0].markdown(f"**{md(row.title)}**")
            cols[0].caption(f"{when(row.starts_at, row.ends_at)} · {md(row.room_name) or t('events.online_or_elsewhere')}")
            cols[0].text(my_status(row))
            if row.starts_at > now and cols[1].button(t("events.cancel"), key=f"mine_unreg_{row.event_id}",
                                                      icon=":material/close:"):
                _cancel(row.my_registration_id)
