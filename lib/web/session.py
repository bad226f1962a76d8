"""The browser session: who is signed in in this tab, the remember-me cookie, signing out.

The signed-in person is a `Person` (lib/identity/auth.py) in `st.session_state["person"]`.
Sessions end for real: each rerun re-reads the person (`auth.refresh`), so signing out, a
password change or a deactivation ends every tab and every cookie of that account.

The remember-me cookie is an HS256-signed JWT (lib/identity/auth.py) that a one-line script
writes in the browser (`cookie_script`) and the server reads from the request (`st.context.cookies`).
With Supabase Auth, this browser session's supabase-py client lives here too: one per session,
never shared, since it holds the person's token.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import re
from pathlib import Path
from typing import Any

import streamlit as st

from lib.core.i18n import t
from lib.identity import accounts, supabase_auth
from lib.identity.auth import COOKIE_NAME, Person, cookie_hours, cookie_token, person_from_cookie
from lib.web import navigation

SUPABASE_CLIENT_KEY = "_supabase_client"
COOKIE_RUNS = 3  # runs on which a cookie change is drawn (see sync_cookie)


def supabase_client() -> Any:
    """This browser session's Supabase client (made on first use)."""
    client = st.session_state.get(SUPABASE_CLIENT_KEY)
    if client is None:
        client = st.session_state[SUPABASE_CLIENT_KEY] = supabase_auth.new_client()
    return client


def client_address() -> str | None:
    """The visitor's IP address, for the sign-in throttle (None when unknown: AppTest).

    Behind a reverse proxy (the peer is loopback or a private address), the last
    `X-Forwarded-For` entry: the one our own proxy appended, which a visitor cannot forge (the
    entries before it are theirs to write)."""
    try:
        peer = st.context.ip_address
        forwarded = str(st.context.headers.get("X-Forwarded-For") or "")
    except Exception:  # no browser session (bare mode)
        return None
    if not isinstance(peer, str) or not peer:  # AppTest gives a stand-in object
        return None
    try:
        behind_proxy = ipaddress.ip_address(peer).is_loopback or ipaddress.ip_address(peer).is_private
    except ValueError:
        behind_proxy = False
    last_hop = forwarded.split(",")[-1].strip()
    return (last_hop if behind_proxy and last_hop else peer)[:64]


# A signed token (JWT: base64url parts and dots) is all a cookie value may be: nothing in it can
# end the script below or add a cookie attribute.
_TOKEN = re.compile(r"[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+")


def cookie_script(token: str | None, max_age_s: int, secure: bool) -> str:
    """The script that writes (or, for None, deletes) the remember-me cookie in the browser.

    Written by our own one-line script rather than a component: a component answers the server
    with a value, and each answer is a rerun of the page the browser showed when it was drawn. Just
    after sign-in those reruns raced the person's first click in the menu and took them back to
    the home page (seen twice on CI). A script answers nothing, so nothing reruns."""
    if token is None:
        attrs = f"{COOKIE_NAME}=; Path=/; Max-Age=0; SameSite=Strict"
    else:
        if not _TOKEN.fullmatch(token):
            raise ValueError("a remember-me token is a signed JWT")
        attrs = f"{COOKIE_NAME}={token}; Path=/; Max-Age={int(max_age_s)}; SameSite=Strict"
        if secure:  # served over HTTPS: the cookie never travels in clear
            attrs += "; Secure"
    return f"<script>document.cookie = {json.dumps(attrs)};</script>"


def sync_cookie() -> None:
    """Called once per run by lib/web/shell.py: write or delete the cookie the last action asked for.
    Done on the run after sign-in/out (not before st.rerun) so the script reaches the browser."""
    pending = st.session_state.get("_cookie_action")
    if pending is None:
        return
    # Drawn on the next few runs, not one: a run that another rerun interrupts (a click, the
    # language switch) never delivers its element, and a cookie asked for once was then lost
    # (the browser test of the menus caught it on a loaded machine). Setting it again is harmless.
    runs = st.session_state.get("_cookie_runs", 0) + 1
    if runs >= COOKIE_RUNS:
        st.session_state.pop("_cookie_action", None)
        st.session_state.pop("_cookie_runs", None)
    else:
        st.session_state["_cookie_runs"] = runs
    if pending == "set" and current_person() is not None:
        try:
            secure = (st.context.url or "").startswith("https://")
        except Exception:
            secure = False
        script = cookie_script(cookie_token(current_person()), int(cookie_hours() * 3600), secure)
    elif pending == "delete":
        script = cookie_script(None, 0, False)
    else:
        return
    with st.container(key="session_cookie"):  # hidden: it only carries the script
        st.html(_HIDE_COOKIE_CSS)
        st.html(script, unsafe_allow_javascript=True)


_HIDE_COOKIE_CSS = "<style>.st-key-session_cookie { display: none; }</style>"


def restore_from_cookie() -> Person | None:
    """Sign in again from the browser's cookie (after a refresh), once per browser session."""
    if st.session_state.get("_cookie_tried"):
        return None
    st.session_state["_cookie_tried"] = True
    try:
        token = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # no browser behind this session (AppTest)
        token = None
    person = person_from_cookie(token)
    if person is not None:
        st.session_state["person"] = person
        if person.locale:
            st.session_state["lang"] = person.locale
            st.session_state["_lang_chosen"] = True  # their account's choice, over the browser's
    return person


# --------------------------------------------------------------------------- the session

def current_person() -> Person | None:
    person = st.session_state.get("person")
    return person if isinstance(person, Person) else None


def sign_in(person: Person) -> None:
    st.session_state["person"] = person
    st.session_state["_cookie_action"], st.session_state["_cookie_runs"] = "set", 0
    if person.locale:
        st.session_state["lang"] = person.locale
        st.session_state["_lang_chosen"] = True  # their account's choice, over the browser's


def require_page(page_file: str) -> Person:
    """First line of every signed-in page: the person, or a polite stop.

    lib/web/shell.py already refuses pages a role may not use, but Streamlit runs a file of `views/`
    directly, without the shell, on a process's very first run (its pages-folder mode, before any
    `st.navigation` call) and in AppTest's `switch_page`; this check holds in both cases."""
    person = current_person()
    if person is None:
        st.info(t("auth.please_sign_in"), icon=":material/login:")
        st.markdown(f"[{t('auth.sign_in')}](/)")
        st.stop()
    name = Path(page_file).name
    spec = next((p for p in navigation.PAGES if Path(p.path).name == name), None)
    if spec is not None and not navigation.allowed(spec, person.role):
        st.warning(t("nav.refused", role=t(f"role.{person.role}")), icon=":material/block:")
        st.markdown(f"[{t('nav.back_home')}](/)")
        st.stop()
    return person


def replace_person(person: Person) -> None:
    """Keep the session's Person up to date (new role, language or session version)."""
    st.session_state["person"] = person


def renew_session(session_version: int) -> None:
    """After a password change ended the account's other sessions: keep this one, with a new cookie."""
    person = current_person()
    if person is not None:
        st.session_state["person"] = dataclasses.replace(person, session_version=session_version)
        st.session_state["_cookie_action"], st.session_state["_cookie_runs"] = "set", 0


def end_session() -> None:
    """Forget the person in this browser session only (their session already ended elsewhere)."""
    st.session_state.pop("person", None)
    st.session_state["_cookie_action"], st.session_state["_cookie_runs"] = "delete", 0


def sign_out() -> None:
    """Sign out: this session, and every other session and cookie of the account."""
    person = current_person()
    if person is not None:
        accounts.end_sessions(person.user_id)
        if supabase_auth.enabled():
            supabase_auth.sign_out(st.session_state.pop(SUPABASE_CLIENT_KEY, None))
    end_session()
