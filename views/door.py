"""The event door, for a tablet at the entrance (820×1180): pick the day's event, search a name as
you type, tick people present in one tap (each tap saved at once), add a walk-in, live counts.

Read uncached on purpose: two tablets (or a tablet and the team's events page) tick the same
list at the same door, and a count cached for even 15 s would be wrong at the moment it matters;
each rerun reads one event's counts and at most `door.PEOPLE_LIMIT` rows, filtered in SQL. The
list and its counts are a fragment, so a keystroke or a tap reruns them, not the whole page."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import streamlit as st

from lib.core import clock
from lib.core.i18n import fmt_datetime, fmt_time, t
from lib.events import door
from lib.space import space
from lib.web import session, ui
from lib.web.ui import md, refusal, t_md

person = session.require_page(__file__)
claims = person.claims()
tz_name = space.settings()["time_zone"]

# big type for a tablet held at arm's length: names and boxes a thumb can hit (static CSS only)
st.html("""<style>
.st-key-door_list label p { font-size: 1.45rem; line-height: 2.2rem; }
.st-key-door_list label span[data-baseweb="checkbox"] > span, .st-key-door_list input[type=checkbox] + div
  { transform: scale(1.5); margin-right: .6rem; }
.st-key-door_counts [data-testid="stMetricValue"] { font-size: 2.6rem; }
.st-key-door_search input { font-size: 1.4rem; }
</style>""")

st.title(t("door.title"))
top = st.columns([2, 5])
today = clock.space_today(tz_name)
day = ui.date(top[0], t("door.day"), value=today, format="DD/MM/YYYY", key="door_day")
day_events = door.day_events(claims, day)
if day_events.empty:
    st.info(t("door.none"), icon=":material/event_busy:")
    st.stop()

labels = {row.event_id: f"{fmt_time(row.starts_at.astimezone(ZoneInfo(tz_name)))} · {row.title}"
          for row in day_events.itertuples()}
ids = list(labels)
open_now = [i for i, is_open in zip(day_events.event_id, day_events.door_open, strict=True) if is_open]
event_id = ui.select(top[1], t("door.event"), ids, index=ids.index(open_now[0]) if open_now else 0,
                            format_func=labels.get, placeholder=t("app.choose"), key=f"door_event_{day}")
event = day_events.set_index("event_id").loc[event_id]
door_open = bool(event.door_open)
if not door_open:
    opens_before, _ = door.window(claims)
    if event.starts_at > clock.now():
        st.info(t("door.closed_early", when=fmt_datetime(event.starts_at - opens_before, tz_name)),
                icon=":material/schedule:")
    else:
        st.warning(t("door.closed_late"), icon=":material/lock:")


def _tick(registration_id: str, who: str, key: str) -> None:
    """Saved the moment the box changes: no save button to forget."""
    present = bool(st.session_state.get(key))
    try:
        door.set_present(claims, registration_id, present)
    except Exception as exc:  # every refusal becomes a sentence on the list
        st.session_state["door_error"] = refusal(exc)
        return
    # said by the fragment's run (a callback that draws would draw at the top of the page)
    st.session_state["door_said"] = t_md("door.ticked" if present else "door.unticked", name=who)


def _walk_in(event_id: str) -> None:
    name = st.session_state.get("door_wi_name", "")
    email = st.session_state.get("door_wi_email", "")
    try:
        door.walk_in(claims, event_id, name, email)
    except Exception as exc:
        st.session_state["door_error"] = refusal(exc)
        return
    st.session_state["door_wi_name"] = ""
    st.session_state["door_wi_email"] = ""
    st.session_state["door_said"] = t_md("door.walk_in_ok", name=name.strip())


@st.fragment
def door_list(event_id: str, door_open: bool) -> None:
    error = st.session_state.pop("door_error", None)
    if error:
        st.error(error)
    said = st.session_state.pop("door_said", None)
    if said:
        st.toast(said, icon=":material/check_circle:")
    counts = door.counts(claims, event_id)
    with st.container(key="door_counts"):
        names = {"registered": t("door.count.registered"), "present": t("door.count.present"),
                 "walk_ins": t("door.count.walk_ins"), "waiting": t("door.count.waiting")}
        for cell, (name, label) in zip(st.columns(4), names.items(), strict=True):
            cell.metric(label, counts[name], border=True)
        st.caption(t("door.capacity", n=counts["capacity"]))
    search = st.text_input(t("door.search"), key="door_search", type="search", live=True, max_chars=100,
                           placeholder=t("door.search_placeholder"))
    found = door.people(claims, event_id, search, door.PEOPLE_LIMIT + 1)
    with st.container(key="door_list"):
        if found.empty:
            st.info(t("door.no_match") if search else t("eventsadmin.no_attendees"))
        for row in found.head(door.PEOPLE_LIMIT).itertuples():
            tags = [t("door.tag.walk_in")] if row.walk_in else []
            if row.status == "waitlisted":
                tags.append(t("door.tag.waitlisted"))
            elif row.guest and not row.walk_in:
                tags.append(t("door.tag.guest"))
            label = md(row.who) + "".join(f" · *{tag}*" for tag in tags)
            # the key carries the status: a tick made on another tablet shows on the next rerun
            key = f"door_{row.registration_id}_{row.status}"
            st.checkbox(label, value=row.status == "attended", key=key, disabled=not door_open,
                        on_change=_tick, args=(row.registration_id, row.who, key),
                        help=md(row.email) or None)
        if len(found) > door.PEOPLE_LIMIT:
            st.caption(t("door.more", n=door.PEOPLE_LIMIT))
    if counts["walk_ins"]:
        st.caption(t("door.undo_walk_in"))
    if door_open:
        st.subheader(t("door.walk_in"), anchor=False)
        st.caption(t("door.walk_in_help"))
        with st.form("door_walk_in", border=True):
            st.text_input(t("door.walk_in_name"), key="door_wi_name", max_chars=200)
            st.text_input(t("door.walk_in_email"), key="door_wi_email", max_chars=254)
            st.form_submit_button(t("door.walk_in_go"), type="primary", icon=":material/person_add:",
                                  on_click=_walk_in, args=(event_id,), width="stretch")


door_list(event_id, door_open)
