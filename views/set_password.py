"""Set a password from a one-time link (`?token=…`): an invitation or a reset. Public page."""

import streamlit as st

from lib.core.i18n import t
from lib.identity import accounts
from lib.web.ui import run_action, t_md

st.title(t("setpw.title"))
token = st.query_params.get("token", "")
info = accounts.link_info(token) if token else None

if st.session_state.pop("_setpw_done", False):
    st.success(t("setpw.done"))
    st.markdown(f"[{t('auth.sign_in')}](/)")
elif info is None:
    st.error(t("account.link_invalid"))
else:
    st.write(t_md("setpw.for_invite" if info["purpose"] == "invite" else "setpw.for_reset", email=info["email"]))
    with st.form("set_password"):
        new = st.text_input(t("password.new"), type="password", help=t("password.rule"), autocomplete="new-password")
        repeat = st.text_input(t("password.repeat"), type="password", autocomplete="new-password")
        submitted = st.form_submit_button(t("setpw.save"), type="primary")
    if submitted and run_action(lambda: accounts.use_link(token, new, repeat)) is not None:
        st.session_state["_setpw_done"] = True
        st.query_params.clear()  # the link is spent: do not keep it in the address bar
        st.rerun()
