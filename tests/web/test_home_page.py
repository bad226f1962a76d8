"""The home page, through AppTest on a real database: counts for the team, today's booking with
check-in in one click, and who is here today grouped by skill."""

import datetime as dt

from lib.core import clock, db
from tests.conftest import DEMO, app_as, started_today


def _book_today_for(email: str, desk: str = "O01") -> str:
    """A booking covering now, made as the owner (the rules would refuse a Sunday). It starts an
    hour ago, or at the space's midnight if that is later, so it is on today's local day at any
    hour; whatever the desk held over that time is cancelled first."""
    starts, ends = started_today(60), clock.now() + dt.timedelta(hours=3)
    with db.as_owner() as conn:
        conn.execute("update public.bookings set status = 'cancelled' where during && tstzrange(%s, %s)"
                     " and resource_id = (select id from public.resources where name = %s)", (starts, ends, desk))
        row = conn.execute(
            "insert into public.bookings (resource_id, member_id, during, units)"
            " select r.id, m.id, tstzrange(%s, %s), 0.5 from public.resources r, public.members m"
            " where r.name = %s and m.email = %s returning id", (starts, ends, desk, email)).fetchone()
    return str(row["id"])


def _nobody_here_today() -> None:
    """Cancel today's demo bookings: who is here is then exactly who the test books."""
    with db.as_owner() as conn:
        conn.execute("update public.bookings set status = 'cancelled', checked_in_at = null"
                     " where day = (now() at time zone (select time_zone from public.settings))::date")


def test_home_page_shows_demo_data_and_counts(demo_db):
    at = app_as(DEMO["admin"])
    assert not at.exception
    assert "La Cantine des Lices" in at.title[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Membres"] == "120"
    assert metrics["Postes"] == "24"
    assert any("démonstration" in i.value for i in at.info)


def test_signed_out_visitor_sees_sign_in_only(demo_db):
    at = app_as(None)
    assert not at.exception
    assert at.title[0].value == "Se connecter"
    assert not at.metric


def test_member_checks_in_from_home_in_one_click(demo_db):
    booking = _book_today_for(DEMO["member"])
    at = app_as(DEMO["member"], lang="en")
    assert not at.exception
    button = at.button(key=f"home_checkin_{booking}")
    assert button.label == "I'm here"
    button.click().run()
    assert not at.exception
    with db.as_owner() as conn:
        checked = conn.execute("select checked_in_at from public.bookings where id = %s", (booking,)).fetchone()
    assert checked["checked_in_at"] is not None
    assert any("Checked in at" in c.value for c in at.caption)


def test_member_without_a_booking_today_is_pointed_to_booking(demo_db):
    with db.as_owner() as conn:
        conn.execute("update public.bookings set status = 'cancelled' where member_id ="
                     " (select id from public.members where email = %s)", (DEMO["member"],))
    at = app_as(DEMO["member"], lang="en")
    assert any(c.value == "No booking today." for c in at.caption)


def test_who_is_here_today_who_knows(demo_db):
    with db.as_owner() as conn:
        someone = conn.execute(
            "select m.email::text as email, m.full_name, s.name::text as skill from public.members m"
            " join public.member_skills ms on ms.member_id = m.id join public.skills s on s.id = ms.skill_id"
            " where m.visibility in ('members', 'public') and m.active and m.email not like '%%@example.org'"
            " and (select count(*) from public.members o where o.full_name = m.full_name) = 1"
            " order by m.email limit 1").fetchone()
        hidden = conn.execute(
            "select m.email::text as email, m.full_name from public.members m"
            " join public.member_skills ms on ms.member_id = m.id"
            " where m.visibility = 'hidden' and m.active"
            " and (select count(*) from public.members o where o.full_name = m.full_name) = 1"
            " order by m.email limit 1").fetchone()
    # the page shows the eight skills most present today: with only these two here, all of the
    # person's skills are among them whatever day the demo data was made on
    _nobody_here_today()
    _book_today_for(someone["email"], "O02")
    _book_today_for(hidden["email"], "O03")
    at = app_as(DEMO["member"], lang="en")
    assert any(h.value == "Who is here today who knows…" for h in at.subheader)
    text = " ".join(m.value for m in at.markdown)
    assert someone["full_name"] in text and someone["skill"] in text, (someone, text)
    assert hidden["full_name"] not in text, ("a hidden profile is not shown as present", hidden, text)
