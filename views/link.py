"""The shared link: anyone holding it books a desk without an account, and manages that
booking through a private `?manage=` link. Public page: every read and write goes through the
`link_*` functions as the anonymous role.

Kept cheap per rerun for newsletter bursts: reference data and the grid are cached (shared by
all visitors of a link, they hold no personal data), the picker is a fragment, nothing else
touches the database until someone books.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from lib import bookings, share_links
from lib.errors import UserError, user_message
from lib.flash import set_flash, show_flash
from lib.i18n import current_language, fmt_date, fmt_time, t, weekday_name
from lib.link_cache import day as _day
from lib.link_cache import space as _space
from lib.ui import run_action


def _when(starts: dt.datetime, ends: dt.datetime, tz: ZoneInfo) -> str:
    a, b = starts.astimezone(tz), ends.astimezone(tz)
    return f"{weekday_name(a.isoweekday())} {fmt_date(a.date())}, {fmt_time(a)}–{fmt_time(b)}"


def _page_address() -> str:
    """This page's address without its query (st.context.url), for the private manage link."""
    try:
        url = st.context.url or ""
    except Exception:  # outside a browser session (AppTest)
        url = ""
    return url.split("?", 1)[0] if url else "/link"


def manage_page(manage: str) -> None:
    st.title(t("linkpage.manage_title"))
    try:
        found = share_links.managed_booking(manage)
    except UserError as exc:
        st.error(exc.message())
        return
    if found is None:
        st.error(t("link.manage_unknown"))
        return
    tz = ZoneInfo(bookings.booking_settings()["time_zone"])
    with st.container(border=True):
        st.markdown(f"**{_when(found['starts'], found['ends'], tz)}**")
        st.text(f"{found['resource_name']} · {found['zone_name']} · {found['full_name']}")
        st.caption(t(f"mybookings.status.{found['status']}"))
    if found["status"] != "cancelled" and st.button(t("linkpage.cancel"), key="link_cancel"):
        if run_action(lambda: share_links.cancel(manage)):
            set_flash("link", t("linkpage.cancelled"))
            st.rerun()


def booking_page(token: str) -> None:
    try:
        space = _space(token)
    except Exception as exc:  # unknown, expired, revoked: say which
        st.title(t("linkpage.title"))
        st.error(user_message(exc))
        return
    tz = ZoneInfo(space["time_zone"])
    st.title(t("linkpage.title"))
    st.caption(t("linkpage.intro", space=space["space_name"]))
    today = dt.datetime.now(tz).date()
    default = bookings.next_open_day(space)
    cols = st.columns(2)
    day = cols[0].date_input(t("book.day"), value=default, min_value=today,
                             max_value=today + dt.timedelta(days=space["booking_window_days"]),
                             format="DD/MM/YYYY", key="link_day")
    slot = cols[1].segmented_control(t("book.slot"), list(bookings.SLOTS), default="day", key="link_slot",
                                     format_func={s: t(f"book.slot.{s}") for s in bookings.SLOTS}.get) or "day"
    picker(token, space, day, slot, tz)


@st.fragment
def picker(token: str, space: dict, day: dt.date, slot: str, tz: ZoneInfo) -> None:
    try:
        names, table = _day(token, day, slot, current_language())
    except Exception as exc:
        st.error(user_message(exc))
        return
    with st.expander(t("book.grid_caption", date=fmt_date(day, "full")), icon=":material/grid_view:"):
        st.markdown(table)
    if not names:
        st.info(t("book.nothing_free"))
        return
    with st.form("link_form", border=True):
        resource = st.selectbox(t("book.resource"), list(names), format_func=names.get, key="link_resource")
        name = st.text_input(t("linkpage.name"), max_chars=200, key="link_name")
        email = st.text_input(t("linkpage.email"), max_chars=254, key="link_email")
        go = st.form_submit_button(t("linkpage.book"), type="primary")
    if go:
        starts, ends = bookings.slot_range(day, slot, space)
        manage = run_action(lambda: share_links.book(token, email, name, resource, starts, ends))
        if manage:
            st.session_state["link_done"] = {"manage": manage, "resource": names[resource].split(" · ")[0],
                                             "when": _when(starts, ends, tz),
                                             "pending": space["guest_approval_required"]}
            st.rerun()


show_flash("link")
done = st.session_state.get("link_done")  # stays while the visitor is here: it holds their manage link
if done:
    st.success(t("linkpage.booked", resource=done["resource"], when=done["when"]), icon=":material/check_circle:")
    if done["pending"]:
        st.info(t("linkpage.pending"))
    st.write(t("linkpage.manage_intro"))
    address = f"{_page_address()}?manage={done['manage']}"
    st.link_button(t("linkpage.manage_title"), address, icon=":material/open_in_new:")
    st.code(address, language=None)

manage_token = st.query_params.get("manage")
link_token = st.query_params.get("t")
if manage_token:
    manage_page(manage_token)
elif link_token:
    booking_page(link_token)
else:
    st.title(t("linkpage.title"))
    st.info(t("linkpage.no_token"))
