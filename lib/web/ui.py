"""Small Streamlit helpers shared by pages: cached reads, actions with clear messages, and user
text shown as text (`md`, `t_md`, `refusal`)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import streamlit as st

from lib.core import caches
from lib.core.errors import UserError, from_db_error, user_message
from lib.core.i18n import current_language, t
from lib.mail import notify

T = TypeVar("T")


# --------------------------------------------------------------------------- user text as text

# Every ASCII character that Markdown, its GitHub extensions, Streamlit's directives
# (`:red[…]`, `:material/…:`) or KaTeX (`$…$`) give a meaning to, and `&` (entities such as
# `&lt;`). CommonMark lets any ASCII punctuation be backslash-escaped, showing as itself.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~:$&])")
# Streamlit also rewrites the *text* of a rendered page, after escapes are undone: web and mail
# addresses become links (`https://…`, `www.…`, `a@b.c`), `:name:` becomes an emoji or a
# `:material/…:` icon. A word joiner (U+2060: invisible, no line break) inside each pattern stops
# them, and the text still reads and wraps the same.
_WORD_JOINER = "\u2060"
_TEXT_REWRITES = re.compile(r"(?<=:)(?=[\w/+\-])|(?<=@)(?=[\w\-])|(?i:(?<=www)(?=\.))")
# Kept although invisible: it joins emoji sequences (👩‍💻), and a lone one changes nothing.
_ZERO_WIDTH_JOINER = "\u200d"


def _visible(ch: str) -> str:
    """A character as it may stand in one line of shown text: line breaks, tabs and separators
    become a space; control, formatting (bidi overrides, zero-width), private-use and unassigned
    characters are dropped (they can reorder or hide what a reader sees)."""
    category = unicodedata.category(ch)
    if ch.isspace():
        return " "
    if category in ("Cc", "Cf", "Co", "Cs", "Cn") and ch != _ZERO_WIDTH_JOINER:
        return ""
    return ch


def md(text: object) -> str:
    """User text made inert in anything Streamlit renders as Markdown — `st.markdown`, `write`,
    `caption`, `subheader`, `info`/`success`/`warning`/`error`, `toast`, and the labels of
    buttons, expanders, tabs, checkboxes, radio options and metrics: no link, image, HTML,
    formatting, colour, icon, emoji or formula, one line, shown exactly as typed.

    Not for plain-text places, where the escapes would show: `st.text`, `st.code`, dataframe and
    data-editor cells, selectbox and multiselect options (their `format_func`), e-mails."""
    if text is None:
        return ""
    line = " ".join("".join(_visible(ch) for ch in str(text)).split())
    return _MD_SPECIAL.sub(r"\\\1", _TEXT_REWRITES.sub(_WORD_JOINER, line))


def t_md(key: str, lang: str | None = None, **params: object) -> str:
    """`t(key, …)` for a Markdown place: the catalogue's own markup (`**…**`) stays, every value
    filled in is shown as text (`md`)."""
    # a day is not user text: t() writes it in the reader's language
    return t(key, lang, **{name: value if isinstance(value, dt.date) else md(value) for name, value in params.items()})


def refusal(exc: BaseException, lang: str | None = None) -> str:
    """`user_message(exc)` for a Markdown place: a refusal's values (a name, a title the database
    quoted back) are shown as text."""
    if isinstance(exc, psycopg.Error):
        exc = from_db_error(exc)
    if isinstance(exc, UserError):
        return t_md(exc.key, lang, **exc.params)
    return user_message(exc, lang)


def run_action(action: Callable[[], T], success: str | None = None) -> T | None:
    """Run a write; show `success` or a clear, translated refusal; clear cached reads after a
    successful write so every page shows the new state."""
    try:
        result = action()
    except Exception as exc:  # every failure becomes a sentence, never a traceback
        st.error(refusal(exc))
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
        report = [("warning", refusal(exc))]
    st.session_state[f"_outbox_report_{page}"] = report


def show_outbox_report(page: str) -> None:
    """What the last `send_outbox_after(page)` did: how many people were told, or why not."""
    for level, line in st.session_state.pop(f"_outbox_report_{page}", []):
        (st.success if level == "success" else st.warning)(line, icon=":material/mail:")


def show_error(exc: BaseException) -> None:
    st.error(refusal(exc))


# --------------------------------------------------------------------------- pages of results

def page_index(key: str, depends_on: object) -> int:
    """Which page (from 0) of a list this run asks for: kept in the session under `key`, back to
    the first page whenever `depends_on` (the filters) changes. The read clamps it to the last
    page (a write may have shortened the list) and `pager` draws the one it got. Lists send a
    page of results, not all of them: each element sent costs every rerun, and the space grows
    (issue #16)."""
    if st.session_state.get(f"{key}_on") != depends_on:
        st.session_state[f"{key}_on"] = depends_on
        st.session_state[key] = 0
    return max(0, int(st.session_state.get(key, 0)))


def page_of(key: str, depends_on: object, rows: Any, size: int) -> tuple[int, Any]:
    """The page this run shows of `rows` (a list or a DataFrame): its number (from 0, clamped to
    the last page, for `pager`) and its rows."""
    page = min(page_index(key, depends_on), max(0, (len(rows) - 1) // size))
    part = rows.iloc if hasattr(rows, "iloc") else rows
    return page, part[page * size:(page + 1) * size]


def _move(key: str, step: int) -> None:
    st.session_state[key] = int(st.session_state.get(key, 0)) + step


def pager(key: str, page: int, total: int, size: int, unsaved: bool = False) -> None:
    """Previous / page x of y / next under a list, `page` being the one drawn (from 0); nothing
    when everything fits on one page. `unsaved`: the page holds edits not saved yet, which
    moving would drop (an editor's edits belong to its page): the buttons wait."""
    pages = max(1, -(-total // size))
    st.session_state[key] = page  # the page drawn, so "next" counts from it
    if pages == 1:
        return
    left, middle, right = st.columns([1, 2, 1], vertical_alignment="center")
    left.button(t("app.previous"), key=f"{key}_prev", disabled=unsaved or page == 0, on_click=_move,
                args=(key, -1), icon=":material/chevron_left:", width="stretch")
    middle.caption(t("app.page_of", page=page + 1, pages=pages) + (f" · {t('app.save_first')}" if unsaved else ""))
    right.button(t("app.next"), key=f"{key}_next", disabled=unsaved or page >= pages - 1, on_click=_move,
                 args=(key, 1), icon=":material/chevron_right:", width="stretch")


PICK_LIMIT = 50  # people offered at once by `member_picker`


def member_picker(where: Any, label: str, people: dict[str, str], key: str, blank: str | None = None,
                  search_where: Any = None) -> str | None:
    """Choose one person among `people` (id → "name <address>"): a plain select box when they
    are few; for a large space, a search box and the first `PICK_LIMIT` matches (case ignored),
    because a select box sends all its options on every rerun (2,000 members made the booking
    and team events pages cost 1.5–2× more). `blank` labels a first option meaning nobody;
    `where` is the container (st, a column, a form); `search_where` another one for the search
    box (outside a form, so that typing updates the choices). Returns the id chosen, or None."""
    ids = list(people)
    if len(ids) > PICK_LIMIT:
        searching = search_where if search_where is not None else where
        query = searching.text_input(t("app.search_person"), key=f"{key}_q", max_chars=100).strip().casefold()
        chosen = st.session_state.get(key)
        matches = [i for i in ids if query and query in people[i].casefold()][:PICK_LIMIT]
        if chosen in people and chosen not in matches:
            matches.insert(0, chosen)  # the one chosen stays chosen while the search changes
        ids = matches
        if query and not matches:
            searching.caption(t("app.search_none"))
    options = ([""] if blank is not None else []) + ids
    labels = {"": blank or "", **{i: people[i] for i in ids}}
    choice = where.selectbox(label, options, key=key, format_func=labels.get,
                             index=0 if blank is not None else None, placeholder=t("app.choose"))
    return choice or None


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


# --------------------------------------------------------------------------- widgets in the page's language
# Streamlit writes some widget text itself, in English: a select box's "Choose an option", a
# multiselect's "Select all", a table's "None" in an empty cell, a date field's year-first
# format, a file drop zone's "Upload" and "200MB per file". Pages call these instead of the bare
# widgets, so every visible word is the page's language (tests/web/test_every_page_language.py
# walks every page for it). Each takes first where to draw (`st`, a column, a form, `st.sidebar`).

def select(where: Any, label: str, options: Any, **kwargs: Any) -> Any:
    """`st.selectbox` with a placeholder in the page's language (shown when nothing is chosen)."""
    kwargs.setdefault("placeholder", t("app.choose"))
    return where.selectbox(label, options, **kwargs)


def multi(where: Any, label: str, options: Any, **kwargs: Any) -> Any:
    """`st.multiselect` with a placeholder in the page's language and no "Select all" (Streamlit
    writes that option in English, with no way to translate it; choosing all of a list of
    skills or days one by one is rare, and the options stay searchable)."""
    kwargs.setdefault("placeholder", t("app.choose"))
    kwargs.setdefault("select_all", False)
    return where.multiselect(label, options, **kwargs)


DATE_FORMAT = "DD/MM/YYYY"  # what people in the space write, in French and in British English


DATE_FR_MARK = "cantine-date-fr"
_DATE_CSS = (Path(__file__).parent / "assets" / "date_fr.css").read_text(encoding="utf-8")


def date(where: Any, label: str, **kwargs: Any) -> Any:
    """`st.date_input` written day first (Streamlit's default is 2026/12/04). An empty one on a
    French page shows "jj/mm/aaaa", not Streamlit's en-US "dd/mm/yyyy" (a style sheet,
    lib/web/assets/date_fr.css: Streamlit 1.67 has no parameter for it)."""
    kwargs["format"] = DATE_FORMAT
    if kwargs.get("value", "today") is None and current_language() == "fr":
        css = _DATE_CSS.replace("DAY", "jj").replace("MONTH", "mm").replace("YEAR", "aaaa")
        st.html(f"<style>/* {DATE_FR_MARK} */\n{css}</style>")
    return where.date_input(label, **kwargs)


def table(where: Any, data: Any, **kwargs: Any) -> Any:
    """`st.dataframe` whose empty cells are empty (Streamlit writes "None" in them)."""
    kwargs.setdefault("placeholder", "")
    return where.dataframe(data, **kwargs)


def editor(where: Any, data: Any, **kwargs: Any) -> Any:
    """`st.data_editor` whose empty cells, new rows included, are empty rather than "None"."""
    kwargs.setdefault("placeholder", "")
    return where.data_editor(data, **kwargs)


# Marks the French words of the drop zone in what the page sends (the walk of every page checks
# that a French page with a file drop zone carries them).
UPLOAD_FR_MARK = "cantine-upload-fr"
_UPLOAD_CSS = (Path(__file__).parent / "assets" / "upload_fr.css").read_text(encoding="utf-8")
_STREAMLIT_UPLOAD_LIMIT_MB = 200  # server.maxUploadSize's default, what the zone says


def upload(where: Any, label: str, *, key: str, **kwargs: Any) -> Any:
    """`st.file_uploader`; on a French page, its drop zone's English ("Upload", "200MB per file")
    is replaced by French words. Streamlit 1.67 has no parameter for them, so a style sheet
    (lib/web/assets/upload_fr.css) hides the English text of this uploader only (found by its
    key's class `st-key-…`) and writes the French in its place: if Streamlit changes its markup,
    the English comes back, nothing breaks."""
    if current_language() == "fr":
        types = kwargs.get("type") or []
        limit = kwargs.get("max_upload_size") or _STREAMLIT_UPLOAD_LIMIT_MB
        instructions = t("upload.limit", size=limit) + (
            " • " + ", ".join(str(x).upper() for x in types) if types else "")
        css = (_UPLOAD_CSS.replace("KEY", re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip()))
               .replace("BROWSE", _css_text(t("upload.browse"))).replace("LIMIT", _css_text(instructions)))
        st.html(f"<style>/* {UPLOAD_FR_MARK} */\n{css}</style>")
    return where.file_uploader(label, key=key, **kwargs)


def _css_text(text: str) -> str:
    """Text as a CSS string's content: quotes and backslashes escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"')
