"""The staff day: who is booked where, arrivals, guests to approve, no-shows; CSV export."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from lib.booking import bookings
from lib.core.i18n import current_language, fmt_date, fmt_time, t
from lib.web import reads, session, ui
from lib.web.flash import set_flash, show_flash
from lib.web.ui import run_action, send_outbox_after, show_outbox_report

person = session.require_page(__file__)
claims = person.claims()


settings = reads.booking_settings(claims)
tz = ZoneInfo(settings["time_zone"])
today = bookings.local_today(settings)

st.title(t("staff.title"))
show_flash("staff")
show_outbox_report("staff")
cols = st.columns([2, 3, 3])
day = ui.date(cols[0], t("book.day"), value=today, format="DD/MM/YYYY", key="staff_day")
search = cols[1].text_input(t("staff.search"), key="staff_search", max_chars=100)
filters = ["all", "expected", "checked_in", "pending", "no_show"]
labels = {f: t(f"staff.filter.{f}") for f in filters}
show_label = cols[2].segmented_control(t("staff.filter"), list(labels.values()), default=labels["all"],
                                       key="staff_show") or labels["all"]
show = next(f for f, label in labels.items() if label == show_label)

waiting = bookings.pending_days(claims)
if waiting:
    st.info(t("staff.pending_days", days=", ".join(f"{fmt_date(w['day'])} ({w['n']})" for w in waiting)),
            icon=":material/hourglass_top:")
frame = reads.staff_day(claims, day, search, show)
st.caption(t("staff.count", n=len(frame)) + f" · {fmt_date(day, 'full')}")
if frame.empty:
    st.info(t("staff.none"))
else:
    def _hours(row: pd.Series) -> str:
        return f"{fmt_time(row.starts.astimezone(tz))}–{fmt_time(row.ends.astimezone(tz))}"

    view = pd.DataFrame({
        t("mybookings.when"): frame.apply(_hours, axis=1),
        t("book.resource"): frame.resource_name,
        t("staff.who"): frame.who + frame.guest.map({True: f" ({t('staff.guest')})", False: ""}),
        t("field.email"): frame.email,
        t("mybookings.status"): [t(f"mybookings.status.{s}") for s in frame.status],
        t("staff.checked_in"): [fmt_time(v.astimezone(tz)) if v is not None and not pd.isna(v) else ""
                               for v in frame.checked_in_at],
        t("staff.filter.no_show"): frame.no_show_at.notna(),
    })
    ui.table(st, view, hide_index=True, width="stretch")
    options = dict(zip(frame.id, frame.apply(lambda r: f"{_hours(r)} · {r.resource_name} · {r.who}", axis=1),
                       strict=True))
    act = st.columns([4, 1, 1, 1, 1])
    chosen = ui.select(act[0], t("staff.act_on"), list(options), format_func=options.get, key="staff_pick")
    actions = [("staff.check_in", bookings.check_in, "checkin.done"), ("staff.approve", bookings.approve, "staff.approved"),
               ("staff.no_show", bookings.mark_no_show, "staff.marked"),
               ("staff.cancel", bookings.cancel, "mybookings.cancelled")]
    # no-show only where mark_no_show accepts it (the database says, private.no_show_refusal)
    picked = frame[frame.id == chosen].iloc[0] if chosen in options else None
    no_show_ok = picked is not None and bool(picked.no_show_allowed)
    for col, (label, fn, done) in zip(act[1:], actions, strict=True):
        if col.button(t(label), key=f"staff_{label}", width="stretch",
                      disabled=label == "staff.no_show" and not no_show_ok):
            if run_action(lambda fn=fn: fn(claims, chosen)):
                if fn is bookings.cancel:  # the database queued a message to the person: send it
                    send_outbox_after("staff")
                set_flash("staff", t(done))
                st.rerun()
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
                           icon=":material/download:")
    else:
        st.error(t("resources.err.dates"))
