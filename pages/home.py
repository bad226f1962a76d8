"""Home: a welcome made for the person's role, and what the space holds.

Other areas add their blocks below the greeting (check-in button, who is here today); each is
a small function call kept in its own `st.container` so the page stays readable.
"""

import streamlit as st

from lib import auth, db, navigation, space
from lib.i18n import fmt_number, t

person = auth.require_page(__file__)
settings = space.settings()
st.title(t("home.welcome", space=settings["space_name"]))
if settings["demo"]:
    st.info(t("app.demo_banner"), icon=":material/science:")
st.subheader(t("home.hello", name=person.full_name.split(" ")[0]))
st.write(t(f"home.intro.{person.role}"))

# Room for other areas' home blocks (check-in, who is here today), in this order.
actions = st.container(key="home_actions")
today = st.container(key="home_today")

if person.role in ("admin", "staff", "board"):
    summary = space.summary(person.claims())
    cols = st.columns(4)
    cols[0].metric(t("home.members"), fmt_number(summary["active_members"]))
    cols[1].metric(t("home.resources"), fmt_number(summary["resources"]))
    cols[2].metric(t("home.desks"), fmt_number(summary["desks"]))
    cols[3].metric(t("home.rooms"), fmt_number(summary["rooms"]))

shortcuts = [p for p in navigation.pages_for(person.role)
             if p.path != "pages/home.py" and (db.ROOT / p.path).exists()]
if shortcuts:
    st.markdown(f"**{t('home.shortcuts')}**")
    cols = st.columns(min(len(shortcuts), 4))
    for i, spec in enumerate(shortcuts):
        cols[i % len(cols)].page_link(spec.path, label=t(spec.title_key), icon=spec.icon)
if person.role == "admin":
    st.caption(t("app.database", where=db.describe()))
