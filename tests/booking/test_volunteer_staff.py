"""The front desk on a tablet (#13): one row per booking with its own short actions (arrived,
approve, no-show, cancel), cancel asks first, and "to approve" says all done once done."""

from __future__ import annotations

from lib.booking import bookings
from lib.core import db
from tests.conftest import app_as, noon_zone


def _today_bookings(space) -> tuple[str, str, str]:
    """Alice's booking today, a guest waiting for approval today and the staff's day: ids."""
    with db.as_owner() as conn:
        conn.execute("update public.settings set time_zone = %s", (noon_zone(),))
    settings = bookings.booking_settings()
    today = bookings.local_today(settings)
    starts, ends = bookings.slot_range(today, "pm", settings)
    with db.as_owner() as conn:
        mine = conn.execute(
            "insert into public.bookings (resource_id, member_id, during, units) values (%s, %s, tstzrange(%s, %s), 0.5)"
            " returning id::text", (space["desks"][0], space["alice"], starts, ends)).fetchone()["id"]
        guest = conn.execute(
            "insert into public.bookings (resource_id, guest_name, guest_email, during, units, status, source)"
            " values (%s, 'Gaspard Invité', 'gaspard@example.net', tstzrange(%s, %s), 0.5, 'pending', 'link')"
            " returning id::text", (space["desks"][1], starts, ends)).fetchone()["id"]
    return mine, guest, today


def _status(booking_id: str) -> dict:
    with db.as_owner() as conn:
        return conn.execute("select status, checked_in_at from public.bookings where id = %s",
                            (booking_id,)).fetchone()


def test_each_row_has_its_own_short_actions(space):
    mine, guest, _ = _today_bookings(space)
    at = app_as("host@example.org", "views/staff_day.py", lang="fr")
    assert not at.exception
    labels = {b.key: b.label for b in at.button if b.key and b.key.startswith("staff_")}
    assert labels[f"staff_in_{mine}"] == "Arrivé·e" and labels[f"staff_ok_{guest}"] == "Valider"
    assert f"staff_ok_{mine}" not in labels, "approve only where there is something to approve"
    assert all(len(label) <= 12 for label in labels.values() if label), labels  # no "P…" at 820 px
    at.button(key=f"staff_in_{mine}").click().run()
    assert not at.exception and _status(mine)["checked_in_at"] is not None


def test_cancel_asks_first(space):
    mine, _, _ = _today_bookings(space)
    at = app_as("host@example.org", "views/staff_day.py", lang="en")
    at.button(key=f"staff_x_{mine}").click().run()
    assert _status(mine)["status"] == "confirmed", "one tap must not cancel"
    assert any("Cancel" in w.value for w in at.warning)
    at.button(key=f"staff_x_yes_{mine}").click().run()
    assert not at.exception and _status(mine)["status"] == "cancelled"


def test_approving_the_last_one_says_all_done(space):
    _, guest, _ = _today_bookings(space)
    at = app_as("host@example.org", "views/staff_day.py", lang="en")
    at.segmented_control(key="staff_show").set_value("To approve").run()
    at.button(key=f"staff_ok_{guest}").click().run()
    assert not at.exception and _status(guest)["status"] == "confirmed"
    texts = " ".join(i.value for i in at.info)
    assert "All done" in texts and "No bookings that day" not in texts
