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
from lib.web.ui import md, run_action, t_md

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
upcoming_tab, past_tab = st.tabs([t("mybookings.upcoming"), t("mybookings.past")], key="mybookings_tabs")
def _closure_warning(row) -> None:
    """A closure falls on this live booking: its member hears it here before any e-mail."""
    if isinstance(row.closure_reason, str) and row.closure_reason:
        st.warning(t_md("mybookings.closure_warning", reason=row.closure_reason), icon=":material/event_busy:")


def _cancelled_line(row) -> str:
    """Why and when a booking was cancelled, from its cancel_reason (who: the member, the team…)."""
    reason = t(f"mybookings.reason.{row.cancel_reason}") if isinstance(row.cancel_reason, str) else \
        t("mybookings.status.cancelled")
    if row.cancelled_at is not None and not pd.isna(row.cancelled_at):
        reason += f" · {fmt_date(row.cancelled_at.astimezone(tz).date())}"
    return reason


with upcoming_tab:
    upcoming = reads.my_bookings(claims, person.member_id, True)
    live = upcoming[upcoming.status != "cancelled"]
    cancelled = upcoming[upcoming.status == "cancelled"]
    if live.empty:
        st.info(t("mybookings.none"))
    else:
        events = [{"id": r.id, "starts": r.starts, "ends": r.ends, "status": r.status,
                   "summary": t("ics.summary", resource=r.resource_name, space=settings["space_name"]),
                   "location": f"{settings['space_name']} — {r.zone_name}"} for r in live.itertuples()]
        st.download_button(t("mybookings.ics"), ics.calendar(events, settings["space_name"]),
                           file_name="cantine-reservations.ics", mime="text/calendar", key="ics_all",
                           icon=":material/calendar_month:", on_click="ignore")
    for row in live.itertuples():
        with st.container(border=True):
            _closure_warning(row)
            cols = st.columns([5, 2, 2, 2])
            cols[0].markdown(f"**{when(row)}**  \n{md(row.resource_name)} · {md(row.zone_name)} · "
                             f"{t('mybookings.status.' + row.status)}")
            one = ics.calendar([{"id": row.id, "starts": row.starts, "ends": row.ends,
                                 "summary": t("ics.summary", resource=row.resource_name, space=settings["space_name"]),
                                 "location": f"{settings['space_name']} — {row.zone_name}"}], settings["space_name"])
            cols[1].download_button(".ics", one, file_name=f"reservation-{row.day}.ics", mime="text/calendar",
                                    key=f"ics_{row.id}", icon=":material/event:", on_click="ignore")
            if st.session_state.get("mybookings_confirm") == row.id:  # cancelling asks first
                st.warning(t("mybookings.cancel_confirm"), icon=":material/warning:")
                bar = st.container(horizontal=True, gap="small")
                if bar.button(t("mybookings.cancel_yes"), key=f"cancel_yes_{row.id}", type="primary",
                              icon=":material/delete:"):
                    if run_action(lambda row=row: bookings.cancel(claims, row.id)):
                        st.session_state.pop("mybookings_confirm", None)
                        set_flash("mybookings", t("mybookings.cancelled"))
                        st.rerun()
                if bar.button(t("mybookings.cancel_keep"), key=f"cancel_no_{row.id}"):
                    st.session_state.pop("mybookings_confirm", None)
                    st.rerun()
            elif cols[2].button(t("mybookings.cancel"), key=f"cancel_{row.id}", icon=":material/close:"):
                st.session_state["mybookings_confirm"] = row.id
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
    # cancelled ones stay, greyed, with who cancelled and when: a booking never just vanishes
    for row in cancelled.itertuples():
        with st.container(border=True):
            st.caption(f"~~{when(row)}~~ · {md(row.resource_name)} · {md(row.zone_name)} · {_cancelled_line(row)}")
with past_tab:
    past = reads.my_bookings(claims, person.member_id, False)
    if past.empty:
        st.info(t("mybookings.none"))
    else:
        # what became of each one (came, no-show, not checked in), not its status at booking time
        ui.table(st, pd.DataFrame({
            t("mybookings.when"): [when(r) for r in past.itertuples()],
            t("book.resource"): past.resource_name,
            t("mybookings.status"): [t("mybookings.outcome." + bookings.outcome(r.status, r.checked_in_at, r.no_show_at))
                                     for r in past.itertuples()],
        }), hide_index=True, width="stretch")
