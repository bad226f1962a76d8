"""The shared-link page: anyone holding the link asks for a desk without an account; a proof
link is e-mailed to the address typed (`?proof=`, served here too) and following it books; the
booking is then managed through a private `?manage=` link. Every read and write goes through the
`link_*` functions as the anonymous role. Members who have an account are offered the sign-in
page (where they book with no proof): the shell does not look for the remember-me cookie on this
path, which must stay as cheap as a trivial page.

Built for newsletter bursts. The booking form is one element (lib/web/assets/link_booker.js, a
Streamlit components-v2 component): it receives the whole booking window at once — open days,
desks, each desk's state per half-day — from a cache shared by every visitor of the link (it
names no one), and answers changes of day or slot in the browser. A visitor thus costs one light
rerun to open the page and one to book; lib/web/shell.py serves this page without the sign-in shell
or navigation (`show`), so a rerun here costs about what a trivial Streamlit page's does
(bench/link_burst.py).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st

from lib.booking import bookings, floorplan, share_links
from lib.core import caches
from lib.core.errors import UserError, user_message
from lib.core.i18n import LANGUAGES, current_language, fmt_date, fmt_time, plural, t, weekday_name
from lib.events import events
from lib.web import event_link_page
from lib.web.flash import set_flash, show_flash
from lib.web.ui import page_address, refusal, run_action, t_md

_ASSETS = Path(__file__).parent / "assets"


def _asset(name: str) -> str:
    """An asset without its comment lines and indentation: it travels with every rerun."""
    lines = (line.strip() for line in (_ASSETS / name).read_text(encoding="utf-8").splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


# Registered once per process (a module runs once); inline content, nothing to download.
BOOKER = st.components.v2.component("cantine_link_booker", html=None, css=_asset("link_booker.css"),
                                    js=_asset("link_booker.js"))
BOOKER_KEY = "link_booker"
# The manage link with a copy button that is always there (st.code shows its own only on hover,
# which a phone has not) and an address that wraps at 390 px instead of running off the screen.
COPIER = st.components.v2.component(
    "cantine_copy_link", html=None,
    css=(".copy{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;font-family:inherit}"
         ".copy code{flex:1 1 14rem;min-width:0;overflow-wrap:anywhere;word-break:break-all;padding:.4rem .5rem;"
         "border-radius:.4rem;background:rgba(128,128,128,.12);font-size:.85rem}"
         ".copy button{flex:0 0 auto;padding:.45rem .9rem;border-radius:.5rem;border:1px solid rgba(128,128,128,.5);"
         "background:transparent;color:inherit;font:inherit;cursor:pointer}\n"),
    js=("function decode(r){if(r instanceof ArrayBuffer||ArrayBuffer.isView(r))return JSON.parse(new TextDecoder()"
        ".decode(r));return typeof r==='string'?JSON.parse(r):r}\n"  # newlines: Streamlit reads it as code
        "export default function(c){const d=decode(c.data);let root=c.parentElement.querySelector('.copy');"
        "if(!root){root=document.createElement('div');root.className='copy';c.parentElement.append(root)}"
        "const code=document.createElement('code');code.textContent=d.url;"
        "const b=document.createElement('button');b.type='button';b.textContent=d.label;"
        "b.addEventListener('click',async()=>{try{await navigator.clipboard.writeText(d.url)}catch(e){"
        "const a=document.createElement('textarea');a.value=d.url;document.body.append(a);a.select();"
        "document.execCommand('copy');a.remove()}b.textContent=d.copied});"
        "root.replaceChildren(code,b)}"))
# One character per half-day and desk in `states` (see link_booker.js).
_STATE_CHAR = {"free": "f", "taken": "t", "mine": "t", "closed": "c", "past": "p"}


# --------------------------------------------------------------------------- data (cached, shared)

# The form offers at most this many days ahead, whatever the booking window (up to two years):
# what a newsletter reader books, in a payload that stays small with hundreds of desks.
LINK_WINDOW_DAYS = 92
_WINDOW_SECONDS = 10  # how stale the free/taken states may be; the database decides at booking time
_window_cache: dict[tuple[str, str], tuple[float, bytes]] = {}
_window_lock = threading.Lock()


def window_payload(token: str, lang: str) -> bytes:
    """The form's data as JSON bytes, computed once per link and language every few seconds for
    every visitor (it names no one). A plain dict under a lock, not `st.cache_data`: that one
    hashes its arguments and inspects the function on every call, a fifth of a rerun here; and
    bytes go to the browser as they are, where a dict is walked looking for dataframes.

    When an entry is due, one visitor computes the new one (about 50 ms) while the others keep
    getting the previous one, so a burst never queues behind the database; only a link nobody
    asked for yet makes its first visitors wait for it."""
    key = (token, lang)
    hit = _window_cache.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    if hit is not None and not _window_lock.acquire(blocking=False):
        return hit[1]  # someone is already refreshing it
    if hit is None:
        _window_lock.acquire()
    try:
        fresh = _window_cache.get(key)
        if fresh is not None and fresh[0] > time.monotonic():
            return fresh[1]
        payload = json.dumps(booking_window(token, lang), ensure_ascii=False, separators=(",", ":")).encode()
        if len(_window_cache) >= 200:  # links × languages: a bound, not an eviction policy
            _window_cache.clear()
        _window_cache[key] = (time.monotonic() + _WINDOW_SECONDS, payload)
        return payload
    finally:
        _window_lock.release()


_serves_cache: dict[str, tuple[float, tuple[bool, bool]]] = {}
_serves_lock = threading.Lock()  # its own: booking_window asks for it while holding _window_lock


def link_serves(token: str) -> tuple[bool, bool]:
    """Whether a link opens desk booking, events, or both (its purpose), known for a minute. A
    link that is revoked or expired "serves" what it was made for, so its page says why not."""
    hit = _serves_cache.get(token)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    def accepts(read: Any) -> bool:
        try:
            read(token)
        except UserError as exc:
            return exc.key != "link.unknown"  # another purpose reads as unknown
        return True

    serves = (accepts(share_links.space), accepts(events.link_events))
    if serves == (False, False):  # an unknown link: the booking page says so
        serves = (True, False)
    with _serves_lock:
        if len(_serves_cache) >= 200:
            _serves_cache.clear()
        _serves_cache[token] = (time.monotonic() + 60, serves)
    return serves


def forget_windows() -> None:
    """Drop the cached windows (a desk was just taken under someone's nose)."""
    with _window_lock:
        _window_cache.clear()


_plan_cache: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}


def plan_spec(token: str, lang: str) -> dict[str, Any]:
    """Where each desk is (zones named, no one's bookings), for the page's desk map: the same for
    every visitor of the link, rebuilt every five minutes (desks move rarely)."""
    key = (token, lang)
    hit = _plan_cache.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    space = share_links.space(token)
    grid = bookings.link_day_grid(token, bookings.local_today(space), "desk")
    desks = grid.drop_duplicates("resource_id").assign(state="desk")
    spec = floorplan.floor_plan_spec(desks, {"desk": t("linkform.desk", lang)})
    spec.pop("params", None)  # a map to read, not to click: the form below picks the desk
    for layer in spec.get("layer", []):
        layer.pop("params", None)
        layer.get("encoding", {}).pop("opacity", None)
    if len(_plan_cache) >= 200:
        _plan_cache.clear()
    _plan_cache[key] = (time.monotonic() + 300, spec)
    return spec


@caches.register
def forget_all() -> None:
    """Drop the windows and what each link serves (tests start from nothing)."""
    forget_windows()
    _plan_cache.clear()
    with _serves_lock:
        _serves_cache.clear()


def booking_window(token: str, lang: str) -> dict[str, Any]:
    """Everything the form shows, for the whole booking window: desks once, then one short string
    per day. Raises for an unknown, expired or revoked link."""
    space = share_links.space(token)
    today = bookings.local_today(space)
    last = today + dt.timedelta(days=min(space["booking_window_days"], LINK_WINDOW_DAYS))
    days = [today + dt.timedelta(days=i) for i in range((last - today).days + 1)]
    days = [d for d in days if d.isoweekday() in space["open_days"]]
    desks: dict[str, list[str]] = {}  # resource id → [id, name, zone], in the grid's order
    halves: dict[dt.date, dict[tuple[str, str], str]] = {d: {} for d in days}
    for row in bookings.link_window_states(token, days, "desk"):
        desks.setdefault(row["resource_id"], [row["resource_id"], row["resource_name"], row["zone_name"]])
        halves[row["day"]][(row["resource_id"], row["slot"])] = row["state"]
    states = {day.isoformat(): "".join(_STATE_CHAR.get(halves[day].get((desk, half), "closed"), "c")
                                       for desk in desks for half in ("am", "pm"))
              for day in days}
    bookable = [d for d in days if "f" in states[d.isoformat()]]
    # today while today still has a free half-day (09:15, desks free this afternoon), else the next
    default = bookable[0] if bookable else None
    other = next(code for code in LANGUAGES if code != lang)
    return {
        "days": [[d.isoformat(), f"{weekday_name(d.isoweekday(), lang)} {fmt_date(d, 'long', lang)}"] for d in days],
        "default_day": default.isoformat() if default else (days[0].isoformat() if days else ""),
        "desks": list(desks.values()),
        "states": states,
        "slots": [[s, t(f"book.slot.{s}", lang)] for s in ("day", "am", "pm")],
        "other_lang": other,
        "space": space["space_name"],
        "events_too": link_serves(token)[1],
        "labels": {
            "title": t("linkpage.title", lang),
            "events": t("linkform.events", lang),
            "intro": t("linkpage.intro", lang, space=space["space_name"]),
            "other_language": {"fr": "Français", "en": "English"}[other],
            "day": t("book.day", lang), "slot": t("book.slot", lang), "resource": t("linkform.desk", lang),
            "zone": t("book.zone", lang), "am": t("book.slot.am", lang), "pm": t("book.slot.pm", lang),
            "name": t("linkpage.name", lang), "email": t("linkpage.email", lang), "book": t("linkform.send", lang),
            "booking": t("linkform.sending", lang), "free_count": plural(t("linkform.free_count", lang), lang, {"n": 2}),
            "free_count_one": plural(t("linkform.free_count", lang), lang, {"n": 1}),  # the script fills in {n}
            "nothing_free": t("book.nothing_free", lang), "no_days": t("linkform.no_days", lang),
            "grid_caption": t("book.grid_caption", lang, date="{date}"),
            "name_required": t("link.name_required", lang), "email_invalid": t("link.email_invalid", lang),
            "hold_nothing": t("linkform.hold_nothing", lang), "sign_in": t("linkform.sign_in", lang),
            "states": {s: t(f"book.state.{s}", lang) for s in ("free", "taken", "closed", "past")},
        },
    }


# --------------------------------------------------------------------------- booking

def book_request(token: str, request: dict[str, Any]) -> dict[str, Any]:
    """Ask for what the form sent ({day, slot, resource, name, email}): the database records the
    request and e-mails a proof link (nothing is held until it is followed). Returns what the page
    shows afterwards — the same for any address. Raises UserError with what to fix; the database
    checks every rule again (`link_book`)."""
    space = share_links.space(token)
    try:
        day = dt.date.fromisoformat(str(request.get("day", "")))
    except ValueError:
        raise UserError("linkform.day_invalid") from None
    slot = request.get("slot")
    if slot not in bookings.SLOTS:
        raise UserError("linkform.slot_invalid")
    try:
        resource = str(uuid.UUID(str(request.get("resource", ""))))
    except ValueError:
        raise UserError("linkform.resource_invalid") from None
    starts, ends = bookings.slot_range(day, slot, space)
    email = str(request.get("email", "")).strip()
    share_links.book(token, email, str(request.get("name", "")), resource, starts, ends)
    return {"email": email, "when": _when(starts, ends, ZoneInfo(space["time_zone"]))}


def _visit() -> dict[str, Any]:
    """What this visitor's session keeps — the booking just made (it holds their manage link),
    the reason a booking failed, the attempt number — in one session-state entry: every read of
    session state costs, and the form page is kept cheap."""
    visit = st.session_state.get("_link_visit")
    if visit is None:
        visit = st.session_state["_link_visit"] = {}
    return visit


def _on_book(token: str) -> None:
    """The form's "book" trigger, before the page runs again: book, or keep the reason to show."""
    request = (st.session_state.get(BOOKER_KEY) or {}).get("book")
    if not request:
        return
    try:
        _visit()["done"] = book_request(token, request)
    except Exception as exc:
        _visit()["error"] = user_message(exc)  # drawn by the form with textContent: plain text
        if isinstance(exc, UserError) and exc.key == "booking.taken":
            forget_windows()  # taken a second ago: show the fresh state at once


def _on_lang() -> None:
    chosen = (st.session_state.get(BOOKER_KEY) or {}).get("lang")
    if chosen in LANGUAGES:
        st.session_state["lang"] = chosen
        st.query_params["lang"] = chosen  # in the address: a reload keeps the language chosen


def copy_link(address: str, key: str) -> None:
    """The address in full (wrapping on a phone) with a copy button always shown."""
    COPIER(data=json.dumps({"url": address, "label": t("linkpage.copy"), "copied": t("linkpage.copied")},
                           ensure_ascii=False).encode(), key=key)


# --------------------------------------------------------------------------- page

def _when(starts: dt.datetime, ends: dt.datetime, tz: ZoneInfo) -> str:
    a, b = starts.astimezone(tz), ends.astimezone(tz)
    return f"{weekday_name(a.isoweekday())} {fmt_date(a.date())}, {fmt_time(a)}–{fmt_time(b)}"


def _manage_page(manage: str) -> None:
    try:
        found = share_links.managed_booking(manage)
    except UserError as exc:
        st.title(t("linkpage.manage_title"))
        st.error(refusal(exc))
        return
    if found is None:  # not a booking: a registration to an event, else unknown
        event_link_page.show_manage(manage)
        return
    st.title(t("linkpage.manage_title"))
    tz = ZoneInfo(bookings.booking_settings()["time_zone"])
    with st.container(border=True):
        st.markdown(f"**{_when(found['starts'], found['ends'], tz)}**")
        st.text(f"{found['resource_name']} · {found['zone_name']} · {found['full_name']}")
        st.caption(t(f"mybookings.status.{found['status']}"))
    if found["status"] == "pending":  # waiting for the team: said as such, not as booked
        st.info(t("linkpage.pending"), icon=":material/hourglass_top:")
    if found["status"] == "cancelled":
        _book_again()
    elif st.session_state.get("_link_confirm") == manage:  # cancelling asks first: it cannot be undone
        st.warning(t("mybookings.cancel_confirm"), icon=":material/warning:")
        bar = st.container(horizontal=True, gap="small")
        if bar.button(t("mybookings.cancel_yes"), key="link_cancel_yes", type="primary", icon=":material/delete:"):
            if run_action(lambda: share_links.cancel(manage)):
                st.session_state.pop("_link_confirm", None)
                set_flash("link", t("linkpage.cancelled"))
                st.rerun()
        if bar.button(t("mybookings.cancel_keep"), key="link_cancel_no"):
            st.session_state.pop("_link_confirm", None)
            st.rerun()
    elif st.button(t("linkpage.cancel"), key="link_cancel"):
        st.session_state["_link_confirm"] = manage
        st.rerun()


def _book_again() -> None:
    """After cancelling, not a dead end: back to the booking form of the link this browser came
    through (kept in the session), else how to get there (only a hash of a link is stored, so
    the manage token cannot lead back to it) and the sign-in page for members."""
    link = st.session_state.get("_link_token")
    if link:
        st.link_button(t("linkform.again"), f"{page_address()}?t={link}", icon=":material/add:", type="primary")
        return
    st.caption(t("linkpage.book_again_help"))
    st.link_button(t("linkform.again"), page_address().rsplit("/link", 1)[0] or "/", icon=":material/add:")


def _done(done: dict[str, Any]) -> None:
    """After a request: check your e-mail (the same words for any address)."""
    st.info(t_md("linkform.check_email", email=done["email"]), icon=":material/mail:")
    st.caption(done["when"])


def proof_result(proof: str) -> dict[str, Any]:
    """Follow a proof link once per browser session: the proof works once, and a rerun of this
    page (a click) must show what it did rather than "already used". {"proved": …} or {"error": …}."""
    kept = st.session_state.get("_proof")
    if kept is not None and kept[0] == proof:
        return kept[1]
    try:
        result: dict[str, Any] = {"proved": share_links.prove(proof)}
    except Exception as exc:  # unknown, used, expired: said in words
        result = {"error": refusal(exc)}
    st.session_state["_proof"] = (proof, result)
    return result


def _proof_page(proof: str) -> None:
    """What following a proof link did: booked (with its manage link), waitlisted, refused in
    words (the address is proven: the reason may be said), or why the proof did not work."""
    st.title(t("proof.title"))
    result = proof_result(proof)
    if "error" in result:
        st.error(result["error"])
        return
    proved = result["proved"]
    refused = share_links.refusal_of(proved)
    if refused is not None:
        st.error(f"{t('proof.refused')} {refusal(refused)}")
        st.info(t("proof.try_again"))
        return
    detail = proved["detail"]
    tz = ZoneInfo(detail["time_zone"])
    starts, ends = dt.datetime.fromisoformat(detail["starts"]), dt.datetime.fromisoformat(detail["ends"])
    if proved["kind"] == "booking":
        if proved["outcome"] == "pending":  # the team must approve it: pending, not a green "booked"
            st.info(t_md("proof.pending", resource=detail["resource"], when=_when(starts, ends, tz)),
                    icon=":material/hourglass_top:")
        else:
            st.success(t_md("proof.booked", resource=detail["resource"], when=_when(starts, ends, tz)),
                       icon=":material/check_circle:")
        title = t("proof.manage")
    elif proved["outcome"] == "waitlisted":
        st.info(t_md("proof.waitlisted", title=detail["title"]), icon=":material/hourglass_top:")
        title = t("eventlink.manage_title")
    else:
        st.success(t_md("proof.registered", title=detail["title"]), icon=":material/check_circle:")
        st.caption(event_link_page.when(starts, ends, tz))
        title = t("eventlink.manage_title")
    st.write(t("proof.manage_intro"))
    address = f"{page_address()}?manage={proved['manage_token']}"
    st.link_button(title, address, icon=":material/open_in_new:", type="primary")
    if proved["kind"] == "booking":
        copy_link(address, "proof_copy")
    else:  # the event door's page (lib/web/event_link_page.py) keeps its own way for now
        st.code(address, language=None, wrap_lines=True)


def _booking_page(token: str, visit: dict[str, Any]) -> None:
    try:
        payload = window_payload(token, current_language())
    except Exception as exc:  # unknown, expired, revoked: say which
        st.title(t("linkpage.title"))
        st.error(refusal(exc))
        return
    error = visit.pop("error", None)
    if error:  # the visitor's own copy, with the reason and a new attempt number so the form redraws
        visit["attempt"] = attempt = visit.get("attempt", 0) + 1
        payload = json.dumps({**json.loads(payload), "error": error, "attempt": attempt}).encode()
    BOOKER(data=payload, key=BOOKER_KEY, on_book_change=lambda: _on_book(token), on_lang_change=_on_lang)
    with st.expander(t("linkpage.plan"), icon=":material/map:"):
        st.vega_lite_chart(plan_spec(token, current_language()), width="stretch", key="link_plan")


def _wants_events(token: str, params: dict[str, str]) -> bool:
    """A link made for events opens them; a link for both opens booking unless `view=events`."""
    booking, events_too = link_serves(token)
    return events_too and (not booking or params.get("view") == "events")


def show(params: dict[str, str] | None = None) -> None:
    """The whole page: a proof link's outcome, the manage page, or the booking form, or the
    "check your e-mail" after a request. `params`: the address's query, when the caller already
    read it."""
    params = st.query_params.to_dict() if params is None else params
    if params.get("lang") in LANGUAGES:  # the language chosen earlier, kept in the address
        st.session_state["lang"] = params["lang"]
    manage_token = params.get("manage")
    link_token = params.get("t")
    proof_token = params.get("proof")
    if proof_token:
        st.set_page_config(page_title=t("proof.title"))
        _proof_page(proof_token)
    elif manage_token:
        st.set_page_config(page_title=t("linkpage.manage_title"))
        show_flash("link")
        _manage_page(manage_token)
    elif link_token and _wants_events(link_token, params):
        st.set_page_config(page_title=t("eventlink.title"))
        event_link_page.show(link_token)
    elif link_token:
        st.session_state["_link_token"] = link_token  # so a cancelled booking's page can lead back here
        visit = _visit()
        done = visit.get("done")
        if done:
            st.set_page_config(page_title=t("linkpage.title"))
            st.title(t("linkpage.title"))
            _done(done)
            if st.button(t("linkform.again"), icon=":material/add:", key="link_again"):
                visit.pop("done", None)
                st.rerun()
        else:
            _booking_page(link_token, visit)
    else:
        st.title(t("linkpage.title"))
        st.info(t("linkpage.no_token"))
