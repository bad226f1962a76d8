"""Home: a welcome made for the person's role, and what the space holds."""

import streamlit as st

from lib import auth, db, space
from lib.i18n import fmt_number, t

person = auth.current_person()
settings = space.settings()
st.title(t("home.welcome", space=settings["space_name"]))
if settings["demo"]:
    st.info(t("app.demo_banner"), icon=":material/science:")

summary = space.summary(person.claims())
cols = st.columns(4)
cols[0].metric(t("home.members"), fmt_number(summary["active_members"]))
cols[1].metric(t("home.resources"), fmt_number(summary["resources"]))
cols[2].metric(t("home.desks"), fmt_number(summary["desks"]))
cols[3].metric(t("home.rooms"), fmt_number(summary["rooms"]))
st.caption(t("app.database", where=db.describe()))
