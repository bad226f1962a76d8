"""Skills vocabulary (admins): approve proposals, rename, merge duplicates, delete unused."""

import pandas as pd
import streamlit as st

from lib.core.i18n import t
from lib.directory import skills
from lib.web import reads, session, ui
from lib.web.ui import md, run_action

person = session.require_page(__file__)
claims = person.claims()
st.title(t("skills_admin.title"))

rows = reads.skills_admin_list(claims)
names = {str(r["id"]): r["name"] for r in rows}

st.subheader(t("skills_admin.proposed"))
proposed = [r for r in rows if r["status"] == "proposed"]
if not proposed:
    st.caption(t("skills_admin.no_proposed"))
for r in proposed:
    c1, c2 = st.columns([4, 1], vertical_alignment="center")
    c1.markdown(f"**{md(r['name'])}** — {md(r['proposed_by'])} ({r['members']})")
    if c2.button(t("skills_admin.approve"), key=f"approve_{r['id']}"):
        run_action(lambda r=r: skills.approve(claims, str(r["id"])), t("skills_admin.approved"))
        st.rerun()

st.subheader(t("skills_admin.merge"))
st.caption(t("skills_admin.merge_help"))
c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
merge_from = ui.select(c1, t("skills_admin.merge_from"), list(names), format_func=names.get, key="merge_from",
                          index=None, placeholder=t("skills_admin.choose"))
merge_into = ui.select(c2, t("skills_admin.merge_into"), list(names), format_func=names.get, key="merge_into",
                          index=None, placeholder=t("skills_admin.choose"))
if c3.button(t("skills_admin.merge_button"), key="merge_go", disabled=not (merge_from and merge_into)):
    moved = run_action(lambda: skills.merge(claims, merge_from, merge_into))
    if moved is not None:
        st.success(t("skills_admin.merged", n=moved))

st.subheader(t("skills_admin.rename"))
c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
to_rename = ui.select(c1, t("skills_admin.pick"), list(names), format_func=names.get, key="rename_pick", index=None,
                         placeholder=t("skills_admin.choose"))
new_name = c2.text_input(t("skills_admin.new_name"), key="rename_name", max_chars=60)
if c3.button(t("skills_admin.rename"), key="rename_go", disabled=not (to_rename and new_name.strip())):
    if run_action(lambda: skills.rename(claims, to_rename, new_name) or True):
        st.success(t("skills_admin.renamed"))

st.subheader(t("skills_admin.delete"))
unused = {str(r["id"]): r["name"] for r in rows if not (r["members"] or r["wanted"])}
c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
to_delete = ui.select(c1, t("skills_admin.pick"), list(unused), format_func=unused.get, key="delete_pick", index=None,
                         placeholder=t("skills_admin.choose"))
if c2.button(t("skills_admin.delete_button"), key="delete_go", disabled=not to_delete):
    if run_action(lambda: skills.delete_unused(claims, to_delete) or True):
        st.success(t("skills_admin.deleted"))

st.subheader(t("skills_admin.vocabulary"))
ui.table(st, pd.DataFrame([{
    t("skills_admin.name"): r["name"], t("skills_admin.status"): t(f"skills_admin.status.{r['status']}"),
    t("skills_admin.members"): r["members"], t("skills_admin.wanted"): r["wanted"]} for r in rows]),
    hide_index=True, width="stretch")
