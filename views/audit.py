"""The audit log (admins): who changed what, when, old → new, with filters, newest first.

Read uncached on purpose: this page answers "who changed this a minute ago", including changes
made by another app process or the command line, which no cache clearing here would reach; few
people open it, and each read is one page of rows in SQL (LIMIT/OFFSET on an index)."""

import pandas as pd
import streamlit as st

from lib.core.i18n import current_language, t
from lib.space import audit
from lib.web import session, ui
from lib.web.ui import show_error

PAGE_SIZE = 50

person = session.require_page(__file__)
claims = person.claims()
lang = current_language()
st.title(t("audit.title"))
st.caption(t("audit.intro"))

try:
    people = audit.actors(claims)
except Exception as exc:  # a refusal gets a sentence, not a traceback
    show_error(exc)
    st.stop()
actor_labels = {None: t("audit.filter.anyone"), audit.SYSTEM: t("audit.system"),
                **{p["user_id"]: p["full_name"] for p in people}}

c1, c2 = st.columns(2)
tables = ui.multi(c1, t("audit.filter.tables"), audit.TABLES, format_func=lambda x: audit.table_words(x, lang),
                        placeholder=t("app.choose"), key="audit_tables")
actor = ui.select(c2, t("audit.filter.actor"), list(actor_labels), format_func=lambda k: actor_labels[k],
                     key="audit_actor")
c3, c4, c5 = st.columns([1, 1, 2])
since = ui.date(c3, t("audit.filter.since"), value=None, key="audit_since")
until = ui.date(c4, t("audit.filter.until"), value=None, key="audit_until")
text = c5.text_input(t("audit.filter.text"), max_chars=200, key="audit_text")
filters = audit.AuditFilter(tuple(tables), actor, since, until, text)

# back to the first page whenever the filters change
if st.session_state.get("audit_filters") != filters:
    st.session_state["audit_filters"] = filters
    st.session_state["audit_page"] = 0
page = st.session_state.get("audit_page", 0)

try:
    rows, more = audit.entries(claims, filters, PAGE_SIZE, page * PAGE_SIZE)
except Exception as exc:
    show_error(exc)
    st.stop()

if not rows:
    st.info(t("audit.none"))
else:
    cols = {"when": t("audit.col.when"), "who": t("audit.col.who"), "what": t("audit.col.what"),
            "row": t("audit.col.row"), "changes": t("audit.col.changes")}
    # a dataframe shows what people typed as plain text, never as markdown or HTML
    frame = pd.DataFrame([audit.describe(r, lang) for r in rows]).rename(columns=cols)
    ui.table(st, frame, hide_index=True, width="stretch")

b1, b2, b3 = st.columns([1, 1, 4], vertical_alignment="center")
if b1.button(t("audit.newer"), disabled=page == 0, key="audit_newer"):
    st.session_state["audit_page"] = page - 1
    st.rerun()
if b2.button(t("audit.older"), disabled=not more, key="audit_older"):
    st.session_state["audit_page"] = page + 1
    st.rerun()
b3.caption(t("audit.page", n=page + 1))
