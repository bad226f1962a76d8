"""The shared-links admin tab has what the command line has (#13): purpose and limits, a usage
count per link, and revoking asks first."""

from __future__ import annotations

import datetime as dt

from lib.booking import bookings, share_links
from lib.core import db
from tests.conftest import app_as, make_member


def _admin() -> str:
    make_member("boss@example.org", role="admin")
    return "boss@example.org"


def test_create_a_link_with_its_purpose_and_limits(space):
    at = app_as(_admin(), "views/resources.py", lang="en")
    at.text_input(key="link_label").input("Fête de la science")
    at.selectbox(key="link_purpose").set_value("all")
    at.number_input(key="link_max_day").set_value(40)
    at.number_input(key="link_max_email").set_value(1)
    at.button(key="FormSubmitter:link_new-Create the link").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    row = share_links.list_links(db.OWNER).iloc[0]
    assert (row.label, row.purpose, row.max_per_day, row.max_per_email_per_day) == ("Fête de la science", "all", 40, 1)


def test_each_link_shows_its_use_and_revoking_asks_first(space):
    admin = _admin()
    share_links.create(db.OWNER, "Newsletter")
    link = share_links.list_links(db.OWNER).iloc[0]
    settings = space["settings"]
    starts, ends = bookings.slot_range(bookings.local_today(settings) + dt.timedelta(days=2), "am", settings)
    with db.as_owner() as conn:
        conn.execute("insert into public.bookings (resource_id, guest_name, guest_email, during, units, source,"
                     " share_link_id) values (%s, 'Zoé', 'zoe@example.net', tstzrange(%s, %s), 0.5, 'link', %s)",
                     (space["desks"][0], starts, ends, link.id))
    at = app_as(admin, "views/resources.py", lang="en")
    assert any("Bookings: 1" in c.value for c in at.caption), [c.value for c in at.caption]
    at.button(key=f"revoke_{link.id}").click().run()
    assert share_links.list_links(db.OWNER).iloc[0].state == "active", "one tap must not revoke"
    assert any("Newsletter" in w.value for w in at.warning)
    at.button(key=f"revoke_yes_{link.id}").click().run()
    assert not at.exception and share_links.list_links(db.OWNER).iloc[0].state == "revoked"
