"""The team's events: the programme edited in place (create, edit, publish), cancelling an event
(with a confirmation saying who will be told), and per event the attendees, the waiting list,
attendance check-off and a CSV of attendees."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib.booking import bookings
from lib.core import clock
from lib.core.i18n import current_language, fmt_date, fmt_time, t
from lib.events import door, events
from lib.web import reads, session, ui
from lib.web.flash import set_flash, show_flash
from lib.web.ui import member_picker, run_action, send_outbox_after, show_outbox_report, t_md

person = session.require_page(__file__)
claims = person.claims()
tz = events.space_tz()
today = clock.now().astimezone(tz).date()


def _label(row) -> str:
    starts = row.starts_at
    return f"{fmt_date(starts.date())} {fmt_time(starts)} · {row.title}"


REPEATS = {"once": t("eventsadmin.new.repeat.once"), "weekly": t("eventsadmin.new.repeat.weekly"),
           "biweekly": t("eventsadmin.new.repeat.biweekly"),
           "monthly_weekday": t("eventsadmin.new.repeat.monthly_weekday"),
           "monthly_day": t("eventsadmin.new.repeat.monthly_day")}
NEW_KEYS = ("eva_new_title", "eva_new_day", "eva_new_starts", "eva_new_ends", "eva_new_kind", "eva_new_status",
            "eva_new_capacity", "eva_new_room", "eva_new_zone", "eva_new_setup", "eva_new_clearup", "eva_new_closes",
            "eva_new_speakers", "eva_new_description", "eva_new_repeat", "eva_new_until", "eva_new_count")
# labels fixed when the page is drawn, in its language (AppTest formats options again later)
KIND_LABELS = {k: t(f"events.kind.{k}") for k in events.KINDS}
STATUS_LABELS = {s: t(f"events.status.{s}") for s in ("draft", "published")}
SCOPES = {"one": t("eventsadmin.series.only"), "from": t("eventsadmin.series.from")}
DATE_FORMAT = "DD/MM/YYYY"  # what people in the space write, in French and in British English


def _field_error(problems: dict[str, str], *fields: str) -> None:
    for name in fields:
        if name in problems:
            st.error(t(problems[name]), icon=":material/error:")


def _new_event_form() -> None:
    """Creating one event, or a series, is a form: each problem shows under its field and nothing
    typed is lost (the widgets keep their values; a refusal of the database shows below)."""
    problems: dict[str, str] = st.session_state.get("eva_new_problems", {})
    zone_ids = reads.event_zones(claims)
    cutoff = reads.event_cutoff_minutes(claims)
    kinds = list(events.KINDS)
    with st.expander(t("eventsadmin.new"), expanded=bool(problems), icon=":material/add:"), \
            st.form("eva_new", enter_to_submit=False, border=False):
        if problems:
            st.error(t("eventsadmin.new.fix"))
        title = st.text_input(t("eventsadmin.new.title"), max_chars=200, key="eva_new_title")
        _field_error(problems, "title")
        cols = st.columns(3)
        day = ui.date(cols[0], t("eventsadmin.new.day"), value=None, min_value=today, format=DATE_FORMAT,
                                 key="eva_new_day")
        starts = cols[1].time_input(t("eventsadmin.new.starts"), value=None, step=dt.timedelta(minutes=15),
                                    key="eva_new_starts")
        ends = cols[2].time_input(t("eventsadmin.new.ends"), value=None, step=dt.timedelta(minutes=15),
                                  key="eva_new_ends")
        _field_error(problems, "day", "times")
        cols = st.columns(3)
        kind = ui.select(cols[0], t("eventsadmin.col.kind"), kinds, index=kinds.index("meetup"),
                                 format_func=KIND_LABELS.get, placeholder=t("app.choose"),
                                 key="eva_new_kind")
        status = ui.select(cols[1], t("eventsadmin.col.status"), list(STATUS_LABELS),
                                   format_func=STATUS_LABELS.get, placeholder=t("app.choose"),
                                   key="eva_new_status")
        capacity = cols[2].number_input(t("eventsadmin.col.capacity"), min_value=1, max_value=10000, value=30, step=1,
                                        key="eva_new_capacity")
        _field_error(problems, "kind", "capacity")
        cols = st.columns(2)
        room = ui.select(cols[0], t("eventsadmin.new.room"), room_names, index=None,
                                 placeholder=t("eventsadmin.new.no_room"), key="eva_new_room")
        zone = ui.select(cols[1], t("eventsadmin.new.zone"), list(zone_ids), index=None,
                                 placeholder=t("eventsadmin.new.no_zone"), key="eva_new_zone")
        _field_error(problems, "room")
        cols = st.columns(3)
        setup = cols[0].number_input(t("eventsadmin.new.setup"), min_value=0, max_value=720, value=0, step=15,
                                     key="eva_new_setup")
        clearup = cols[1].number_input(t("eventsadmin.new.clearup"), min_value=0, max_value=720, value=0, step=15,
                                       key="eva_new_clearup")
        closes = cols[2].number_input(t("eventsadmin.new.closes"), min_value=0, max_value=10080, value=cutoff, step=15,
                                      key="eva_new_closes")
        speakers = st.text_input(t("eventsadmin.col.speakers"), max_chars=500, key="eva_new_speakers")
        description = st.text_area(t("eventsadmin.col.description"), max_chars=5000, key="eva_new_description")
        cols = st.columns(3)
        repeat = ui.select(cols[0], t("eventsadmin.new.repeat"), list(REPEATS), format_func=REPEATS.get,
                                   placeholder=t("app.choose"), key="eva_new_repeat")
        until = ui.date(cols[1], t("eventsadmin.new.until"), value=None, min_value=today, format=DATE_FORMAT,
                                   key="eva_new_until")
        count = cols[2].number_input(t("eventsadmin.new.count"), min_value=2, max_value=200, value=None, step=1,
                                     key="eva_new_count")
        _field_error(problems, "frequency", "end")
        go = st.form_submit_button(t("eventsadmin.new.go"), type="primary", key="eva_new_go")
    if not go:
        return
    series = repeat != "once"
    form = events.NewEvent(
        title=title or "", kind=kind, day=day, starts=starts, ends=ends, room=room, capacity=int(capacity),
        status=status, description=description or "", speakers=speakers or "",
        zone_id=zone_ids.get(zone) if zone else None, setup_minutes=int(setup), clearup_minutes=int(clearup),
        # left at the space's setting, the event follows the setting if it changes
        closes_minutes=None if int(closes) == cutoff else int(closes),
        frequency=repeat if series else None, until=until if series else None,
        count=int(count) if series and count else None)
    st.session_state["eva_new_problems"] = events.check_new_event(form, set(room_names))
    if st.session_state["eva_new_problems"]:
        st.rerun()
    created = run_action(lambda: events.create_event(claims, form))
    if created is not None:
        for key in NEW_KEYS:
            st.session_state.pop(key, None)
        st.session_state["eva_manage"] = created
        n = len(reads.event_series(claims, created)) if series else 1
        set_flash("eventsadmin", t_md("eventsadmin.new.created_series", title=form.title.strip(), n=n) if series
                  else t_md("eventsadmin.new.created", title=form.title.strip()))
        st.rerun()


def _manage_section() -> None:
    """One event: its series (change or cancel from this date on) and the desk bookings its area
    hits (to cancel, after a confirmation: their holders are e-mailed)."""
    shown = programme[programme.status != "cancelled"]
    if shown.empty:
        return
    st.subheader(t("eventsadmin.manage"), anchor=False)
    labels = {row.id: _label(row) for row in shown.itertuples()}
    if st.session_state.get("eva_manage") not in labels:
        st.session_state.pop("eva_manage", None)
    chosen = ui.select(st, t("eventsadmin.manage_pick"), list(labels), format_func=labels.get, index=None,
                          placeholder=t("app.choose"), key="eva_manage")
    if not chosen:
        return
    event = shown.set_index("id").loc[chosen]
    dates = reads.event_series(claims, chosen)
    if dates.empty:
        st.caption(t("eventsadmin.series.none"))
    else:
        st.markdown(f"**{t('eventsadmin.series.dates')}**")
        ui.table(st, pd.DataFrame({
            t("eventsadmin.col.starts_at"): [f"{fmt_date(s.astimezone(tz).date())} {fmt_time(s.astimezone(tz))}"
                                            for s in dates.starts_at],
            t("eventsadmin.col.title"): dates.title,
            t("eventsadmin.col.status"): [t(f"events.status.{s}") for s in dates.status],
            t("eventsadmin.col.registered"): dates.registered,
            t("eventsadmin.col.waitlisted"): dates.waitlisted,
        }), hide_index=True, width="stretch", placeholder="")
        with st.form(f"eva_from_{chosen}", enter_to_submit=False):
            scope = st.radio(t("eventsadmin.series.scope"), list(SCOPES), format_func=SCOPES.get, horizontal=True,
                             key=f"eva_from_scope_{chosen}")
            st.caption(t("eventsadmin.series.keep"))
            title = st.text_input(t("eventsadmin.new.title"), max_chars=200, key=f"eva_from_title_{chosen}")
            cols = st.columns(5)
            starts = cols[0].time_input(t("eventsadmin.new.starts"), value=None, step=dt.timedelta(minutes=15),
                                        key=f"eva_from_starts_{chosen}")
            ends = cols[1].time_input(t("eventsadmin.new.ends"), value=None, step=dt.timedelta(minutes=15),
                                      key=f"eva_from_ends_{chosen}")
            capacity = cols[2].number_input(t("eventsadmin.col.capacity"), min_value=1, max_value=10000, value=None,
                                            step=1, key=f"eva_from_capacity_{chosen}")
            status = ui.select(cols[3], t("eventsadmin.col.status"), list(STATUS_LABELS), index=None,
                                       format_func=STATUS_LABELS.get, placeholder=t("app.choose"),
                                       key=f"eva_from_status_{chosen}")
            closes = cols[4].number_input(t("eventsadmin.new.closes"), min_value=0, max_value=10080, value=None,
                                          step=15, key=f"eva_from_closes_{chosen}")
            if st.form_submit_button(t("eventsadmin.series.go"), key=f"eva_from_go_{chosen}"):
                changes = {k: v for k, v in (("title", (title or "").strip() or None), ("starts_time", starts),
                                             ("ends_time", ends), ("capacity", capacity), ("status", status),
                                             ("registration_closes_minutes", closes))
                           if v is not None}
                if starts is not None and ends is None:  # a new start keeps each date's length
                    changes["ends_time"] = (dt.datetime.combine(today, starts)
                                            + (event.ends_at - event.starts_at)).time()
                change = events.update_series_from if scope == "from" else events.update_occurrence
                n = run_action(lambda: change(claims, chosen, changes)) if changes else 0
                if n is not None:
                    set_flash("eventsadmin", t("eventsadmin.series.changed", n=n))
                    st.rerun()
        now = pd.Timestamp(clock.now().astimezone(tz))
        later = dates[(dates.starts_at >= dates.set_index("id").loc[chosen, "starts_at"])
                      & (dates.status != "cancelled") & (dates.ends_at > now)]
        if not later.empty:
            st.warning(t("eventsadmin.series.cancel_warning", events=len(later),
                         n=int(later.registered.sum() + later.waitlisted.sum())), icon=":material/warning:")
            sure = st.checkbox(t("eventsadmin.series.cancel_confirm"), key=f"eva_series_sure_{chosen}")
            if st.button(t("eventsadmin.series.cancel"), key=f"eva_series_cancel_{chosen}", disabled=not sure,
                         icon=":material/event_busy:"):
                n = run_action(lambda: events.cancel_series_from(claims, chosen))
                if n is not None:
                    send_outbox_after("eventsadmin")
                    st.session_state.pop("eva_manage", None)
                    set_flash("eventsadmin", t("eventsadmin.series.cancelled", n=n))
                    st.rerun()
    hits = reads.event_zone_bookings(claims, chosen)
    if hits.empty:
        return
    st.markdown(f"**{t('eventsadmin.hits')}**")
    st.caption(t("eventsadmin.hits.help"))
    when = {row.booking_id: f"{fmt_date(row.starts_at.astimezone(tz).date())} {fmt_time(row.starts_at.astimezone(tz))}"
            f"–{fmt_time(row.ends_at.astimezone(tz))}" for row in hits.itertuples()}
    ui.table(st, pd.DataFrame({t("eventsadmin.hits.col.desk"): hits.resource_name,
                               t("eventsadmin.hits.col.who"): hits.who,
                               t("eventsadmin.hits.col.when"): [when[b] for b in hits.booking_id]}),
                 hide_index=True, width="stretch", placeholder="")
    names = {row.booking_id: f"{row.resource_name} · {row.who} · {when[row.booking_id]}" for row in hits.itertuples()}
    picked = ui.multi(st, t("eventsadmin.hits.pick"), list(names), format_func=names.get,
                            placeholder=t("app.choose"), key=f"eva_hits_{chosen}")
    sure = st.checkbox(t("eventsadmin.hits.confirm"), key=f"eva_hits_sure_{chosen}")
    if st.button(t("eventsadmin.hits.go"), key=f"eva_hits_go_{chosen}", disabled=not (picked and sure)):
        done = run_action(lambda: [bookings.cancel(claims, b) for b in picked])
        if done is not None:
            send_outbox_after("eventsadmin")
            set_flash("eventsadmin", t("eventsadmin.hits.done", n=len(done)))
            st.rerun()


st.title(t("eventsadmin.title"))
show_flash("eventsadmin")
show_outbox_report("eventsadmin")

periods = {"upcoming": t("eventsadmin.period.upcoming"), "past": t("eventsadmin.period.past")}
period = st.segmented_control(t("eventsadmin.period"), list(periods), format_func=periods.get, default="upcoming",
                              key="eva_period") or "upcoming"
first, last = ((today, today + dt.timedelta(days=365)) if period == "upcoming"
               else (today - dt.timedelta(days=183), today - dt.timedelta(days=1)))
programme = reads.team_events(claims, first, last)
room_names = list(reads.event_rooms(claims))
# a key keeps the tab chosen across reruns (an action on the attendance tab used to land on Programme)
edit_tab, people_tab = st.tabs([t("eventsadmin.tab.edit"), t("eventsadmin.tab.attendees")], key="eva_tabs")

with edit_tab:
    _new_event_form()
    st.subheader(t("eventsadmin.tab.edit"), anchor=False)
    st.caption(t("eventsadmin.help"))
    statuses = ["draft", "published", "cancelled"]
    # existing events only (creating one is the form above); empty text cells, never "None"
    grid_rows = programme.copy()
    for column in ("room", "speakers", "description"):
        grid_rows[column] = grid_rows[column].astype(object).where(grid_rows[column].notna(), "")
    edited = ui.editor(st,
        grid_rows, key="eva_editor", num_rows="delete", hide_index=True, width="stretch", placeholder="",
        # what the team checks first (title, status, when) before the grid scrolls sideways
        column_order=["title", "status", "starts_at", "ends_at", "kind", "room", "capacity", "registered",
                      "waitlisted", "speakers", "description"],
        disabled=["registered", "waitlisted"],
        column_config={
            "title": st.column_config.TextColumn(t("eventsadmin.col.title"), required=True, max_chars=200),
            "kind": st.column_config.SelectboxColumn(t("eventsadmin.col.kind"), options=list(events.KINDS),
                                                     required=True, default="talk",
                                                     format_func=lambda k: t(f"events.kind.{k}")),
            "starts_at": st.column_config.DatetimeColumn(t("eventsadmin.col.starts_at"), required=True,
                                                         format="DD/MM/YYYY HH:mm", step=dt.timedelta(minutes=15)),
            "ends_at": st.column_config.DatetimeColumn(t("eventsadmin.col.ends_at"), required=True,
                                                       format="DD/MM/YYYY HH:mm", step=dt.timedelta(minutes=15)),
            "room": st.column_config.SelectboxColumn(t("eventsadmin.col.room"), options=["", *room_names]),
            "capacity": st.column_config.NumberColumn(t("eventsadmin.col.capacity"), min_value=1, max_value=10000,
                                                      step=1, default=30, required=True),
            "status": st.column_config.SelectboxColumn(t("eventsadmin.col.status"), options=statuses, default="draft",
                                                       required=True, format_func=lambda s: t(f"events.status.{s}")),
            "speakers": st.column_config.TextColumn(t("eventsadmin.col.speakers"), max_chars=500),
            "description": st.column_config.TextColumn(t("eventsadmin.col.description"), max_chars=5000),
            "registered": st.column_config.NumberColumn(t("eventsadmin.col.registered")),
            "waitlisted": st.column_config.NumberColumn(t("eventsadmin.col.waitlisted")),
        })
    if st.button(t("eventsadmin.save"), type="primary", key="eva_save"):
        result = run_action(lambda: events.save_events(claims, edited, grid_rows))
        if result is not None:
            for number, key, params in result.errors:
                st.error(t("eventsadmin.row_error", row=number, message=t_md(key, **params)) if number
                         else t_md(key, **params))
            if not result.errors:
                set_flash("eventsadmin", t("eventsadmin.saved", n=result.changes) if result.changes
                          else t("eventsadmin.nothing"))
                st.rerun()

    _manage_section()

    live = programme[(programme.status != "cancelled") & (programme.ends_at > pd.Timestamp(clock.now().astimezone(tz)
                                                                                         .replace(tzinfo=None)))]
    if not live.empty:
        st.subheader(t("eventsadmin.cancel_section"), anchor=False)
        labels = {row.id: _label(row) for row in live.itertuples()}
        chosen = ui.select(st, t("eventsadmin.cancel_pick"), list(labels), format_func=labels.get, index=None,
                              placeholder=t("app.choose"), key="eva_cancel_pick")
        if chosen:
            n = events.live_registrations(claims, chosen)
            st.warning(t("eventsadmin.cancel_warning", n=n) if n else t("eventsadmin.cancel_warning_none"),
                       icon=":material/warning:")
            sure = st.checkbox(t("eventsadmin.cancel_confirm"), key="eva_cancel_sure")
            if st.button(t("eventsadmin.cancel_go"), key="eva_cancel_go", disabled=not sure, icon=":material/event_busy:"):
                done = run_action(lambda: events.cancel_event(claims, chosen))
                if done is not None:
                    send_outbox_after("eventsadmin")
                    st.session_state.pop("eva_cancel_pick", None)
                    st.session_state.pop("eva_cancel_sure", None)
                    set_flash("eventsadmin", t("eventsadmin.cancelled_ok", n=done))
                    st.rerun()

ATT_PAGE = 25  # people a page of the attendance list: each row is a checkbox sent on every rerun


def _tick(registration_id: str, key: str) -> None:
    """Saved the moment the box changes (no "save" button, no rerun of the whole page)."""
    try:
        door.set_present(claims, registration_id, bool(st.session_state.get(key)))
    except Exception as exc:  # every refusal becomes a sentence above the list
        st.session_state["eva_att_error"] = ui.refusal(exc)
        return
    st.cache_data.clear()  # the programme's counts and the attendee list are cached reads


@st.fragment
def attendance_tab(shown: pd.DataFrame) -> None:
    """The attendance tab: a fragment, so ticking reruns it alone and the page stays on this tab."""
    if shown.empty:
        st.info(t("eventsadmin.no_events"))
        return
    labels = {row.id: _label(row) for row in shown.itertuples()}
    event_id = ui.select(st, t("eventsadmin.pick_event"), list(labels), format_func=labels.get, key="eva_event")
    event = shown.set_index("id").loc[event_id]
    people = reads.event_attendees(claims, event_id)
    counts = door.counts(claims, event_id)
    st.caption(t("eventsadmin.counts", registered=counts["registered"] + counts["walk_ins"],
                 capacity=counts["capacity"], waitlisted=counts["waiting"], attended=counts["present"])
               + f" · {t('events.status.' + event.status)}")
    starts = event.starts_at.to_pydatetime().replace(tzinfo=tz)
    ends = event.ends_at.to_pydatetime().replace(tzinfo=tz)
    opens_before, closes_after = reads.event_door_window(claims)
    now = clock.now()
    started = starts <= now
    door_open = starts - opens_before <= now <= ends + closes_after
    placed = people[people.status != "waitlisted"].reset_index(drop=True)
    waiting = people[people.status == "waitlisted"].reset_index(drop=True)
    error = st.session_state.pop("eva_att_error", None)
    if error:
        st.error(error)
    if people.empty:
        st.info(t("eventsadmin.no_attendees"))
    else:
        st.subheader(t("eventsadmin.placed"), anchor=False)
        st.caption(t("eventsadmin.att_hint") if door_open else t("eventsadmin.att_too_early") if not started
                   else t("door.closed_late"))
        page, shown_rows = ui.page_of("eva_att_page", event_id, placed, ATT_PAGE)
        for row in shown_rows.itertuples():
            who = ui.md(row.who) + (f" *({t('eventsadmin.att.guest')})*" if row.guest else "")
            arrived = row.created_at.astimezone(tz)
            # the key carries the status: a tick made elsewhere (the door) shows on the next run
            key = f"eva_att_{row.id}_{row.status}"
            email = row.email if isinstance(row.email, str) else ""  # a walk-in may have none
            st.checkbox(f"{who} · {ui.md(email)} · {fmt_date(arrived.date(), 'short')} {fmt_time(arrived)}",
                        value=bool(row.present), key=key, disabled=not door_open, on_change=_tick,
                        args=(row.id, key))
        ui.pager("eva_att_page", page, len(placed), ATT_PAGE)
        if not waiting.empty:
            st.subheader(t("eventsadmin.waitlist"), anchor=False)
            ui.table(st, pd.DataFrame({
                "position": waiting.position.astype(int),
                "who": waiting.who,
                "email": waiting.email.fillna(""),
                "arrived": [c.astimezone(tz).replace(tzinfo=None) for c in waiting.created_at],
            }), hide_index=True, width="stretch", column_config={
                "position": st.column_config.NumberColumn("#", width="small"),
                "who": st.column_config.TextColumn(t("eventsadmin.att.who")),
                "email": st.column_config.TextColumn(t("eventsadmin.att.email")),
                "arrived": st.column_config.DatetimeColumn(t("eventsadmin.att.arrived"), format="DD/MM HH:mm"),
            })
        lang = current_language()
        # made on click, not on every rerun
        st.download_button(t("eventsadmin.export"), lambda: events.attendees_csv(claims, event_id, lang),
                           file_name=f"inscrits-{event.starts_at.date()}.csv", mime="text/csv",
                           key="eva_export", icon=":material/download:")
    if event.status == "published" and started:
        # registering is closed at the start: the door takes over, with walk-ins (issue #14)
        st.info(t("eventsadmin.door_link"), icon=":material/door_open:")
        st.page_link("views/door.py", label=t("eventsadmin.door_open"), icon=":material/door_open:")
    elif event.status == "published":
        # those already registered or waiting would only be refused
        taken = {str(e).casefold() for e in people.email}
        names = {m["id"]: f"{m['full_name']} · {m['email']}" for m in reads.event_bookable_members(claims)
                 if m["email"].casefold() not in taken}
        full_names = {m["id"]: m["full_name"] for m in reads.event_bookable_members(claims)}
        search_box = st.container()  # above the form: typing a name updates the choices
        with st.form("eva_register"):
            member = member_picker(st, t("eventsadmin.register_member"), names, "eva_member", search_where=search_box)
            if not names:
                st.caption(t("eventsadmin.all_registered"))
            if st.form_submit_button(t("eventsadmin.register_go")) and member:
                done = run_action(lambda: events.register(claims, event_id, member))
                if done is not None:
                    # about the person registered, and where they went (a place or the waiting list)
                    name = full_names.get(member, "")
                    if done["status"] == "waitlisted":
                        said = t_md("eventsadmin.waitlisted_other", name=name, title=event.title,
                                    position=door.waitlist_position(claims, str(done["id"])))
                    else:
                        said = t_md("eventsadmin.registered_other", name=name, title=event.title)
                    set_flash("eventsadmin_att", said)
                    st.rerun()  # the programme's counts too; the keyed tabs stay on this one
    show_flash("eventsadmin_att")


with people_tab:
    # a draft has no one yet and a cancelled event no one left; past events: the latest first
    attendance_tab(programme[programme.status == "published"].sort_values("starts_at",
                                                                            ascending=period == "upcoming"))
