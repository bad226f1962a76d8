"""Home: a welcome made for the person's role, and what the space holds.

Other areas add their blocks below the greeting (check-in button, who is here today); each is
a small function call kept in its own `st.container` so the page stays readable.
"""

from zoneinfo import ZoneInfo

import streamlit as st

from lib.booking import bookings
from lib.core import db
from lib.core.i18n import fmt_number, fmt_time, t
from lib.directory import members
from lib.space import space
from lib.web import navigation, reads, session
from lib.web.flash import set_flash, show_flash
from lib.web.ui import md, run_action, t_md

person = session.require_page(__file__)
settings = space.settings()
st.title(t_md("home.welcome", space=settings["space_name"]))
if settings["demo"]:
    st.info(t("app.demo_banner"), icon=":material/science:")
st.subheader(t_md("home.hello", name=person.full_name.split(" ")[0]))
st.write(t(f"home.intro.{person.role}"))

# Room for other areas' home blocks (check-in, who is here today), in this order.
actions = st.container(key="home_actions")
today = st.container(key="home_today")


def _check_in_block() -> None:
    """Today's bookings and check-in in one click: the first thing a member needs on arrival."""
    claims = person.claims()
    tz = ZoneInfo(settings["time_zone"])
    mine = bookings.today_bookings(claims, person.member_id)
    show_flash("home")
    # a closure on one of the person's coming bookings: said here too, not only on My bookings
    coming = reads.my_bookings(claims, person.member_id, True)
    if coming.closure_reason.notna().any():
        st.warning(t("mybookings.closure_home"), icon=":material/event_busy:")
        st.page_link("views/my_bookings.py", label=t("mybookings.title"), icon=":material/event_busy:")
    if not mine:
        cols = st.columns([3, 1], vertical_alignment="center")
        cols[0].caption(t("checkin.none_today"))
        cols[1].page_link("views/book.py", label=t("book.title"), icon=":material/event_seat:")
        return
    for row in mine:
        span = f"{fmt_time(row['starts'].astimezone(tz))}–{fmt_time(row['ends'].astimezone(tz))}"
        cols = st.columns([3, 1], vertical_alignment="center")
        cols[0].markdown(f"**{md(row['resource_name'])}** · {span}")
        # the button only while check_in will accept it; otherwise say from when (or that it is over)
        state = bookings.check_in_state(row["check_in_from"], row["ends"])
        if row["checked_in_at"] is not None:
            cols[1].caption(t("checkin.checked", time=fmt_time(row["checked_in_at"].astimezone(tz))))
        elif row["status"] != "confirmed":
            cols[1].caption(t("checkin.pending"))
        elif state == "early":
            cols[1].caption(t("checkin.opens", time=fmt_time(row["check_in_from"].astimezone(tz))))
        elif state == "ended":
            cols[1].caption(t("checkin.ended"))
        elif cols[1].button(t("checkin.button"), key=f"home_checkin_{row['id']}", type="primary"):
            if run_action(lambda row=row: bookings.check_in(claims, row["id"])) is not None:
                set_flash("home", t("checkin.done"))
                st.rerun()


def _here_today_block() -> None:
    """Who is here today who knows …: today's present, opted-in members grouped by skill."""
    groups = members.here_today_by_skill(person.claims())
    st.subheader(t("directory.here_today_title"))
    if not groups:
        st.caption(t("directory.here_today_none"))
        return
    for group in groups[:8]:
        people = ", ".join(md(p["full_name"]) for p in group["people"][:6])
        more = len(group["people"]) - 6
        st.markdown(t("app.label_value", label=f"**{md(group['skill'])}**", value=people) + (f" (+{more})" if more > 0 else ""))


if person.role in ("admin", "staff", "member"):
    with actions:
        _check_in_block()
    with today:
        _here_today_block()

if person.role in ("admin", "staff", "board"):
    summary = space.summary(person.claims())
    cols = st.columns(4)
    cols[0].metric(t("home.members"), fmt_number(summary["active_members"]))
    cols[1].metric(t("home.resources"), fmt_number(summary["resources"]))
    cols[2].metric(t("home.desks"), fmt_number(summary["desks"]))
    cols[3].metric(t("home.rooms"), fmt_number(summary["rooms"]))

shortcuts = [p for p in navigation.pages_for(person.role)
             if p.path != "views/home.py" and p.path in navigation.existing_paths()]
if shortcuts:
    st.markdown(f"**{t('home.shortcuts')}**")
    cols = st.columns(min(len(shortcuts), 3))  # 4 cut "Compétences de la communauté" and the like
    for i, spec in enumerate(shortcuts):
        cols[i % len(cols)].page_link(spec.path, label=t(spec.title_key), icon=spec.icon)
if person.role == "admin":
    st.caption(t_md("app.database", where=db.describe()))
