"""Changing the space's time zone gives bookings not yet over their local day in the new zone
(day views, quotas and check-in follow the times shown); bookings already over keep the day they
happened on. Done by the database, whoever changes the setting."""

from __future__ import annotations

import datetime as dt

from lib.core import db
from tests.booking.conftest import ALICE, book_slot, future_day
from tests.conftest import make_member, user_id_of


def days_of(*ids: str) -> list[dt.date]:
    with db.as_owner() as conn:
        return [conn.execute("select day from public.bookings where id = %s", (i,)).fetchone()["day"] for i in ids]


def test_a_time_zone_change_moves_coming_bookings_to_their_new_local_day(space):  # noqa: F811
    settings = space["settings"]
    tomorrow = future_day(settings)
    coming = book_slot(ALICE, space["desks"][0], tomorrow, "am", settings)["id"]  # 08:30 in Paris
    last_week = dt.datetime.combine(tomorrow - dt.timedelta(days=8), dt.time(9), dt.UTC)
    with db.as_owner() as conn:
        past = conn.execute(
            "insert into public.bookings (resource_id, member_id, during, status) values"
            " (%s, %s, tstzrange(%s, %s), 'confirmed') returning id",
            (space["desks"][0], space["alice"], last_week, last_week + dt.timedelta(hours=4))).fetchone()["id"]
    past_day_before = days_of(past)[0]
    admin = make_member("admin@example.org", role="admin")
    assert admin
    with db.as_user(db.claims_for(user_id_of("admin@example.org"), "admin@example.org")) as conn:
        conn.execute("update public.settings set time_zone = 'Pacific/Pago_Pago'")  # UTC−11: the evening before
    coming_day, past_day = days_of(coming, past)
    assert coming_day == tomorrow - dt.timedelta(days=1)
    assert past_day == past_day_before  # what happened stays on the day it happened
    with db.as_owner() as conn:  # the audit log tells why the day moved
        moved = conn.execute("select count(*) as n from public.audit_log where table_name = 'bookings'"
                             " and action = 'UPDATE' and row_id = %s", (str(coming),)).fetchone()["n"]
    assert moved == 1


def test_nothing_moves_when_the_time_zone_stays(space):  # noqa: F811
    settings = space["settings"]
    coming = book_slot(ALICE, space["desks"][0], future_day(settings), "pm", settings)["id"]
    before = days_of(coming)
    with db.as_owner() as conn:
        conn.execute("update public.settings set space_name = 'La Cantine'")
        audit = conn.execute("select count(*) as n from public.audit_log where table_name = 'bookings'"
                             " and action = 'UPDATE'").fetchone()["n"]
    assert days_of(coming) == before and audit == 0
