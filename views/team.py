"""Accounts (admins): invite someone, change a role, deactivate or reactivate, issue a
one-time reset link. Links go by e-mail when mail is set up; otherwise they are shown once, here,
to copy. Only their hash is stored."""

import pandas as pd
import streamlit as st

from lib.core.i18n import current_language, t
from lib.identity import accounts, supabase_auth
from lib.mail import scheduled
from lib.web import session, ui
from lib.web.ui import run_action, t_md

person = session.require_page(__file__)
st.title(t("team.title"))


def _show_link(token: str) -> None:
    """The one-time link, to copy and send (shown once: only its hash is stored)."""
    st.success(t("team.link_ready"))
    base = accounts.configured_app_url()
    if not base:
        try:  # this page's own address, minus its last part: where the app is served
            base = (st.context.url or "").rsplit("/", 1)[0]
        except Exception:
            base = ""
    st.code(f"{base}/{accounts.link_path(token)}" if base else accounts.link_path(token), language=None)
    if not base:
        st.caption(t("team.link_hint"))


def _role_label(role: str, lang: str = current_language()) -> str:
    # the language is bound now: widgets may format their options outside this run
    return t(f"role.{role}", lang)


with st.expander(t("team.invite"), icon=":material/person_add:"):
    with st.form("invite", clear_on_submit=False):
        cols = st.columns(3)
        full_name = cols[0].text_input(t("account.full_name"))
        email = cols[1].text_input(t("auth.email"))
        role = ui.select(cols[2], t("team.role"), accounts.ROLES, index=3, format_func=_role_label)
        invited = st.form_submit_button(t("team.invite_button"), type="primary")
    if invited and supabase_auth.enabled():  # Supabase Auth sends the link by email itself
        if run_action(lambda: supabase_auth.invite_by_email(person.claims(), email, full_name, role)):
            st.success(t_md("team.invite_sent", email=email.strip()))
    # local accounts: the link goes by e-mail when mail is set up (the app's sender sends the outbox
    # by itself), else it is shown to copy
    elif invited:
        by_mail = scheduled.account_links_by_mail()
        result = run_action(lambda: accounts.invite(person.claims(), email, full_name, role, by_mail=by_mail))
        if result is not None and by_mail:
            st.success(t_md("team.link_mailed", email=email.strip(), hours=accounts.INVITE_HOURS))
        elif result is not None:
            _show_link(result[1])

rows = accounts.list_accounts(person.claims())
table = pd.DataFrame([{t("account.full_name"): r["full_name"], t("auth.email"): r["email"],
                       t("team.role"): _role_label(r["role"]),
                       t("team.status"): t("team.active") if r["active"] else t("team.inactive"),
                       t("team.has_account"): bool(r["has_account"])} for r in rows])
st.subheader(t("team.accounts"))
ui.table(st, table, hide_index=True, width="stretch")

st.subheader(t("team.manage"))
query = st.text_input(t("team.search"), key="team_search", placeholder=t("team.search_hint"))
candidates = accounts.find_members(person.claims(), query) if query.strip() else rows
if not candidates:
    st.info(t("team.nobody"))
    st.stop()
by_id = {c["id"]: c for c in candidates}
chosen_id = ui.select(st, t("team.member"), list(by_id), key="team_member",
                         format_func=lambda i: f"{by_id[i]['full_name']} <{by_id[i]['email']}>")
chosen = by_id[chosen_id]

cols = st.columns(3)
with cols[0]:
    new_role = ui.select(st, t("team.role"), accounts.ROLES, index=accounts.ROLES.index(chosen["role"]),
                            format_func=_role_label, key=f"role_{chosen_id}")
    if st.button(t("team.change_role"), key="change_role", disabled=new_role == chosen["role"]):
        if run_action(lambda: accounts.set_role(person.claims(), chosen_id, new_role)) is not None:
            st.success(t_md("team.role_changed", name=chosen["full_name"], role=_role_label(new_role)))
with cols[1]:
    if chosen["active"]:
        if st.button(t("team.deactivate"), key="deactivate", help=t("team.deactivate_help")):
            if run_action(lambda: accounts.set_active(person.claims(), chosen_id, False)) is not None:
                st.success(t_md("team.deactivated", name=chosen["full_name"]))
    elif st.button(t("team.reactivate"), key="reactivate"):
        if run_action(lambda: accounts.set_active(person.claims(), chosen_id, True)) is not None:
            st.success(t_md("team.reactivated", name=chosen["full_name"]))
with cols[2]:
    if chosen["has_account"]:
        if st.button(t("team.reset_link"), key="reset_link", help=t("team.reset_help")):
            if supabase_auth.enabled():
                supabase_auth.send_reset(chosen["email"], supabase_auth.new_client())
                st.success(t_md("team.reset_sent", email=chosen["email"]))
            else:
                by_mail = scheduled.account_links_by_mail()
                result = run_action(lambda: accounts.issue_reset(person.claims(), chosen_id, by_mail=by_mail))
                if result is not None and by_mail:
                    st.success(t_md("team.link_mailed", email=chosen["email"], hours=accounts.RESET_HOURS))
                elif result is not None:
                    _show_link(result[0])
    else:
        st.caption(t("team.no_account_hint"))
