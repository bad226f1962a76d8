"""The shared link for events (public page): anyone holding a link made for events (or for
everything) sees the coming events and registers with a name and an e-mail, then gets a private
manage link (`?manage=`) to see or cancel the registration. Every read and write goes through
the `link_*` functions as the anonymous role.

Built for a newsletter burst: the list of events (places left included) is read once per link
every few seconds and shared by every visitor (it names no one but the speakers); a visitor costs
no query of their own until they register. The form is an `st.form`, so typing sends nothing.
app.py routes links whose purpose is 'events' here (`show(token)`).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st

from lib import events
from lib.errors import UserError, user_message
from lib.flash import set_flash, show_flash
from lib.i18n import LANGUAGES, current_language, fmt_date, fmt_time, t, weekday_name
from lib.ui import page_address

# --------------------------------------------------------------------------- data (cached, shared)

_TTL_SECONDS = 10  # how stale "places left" may be; the database decides at registration time
_cache: dict[str, tuple[float, list[dict[str, Any]] | UserError]] = {}
_lock = threading.Lock()


def link_events(token: str) -> list[dict[str, Any]]:
    """The link's events, shared by every visitor for a few seconds (a plain dict under a lock, as
    lib/link_page.py does: cheaper per rerun than st.cache_data, and a burst on an expired entry
    reads the database once). A refused link (unknown, expired, revoked) is cached as its error."""
    hit = _cache.get(token)
    if hit is None or hit[0] <= time.monotonic():
        with _lock:
            hit = _cache.get(token)
            if hit is None or hit[0] <= time.monotonic():
                try:
                    value: list[dict[str, Any]] | UserError = events.link_events(token)
                except UserError as exc:
                    value = exc
                if len(_cache) >= 200:  # links: a bound, not an eviction policy
                    _cache.clear()
                hit = (time.monotonic() + _TTL_SECONDS, value)
                _cache[token] = hit
    if isinstance(hit[1], UserError):
        raise UserError(hit[1].key, **hit[1].params)  # a fresh one per visitor (threads share the cache)
    return hit[1]


def forget(token: str | None = None) -> None:
    """Drop the cached list (someone just took a place)."""
    with _lock:
        if token is None:
            _cache.clear()
        else:
            _cache.pop(token, None)


# --------------------------------------------------------------------------- helpers

def when(starts: dt.datetime, ends: dt.datetime, tz: ZoneInfo, lang: str | None = None) -> str:
    a, b = starts.astimezone(tz), ends.astimezone(tz)
    return t("events.when", lang, date=f"{weekday_name(a.isoweekday(), lang)} {fmt_date(a.date(), 'long', lang)}",
             start=fmt_time(a, lang), end=fmt_time(b, lang))


def manage_address(token: str, manage: str, base: str | None = None) -> str:
    """The private manage link: it keeps the event link (`t`) so the app routes it here."""
    return f"{base or page_address()}?t={token}&manage={manage}"


def _language_switch() -> None:
    labels = {"fr": "Français", "en": "English"}
    chosen = st.segmented_control(" ", LANGUAGES, format_func=labels.get, default=current_language(),
                                  key="evl_lang", label_visibility="collapsed")
    if chosen in LANGUAGES and chosen != st.session_state.get("lang"):
        st.session_state["lang"] = chosen
        st.rerun()


# --------------------------------------------------------------------------- parts of the page

def _event_card(row: dict[str, Any], tz: ZoneInfo) -> None:
    with st.container(border=True):
        st.markdown(f"**{when(row['starts_at'], row['ends_at'], tz)}**")
        st.subheader(row["title"], anchor=False)  # text, never HTML
        st.caption(f"{t('events.kind.' + row['kind'])} · {row['room_name'] or t('events.online_or_elsewhere')}")
        if row["speakers"]:
            st.text(t("events.speakers", names=row["speakers"]))
        if row["places_left"] > 0:
            st.markdown(t("events.places_left", n=row["places_left"]))
        else:
            st.warning(t("events.full_waitlist", n=row["waitlisted"]), icon=":material/hourglass_top:")


def _form(token: str, rows: list[dict[str, Any]], tz: ZoneInfo) -> None:
    labels = {r["event_id"]: f"{when(r['starts_at'], r['ends_at'], tz)} · {r['title']}" for r in rows}
    with st.form("evl_form"):
        event_id = st.selectbox(t("eventsadmin.pick_event"), list(labels), format_func=labels.get, key="evl_event")
        name = st.text_input(t("eventlink.name"), max_chars=200, key="evl_name", autocomplete="name")
        email = st.text_input(t("eventlink.email"), max_chars=254, key="evl_email", autocomplete="email")
        if st.form_submit_button(t("eventlink.register"), type="primary", icon=":material/how_to_reg:"):
            try:
                manage = events.link_register(token, event_id, email, name)
            except Exception as exc:  # every refusal becomes a sentence
                st.error(user_message(exc))
                return
            forget(token)
            found = events.link_registration(manage) or {}
            st.session_state["evl_done"] = {"manage": manage, "title": found.get("title", ""),
                                            "status": found.get("status", "registered")}
            st.rerun()


def _done(token: str, done: dict[str, Any]) -> None:
    if done["status"] == "waitlisted":
        st.info(t("eventlink.done_waitlisted", title=done["title"]), icon=":material/hourglass_top:")
    else:
        st.success(t("eventlink.done_registered", title=done["title"]), icon=":material/check_circle:")
    st.write(t("eventlink.manage_intro"))
    address = manage_address(token, done["manage"])
    st.link_button(t("eventlink.manage_title"), address, icon=":material/open_in_new:")
    st.code(address, language=None)
    if st.button(t("eventlink.another"), icon=":material/add:", key="evl_again"):
        st.session_state.pop("evl_done", None)
        st.rerun()


def show_manage(manage: str) -> None:
    """The private manage page of one registration: what it is, and cancel."""
    show_flash("evl")
    st.title(t("eventlink.manage_title"))
    try:
        found = events.link_registration(manage)
    except UserError as exc:
        st.error(exc.message())
        return
    if found is None:
        st.error(t("link.manage_unknown"))
        return
    tz = ZoneInfo(found["time_zone"])
    with st.container(border=True):
        st.markdown(f"**{when(found['starts_at'], found['ends_at'], tz)}**")
        st.text(f"{found['title']} · {found['room_name'] or t('events.online_or_elsewhere')}")
        if found["full_name"]:
            st.text(found["full_name"])
        status = t("event.cancelled") if found["event_status"] == "cancelled" \
            else t(f"events.reg_status.{found['status']}")
        st.caption(status)
    if found["status"] in ("registered", "waitlisted") and found["event_status"] == "published" \
            and st.button(t("eventlink.cancel"), key="evl_cancel"):
        try:
            events.link_unregister(manage)
        except Exception as exc:
            st.error(user_message(exc))
            return
        forget()
        set_flash("evl", t("eventlink.cancelled"))
        st.rerun()


# --------------------------------------------------------------------------- page

def show(token: str) -> None:
    """The whole page for an events link: the manage page (`?manage=`), or what was just
    registered, or the coming events and the form."""
    _language_switch()
    manage = st.query_params.get("manage")
    if manage:
        show_manage(manage)
        return
    show_flash("evl")
    st.title(t("eventlink.title"))
    if not token:
        st.info(t("eventlink.no_token"))
        return
    try:
        rows = link_events(token)
    except Exception as exc:  # unknown, expired, revoked: say which
        st.error(user_message(exc))
        return
    done = st.session_state.get("evl_done")
    if done:
        _done(token, done)
        return
    if rows:
        st.write(t("eventlink.intro", space=rows[0]["space_name"]))
    if not rows:
        st.info(t("events.none"))
        return
    tz = ZoneInfo(rows[0]["time_zone"])
    _form(token, rows, tz)
    for row in rows:
        _event_card(row, tz)
