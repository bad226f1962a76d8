"""Cantine: the entry point. Configuration, sign-in, then navigation over the pages the
signed-in person's role may use (lib/navigation.py says which)."""

from __future__ import annotations

import streamlit as st

from lib import auth, db, navigation
from lib.i18n import LANGUAGES, current_language, t

st.set_page_config(page_title="Cantine", page_icon=":material/chair:", layout="wide")


@st.cache_resource(show_spinner=False)
def _database_ready() -> str:
    """Once per process: start the embedded server if it is the one, apply migrations, and load
    demo data into an empty embedded database so a first run shows something."""
    from lib import seed

    db.migrate()
    if db.is_embedded():
        with db.as_owner() as conn:
            empty = conn.execute("select count(*) as n from public.members").fetchone()["n"] == 0
            if empty:
                seed.seed_demo(conn)
    return db.describe()


def _language_switch() -> None:
    labels = {"fr": "Français", "en": "English"}
    chosen = st.sidebar.segmented_control(
        t("app.language"), LANGUAGES, format_func=labels.get, default=current_language(), key="lang_switch")
    if chosen and chosen != st.session_state.get("lang"):
        st.session_state["lang"] = chosen
        st.rerun()


def _sign_in_page() -> None:
    st.title(t("auth.sign_in"))
    with st.form("sign_in"):
        email = st.text_input(t("auth.email"), key="sign_in_email")
        password = st.text_input(t("auth.password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(t("auth.sign_in"), type="primary")
    if submitted:
        try:
            auth.sign_in(auth.check_credentials(email, password))
        except Exception as exc:
            from lib.errors import user_message

            st.error(user_message(exc))
        else:
            st.rerun()


def _refusal(role: str) -> None:
    st.warning(t("nav.refused", role=t(f"role.{role}")))
    st.page_link("pages/home.py", label=t("nav.back_home"), icon=":material/home:")


def main() -> None:
    if "lang" not in st.session_state:
        st.session_state["lang"] = current_language()
    _database_ready()
    _language_switch()
    person = auth.current_person()
    if person is None:
        pages = [st.Page(_sign_in_page, title=t("auth.sign_in"), icon=":material/login:", default=True)]
        pages += [st.Page(p.path, title=t(p.title_key), icon=p.icon, url_path=p.url_path)
                  for p in navigation.PUBLIC_PAGES]
        st.navigation(pages, position="hidden").run()
        return

    specs = {p.path: p for p in navigation.PAGES}
    pages = {path: st.Page(path, title=t(spec.title_key), icon=spec.icon, url_path=spec.url_path,
                           default=spec.default) for path, spec in specs.items()}
    current = st.navigation(list(pages.values()), position="hidden")
    with st.sidebar:
        st.caption(t("auth.signed_in_as", name=person.full_name, role=t(f"role.{person.role}")))
        sections: dict[str, list[navigation.PageSpec]] = {}
        for spec in navigation.pages_for(person.role):
            sections.setdefault(spec.section, []).append(spec)
        for section, specs_in in sections.items():
            st.markdown(f"**{t(section)}**")
            for spec in specs_in:
                st.page_link(pages[spec.path], label=t(spec.title_key), icon=spec.icon)
        if st.button(t("auth.sign_out"), icon=":material/logout:", key="sign_out"):
            auth.sign_out()
            st.rerun()
    spec = next((s for s in specs.values() if s.url_path == current.url_path), None)
    if spec is not None and not navigation.allowed(spec, person.role):
        _refusal(person.role)
        return
    current.run()


main()
