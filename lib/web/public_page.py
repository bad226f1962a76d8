"""The space's public face (issue #17), open to anyone without an account or a link:

- `?showcase` the members who chose "public" (searchable by skill, trade, name: `&q=`; pages:
  `&p=`), and `?showcase=<member id>` one member's page with their talks and, when they accept
  it, a contact form (the visitor proves their address first: `?contact=<token>` from the e-mail
  sends the message);
- `?agenda` the coming public events and the `.ics` feed's address, `?agenda=<event id>` one
  event's own page;
- `&compact=1&embed=true` on any of them: a compact layout made to sit in an `iframe` of the
  association's website (`compact` is ours; `embed=true` is Streamlit's own iframe mode, which
  drops its header and toolbar, and which Streamlit keeps out of `st.query_params`); `&lang=fr|en` the language (French by default, else the browser's). The language
  links keep the rest of the address, so a bookmark or a shared address remembers it.

Built for bursts, like the shared link (lib/web/link_page.py): lib/web/shell.py serves these
addresses without the sign-in shell or `st.navigation`, and a page is ONE element, a Streamlit
component (lib/web/assets/public_face.js) drawing an ordered list of blocks that Python builds
once per address, language and version of the public face (`showcase.version`) and keeps as
JSON bytes for every visitor (they name only people who chose "public"). Moving between pages
is plain links (each address is the page's own, to share), the search a GET form; only the
contact form talks back to Python. The JavaScript writes every text with `textContent`: user
text is shown as text, never as Markdown or HTML. Measured with bench/public_burst.py.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import streamlit as st

from lib.core import caches, clock, db
from lib.core.errors import user_message
from lib.core.i18n import LANGUAGES, current_language, fmt_date, fmt_time, t
from lib.directory import showcase
from lib.identity.accounts import configured_app_url
from lib.space import space
from lib.web import session
from lib.web.ui import refusal, t_md

PAGE_SIZE = 20
EMBED_SIZE = 8
ROUTES = ("showcase", "agenda", "contact")
_ASSETS = Path(__file__).parent / "assets"


def _asset(name: str) -> str:
    """An asset without its comment lines and indentation: it travels with every rerun."""
    lines = (line.strip() for line in (_ASSETS / name).read_text(encoding="utf-8").splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


# Registered once per process (a module runs once); inline content, nothing to download.
FACE = st.components.v2.component("cantine_public_face", html=None, css=_asset("public_face.css"),
                                  js=_asset("public_face.js"))
FACE_KEY = "public_face"


def wanted(params: dict[str, str]) -> bool:
    """Whether the address asks for a public page."""
    return any(name in params for name in ROUTES)


# --------------------------------------------------------------------------- addresses

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


def feed_url(base: str) -> str:
    """Where Streamlit's static serving answers with the feed lib/web/startup.py writes."""
    return f"{base}/app/static/{showcase.FEED_NAME}"


class _Here:
    """The address being drawn: its view, language and layout, and links to others like it."""

    def __init__(self, params: dict[str, str], lang: str) -> None:
        self.params, self.lang = params, lang
        self.embed = params.get("compact") == "1"

    def href(self, **query: str) -> str:
        """A relative address keeping the language and the layout."""
        kept = {**query, "lang": self.lang}
        if self.embed:
            kept.update(compact="1", embed="true")
        return "?" + urlencode(kept)


# --------------------------------------------------------------------------- the pages' blocks

Block = dict[str, Any]


def _when(row: dict[str, Any], tz: ZoneInfo, lang: str) -> str:
    starts, ends = row["starts_at"].astimezone(tz), row["ends_at"].astimezone(tz)
    return t("events.when", lang, date=fmt_date(starts.date(), "full", lang), start=fmt_time(starts, lang),
             end=fmt_time(ends, lang))


def _trade(row: dict[str, Any]) -> str:
    return " — ".join(x for x in (row["job_title"], row["company"]) if x)


def _skills_line(skills: list[dict[str, Any]], lang: str) -> str:
    return ", ".join(f"{s['name']} ({t('level.' + s['level'], lang)})" for s in skills)


def _short(text: str | None, limit: int = 180) -> str:
    words = " ".join((text or "").split())
    return words if len(words) <= limit else words[:limit].rsplit(" ", 1)[0] + "…"


def _pager(here: _Here, page: int, total: int, size: int, **query: str) -> list[Block]:
    pages = max(1, -(-total // size))
    if pages == 1:
        return []
    return [{"t": "pager", "text": t("app.page_of", here.lang, page=page + 1, pages=pages),
             "prev": here.href(**query, p=str(page)) if page > 0 else None,
             "next": here.href(**query, p=str(page + 2)) if page < pages - 1 else None,
             "prev_text": t("app.previous", here.lang), "next_text": t("app.next", here.lang)}]


def _page_number(params: dict[str, str]) -> int:
    try:
        return max(0, int(params.get("p") or 1) - 1)
    except ValueError:
        return 0


def _showcase(here: _Here, settings: dict[str, Any]) -> list[Block]:
    lang, name = here.lang, settings["space_name"]
    search = " ".join((here.params.get("q") or "").split())[:100]
    people = showcase.members(db.ANONYMOUS, search)
    size = EMBED_SIZE if here.embed else PAGE_SIZE
    page = min(_page_number(here.params), max(0, (len(people) - 1) // size))
    hidden = {"showcase": "", "lang": lang, **({"compact": "1", "embed": "true"} if here.embed else {})}
    blocks: list[Block] = []
    if not here.embed:
        blocks += [{"t": "h1", "text": t("public.showcase_title", lang, space=name)},
                   {"t": "p", "text": t("public.showcase_intro", lang, space=name), "muted": True}]
    blocks.append({"t": "search", "label": t("public.search", lang), "placeholder": t("public.search_placeholder", lang),
                   "value": search, "hidden": hidden, "button": t("public.search_button", lang)})
    blocks.append({"t": "p", "text": t("public.count", lang, n=len(people)), "muted": True, "count": True})
    if not people:
        blocks.append({"t": "notice", "text": t("public.none", lang)})
    for person in people[page * size:(page + 1) * size]:
        lines = [x for x in (_trade(person), _skills_line(person["skills"][:6 if here.embed else 12], lang)) if x]
        if person["bio"] and not here.embed:
            lines.append(_short(person["bio"]))
        if person["talks"]:
            lines.append(t("public.talks_count", lang, n=person["talks"]))
        blocks.append({"t": "card", "title": person["full_name"], "lines": lines,
                       "href": here.href(showcase=str(person["id"])), "link": t("public.open_profile", lang)})
    blocks += _pager(here, page, len(people), size, showcase="", **({"q": search} if search else {}))
    if not here.embed:
        blocks.append({"t": "links", "items": [{"text": t("public.to_agenda", lang), "href": here.href(agenda="")}]})
    return blocks


def _member(here: _Here, settings: dict[str, Any], member_id: str) -> list[Block]:
    lang = here.lang
    blocks: list[Block] = [{"t": "links", "items": [{"text": "← " + t("public.back_showcase", lang),
                                                     "href": here.href(showcase="")}]}]
    person = showcase.member(db.ANONYMOUS, member_id)
    if person is None:
        return blocks + [{"t": "notice", "text": t("public.member_unknown", lang), "kind": "warning"}]
    tz = ZoneInfo(settings["time_zone"])
    blocks.append({"t": "h1", "text": person["full_name"]})
    if _trade(person):
        blocks.append({"t": "p", "text": _trade(person), "muted": True})
    if person["bio"]:
        blocks.append({"t": "pre", "text": person["bio"]})
    if person["skills"]:
        blocks += [{"t": "h2", "text": t("public.skills", lang)}, {"t": "p", "text": _skills_line(person["skills"], lang)}]
    links = [{"text": t(f"link.{key}", lang), "href": url, "external": True}
             for key, url in (person["links"] or {}).items() if str(url).startswith(("https://", "http://"))]
    if links:
        blocks.append({"t": "links", "items": links})
    blocks.append({"t": "h2", "text": t("public.talks", lang, space=settings["space_name"])})
    if not person["talk_list"]:
        blocks.append({"t": "p", "text": t("public.talks_none", lang), "muted": True})
    for talk in person["talk_list"]:
        starts = dt.datetime.fromisoformat(talk["starts_at"]).astimezone(tz)
        blocks.append({"t": "item", "text": t("public.talk_line", lang, date=fmt_date(starts.date(), "medium", lang),
                                               title=talk["title"], role=t(f"public.role.{talk['role']}", lang)),
                       "href": here.href(agenda=str(talk["event_id"])), "link": t("public.open_event", lang)})
    if person["contact"]:
        blocks.append({"t": "contact", "title": t("public.contact_title", lang, name=person["full_name"]),
                       "help": t("public.contact_help", lang), "name": t("public.contact_name", lang),
                       "email": t("public.contact_email", lang), "message": t("public.contact_message", lang),
                       "send": t("public.contact_send", lang), "sending": t("public.contact_sending", lang),
                       "name_required": t("link.name_required", lang), "email_invalid": t("link.email_invalid", lang),
                       "message_required": t("public.message_required", lang),
                       "check_email": t("public.contact_check_email", lang), "member": str(person["id"])})
    else:
        blocks.append({"t": "p", "text": t("public.no_contact", lang), "muted": True})
    if not here.embed:
        blocks.append({"t": "code", "label": t("public.member_address", lang),
                       "value": f"{base_url()}/{here.href(showcase=str(person['id']))}".replace("&compact=1&embed=true", "")})
    return blocks


def _agenda(here: _Here, settings: dict[str, Any]) -> list[Block]:
    lang, name = here.lang, settings["space_name"]
    tz = ZoneInfo(settings["time_zone"])
    rows = showcase.coming(showcase.events(db.ANONYMOUS), clock.now())
    size = EMBED_SIZE if here.embed else PAGE_SIZE
    page = min(_page_number(here.params), max(0, (len(rows) - 1) // size))
    blocks: list[Block] = []
    if not here.embed:
        blocks += [{"t": "h1", "text": t("public.agenda_title", lang, space=name)},
                   {"t": "p", "text": t("public.agenda_intro", lang), "muted": True}]
    if not rows:
        blocks.append({"t": "notice", "text": t("public.agenda_none", lang)})
    for row in rows[page * size:(page + 1) * size]:
        lines = [f"{t('events.kind.' + row['kind'], lang)} · {_when(row, tz, lang)}"]
        speakers = [s["name"] for s in row["speakers"] or [] if s.get("name")]
        if speakers and not here.embed:
            lines.append(t("public.speakers", lang, names=", ".join(speakers)))
        blocks.append({"t": "card", "title": row["title"], "lines": lines, "href": here.href(agenda=str(row["id"])),
                       "link": t("public.open_event", lang)})
    blocks += _pager(here, page, len(rows), size, agenda="")
    if not here.embed:
        blocks += [{"t": "h2", "text": t("public.feed", lang)}, {"t": "p", "text": t("public.feed_help", lang), "muted": True},
                   {"t": "code", "value": feed_url(base_url())},
                   {"t": "links", "items": [{"text": t("public.to_showcase", lang), "href": here.href(showcase="")}]}]
    return blocks


def _event(here: _Here, settings: dict[str, Any], event_id: str) -> list[Block]:
    lang = here.lang
    blocks: list[Block] = [{"t": "links", "items": [{"text": "← " + t("public.back_agenda", lang),
                                                     "href": here.href(agenda="")}]}]
    row = showcase.event(db.ANONYMOUS, event_id)
    if row is None:
        return blocks + [{"t": "notice", "text": t("public.event_unknown", lang), "kind": "warning"}]
    tz = ZoneInfo(settings["time_zone"])
    blocks += [{"t": "h1", "text": row["title"]},
               {"t": "p", "text": f"{t('events.kind.' + row['kind'], lang)} · {_when(row, tz, lang)}", "muted": True}]
    if row["room"]:
        blocks.append({"t": "p", "text": t("public.where", lang, room=row["room"])})
    for speaker in row["speakers"] or []:
        if speaker.get("member_id"):
            blocks.append({"t": "item", "text": speaker["name"], "href": here.href(showcase=str(speaker["member_id"])),
                           "link": t("public.open_profile", lang)})
        elif speaker.get("name"):
            blocks.append({"t": "item", "text": speaker["name"]})
    if row["description"]:
        blocks.append({"t": "pre", "text": row["description"]})
    if row["status"] == "cancelled":
        blocks.append({"t": "notice", "text": t("public.event_cancelled", lang), "kind": "warning"})
    elif row["ends_at"] <= clock.now():
        blocks.append({"t": "notice", "text": t("public.event_past", lang)})
    else:
        blocks.append({"t": "p", "muted": True, "text": t("public.places_left", lang, n=row["places_left"])
                       if row["places_left"] > 0 else t("public.full", lang)})
        blocks.append({"t": "notice", "text": t("public.how_to_register", lang, space=settings["space_name"])})
        blocks.append({"t": "links", "items": [{"text": t("public.sign_in", lang), "href": f"{base_url()}/events",
                                                "top": True}]})
    if not here.embed:
        blocks.append({"t": "code", "label": t("public.event_address", lang),
                       "value": f"{base_url()}/{here.href(agenda=str(row['id']))}"})
    return blocks


def _frame(here: _Here, settings: dict[str, Any], blocks: list[Block]) -> dict[str, Any]:
    """The page around its blocks: the language links (the current address in the other
    language) and, embedded, a link to the full site in a new tab."""
    labels = {"fr": "Français", "en": "English"}
    top: list[Block] = []
    if not here.embed:
        query = {k: v for k, v in here.params.items() if k not in ("lang",)}
        top.append({"t": "lang", "items": [{"text": labels[code], "current": code == here.lang,
                                            "href": "?" + urlencode({**query, "lang": code})} for code in LANGUAGES]})
    else:
        view = {"agenda": ""} if "agenda" in here.params else {"showcase": ""}
        blocks = [*blocks, {"t": "links", "items": [{"text": t("public.embed_more", here.lang, space=settings["space_name"]),
                                                     "href": f"{base_url()}/?{urlencode({**view, 'lang': here.lang})}",
                                                     "external": True}]}]
    title_key = "public.agenda_title" if "agenda" in here.params else "public.showcase_title"
    return {"embed": here.embed, "lang": here.lang, "blocks": top + blocks,
            "title": t(title_key, here.lang, space=settings["space_name"])}


# --------------------------------------------------------------------------- shared cache

_cache: dict[tuple, tuple[int, float, bytes]] = {}
_lock = threading.Lock()
_TTL_SECONDS = 20.0  # also bounded by the version: see lib/directory/showcase.py


@caches.register
def forget() -> None:
    with _lock:
        _cache.clear()


def _view_key(params: dict[str, str]) -> tuple[str, ...]:
    return tuple(f"{k}={params.get(k, '')}" for k in ("showcase", "agenda", "q", "p", "compact") if k in params)


def payload(params: dict[str, str], lang: str) -> bytes:
    """The page's blocks as JSON bytes, built once per address, language and version of the
    public face for every visitor (and at most 20 s: events end as time passes).

    One visitor at a time rebuilds (a showcase search reads for about 200 ms on the large demo):
    while one does, the others get the copy they would have got a moment before, instead of all
    running the same query at once under a burst (what made its p95 1.6x a trivial page's)."""
    # Read as the owner, named: a public counter, asked on every visitor's rerun, costs one
    # statement this way where acting as anon adds two (the role and its claims).
    version = showcase.version(db.OWNER)
    key = (db.current_key(), lang, base_url(), _view_key(params))
    hit = _cache.get(key)
    if hit is not None and hit[0] == version and hit[1] > time.monotonic():
        return hit[2]
    if hit is not None and not _lock.acquire(blocking=False):
        return hit[2]  # someone is rebuilding it
    if hit is None:
        _lock.acquire()
    try:
        fresh = _cache.get(key)
        if fresh is not None and fresh is not hit and fresh[0] == version and fresh[1] > time.monotonic():
            return fresh[2]
        data = _build(params, lang)
        if len(_cache) >= 2000:  # addresses × languages: a bound, not an eviction policy
            _cache.clear()
        _cache[key] = (version, time.monotonic() + _TTL_SECONDS, data)
        return data
    finally:
        _lock.release()


def _build(params: dict[str, str], lang: str) -> bytes:
    settings = space.settings()
    here = _Here(params, lang)
    build: Callable[[], list[Block]]
    if "agenda" in params:
        build = (lambda: _event(here, settings, params["agenda"])) if params["agenda"] else (lambda: _agenda(here, settings))
    elif params.get("showcase"):
        build = lambda: _member(here, settings, params["showcase"])  # noqa: E731 (one line each)
    else:
        build = lambda: _showcase(here, settings)  # noqa: E731
    return json.dumps(_frame(here, settings, build()), ensure_ascii=False, separators=(",", ":"), default=str).encode()


# --------------------------------------------------------------------------- language, contact

def _language(params: dict[str, str]) -> str:
    """The address's `lang`, else this session's, else the browser's, else French."""
    asked = params.get("lang")
    if asked in LANGUAGES:
        st.session_state["lang"] = asked
    elif st.session_state.get("lang") not in LANGUAGES:
        try:
            browser = (st.context.locale or "")[:2].lower()
        except Exception:  # no browser (AppTest)
            browser = ""
        st.session_state["lang"] = browser if browser in LANGUAGES else "fr"
    return current_language()


def _on_contact() -> None:
    """The contact form's trigger, before the page runs again: ask, or keep the reason to show."""
    request = (st.session_state.get(FACE_KEY) or {}).get("contact")
    if not request:
        return
    member = str(request.get("member") or "")
    try:
        showcase.contact(db.ANONYMOUS, member, str(request.get("email") or ""), str(request.get("name") or ""),
                         str(request.get("message") or ""), client=session.client_address(), locale=current_language())
    except Exception as exc:
        st.session_state["_public_contact"] = {"member": member, "error": user_message(exc)}  # drawn as text
    else:
        st.session_state["_public_contact"] = {"member": member, "sent": True}


def _with_contact_state(data: bytes) -> bytes:
    """This visitor's own copy when their contact form has something to say (sent, or why not)."""
    state = st.session_state.get("_public_contact")
    if not state:
        return data
    page = json.loads(data)
    for block in page["blocks"]:
        if block.get("t") == "contact" and block.get("member") == state["member"]:
            state["attempt"] = state.get("attempt", 0) + (0 if state.get("sent") else 1)
            block.update(state)
    return json.dumps(page, ensure_ascii=False, separators=(",", ":")).encode()


def _contact_proof(token: str) -> None:
    """`?contact=<token>` from the proof e-mail: the message goes (once); the outcome stays in
    the session, so a rerun never shows "already used". Rare: ordinary Streamlit elements."""
    st.title(t("public.contact_proof_title"))
    key = f"_public_proof_{token[:16]}"
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
    st.link_button(t("public.back_showcase"), f"{base_url()}/?showcase=&lang={current_language()}")


# --------------------------------------------------------------------------- entry

def show(params: dict[str, str]) -> None:
    """The public page the address asks for (lib/web/shell.py calls it when `wanted`)."""
    lang = _language(params)
    if params.get("contact"):
        st.set_page_config(page_title=t("public.contact_proof_title"), page_icon=":material/groups:")
        _contact_proof(params["contact"])
        return
    data = payload(params, lang)
    FACE(data=_with_contact_state(data), key=FACE_KEY, on_contact_change=_on_contact)
