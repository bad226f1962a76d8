"""Events: what is coming (cards with date, room, places left or the waiting list, speakers),
register or cancel in one click, and my registrations."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from lib import auth, events, space
from lib.flash import set_flash, show_flash
from lib.i18n import fmt_date, fmt_time, t, weekday_name
from lib.ui import cache_key, run_action

person = auth.require_page(__file__)
claims = person.claims()
tz = ZoneInfo(space.settings()["time_zone"])


@st.cache_data(ttl=20, show_spinner=False)
def _upcoming(_claims: dict, who: str) -> pd.DataFrame:
    return events.upcoming(_claims)


def when(starts, ends) -> str:
    a, b = starts.astimezone(tz), ends.astimezone(tz)
    return t("events.when", date=f"{weekday_name(a.isoweekday())} {fmt_date(a.date(), 'long')}", start=fmt_time(a),
             end=fmt_time(b))


def _register(row) -> None:
    done = run_action(lambda: events.register(claims, row.event_id))
    if done is None:
        return
    if done["status"] == "waitlisted":
        position = row.waitlisted + 1
        set_flash("events", t("events.waitlisted_ok", title=row.title, position=position))
    else:
        set_flash("events", t("events.registered_ok", title=row.title))
    st.rerun()


def _cancel(registration_id: str) -> None:
    if run_action(lambda: events.cancel_registration(claims, registration_id)):
        set_flash("events", t("events.cancelled_ok"))
        st.rerun()


st.title(t("events.title"))
show_flash("events")
coming = _upcoming(claims, cache_key(claims))
upcoming_tab, mine_tab = st.tabs([t("events.upcoming"), t("events.mine")])

with upcoming_tab:
    if coming.empty:
        st.info(t("events.none"))
    for row in coming.itertuples():
        with st.container(border=True, key=f"event_{row.event_id}"):
            cols = st.columns([5, 2])
            cols[0].markdown(f"**{when(row.starts_at, row.ends_at)}**")
            cols[0].subheader(row.title, anchor=False)  # text, never HTML
            place = row.room_name or t("events.online_or_elsewhere")
            cols[0].caption(f"{t('events.kind.' + row.kind)} · {place}")
            if row.speakers:
                cols[0].text(t("events.speakers", names=row.speakers))
            if row.description:
                with cols[0].expander(t("eventsadmin.col.description")):
                    st.text(row.description)
            if row.places_left > 0:
                cols[1].markdown(f"**{t('events.places_left', n=row.places_left)}**")
            else:
                cols[1].warning(t("events.full_waitlist", n=row.waitlisted), icon=":material/hourglass_top:")
            if row.my_status:
                status = t(f"events.reg_status.{row.my_status}")
                if row.my_status == "waitlisted":
                    status += f" ({row.my_position})"
                cols[1].success(t("events.you_are", status=status), icon=":material/check_circle:")
                if cols[1].button(t("events.cancel"), key=f"unreg_{row.event_id}", icon=":material/close:"):
                    _cancel(row.my_registration_id)
            else:
                label = t("events.register") if row.places_left > 0 else t("events.join_waitlist")
                if cols[1].button(label, key=f"reg_{row.event_id}", type="primary", icon=":material/how_to_reg:"):
                    _register(row)

with mine_tab:
    mine = coming[coming.my_status.notna()]
    if mine.empty:
        st.info(t("events.none_mine"))
    for row in mine.itertuples():
        cols = st.columns([5, 2, 2])
        status = t(f"events.reg_status.{row.my_status}")
        if row.my_status == "waitlisted":
            status += f" ({row.my_position})"
        cols[0].markdown(f"**{when(row.starts_at, row.ends_at)}**")
        cols[0].text(f"{row.title} · {row.room_name or t('events.online_or_elsewhere')}")
        cols[1].caption(status)
        if cols[2].button(t("events.cancel"), key=f"mine_unreg_{row.event_id}", icon=":material/close:"):
            _cancel(row.my_registration_id)
