"""The shared link on a phone (#13): a pending request reads as pending, the manage link comes
with a copy button that is always there, cancelling leads somewhere, the language survives a
reload (it is in the address), and the form opens on today while today has a free desk."""

from __future__ import annotations

import datetime as dt
import json

from streamlit.testing.v1 import AppTest

from lib.booking import bookings, share_links
from lib.core import clock, db
from lib.web import link_page
from tests.booking.conftest import proof_secret
from tests.conftest import APP, noon_zone


def link_app(session_lang: str | None = "en", **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if session_lang:
        at.session_state["lang"] = session_lang
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _components(at: AppTest) -> list[dict]:
    out = []
    for c in at.get("bidi_component"):
        raw = c.proto.bytes if c.proto.bytes else c.proto.json.encode()
        try:
            out.append(json.loads(raw))
        except ValueError:
            continue
    return out


def _request(space, token: str) -> str:
    settings = space["settings"]
    starts, ends = bookings.slot_range(bookings.local_today(settings) + dt.timedelta(days=2), "day", settings)
    share_links.book(token, "visitor@example.net", "Vi Sitor", space["desks"][0], starts, ends)
    return proof_secret("visitor@example.net")


def test_a_pending_request_reads_as_pending_not_booked(space):
    with db.as_owner() as conn:
        conn.execute("update public.settings set guest_approval_required = true")
    token = share_links.create(db.OWNER, "Newsletter")
    at = link_app(proof=_request(space, token))
    assert not at.exception
    assert not at.success, [s.value for s in at.success]  # no green "booked" above "the team must approve"
    assert any("approve" in i.value for i in at.info), [i.value for i in at.info]


def test_the_manage_link_has_a_copy_button_and_cancelling_leads_on(space):
    token = share_links.create(db.OWNER, "Newsletter")
    at = link_app(proof=_request(space, token))
    copies = [c for c in _components(at) if "url" in c]
    assert copies and "manage=" in copies[0]["url"] and copies[0]["label"] == "Copy the link"
    manage = copies[0]["url"].split("manage=", 1)[1]
    page = link_app(manage=manage)
    page.button(key="link_cancel").click().run()
    assert share_links.managed_booking(manage)["status"] == "confirmed", "one tap must not cancel"
    page.button(key="link_cancel_yes").click().run()
    assert not page.exception
    assert share_links.managed_booking(manage)["status"] == "cancelled"
    offered = [b.label for b in page.get("link_button")] + [b.label for b in page.button]
    assert "Book another day" in offered, offered


def test_the_language_is_kept_in_the_address(space):
    token = share_links.create(db.OWNER, "Newsletter")
    at = link_app(None, t=token, lang="en")  # a reload: a new session, the address holds the choice
    (form,) = [c for c in _components(at) if "labels" in c]
    assert form["labels"]["title"] == "Book a desk"
    at = link_app(None, t=token, lang="fr")
    (form,) = [c for c in _components(at) if "labels" in c]
    assert form["labels"]["title"] == "Réserver un poste"


def test_the_form_opens_on_today_while_today_has_a_free_desk(space):
    with db.as_owner() as conn:
        conn.execute("update public.settings set time_zone = %s", (noon_zone(),))
    token = share_links.create(db.OWNER, "Newsletter")
    data = link_page.booking_window(token, "en")
    assert data["default_day"] == clock.space_today(noon_zone()).isoformat()
