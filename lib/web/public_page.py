"""The space's public face (issue #17), open to anyone without an account or a link:

- `?showcase` the members who chose "public" (searchable by skill, trade, name: `&q=`), and
  `?showcase=<member id>` one member's page with their talks and, when they accept it, a contact
  form (the visitor proves their address first: `?contact=<token>` from the e-mail sends it);
- `?agenda` the coming public events and the `.ics` feed's address, `?agenda=<event id>` one
  event's own page;
- `&embed=1` on any of them: a compact layout made to sit in an `iframe` of the association's
  website; `&lang=fr|en` the language (the switch writes it into the address, so a bookmark or a
  shared address keeps it; French by default, else the browser's).

Like the shared link, lib/web/shell.py serves these addresses directly, without the sign-in
shell or `st.navigation`: a newsletter announcing the agenda brings a burst (bench/public_burst.py).
Everything shown comes from lib/directory/showcase.py as the anonymous role, through SQL
functions that apply each member's visibility themselves; user text goes through `ui.md`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import streamlit as st

from lib.core import clock, db
from lib.core.i18n import LANGUAGES, current_language, fmt_date, fmt_time, t
from lib.directory import showcase
from lib.identity.accounts import configured_app_url
from lib.space import space
from lib.web import session
from lib.web.ui import md, page_index, pager, refusal, t_md

PAGE_SIZE = 20
EMBED_SIZE = 8
ROUTES = ("showcase", "agenda", "contact")
_COMPACT_CSS = ("<style>.block-container{padding:0.5rem 0.75rem !important;max-width:100% !important}"
                "header,[data-testid='stToolbar'],[data-testid='stDecoration']{display:none !important}</style>")


def wanted(params: dict[str, str]) -> bool:
    """Whether the address asks for a public page."""
    return any(name in params for name in ROUTES)


# --------------------------------------------------------------------------- addresses

def _keep() -> dict[str, str]:
    """What every in-page move keeps: the language and the embedded layout."""
    params = st.query_params
    kept = {"lang": current_language()}
    if params.get("embed") == "1":
        kept["embed"] = "1"
    return kept


def _go(**target: str) -> None:
    """Move to another public address in this tab (a button's callback): the browser's address
    becomes the page's own, so it can be copied and shared."""
    st.query_params.clear()
    st.query_params.update({**target, **_keep()})


def base_url() -> str:
    """The app's public address (CANTINE_APP_URL), else the one this visitor typed."""
    configured = configured_app_url()
    if configured:
        return configured
    try:
        parts = urlsplit(st.context.url or "")
    except Exception:  # outside a browser session (AppTest)
        return ""
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def address(**query: str) -> str:
    return f"{base_url()}/?{urlencode(query)}"


def feed_url() -> str:
    """Where Streamlit's static serving answers with the feed lib/web/startup.py writes."""
    return f"{base_url()}/app/static/{showcase.FEED_NAME}"


# --------------------------------------------------------------------------- language

def _language() -> None:
    """The address's `lang`, else this session's choice, else the browser's, else French."""
    asked = st.query_params.get("lang")
    if asked in LANGUAGES:
        st.session_state["lang"] = asked
    elif st.session_state.get("lang") not in LANGUAGES:
        try:
            browser = (st.context.locale or "")[:2].lower()
        except Exception:  # no browser (AppTest)
            browser = ""
        st.session_state["lang"] = browser if browser in LANGUAGES else "fr"


def _language_changed() -> None:
    chosen = st.session_state.get("public_lang")
    if chosen in LANGUAGES:
        st.session_state["lang"] = chosen
        st.query_params["lang"] = chosen  # remembered in the address


def _language_switch() -> None:
    labels = {"fr": "Français", "en": "English"}
    st.session_state["public_lang"] = current_language()
    st.segmented_control(t("app.language"), LANGUAGES, format_func=labels.get, key="public_lang",
                         on_change=_language_changed, label_visibility="collapsed")


# --------------------------------------------------------------------------- shared pieces

def _when(row: dict[str, Any], tz: ZoneInfo) -> str:
    starts, ends = row["starts_at"].astimezone(tz), row["ends_at"].astimezone(tz)
    return t("events.when", date=fmt_date(starts.date(), "full"), start=fmt_time(starts), end=fmt_time(ends))


def _trade(row: dict[str, Any]) -> str:
    return " — ".join(md(x) for x in (row["job_title"], row["company"]) if x)


def _skills_line(skills: list[dict[str, Any]]) -> str:
    return ", ".join(f"{md(s['name'])} ({t('level.' + s['level'])})" for s in skills)


def _short(text: str | None, limit: int = 180) -> str:
    words = " ".join((text or "").split())
    return words if len(words) <= limit else words[:limit].rsplit(" ", 1)[0] + "…"


# --------------------------------------------------------------------------- the showcase

def _search_changed() -> None:
    text = " ".join((st.session_state.get("public_q") or "").split())
    if text:
        st.query_params["q"] = text
    else:
        st.query_params.pop("q", None)


def _showcase(settings: dict[str, Any], embed: bool) -> None:
    name = settings["space_name"]
    if not embed:
        st.title(t_md("public.showcase_title", space=name))
        st.caption(t_md("public.showcase_intro", space=name))
    if "public_q" not in st.session_state:
        st.session_state["public_q"] = st.query_params.get("q", "")
    search = st.text_input(t("public.search"), key="public_q", placeholder=t("public.search_placeholder"),
                           on_change=_search_changed, max_chars=100)
    people = showcase.members(db.ANONYMOUS, search)
    st.caption(t("public.count", n=len(people)))
    if not people:
        st.info(t("public.none"))
    size = EMBED_SIZE if embed else PAGE_SIZE
    page = min(page_index("public_page", search), max(0, (len(people) - 1) // size))
    for person in people[page * size:(page + 1) * size]:
        with st.container(border=True):
            st.markdown(f"**{md(person['full_name'])}**")
            trade = _trade(person)
            if trade:
                st.caption(trade)
            if person["skills"]:
                st.markdown(_skills_line(person["skills"][:6 if embed else 12]))
            if person["bio"] and not embed:
                st.caption(md(_short(person["bio"])))
            if person["talks"]:
                st.caption(t("public.talks_count", n=person["talks"]))
            st.button(t("public.open_profile"), key=f"pub_open_{person['id']}", on_click=_go,
                      kwargs={"showcase": str(person["id"])})
    pager("public_page", page, len(people), size)
    if not embed:
        st.button(t("public.to_agenda"), icon=":material/event:", on_click=_go, kwargs={"agenda": ""},
                  key="pub_to_agenda")


def _talks(person: dict[str, Any], settings: dict[str, Any], tz: ZoneInfo) -> None:
    st.subheader(t_md("public.talks", space=settings["space_name"]))
    if not person["talk_list"]:
        st.caption(t("public.talks_none"))
    for talk in person["talk_list"]:
        starts = dt.datetime.fromisoformat(talk["starts_at"]).astimezone(tz)
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(t_md("public.talk_line", date=fmt_date(starts.date(), "medium"), title=talk["title"],
                           role=t(f"public.role.{talk['role']}")))
        right.button(t("public.open_event"), key=f"pub_talk_{talk['event_id']}", on_click=_go,
                     kwargs={"agenda": str(talk["event_id"])})


def _contact_form(person: dict[str, Any]) -> None:
    st.subheader(t_md("public.contact_title", name=person["full_name"]))
    done_key = f"public_contact_done_{person['id']}"
    if st.session_state.get(done_key):
        st.success(t("public.contact_check_email"), icon=":material/mail:")
        return
    st.caption(t("public.contact_help"))
    with st.form(f"public_contact_{person['id']}"):
        name = st.text_input(t("public.contact_name"), max_chars=200, key="public_contact_name")
        email = st.text_input(t("public.contact_email"), max_chars=254, key="public_contact_email")
        message = st.text_area(t("public.contact_message"), max_chars=2000, key="public_contact_message")
        sent = st.form_submit_button(t("public.contact_send"), type="primary")
    if sent:
        try:
            showcase.contact(db.ANONYMOUS, person["id"], email, name, message,
                             client=session.client_address(), locale=current_language())
        except Exception as exc:
            st.error(refusal(exc))
        else:
            st.session_state[done_key] = True
            st.rerun()


def _member(member_id: str, settings: dict[str, Any], embed: bool) -> None:
    st.button(t("public.back_showcase"), icon=":material/arrow_back:", on_click=_go, kwargs={"showcase": ""},
              key="pub_back")
    person = showcase.member(db.ANONYMOUS, member_id)
    if person is None:
        st.warning(t("public.member_unknown"))
        return
    tz = ZoneInfo(settings["time_zone"])
    st.header(md(person["full_name"]))
    trade = _trade(person)
    if trade:
        st.caption(trade)
    if person["bio"]:
        st.text(person["bio"])
    if person["skills"]:
        st.subheader(t("public.skills"))
        st.markdown(_skills_line(person["skills"]))
    links = {k: v for k, v in (person["links"] or {}).items() if str(v).startswith(("https://", "http://"))}
    for key, url in links.items():  # the database allows no other scheme; checked again all the same
        st.link_button(t(f"link.{key}"), url, icon=":material/open_in_new:")
    _talks(person, settings, tz)
    if person["contact"]:
        _contact_form(person)
    else:
        st.caption(t("public.no_contact"))
    if not embed:
        st.caption(t("public.member_address"))
        st.code(address(showcase=str(person["id"]), lang=current_language()), language=None)


# --------------------------------------------------------------------------- the agenda

def _speakers(row: dict[str, Any]) -> str:
    names = [md(s["name"]) for s in row["speakers"] or [] if s.get("name")]
    return t("public.speakers", names=", ".join(names)) if names else ""


def _agenda(settings: dict[str, Any], embed: bool) -> None:
    name = settings["space_name"]
    tz = ZoneInfo(settings["time_zone"])
    if not embed:
        st.title(t_md("public.agenda_title", space=name))
        st.caption(t("public.agenda_intro"))
    rows = showcase.coming(showcase.events(db.ANONYMOUS), clock.now())
    if not rows:
        st.info(t("public.agenda_none"))
    size = EMBED_SIZE if embed else PAGE_SIZE
    page = min(page_index("public_agenda_page", len(rows)), max(0, (len(rows) - 1) // size))
    for row in rows[page * size:(page + 1) * size]:
        with st.container(border=True):
            st.markdown(f"**{md(row['title'])}**")
            st.caption(f"{t('events.kind.' + row['kind'])} · {_when(row, tz)}")
            speakers = _speakers(row)
            if speakers and not embed:
                st.caption(speakers)
            st.button(t("public.open_event"), key=f"pub_event_{row['id']}", on_click=_go,
                      kwargs={"agenda": str(row["id"])})
    pager("public_agenda_page", page, len(rows), size)
    if not embed:
        st.subheader(t("public.feed"))
        st.caption(t("public.feed_help"))
        st.code(feed_url(), language=None)
        st.button(t("public.to_showcase"), icon=":material/groups:", on_click=_go, kwargs={"showcase": ""},
                  key="pub_to_showcase")


def _event(event_id: str, settings: dict[str, Any], embed: bool) -> None:
    st.button(t("public.back_agenda"), icon=":material/arrow_back:", on_click=_go, kwargs={"agenda": ""},
              key="pub_back_agenda")
    row = showcase.event(db.ANONYMOUS, event_id)
    if row is None:
        st.warning(t("public.event_unknown"))
        return
    tz = ZoneInfo(settings["time_zone"])
    st.header(md(row["title"]))
    st.caption(f"{t('events.kind.' + row['kind'])} · {_when(row, tz)}")
    if row["room"]:
        st.markdown(t_md("public.where", room=row["room"]))
    for speaker in row["speakers"] or []:
        if speaker.get("member_id"):
            st.button(md(speaker["name"]), key=f"pub_speaker_{speaker['member_id']}", icon=":material/person:",
                      on_click=_go, kwargs={"showcase": str(speaker["member_id"])})
        elif speaker.get("name"):
            st.markdown(f":material/person: {md(speaker['name'])}")
    if row["description"]:
        st.text(row["description"])
    if row["status"] == "cancelled":
        st.warning(t("public.event_cancelled"))
    elif row["ends_at"] <= clock.now():
        st.info(t("public.event_past"))
    else:
        if row["places_left"] > 0:
            st.caption(t("public.places_left", n=row["places_left"]))
        else:
            st.caption(t("public.full"))
        st.info(t_md("public.how_to_register", space=settings["space_name"]), icon=":material/how_to_reg:")
        st.link_button(t("public.sign_in"), f"{base_url()}/events", icon=":material/login:")
    if not embed:
        st.caption(t("public.event_address"))
        st.code(address(agenda=str(row["id"]), lang=current_language()), language=None)


# --------------------------------------------------------------------------- contact proof

def _contact_proof(token: str) -> None:
    """`?contact=<token>` from the proof e-mail: the message goes (once); the outcome stays in
    the session, so a rerun never shows "already used"."""
    st.title(t("public.contact_proof_title"))
    key = f"public_proof_{token[:16]}"
    if key not in st.session_state:
        try:
            st.session_state[key] = ("sent", showcase.prove_contact(db.ANONYMOUS, token))
        except Exception as exc:
            st.session_state[key] = ("refused", refusal(exc))
    outcome, said = st.session_state[key]
    if outcome == "sent":
        st.success(t_md("public.contact_sent", name=said), icon=":material/mark_email_read:")
    else:
        st.error(said)
    st.button(t("public.back_showcase"), on_click=_go, kwargs={"showcase": ""}, key="pub_proof_back")


# --------------------------------------------------------------------------- entry

def show(params: dict[str, str]) -> None:
    """The public page the address asks for (lib/web/shell.py calls it when `wanted`)."""
    _language()
    embed = params.get("embed") == "1"
    settings = space.settings()
    title_key = "public.agenda_title" if "agenda" in params else "public.showcase_title"
    st.set_page_config(page_title=t(title_key, space=settings["space_name"]), page_icon=":material/groups:",
                       layout="centered")
    if embed:
        st.html(_COMPACT_CSS)  # our own fixed style, no user text
    else:
        _language_switch()
    if params.get("contact"):
        _contact_proof(params["contact"])
    elif "agenda" in params:
        if params["agenda"]:
            _event(params["agenda"], settings, embed)
        else:
            _agenda(settings, embed)
    elif params.get("showcase"):
        _member(params["showcase"], settings, embed)
    else:
        _showcase(settings, embed)
    if embed:
        st.link_button(t("public.embed_more", space=settings["space_name"]),
                       address(**({"agenda": ""} if "agenda" in params else {"showcase": ""}),
                               lang=current_language()), icon=":material/open_in_new:")
