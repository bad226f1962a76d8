"""The app's shell, run by app.py on every rerun: configuration, sign-in, then navigation over
the pages the signed-in person's role may use (lib/web/navigation.py says which).

It lives in a module rather than in app.py because Streamlit compiles the main script again
whenever every session has gone (each new visitor of a quiet server), and runs its top level on
every rerun: here the functions are defined once per process.

Order of a run: database ready (once per process) → who is here (session, else the
remember-me cookie; re-checked against the database every run so ended sessions end) →
language → either the first-run form (no admin yet), the sign-in page and public pages, or
the role's pages with a refusal for any other URL.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from lib.core.errors import UserError
from lib.core.i18n import LANGUAGES, current_language, fmt_date, t
from lib.directory import privacy
from lib.identity import accounts, auth, supabase_auth
from lib.space import space
from lib.web import board_page, link_page, navigation, public_page, session, startup
from lib.web.ui import refusal, t_md


def _stale_profile_notice(person: auth.Person) -> str | None:
    """Tell a member their profile fell back to hidden, on every page until they say they saw it
    (the database keeps the notice until then, so it survives sign-out). Read once per session."""
    if "_stale_notice" not in st.session_state:
        try:
            when = privacy.stale_notice(person.claims())
        except Exception:  # a notice is not worth a broken page
            when = None
        st.session_state["_stale_notice"] = (
            t("profile.stale_notice", date=fmt_date(when.date())) if when is not None else "")
    return st.session_state["_stale_notice"] or None


def _acknowledge_stale_notice(person: auth.Person) -> None:
    privacy.acknowledge_stale_notice(person.claims())
    st.session_state["_stale_notice"] = ""


# --------------------------------------------------------------------------- language

def _language_changed(key: str = "lang_switch") -> None:
    chosen = st.session_state.get(key)
    if chosen not in LANGUAGES:  # clicking the selected option again deselects it: keep the language
        return
    st.session_state["lang"] = chosen
    st.session_state["_lang_chosen"] = True  # the browser's language no longer decides
    person = session.current_person()
    if person is not None and person.locale != chosen:
        try:
            accounts.set_locale(person.claims(), chosen)
            session.replace_person(dataclasses.replace(person, locale=chosen))
        except Exception as exc:  # the language still changes for this session
            st.session_state["_lang_error"] = refusal(exc)


_LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
# The top switch of signed-in pages is for phones, whose menu stays closed: wide screens, which
# show the menu and its switch, hide it.
_TOP_SWITCH_CSS = ("<style>@media (min-width: 640px) { .st-key-lang_top { display: none; } }"
                   " .st-key-lang_top { align-items: flex-end; }</style>")


def _language_switch(where: object, key: str = "lang_switch", collapsed: bool = False) -> None:
    """The French / English choice, drawn in `where` (the sidebar, or the top of the page)."""
    if st.session_state.get(key) != current_language():
        st.session_state[key] = current_language()  # before the widget exists: allowed
    where.segmented_control(t("app.language"), LANGUAGES, format_func=_LANGUAGE_NAMES.get, key=key,
                            on_change=_language_changed, args=(key,),
                            label_visibility="collapsed" if collapsed else "visible")
    if "_lang_error" in st.session_state:
        where.warning(st.session_state.pop("_lang_error"))


# --------------------------------------------------------------------------- signed out

def _sign_in_page() -> None:
    settings = space.settings()
    st.title(t("auth.sign_in"))
    st.caption(t_md("auth.sign_in_to", space=settings["space_name"]))
    with st.form("sign_in"):
        email = st.text_input(t("auth.email"), key="sign_in_email", autocomplete="email")
        password = st.text_input(t("auth.password"), type="password", key="sign_in_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(t("auth.sign_in"), type="primary")
    if submitted:
        try:
            if supabase_auth.enabled():
                person = supabase_auth.sign_in_with_password(email, password, session.supabase_client(),
                                                            session.client_address())
            else:
                person = auth.check_credentials(email, password, session.client_address())
        except Exception as exc:
            st.error(refusal(exc))
        else:
            session.sign_in(person)
            st.rerun()
    if supabase_auth.enabled():
        _email_links_form()
    else:
        st.caption(t("auth.forgot_local"))


def _email_links_form() -> None:
    with st.expander(t("auth.email_link")):
        with st.form("email_link"):
            email = st.text_input(t("auth.email"), key="link_email")
            cols = st.columns(2)
            magic = cols[0].form_submit_button(t("auth.send_magic_link"))
            reset = cols[1].form_submit_button(t("auth.send_reset"))
        if magic or reset:
            if accounts.email_problem((email or "").strip()):
                st.error(t("account.email_invalid"))
            else:
                (supabase_auth.send_magic_link if magic else supabase_auth.send_reset)(email, session.supabase_client())
                st.success(t("auth.link_sent"))


def _email_link_return() -> bool:
    """A Supabase email link brought the visitor back (`?token_hash=…&type=…`): sign them in.
    Returns True when a link was handled (the page then shows its outcome)."""
    params = st.query_params
    token_hash, link_type = params.get("token_hash"), params.get("type")
    if not (supabase_auth.enabled() and token_hash):
        return False
    st.query_params.clear()  # a link works once; do not replay it on the next rerun
    try:
        person = supabase_auth.verify_link(token_hash, link_type or "", session.supabase_client())
    except Exception as exc:
        st.error(refusal(exc))
        return False
    session.sign_in(person)
    if link_type == "recovery":
        st.session_state["_choose_password"] = True
    st.rerun()
    return True


def _first_run_page() -> None:
    st.title(t("firstrun.title"))
    st.info(t("firstrun.intro"), icon=":material/rocket_launch:")
    st.caption(t("firstrun.cli", command="python -m lib create-admin EMAIL"))
    with st.form("first_admin"):
        full_name = st.text_input(t("account.full_name"), key="first_name")
        email = st.text_input(t("auth.email"), key="first_email")
        password = st.text_input(t("auth.password"), type="password", key="first_password",
                                 help=t("password.rule"))
        repeat = st.text_input(t("password.repeat"), type="password", key="first_repeat")
        submitted = st.form_submit_button(t("firstrun.create"), type="primary")
    if submitted:
        try:
            if password != repeat:
                raise UserError("password.mismatch")
            user_id = accounts.create_first_admin(email, full_name, password)
        except Exception as exc:
            st.error(refusal(exc))
            return
        person = auth.person_for_user(user_id)
        if person is not None:
            session.sign_in(person)
        st.rerun()


def _choose_password_page() -> None:
    """After a Supabase reset link: choose the new password before anything else."""
    st.title(t("setpw.title"))
    with st.form("choose_password"):
        new = st.text_input(t("password.new"), type="password", help=t("password.rule"))
        repeat = st.text_input(t("password.repeat"), type="password")
        submitted = st.form_submit_button(t("setpw.save"), type="primary")
    if submitted:
        try:
            supabase_auth.update_password(new, repeat, session.supabase_client())
        except Exception as exc:
            st.error(refusal(exc))
            return
        st.session_state.pop("_choose_password", None)
        st.toast(t("setpw.done_signed_in"))  # a toast outlives the rerun
        st.rerun()


# --------------------------------------------------------------------------- signed in

def _refusal() -> None:
    person = session.current_person()
    st.warning(t("nav.refused", role=t(f"role.{person.role}")), icon=":material/block:")
    st.page_link("views/home.py", label=t("nav.back_home"), icon=":material/home:")


def _who_is_here() -> auth.Person | None:
    """The signed-in person as the database sees them now, or None (session ended)."""
    person = session.current_person()
    if person is not None:
        fresh = auth.refresh(person)
        if fresh is not None and supabase_auth.enabled():
            fresh = supabase_auth.keep_fresh(fresh, session.supabase_client())
        if fresh is None:
            session.end_session()
            st.session_state["_ended"] = True
            return None
        if fresh != person or fresh.token_claims is not person.token_claims:
            session.replace_person(fresh)
        return fresh
    return session.restore_from_cookie()


def _sign_in_first() -> None:
    st.info(t("auth.please_sign_in"), icon=":material/login:")
    _sign_in_page()


def _signed_out_navigation() -> None:
    """Every address resolves: public pages run; any other page's address shows the sign-in form,
    and after signing in the person lands on the page they asked for. The stand-ins are plain
    functions, not files: a file page costs a path resolution on every rerun (a third of a
    shared-link rerun under a burst, measured with py-spy)."""
    sign_in = st.Page(_sign_in_page, title=t("auth.sign_in"), icon=":material/login:", default=True)
    public = [st.Page(p.path, title=t(p.title_key), icon=p.icon, url_path=p.url_path)
              for p in navigation.PUBLIC_PAGES if p.path in navigation.existing_paths()]
    stand_ins = [st.Page(_sign_in_first, title=t(p.title_key), icon=p.icon, url_path=p.url_path)
                 for p in navigation.PAGES]
    st.navigation([sign_in, *public, *stand_ins], position="hidden").run()


def _browser_language() -> str | None:
    """The visitor's browser language when it is one of ours: the browser's own (`navigator.language`,
    st.context.locale), else the first of ours in its Accept-Language header (by preference)."""
    try:
        locale = st.context.locale or ""
    except Exception:  # no browser behind this session
        locale = ""
    if locale[:2].lower() in LANGUAGES:
        return locale[:2].lower()
    try:
        header = str(st.context.headers.get("Accept-Language") or "")
    except Exception:  # AppTest has no headers
        header = ""
    return accepted_language(header)


def accepted_language(header: str) -> str | None:
    """The first of our languages an Accept-Language header asks for (`de, en;q=0.8, fr;q=0.5`
    gives `en`), or None."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag[:2].lower() in LANGUAGES and weight > 0:
            ranked.append((-weight, position, tag[:2].lower()))
    return min(ranked)[2] if ranked else None


def _shared_link_visit() -> bool:
    """A shared link (`?t=…`), a proof link (`?proof=…`) or a manage link (`?manage=…`) opens the public page
    alone: no sign-in shell, menu or cookie, and no `st.navigation` (the page is the same at
    `/link` and at the root; the form sets the tab's title). That is what each visitor of a
    newsletter burst pays for: the shell alone cost 2.4× a trivial page's rerun, navigation
    another 6% (bench/link_burst.py, py-spy)."""
    params = st.query_params.to_dict()
    if params.get("t") is None and params.get("manage") is None and params.get("proof") is None:
        return False
    if st.session_state.get("lang") is None:
        st.session_state["lang"] = _browser_language() or space.settings()["default_language"]
    link_page.show(params)
    return True


def _board_link_visit() -> bool:
    """A board link (`?board=…`) opens the read-only dashboards alone, like the shared link: no
    sign-in shell, menu or cookie (lib/web/board_page.py)."""
    token = st.query_params.get("board")
    if token is None:
        return False
    if st.session_state.get("lang") is None:
        st.session_state["lang"] = _browser_language() or space.settings()["default_language"]
    board_page.show(token)
    return True


def _public_face_visit() -> bool:
    """The space's public face (`?showcase`, `?agenda`, `?contact=`, issue #17) opens alone, like
    the shared link: no sign-in shell, menu or cookie (lib/web/public_page.py)."""
    params = st.query_params.to_dict()
    if not public_page.wanted(params):
        return False
    public_page.show(params)
    return True


def main() -> None:
    startup.database_ready()
    startup.daily_housekeeping()
    startup.refresh_public_feed()
    if _shared_link_visit() or _board_link_visit() or _public_face_visit():
        return
    # After the shared link, which keeps Streamlit's centred layout and takes its tab title from
    # its page: one message less on each of its reruns.
    st.set_page_config(page_title=t("app.title"), page_icon=":material/chair:", layout="wide")
    # the browser's language until the visitor (or their account) chooses one
    if not st.session_state.get("_lang_chosen"):
        browser = _browser_language()
        if browser is not None:
            st.session_state["lang"] = browser
    if "lang" not in st.session_state:
        st.session_state["lang"] = space.settings()["default_language"]
    person = _who_is_here()
    if person is None:
        # signed out, the switch leads the page: a phone keeps the sidebar (and a switch there) closed
        _language_switch(st)
    else:
        _language_switch(st.sidebar)
        with st.container(key="lang_top", horizontal=True, horizontal_alignment="right"):
            st.html(_TOP_SWITCH_CSS)
            _language_switch(st, "lang_switch_top", collapsed=True)
    session.sync_cookie()

    if person is None:
        if accounts.needs_first_admin():
            st.navigation([st.Page(_first_run_page, title=t("firstrun.title"), icon=":material/rocket_launch:",
                                   default=True)], position="hidden").run()
            return
        if _email_link_return():
            return
        if st.session_state.pop("_ended", False):
            st.info(t("auth.session_ended"), icon=":material/logout:")
        if st.session_state.pop("_signed_out", False):
            st.success(t("auth.signed_out"), icon=":material/logout:")
        _signed_out_navigation()
        return

    if st.session_state.get("_choose_password"):
        st.navigation([st.Page(_choose_password_page, title=t("setpw.title"), default=True)],
                      position="hidden").run()
        return

    specs = {p.path: p for p in navigation.PAGES + navigation.PUBLIC_PAGES if p.path in navigation.existing_paths()}
    pages = {path: st.Page(path, title=t(spec.title_key), icon=spec.icon, url_path=spec.url_path,
                           default=spec.default) for path, spec in specs.items()}
    current = st.navigation(list(pages.values()), position="hidden")
    with st.sidebar:
        st.caption(t_md("auth.signed_in_as", name=person.full_name, role=t(f"role.{person.role}")))
        for section, specs_in in navigation.sections_for(person.role):
            st.markdown(f"**{t(section)}**")
            for spec in (s for s in specs_in if s.path in pages):
                st.page_link(pages[spec.path], label=t(spec.title_key), icon=spec.icon)
        if st.button(t("auth.sign_out"), icon=":material/logout:", key="sign_out"):
            session.sign_out()
            st.session_state["_signed_out"] = True
            st.rerun()
    spec = next((s for s in specs.values() if s.url_path == current.url_path), None)
    if spec is not None and not navigation.allowed(spec, person.role):
        _refusal()
        return
    notice = _stale_profile_notice(person)
    if notice and current.url_path != "profile":  # the profile page shows it beside the choice
        st.warning(notice, icon=":material/visibility_off:")
        if st.button(t("app.understood"), key="stale_ok"):
            _acknowledge_stale_notice(person)
            st.rerun()
    current.run()
