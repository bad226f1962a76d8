"""My bookings: what is coming (cancel before the cut-off, add to a calendar) and what was."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from lib.booking import bookings
from lib.core import ics
from lib.core.i18n import fmt_date, fmt_time, t, weekday_name
from lib.web import reads, session, ui
from lib.web.flash import set_flash, show_flash
from lib.web.ui import md, run_action

person = session.require_page(__file__)
claims = person.claims()


settings = reads.booking_settings(claims)
tz = ZoneInfo(settings["time_zone"])
today = bookings.local_today(settings)


def when(row) -> str:
    starts, ends = row.starts.astimezone(tz), row.ends.astimezone(tz)
    return f"{weekday_name(starts.isoweekday())} {fmt_date(starts.date())}, {fmt_time(starts)}–{fmt_time(ends)}"


st.title(t("mybookings.title"))
show_flash("mybookings")
upcoming_tab, past_tab = st.tabs([t("mybookings.upcoming"), t("mybookings.past")])
with upcoming_tab:
    upcoming = reads.my_bookings(claims, person.member_id, True)
    live = upcoming[upcoming.status != "cancelled"]
    if live.empty:
        st.info(t("mybookings.none"))
    else:
        events = [{"id": r.id, "starts": r.starts, "ends": r.ends, "status": r.status,
                   "summary": t("ics.summary", resource=r.resource_name, space=settings["space_name"]),
                   "location": f"{settings['space_name']} — {r.zone_name}"} for r in live.itertuples()]
        st.download_button(t("mybookings.ics"), ics.calendar(events, settings["space_name"]),
                           file_name="cantine-reservations.ics", mime="text/calendar", key="ics_all",
                           icon=":material/calendar_month:")
    for row in live.itertuples():
        with st.container(border=True):
            cols = st.columns([5, 2, 2, 2])
            cols[0].markdown(f"**{when(row)}**  \n{md(row.resource_name)} · {md(row.zone_name)} · "
                             f"{t('mybookings.status.' + row.status)}")
            one = ics.calendar([{"id": row.id, "starts": row.starts, "ends": row.ends,
                                 "summary": t("ics.summary", resource=row.resource_name, space=settings["space_name"]),
                                 "location": f"{settings['space_name']} — {row.zone_name}"}], settings["space_name"])
            cols[1].download_button(".ics", one, file_name=f"reservation-{row.day}.ics", mime="text/calendar",
                                    key=f"ics_{row.id}", icon=":material/event:")
            if cols[2].button(t("mybookings.cancel"), key=f"cancel_{row.id}", icon=":material/close:"):
                if run_action(lambda row=row: bookings.cancel(claims, row.id)):
                    set_flash("mybookings", t("mybookings.cancelled"))
                    st.rerun()
            if row.day == today and row.status == "confirmed":
                if not pd.isna(row.checked_in_at):
                    cols[3].caption(t("checkin.checked", time=fmt_time(row.checked_in_at.astimezone(tz))))
                elif (state := bookings.check_in_state(row.check_in_from, row.ends)) == "early":
                    cols[3].caption(t("checkin.opens", time=fmt_time(row.check_in_from.astimezone(tz))))
                elif state == "ended":  # check_in refuses it now: no button (as on the home page)
                    cols[3].caption(t("checkin.ended"))
                elif cols[3].button(t("checkin.button"), key=f"checkin_{row.id}", type="primary",
                                    icon=":material/how_to_reg:"):
                    if run_action(lambda row=row: bookings.check_in(claims, row.id)):
                        set_flash("mybookings", t("checkin.done"))
                        st.rerun()
with past_tab:
    past = reads.my_bookings(claims, person.member_id, False)
    if past.empty:
        st.info(t("mybookings.none"))
    else:
        ui.table(st, pd.DataFrame({
            t("mybookings.when"): [when(r) for r in past.itertuples()],
            t("book.resource"): past.resource_name,
            t("mybookings.status"): [t(f"mybookings.status.{s}") for s in past.status],
        }), hide_index=True, width="stretch")
