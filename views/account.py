"""My account: who I am, my language, the optional e-mails I receive, my password."""

import streamlit as st

from lib.core.i18n import t
from lib.identity import accounts, supabase_auth
from lib.mail import scheduled
from lib.web import session
from lib.web.ui import run_action, t_md

person = session.require_page(__file__)
st.title(t("account.title"))
st.write(t_md("account.who", name=person.full_name, email=person.email, role=t(f"role.{person.role}")))
st.caption(t("account.language_hint"))

# before the password part, which may stop the page (Supabase Auth without a session)
st.subheader(t("notify.optional.title"))
st.caption(t("notify.optional.hint"))
labels = {"booking_reminder": "notify.optional.booking_reminder", "event_reminder": "notify.optional.event_reminder",
          "team_digest": "notify.optional.team_digest"}
declined = scheduled.email_opt_out(person.claims())
offered = scheduled.optional_kinds_for(person.role)
with st.form("email_opt_out"):
    wanted = {kind: st.checkbox(t(labels[kind]), value=kind not in declined, key=f"optional_{kind}")
              for kind in offered}
    saved = st.form_submit_button(t("notify.optional.save"))
if saved:
    # a kind not offered here (the digest of someone no longer in the team) keeps its choice
    choice = [k for k in declined if k not in offered] + [k for k, on in wanted.items() if not on]
    if run_action(lambda: scheduled.set_email_opt_out(person.claims(), choice)) is not None:
        st.success(t("notify.optional.saved"))

st.subheader(t("account.change_password"))
if supabase_auth.enabled() and not supabase_auth.has_session(session.supabase_client()):
    st.caption(t("account.password_by_email"))
    if st.button(t("auth.send_reset"), key="password_by_email"):
        supabase_auth.send_reset(person.email, session.supabase_client())
        st.success(t("auth.link_sent"))
    st.stop()
with st.form("change_password", clear_on_submit=True):
    if not supabase_auth.enabled():
        current = st.text_input(t("password.current"), type="password", autocomplete="current-password")
    new = st.text_input(t("password.new"), type="password", help=t("password.rule"), autocomplete="new-password")
    repeat = st.text_input(t("password.repeat"), type="password", autocomplete="new-password")
    submitted = st.form_submit_button(t("account.change_password"), type="primary")

if submitted:
    if supabase_auth.enabled():
        done = run_action(lambda: supabase_auth.update_password(new, repeat, session.supabase_client()) or True)
    else:
        version = run_action(lambda: accounts.change_password(person.user_id, current, new, repeat))
        if version is not None:
            session.renew_session(version)
        done = version is not None
    if done:
        st.success(t("account.password_changed"))
