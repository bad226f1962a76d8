"""The shared link for events (public page): anyone holding a link made for events (or for
everything) sees the coming events, picks one and asks to register with a name and an e-mail; a proof
link is e-mailed to that address, and following it (lib/web/link_page.py, `?proof=`) registers and
gives a private manage link (`?manage=`) to see or cancel the registration. Every read and write goes through
the `link_*` functions as the anonymous role.

Built for a newsletter burst: the list of events (places left included) is read once per link
every few seconds and shared by every visitor (it names no one but the speakers); a visitor costs
no query of their own until they register. The form is an `st.form`, so typing sends nothing.
lib/web/link_page.py routes links whose purpose is 'events' here (`show(token)`), and manage links it does not
know as a booking to `show_manage`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st

from lib.core import caches, clock
from lib.core.errors import UserError
from lib.core.i18n import LANGUAGES, current_language, fmt_date, fmt_time, t, weekday_name
from lib.events import events
from lib.web.flash import set_flash, show_flash
from lib.web.ui import md, page_address, refusal, t_md

# --------------------------------------------------------------------------- data (cached, shared)

_TTL_SECONDS = 10  # how stale "places left" may be; the database decides at registration time
_cache: dict[str, tuple[float, list[dict[str, Any]] | UserError]] = {}
_lock = threading.Lock()


def link_events(token: str) -> list[dict[str, Any]]:
    """The link's events, shared by every visitor for a few seconds (a plain dict under a lock, as
    lib/web/link_page.py does: cheaper per rerun than st.cache_data, and a burst on an expired entry
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


@caches.register
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

def _places(row: dict[str, Any]) -> None:
    if row["places_left"] > 1:
        st.markdown(f"**{t('events.places_left', n=row['places_left'])}**")
    elif row["places_left"] == 1:
        st.markdown(f"**{t('events.places_left_one')}**")
    else:
        st.warning(t("events.full_waitlist", n=row["waitlisted"]), icon=":material/hourglass_top:")


def _event_card(row: dict[str, Any], tz: ZoneInfo) -> None:
    """One event of the list: what, when, where, who, places; its button opens the form for it."""
    with st.container(border=True):
        cols = st.columns([3, 1])
        cols[0].subheader(md(row["title"]), anchor=False)  # text, never Markdown or HTML
        cols[0].markdown(f"**{when(row['starts_at'], row['ends_at'], tz)}**")
        line = f"{t('events.kind.' + row['kind'])} · {md(row['room_name']) or t('events.online_or_elsewhere')}"
        if row["speakers"]:
            line += " · " + t_md("events.speakers", names=row["speakers"])
        cols[0].caption(line)
        with cols[1]:
            _places(row)
            full = row["places_left"] <= 0
            # a click only reruns this visitor's page on the shared list: no query until they register
            if st.button(t("eventlink.pick_waitlist") if full else t("eventlink.pick"), key=f"evl_pick_{row['event_id']}",
                         type="secondary" if full else "primary", icon=":material/how_to_reg:"):
                st.session_state["evl"] = {"pick": row["event_id"]}
                st.rerun()


def _chosen(token: str, row: dict[str, Any], tz: ZoneInfo) -> None:
    """The event picked, in full, and the form to register for it."""
    if st.button(t("eventlink.back"), key="evl_back", type="tertiary", icon=":material/arrow_back:"):
        st.session_state.pop("evl", None)
        st.rerun()
    with st.container(border=True):
        st.subheader(md(row["title"]), anchor=False)
        st.markdown(f"**{when(row['starts_at'], row['ends_at'], tz)}**")
        st.caption(f"{t('events.kind.' + row['kind'])} · {md(row['room_name']) or t('events.online_or_elsewhere')}")
        if row["speakers"]:
            st.text(t("events.speakers", names=row["speakers"]))
        if row.get("description"):
            st.text(row["description"])
        _places(row)
    full = row["places_left"] <= 0
    with st.form("evl_form"):
        st.markdown(f"**{t('eventlink.form_title')}**")
        if full:
            st.caption(t("eventlink.form_waitlist"))
        name = st.text_input(t("eventlink.name"), max_chars=200, key="evl_name", autocomplete="name")
        email = st.text_input(t("eventlink.email"), max_chars=254, key="evl_email", autocomplete="email")
        if st.form_submit_button(t("eventlink.register_waitlist") if full else t("eventlink.register"),
                                 type="primary", icon=":material/how_to_reg:"):
            try:
                events.link_register(token, row["event_id"], email, name)
            except Exception as exc:  # every refusal becomes a sentence
                st.error(refusal(exc))
                return
            # nothing is registered until the proof: the list's places stay as they are
            st.session_state["evl"] = {"done": {"email": email.strip(), "title": row["title"]}}
            st.rerun()
    st.caption(t("linkform.hold_nothing"))


def _done(token: str, done: dict[str, Any]) -> None:
    """After a request: check your e-mail (the same words for any address)."""
    st.info(t_md("linkform.check_email", email=done["email"]), icon=":material/mail:")
    st.caption(md(done["title"]))
    if st.button(t("eventlink.another"), icon=":material/add:", key="evl_again"):
        st.session_state.pop("evl", None)
        st.rerun()


def show_manage(manage: str) -> None:
    """The private manage page of one registration: what it is, and cancel."""
    show_flash("evl")
    st.title(t("eventlink.manage_title"))
    try:
        found = events.link_registration(manage)
    except UserError as exc:
        st.error(refusal(exc))
        return
    if found is None:
        st.error(t("link.manage_unknown"))
        return
    tz = ZoneInfo(found["time_zone"])
    with st.container(border=True):
        st.subheader(md(found["title"]), anchor=False)  # text, never Markdown or HTML
        st.markdown(f"**{when(found['starts_at'], found['ends_at'], tz)}**")
        st.caption(md(found["room_name"]) or t("events.online_or_elsewhere"))
        if found["full_name"]:
            st.text(found["full_name"])
        status = t("event.cancelled") if found["event_status"] == "cancelled" \
            else t("eventlink.status", status=t(f"events.reg_status.{found['status']}"))
        st.caption(status)
    # the database refuses a cancellation once the event has started: no button then
    if found["status"] in ("registered", "waitlisted") and found["event_status"] == "published" \
            and found["starts_at"] > clock.now() \
            and st.button(t("eventlink.cancel"), key="evl_cancel", icon=":material/close:"):
        try:
            events.link_unregister(manage)
        except Exception as exc:
            st.error(refusal(exc))
            return
        forget()
        set_flash("evl", t("eventlink.cancelled"))
        st.rerun()


# --------------------------------------------------------------------------- page

def show(token: str) -> None:
    """The whole page for an events link: what was just registered, or the event picked and its
    form, or the coming events (each with its button). Manage links (`?manage=`) reach
    `show_manage` through lib/web/link_page.py, which tries them as a booking first."""
    _language_switch()
    show_flash("evl")
    st.title(t("eventlink.title"))
    if not token:
        st.info(t("eventlink.no_token"))
        return
    try:
        rows = link_events(token)
    except Exception as exc:  # unknown, expired, revoked: say which
        st.error(refusal(exc))
        return
    state = st.session_state.get("evl") or {}  # one entry: what this visitor picked or just did
    if state.get("done"):
        _done(token, state["done"])
        return
    if not rows:
        st.info(t("events.none"))
        return
    tz = ZoneInfo(rows[0]["time_zone"])
    picked = next((r for r in rows if r["event_id"] == state.get("pick")), None)
    if picked is not None:  # (an event gone from the list since: back to the list)
        _chosen(token, picked, tz)
        return
    st.write(t_md("eventlink.intro", space=rows[0]["space_name"]))
    # members sign in and register in the app, with no proof (the app's root is its sign-in page)
    st.markdown(f"[{t('linkform.sign_in')}](/)")
    for row in rows:
        _event_card(row, tz)
