"""Members (admins): role, plan and active edited in place, erasure requests, stale profiles."""

import pandas as pd
import streamlit as st

from lib.core.i18n import current_language, fmt_date, t
from lib.directory import members, privacy
from lib.space import space
from lib.web import reads, session, ui
from lib.web.ui import md, page_index, pager, run_action, t_md

PAGE_SIZE = 50  # rows of the editor: a page of the members, searched by name or address


def _member_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["id", "full_name", "email", "role", "plan", "active", "visibility"])
    frame["plan"] = frame["plan"].fillna("")
    return frame.set_index("id")


person = session.require_page(__file__)
claims = person.claims()
LANG = current_language()  # format_func runs later: bind the language now
st.title(t("members_admin.title"))
st.caption(t("members_admin.intro"))

search = st.text_input(t("members_admin.search"), key="members_search", max_chars=100)
total, page, page_rows, waiting = reads.admin_members_page(claims, search, page_index("members_admin_page", search),
                                                           PAGE_SIZE)
if waiting:  # open sign-up (Supabase): confirmed addresses that get nothing until activated here
    st.info(t_md("members_admin.waiting", n=len(waiting),
                 names=", ".join(f"{r['full_name']} ({r['email']})" for r in waiting)))
original = _member_frame(page_rows)
plans = reads.plans(claims)
codes = [p["code"] for p in plans]
names = {p["code"]: p["name_fr" if LANG == "fr" else "name_en"] for p in plans}
edited = ui.editor(st,   # one editor a page: edits of a page are saved from it, before moving on
    original, key=f"members_editor_{page}", hide_index=True, width="stretch", num_rows="fixed",
    disabled=["full_name", "email", "visibility"],
    column_config={
        "full_name": st.column_config.TextColumn(t("field.full_name")),
        "email": st.column_config.TextColumn(t("field.email")),
        "role": st.column_config.SelectboxColumn(t("field.role"), options=list(members.ROLES), required=True,
                                                 format_func=lambda r: t(f"role.{r}", LANG)),
        "plan": st.column_config.SelectboxColumn(t("field.plan"), options=["", *codes],
                                                 format_func=lambda c: names.get(c, c)),
        "active": st.column_config.CheckboxColumn(t("field.active")),
        "visibility": st.column_config.SelectboxColumn(t("field.visibility"), options=list(members.VISIBILITIES),
                                                       format_func=lambda v: t(f"visibility.{v}", LANG)),
    })

pager("members_admin_page", page, total, PAGE_SIZE, unsaved=not edited.equals(original))

if st.button(t("members_admin.save"), type="primary", key="members_save"):
    changes = []
    for member_id, row in edited.iterrows():
        before = original.loc[member_id]
        change = members.RowChange(str(member_id), f"{row['full_name']} <{row['email']}>")
        if row["role"] != before["role"]:
            change.role = row["role"]
        if (row["plan"] or "") != (before["plan"] or ""):
            change.plan = row["plan"] or ""
        if bool(row["active"]) != bool(before["active"]):
            change.active = bool(row["active"])
        if change.role is not None or change.plan is not None or change.active is not None:
            changes.append(change)
    if not changes:
        st.info(t("members_admin.nothing"))
    else:
        problems = run_action(lambda: members.apply_admin_changes(claims, changes))
        if problems:
            for who, why in problems:
                st.error(t("members_admin.refused", who=md(who), why=why))
        elif problems is not None:
            st.success(t("members_admin.saved", n=len(changes)))

st.divider()
st.subheader(t("members_admin.erasures"))
requests = reads.erasure_requests(claims)
if not requests:
    st.caption(t("members_admin.no_erasures"))
for req in requests:
    with st.container(border=True):
        st.markdown(f"**{md(req['full_name'])}** — {md(req['email'])} — "
                    f"{fmt_date(req['erasure_requested_at'].date())}")
        sure = st.checkbox(t_md("members_admin.erase_confirm", name=req["full_name"]),
                           key=f"erase_sure_{req['id']}")
        if st.button(t("members_admin.erase"), key=f"erase_{req['id']}", disabled=not sure, type="primary"):
            run_action(lambda req=req: privacy.erase_member(claims, str(req["id"])), t("members_admin.erased"))
            st.rerun()

st.divider()
st.subheader(t("members_admin.stale"))
st.caption(t("members_admin.stale_help", months=space.settings()["profile_stale_months"]))
if st.button(t("members_admin.stale_run"), key="stale_run"):
    hidden = run_action(lambda: privacy.hide_stale_profiles(claims))
    if hidden is not None:
        st.success(t("members_admin.stale_done", n=hidden))
