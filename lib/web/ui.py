"""Small Streamlit helpers shared by pages: cached reads, actions with clear messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from lib.core import caches
from lib.core.errors import user_message
from lib.mail import notify

T = TypeVar("T")


def run_action(action: Callable[[], T], success: str | None = None) -> T | None:
    """Run a write; show `success` or a clear, translated refusal; clear cached reads after a
    successful write so every page shows the new state."""
    try:
        result = action()
    except Exception as exc:  # every failure becomes a sentence, never a traceback
        st.error(user_message(exc))
        return None
    st.cache_data.clear()
    if success:
        st.toast(success)
    return result


# Streamlit's own cache of reads is one more cache to forget with the others
caches.register(st.cache_data.clear)


def send_outbox_after(page: str) -> None:
    """After a team action that tells people (a cancellation, a closure, an event cancelled):
    send the messages the database queued, and keep what to say for the page's next run
    (`show_outbox_report`). The action stands whatever happens here: unsent messages wait."""
    try:
        report = notify.summary(notify.send_pending())
    except Exception as exc:  # the mail server or the outbox failed: the messages wait
        report = [("warning", user_message(exc))]
    st.session_state[f"_outbox_report_{page}"] = report


def show_outbox_report(page: str) -> None:
    """What the last `send_outbox_after(page)` did: how many people were told, or why not."""
    for level, line in st.session_state.pop(f"_outbox_report_{page}", []):
        (st.success if level == "success" else st.warning)(line, icon=":material/mail:")


def show_error(exc: BaseException) -> None:
    st.error(user_message(exc))


def cache_key(claims: dict[str, Any] | None) -> str:
    """Cached reads are keyed by who asks, so nobody sees what another may see."""
    return "" if not claims else str(claims.get("sub"))


def page_address() -> str:
    """This page's address without its query (st.context.url), for private links made here."""
    try:
        url = st.context.url or ""
    except Exception:  # outside a browser session (AppTest)
        url = ""
    return url.split("?", 1)[0] if url else "/link"
