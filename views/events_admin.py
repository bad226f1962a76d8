"""The team's events: the programme edited in place (create, edit, publish), cancelling an event
(with a confirmation saying who will be told), and per event the attendees, the waiting list,
attendance check-off and a CSV of attendees."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib.core import clock
from lib.core.i18n import current_language, fmt_date, fmt_time, t
from lib.events import events
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
edit_tab, people_tab = st.tabs([t("eventsadmin.tab.edit"), t("eventsadmin.tab.attendees")])

with edit_tab:
    st.caption(t("eventsadmin.help"))
    statuses = ["draft", "published", "cancelled"]
    edited = ui.editor(st,
        programme, key="eva_editor", num_rows="dynamic", hide_index=True, width="stretch",
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
            "room": st.column_config.SelectboxColumn(t("eventsadmin.col.room"), options=room_names),
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
        result = run_action(lambda: events.save_events(claims, edited, programme))
        if result is not None:
            for number, key, params in result.errors:
                st.error(t("eventsadmin.row_error", row=number, message=t_md(key, **params)) if number
                         else t_md(key, **params))
            if not result.errors:
                set_flash("eventsadmin", t("eventsadmin.saved", n=result.changes) if result.changes
                          else t("eventsadmin.nothing"))
                st.rerun()

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

with people_tab:
    # a draft has no one yet and a cancelled event no one left; past events: the latest first
    shown = programme[programme.status == "published"].sort_values("starts_at", ascending=period == "upcoming")
    if shown.empty:
        st.info(t("eventsadmin.no_events"))
    else:
        labels = {row.id: _label(row) for row in shown.itertuples()}
        event_id = ui.select(st, t("eventsadmin.pick_event"), list(labels), format_func=labels.get, key="eva_event")
        event = shown.set_index("id").loc[event_id]
        people = reads.event_attendees(claims, event_id)
        attended = int((people.status == "attended").sum()) if not people.empty else 0
        st.caption(t("eventsadmin.counts", registered=int(event.registered), capacity=int(event.capacity),
                     waitlisted=int(event.waitlisted), attended=attended)
                   + f" · {t('events.status.' + event.status)}")
        started = event.starts_at.to_pydatetime().replace(tzinfo=tz) <= clock.now()
        placed = people[people.status != "waitlisted"].reset_index(drop=True)
        waiting = people[people.status == "waitlisted"].reset_index(drop=True)
        if people.empty:
            st.info(t("eventsadmin.no_attendees"))
        else:
            st.subheader(t("eventsadmin.placed"), anchor=False)
            if not started:
                st.caption(t("eventsadmin.att_too_early"))
            view = pd.DataFrame({
                "id": placed.id,
                "who": [f"{w} ({t('eventsadmin.att.guest')})" if g else w for w, g in zip(placed.who, placed.guest,
                                                                                          strict=False)],
                "email": placed.email,
                "arrived": [c.astimezone(tz).replace(tzinfo=None) for c in placed.created_at],
                "present": placed.present,
            })
            ticked = ui.editor(st,
                view, key=f"eva_att_{event_id}", hide_index=True, width="stretch",
                # before the start nothing can be ticked: no boxes that look clickable
                column_order=(["present"] if started else []) + ["who", "email", "arrived"],
                disabled=["who", "email", "arrived"] + ([] if started else ["present"]),
                column_config={
                    "present": st.column_config.CheckboxColumn(t("eventsadmin.att.present")),
                    "who": st.column_config.TextColumn(t("eventsadmin.att.who")),
                    "email": st.column_config.TextColumn(t("eventsadmin.att.email")),
                    "arrived": st.column_config.DatetimeColumn(t("eventsadmin.att.arrived"), format="DD/MM HH:mm"),
                })
            if started and st.button(t("eventsadmin.att_save"), type="primary", key="eva_att_save"):
                n = run_action(lambda: events.save_attendance(claims, ticked, view))
                if n is not None:
                    set_flash("eventsadmin", t("eventsadmin.att_saved", n=n))
                    st.rerun()
            if not waiting.empty:
                st.subheader(t("eventsadmin.waitlist"), anchor=False)
                ui.table(st, pd.DataFrame({
                    "position": waiting.position.astype(int),
                    "who": waiting.who,
                    "email": waiting.email,
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
        if event.status == "published" and not started:
            # those already registered or waiting would only be refused
            taken = {str(e).casefold() for e in people.email}
            names = {m["id"]: f"{m['full_name']} · {m['email']}" for m in reads.event_bookable_members(claims)
                     if m["email"].casefold() not in taken}
            search_box = st.container()  # above the form: typing a name updates the choices
            with st.form("eva_register"):
                member = member_picker(st, t("eventsadmin.register_member"), names, "eva_member", search_where=search_box)
                if not names:
                    st.caption(t("eventsadmin.all_registered"))
                if st.form_submit_button(t("eventsadmin.register_go")) and member:
                    done = run_action(lambda: events.register(claims, event_id, member))
                    if done is not None:
                        set_flash("eventsadmin", t_md("events.registered_ok", title=event.title))
                        st.rerun()
