"""Skill insights: the community's skills per level, and skills wanted against skills offered."""

import pandas as pd
import streamlit as st

from lib.core.i18n import t
from lib.directory import skills
from lib.web import reads, session
from lib.web.ui import md


def _stats(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows,
                        columns=["skill", "learning", "practising", "expert", "offered", "wanted"])


person = session.require_page(__file__)
claims = person.claims()
st.title(t("insights.title"))
st.caption(t("insights.intro"))
stats = _stats(reads.skill_stats(claims))
if stats.empty:
    st.info(t("insights.none"))
    st.stop()
st.subheader(t("insights.by_level"))
st.altair_chart(skills.level_chart(stats), width="stretch")
st.subheader(t("insights.wanted_vs_offered"))
st.altair_chart(skills.wanted_offered_chart(stats), width="stretch")
gap = stats[stats["wanted"] > stats["offered"]].sort_values("wanted", ascending=False)["skill"].head(8).tolist()
if gap:
    st.info(t("insights.gap", skills=", ".join(md(s) for s in gap)))
