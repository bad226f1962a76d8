"""The web layer: the Streamlit shell, navigation, the browser session and the public pages.
Only this package and views/ import Streamlit (tests/core/test_layout.py checks it)."""

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lib.core import i18n


def _session_language() -> str | None:
    """The language chosen in this browser session; None outside a page run (nothing chosen)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return st.session_state.get("lang")


# t() without a language speaks the visitor's
i18n.read_session_language_with(_session_language)
