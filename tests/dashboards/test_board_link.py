"""The board link, from the attacker's side: unknown, revoked and expired tokens are refused
alike; through the SQL as anon no figure concerns fewer than 5 people and no name comes out;
only admins make and revoke links; board accounts get the same suppression and no event title.
Then the page itself, signed out, before and after the link is revoked."""

from __future__ import annotations

import json
import re

import psycopg
import pytest

from lib.core import db
from lib.dashboards import board_links, report
from tests.conftest import APP, as_anon, authenticate_as, user_id_of
from tests.dashboards.test_annual_report import FIRST, LAST, YEAR, year  # noqa: F401 - the fixture

pytestmark = pytest.mark.usefixtures("year")  # the hand-built year of test_annual_report

PEOPLE_COUNTS = ("members_who_came", "new_members", "regular_members", "occasional_members", "guest_passes",
                 "attendees", "places_taken", "bookings_due", "no_shows")


def _admin() -> dict:
    return db.claims_for(user_id_of("admin@year.test"), "admin@year.test")


def _refusal(sql: str, params: tuple) -> str:
    with pytest.raises(psycopg.errors.RaiseException) as refused:
        with as_anon() as conn:
            conn.execute(sql, params).fetchall()
    return refused.value.diag.message_primary


def test_unknown_revoked_and_expired_tokens_are_refused_identically():
    live = board_links.create(_admin(), "Funder", 30)
    revoked = board_links.create(_admin(), "Old", 30)
    expired = board_links.create(_admin(), "Gone", 30)
    with db.as_owner() as conn:
        ids = {r["label"]: str(r["id"]) for r in conn.execute("select id, label from public.board_links")}
        conn.execute("update public.board_links set expires_at = now() - interval '1 second' where id = %s",
                     (ids["Gone"],))
    board_links.revoke(_admin(), ids["Old"])
    for token in (revoked, expired, "not-a-token", "", live[:-1] + ("A" if live[-1] != "A" else "B")):
        for sql, params in (("select * from public.link_board_open(%s)", (token,)),
                            ("select public.link_board_report(%s, %s)", (token, YEAR)),
                            ("select * from public.link_board_slots(%s, %s, %s)", (token, FIRST, LAST))):
            assert _refusal(sql, params) == "board.link_invalid", (token, sql)
    with as_anon() as conn:
        assert conn.execute("select label from public.link_board_open(%s)", (live,)).fetchone()["label"] == "Funder"


def test_anon_gets_no_group_under_five_and_no_name():
    token = board_links.create(_admin(), "Funder", 30)
    with as_anon() as conn:
        figures = conn.execute("select public.link_board_report(%s, %s) as r", (token, YEAR)).fetchone()["r"]
        slots = conn.execute("select * from public.link_board_slots(%s, %s, %s)", (token, FIRST, LAST)).fetchall()
    for period in ("current", "previous"):
        for key in PEOPLE_COUNTS:
            value = figures[period][key]
            assert value is None or value == 0 or value >= 5, (period, key, value)
    # the year before, 3 people booked desks: their no-show rate is not shown; 6 took places at an event
    assert figures["previous"]["no_show_rate"] is None and figures["previous"]["attendance_rate"] == 0.5
    assert all(s["members"] >= 5 for s in figures["skills"]) and [s["skill"] for s in figures["skills"]] == ["Python"]
    assert all(t["members"] >= 5 for t in figures["trades"])
    # the desks: five people take turns on Mondays and Thursdays (shown); Saturdays had one (hidden)
    shown = {(s["isodow"], s["half"]): s["occupancy"] for s in slots}
    assert shown[(1, "am")] is not None and shown[(6, "am")] is None
    with db.as_owner() as conn:
        names = [r["v"] for r in conn.execute(
            "select full_name as v from public.members union all select email::text from public.members"
            " union all select title from public.events union all select coalesce(guest_name, '') from public.bookings")]
    dumped = json.dumps(figures, ensure_ascii=False) + json.dumps(slots, default=str)
    assert not [n for n in names if n and n in dumped]


def test_anon_reaches_nothing_else():
    with as_anon() as conn:
        for sql in ("select * from public.board_links", "select * from public.report_texts"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                with conn.transaction():
                    conn.execute(sql)
        for sql, params in (("select public.annual_report(%s)", (YEAR,)),
                            ("select * from public.occupancy_events(%s, %s)", (FIRST, LAST)),
                            ("select * from public.occupancy_by_hour(%s, %s)", (FIRST, LAST)),
                            ("select public.create_board_link('x', 30)", ())):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                with conn.transaction():
                    conn.execute(sql, params)


def test_only_admins_make_and_revoke_links():
    token = board_links.create(_admin(), "Funder", 30)
    with db.as_owner() as conn:
        link_id = str(conn.execute("select id from public.board_links").fetchone()["id"])
    board = db.claims_for(user_id_of("board@year.test"), "board@year.test")
    for attempt in (lambda: board_links.create(board, "Mine", 30), lambda: board_links.revoke(board, link_id)):
        with pytest.raises(Exception) as refused:
            attempt()
        assert refused.value.key == "board.admin_only"
    with authenticate_as("board@year.test") as conn:
        assert conn.execute("select count(*) as n from public.board_links").fetchone()["n"] == 0
    with pytest.raises(Exception) as refused:
        board_links.create(_admin(), "Forever", 1000)
    assert refused.value.key == "board.bad_days"
    assert board_links.opened(token)["label"] == "Funder"


def test_board_accounts_read_no_event_title_and_no_small_count():
    with authenticate_as("board@year.test") as conn:
        rows = conn.execute("select * from public.event_stats(%s, %s)", (FIRST, LAST)).fetchall()
        plans = conn.execute("select * from public.members_by_plan(%s, %s)", (FIRST, LAST)).fetchall()
        events = conn.execute("select * from public.occupancy_events(%s, %s)", (FIRST, LAST)).fetchone()
    assert rows and all(r["title"] is None for r in rows)
    # Talk A: 4 attended, 2 registered; the board sees 6 places taken but not the 4
    assert sorted((r["registrations"], r["attended"]) for r in rows) == [(5, 5), (6, None)]
    assert all(p["members"] is None or p["members"] >= 5 for p in plans)
    assert events["registrations"] == 11 and events["attended"] == 9
    with authenticate_as("admin@year.test") as conn:
        titles = {r["title"] for r in conn.execute("select * from public.event_stats(%s, %s)", (FIRST, LAST))}
    assert titles == {"Talk A", "Talk B"}


def test_the_page_signed_out_then_revoked():
    from streamlit.testing.v1 import AppTest

    token = board_links.create(_admin(), "Funder", 30)
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["board"] = token
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    assert not at.error
    figures = at.table[0].value
    desk_days = report.link_figures(token, at.selectbox(key="board_year").value)["current"]["desk_days"]
    assert report.shown("desk_days", desk_days, "en") in figures.iloc[:, 0].tolist()
    text = " ".join(str(v) for f in [*at.table, *at.dataframe] for v in f.value.to_numpy().ravel())
    assert not re.search(r"Member \d|@|Talk", text), text
    assert [b.key for b in at.get("download_button")] == ["board_pdf"]
    assert not at.sidebar.button, "no sign-in shell, no menu"
    with db.as_owner() as conn:
        link_id = str(conn.execute("select id from public.board_links").fetchone()["id"])
    board_links.revoke(_admin(), link_id)
    at.run()
    assert [e.value for e in at.error] == ["This link is not or no longer valid. Ask the space's team for a new one."]
    assert not at.dataframe and not at.table
    unknown = AppTest.from_file(APP, default_timeout=30)
    unknown.query_params["board"] = "x" * 22
    unknown.session_state["lang"] = "en"
    unknown.run()
    assert [e.value for e in unknown.error] == [e.value for e in at.error]
