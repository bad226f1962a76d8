"""Import members from a spreadsheet (dry run first, then one transaction) and export them."""

import hashlib

import pandas as pd
import streamlit as st

from lib.core.i18n import current_language, t
from lib.directory import csv_export, csv_import
from lib.web import session, ui
from lib.web.ui import run_action, show_error, t_md

person = session.require_page(__file__)
claims = person.claims()
lang = current_language()
st.title(t("import.title"))
st.caption(t("import.intro"))

if done := st.session_state.pop("import_done", None):
    st.success(t("import.done", summary=done), icon=":material/check_circle:")
# a new uploader after each import: the file imported is not simulated again under the result
upload = ui.upload(st, t("import.file"), type=["csv", "txt"], key=f"import_file{st.session_state.get('import_round', '')}")
if upload is not None:
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    # the preview drawn on the previous run is what the person saw when they clicked "import"
    shown = st.session_state.get("import_preview")
    try:
        plan = csv_import.import_members(data, claims, dry_run=True)
    except Exception as exc:  # a refused file gets a sentence, not a traceback
        show_error(exc)
        st.stop()
    st.session_state["import_preview"] = (digest, plan)
    st.info(t("import.dry_run") + " " + plan.summary(lang), icon=":material/science:")
    st.caption(t_md("import.file_info", encoding=plan.parsed.encoding, delimiter=plan.parsed.delimiter.replace("\t", "tab")))
    if plan.parsed.ignored:
        st.caption(t_md("import.ignored", columns=", ".join(plan.parsed.ignored)))  # the file's own headers
    ui.table(st, pd.DataFrame([{
        t("import.col.line"): r.line, t("import.col.email"): r.email, t("import.col.name"): r.full_name,
        t("import.col.action"): t(f"import.action.{r.action}"),
        t("import.col.details"): r.reason_text(lang) if r.action == "refused"
        else r.changes_text(lang),
    } for r in plan.rows]), hide_index=True, width="stretch")
    valid = plan.count("create") + plan.count("update")
    if not valid:
        st.caption(t("import.nothing"))
    elif st.button(t("import.apply", n=valid), type="primary", key="import_go"):
        seen = shown[1] if shown and shown[0] == digest else plan
        done = run_action(lambda: csv_import.import_members(data, claims, dry_run=False, preview=seen))
        if done is not None:
            st.session_state["import_done"] = done.summary(lang)  # in the past tense: it happened
            st.session_state["import_round"] = st.session_state.get("import_round", 0) + 1
            st.session_state.pop("import_preview", None)
            st.rerun()

st.divider()
st.subheader(t("export.title"))
st.caption(t("export.help"))
# the file is made when the button is clicked, not on every rerun (it reads every member)
st.download_button(t("export.button"), lambda: csv_export.export_members(claims, lang), file_name="membres.csv"
                   if lang == "fr" else "members.csv", mime="text/csv", key="export_go", icon=":material/download:",
                   on_click="ignore")  # a download reruns nothing: the import's result stays on screen
