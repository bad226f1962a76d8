"""The staff day: who is booked where, arrivals, guests to approve, no-shows; CSV export."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from lib.booking import bookings
from lib.core.i18n import current_language, fmt_date, fmt_time, t
from lib.web import reads, session, ui
from lib.web.flash import set_flash, show_flash
from lib.web.ui import md, page_of, pager, run_action, send_outbox_after, show_outbox_report, t_md

person = session.require_page(__file__)
claims = person.claims()


settings = reads.booking_settings(claims)
tz = ZoneInfo(settings["time_zone"])
today = bookings.local_today(settings)

st.title(t("staff.title"))
show_flash("staff")
show_outbox_report("staff")
# the filter on its own line: beside the day and the search it was cut to "Tout Attendus A…" at 820 px
cols = st.columns([2, 3])
day = ui.date(cols[0], t("book.day"), value=today, format="DD/MM/YYYY", key="staff_day")
search = cols[1].text_input(t("staff.search"), key="staff_search", max_chars=100)
filters = ["all", "expected", "checked_in", "pending", "no_show"]
labels = {f: t(f"staff.filter.{f}") for f in filters}
show_label = st.segmented_control(t("staff.filter"), list(labels.values()), default=labels["all"],
                                       key="staff_show") or labels["all"]
show = next(f for f, label in labels.items() if label == show_label)

waiting = bookings.pending_days(claims)
if waiting:
    st.info(t("staff.pending_days", days=", ".join(f"{fmt_date(w['day'])} ({w['n']})" for w in waiting)),
            icon=":material/hourglass_top:")
frame = reads.staff_day(claims, day, search, show)
st.caption(t("staff.count", n=len(frame)) + f" · {fmt_date(day, 'full')}")
ROWS = 30  # a page of rows: each row's buttons cost every rerun


def _hours(row: pd.Series) -> str:
    return f"{fmt_time(row.starts.astimezone(tz))}–{fmt_time(row.ends.astimezone(tz))}"


def _state(row: pd.Series) -> str:
    """The row's state in a few words: arrived at, no-show, to approve, else its status."""
    if row.checked_in_at is not None and not pd.isna(row.checked_in_at):
        return t("staff.row_arrived", time=fmt_time(row.checked_in_at.astimezone(tz)))
    if row.no_show_at is not None and not pd.isna(row.no_show_at):
        return t("staff.row_no_show")
    if row.status == "pending":
        return t("staff.row_pending")
    return t(f"mybookings.status.{row.status}")


def _do(fn, booking_id: str, done: str) -> None:
    if run_action(lambda: fn(claims, booking_id)):
        if fn is bookings.cancel:  # the database queued a message to the person: send it
            send_outbox_after("staff")
        st.session_state.pop("staff_confirm", None)
        set_flash("staff", t(done))
        st.rerun()


def _row(row: pd.Series) -> None:
    """One booking: who, where, when, its state, and the actions that apply to it now, with short
    labels and icons so four fit on one line of a tablet (820 px) and wrap on a phone."""
    with st.container(border=True, key=f"staff_row_{row.id}"):
        who = row.who + (f" ({t('staff.guest')})" if row.guest else "")
        st.markdown(f"**{_hours(row)} · {md(row.resource_name)}** · {md(who)}  \n"
                    f"{md(row.email)} · {_state(row)}")
        if st.session_state.get("staff_confirm") == row.id:  # cancel: asked first (it e-mails the person)
            st.warning(t_md("staff.cancel_confirm", who=row.who), icon=":material/warning:")
            bar = st.container(horizontal=True, gap="small")
            if bar.button(t("mybookings.cancel_yes"), key=f"staff_x_yes_{row.id}", type="primary",
                          icon=":material/delete:"):
                _do(bookings.cancel, row.id, "mybookings.cancelled")
            if bar.button(t("mybookings.cancel_keep"), key=f"staff_x_no_{row.id}"):
                st.session_state.pop("staff_confirm", None)
                st.rerun()
            return
        arrived = row.checked_in_at is not None and not pd.isna(row.checked_in_at)
        no_show = row.no_show_at is not None and not pd.isna(row.no_show_at)
        bar = st.container(horizontal=True, gap="small")
        if row.status == "confirmed" and not arrived and day == today and bar.button(
                t("staff.do.check_in"), key=f"staff_in_{row.id}", type="primary", icon=":material/how_to_reg:",
                help=t("staff.check_in")):
            _do(bookings.check_in, row.id, "checkin.done")
        if row.status == "pending" and bar.button(t("staff.do.approve"), key=f"staff_ok_{row.id}", type="primary",
                                                  icon=":material/check:", help=t("staff.approve")):
            _do(bookings.approve, row.id, "staff.approved")
        # no-show only where mark_no_show accepts it (the database says, private.no_show_refusal)
        if bool(row.no_show_allowed) and not no_show and bar.button(
                t("staff.do.no_show"), key=f"staff_ns_{row.id}", icon=":material/person_off:",
                help=t("staff.no_show")):
            _do(bookings.mark_no_show, row.id, "staff.marked")
        if row.status != "cancelled" and not arrived and bar.button(
                t("staff.do.cancel"), key=f"staff_x_{row.id}", icon=":material/close:", help=t("staff.cancel")):
            st.session_state["staff_confirm"] = row.id
            st.rerun()


if frame.empty:
    # "to approve" emptied by approving: all done, not "no booking that day"
    st.info(t("staff.all_done") if show == "pending" else t("staff.none"),
            icon=":material/task_alt:" if show == "pending" else None)
else:
    page, page_rows = page_of("staff_page", (day, search, show), frame, ROWS)
    for _, row in page_rows.iterrows():
        _row(row)
    pager("staff_page", page, len(frame), ROWS)
if settings["release_unclaimed_minutes"] and day == today:
    if st.button(t("staff.release"), key="staff_release"):
        n = run_action(lambda: bookings.release_unclaimed(claims))
        if n is not None:
            set_flash("staff", t("staff.released", n=n))
            st.rerun()

with st.expander(t("staff.export"), icon=":material/download:"):
    ec = st.columns(2)
    first = ui.date(ec[0], t("staff.export_from"), value=today.replace(day=1), format="DD/MM/YYYY", key="exp_from")
    last = ui.date(ec[1], t("staff.export_to"), value=today, format="DD/MM/YYYY", key="exp_to")
    if last >= first:
        st.download_button(t("staff.download"), lambda lang=current_language(): bookings.export_csv(claims, first, last, lang),
                           file_name=f"reservations-{first}-{last}.csv", mime="text/csv", key="exp_go",
                           icon=":material/download:", on_click="ignore")
    else:
        st.error(t("resources.err.dates"))
