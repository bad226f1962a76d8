"""The events pages through AppTest on the demo data, in French and in English: a member
registers in one click, sees it under "My registrations" and cancels; a refusal is a sentence;
the team's page shows the programme, cancels an event after a confirmation that says how many
people will be told, and lists attendees with the waiting list. The programme editor's rules are
checked through lib (AppTest cannot type into a data editor)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from lib.core import clock, db
from lib.core.i18n import t
from lib.events import events
from tests.conftest import DEMO, app_as, claims


def first_open_event(email: str) -> pd.Series:
    """The first coming event with places left that `email` has not joined and that starts in more
    than an hour (registration is refused once an event has started: any hour of the day works)."""
    coming = events.upcoming(claims(email))
    later = pd.Series([s > clock.now() + dt.timedelta(hours=1) for s in coming.starts_at], index=coming.index, dtype=bool)
    return coming[(coming.places_left > 0) & coming.my_status.isna() & later].iloc[0]


@pytest.mark.parametrize("lang,registered,cancelled", [("fr", "Vous êtes inscrit", "Inscription annulée"),
                                                       ("en", "You are registered", "Registration cancelled")])
def test_member_registers_and_cancels_in_one_click(demo_db, lang, registered, cancelled):
    at = app_as(DEMO["member"], "views/events.py", lang=lang)
    assert not at.exception
    assert at.title[0].value == ("Événements" if lang == "fr" else "Events")
    event = first_open_event(DEMO["member"])
    at.button(key=f"reg_{event.event_id}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(registered in s.value for s in at.success)
    mine = events.upcoming(claims(DEMO["member"])).set_index("event_id").loc[event.event_id]
    assert mine.my_status == "registered"
    at.button(key=f"unreg_{event.event_id}").click().run()
    assert not at.exception and any(cancelled in s.value for s in at.success)
    assert events.upcoming(claims(DEMO["member"])).set_index("event_id").loc[event.event_id].my_status is None


def test_a_full_event_offers_the_waiting_list_and_a_refusal_is_a_sentence(demo_db):
    event = first_open_event(DEMO["member"])
    with db.as_owner() as conn:
        conn.execute("update public.events set capacity = greatest(1, (select count(*) from public.registrations x"
                     " where x.event_id = events.id and x.status in ('registered', 'attended'))) where id = %s",
                     (event.event_id,))
    at = app_as(DEMO["member"], "views/events.py", lang="en")
    button = at.button(key=f"reg_{event.event_id}")
    assert button.label == "Join the waiting list"
    with db.as_owner() as conn:  # cancelled by the team while the page was open
        conn.execute("update public.events set status = 'cancelled' where id = %s", (event.event_id,))
    button.click().run()
    assert [e.value for e in at.error] == ["This event has been cancelled."]


def test_my_registrations_tab_lists_the_members_place(demo_db):
    events.register(claims(DEMO["member"]), first_open_event(DEMO["member"]).event_id)
    at = app_as(DEMO["member"], "views/events.py", lang="fr")
    mine = events.upcoming(claims(DEMO["member"]))
    mine = mine[mine.my_status.notna()]
    assert len(mine) >= 1
    assert at.button(key=f"mine_unreg_{mine.iloc[0].event_id}").label == "Se désinscrire"


@pytest.mark.parametrize("email", [DEMO["staff"], DEMO["admin"]])
def test_team_page_cancels_an_event_after_confirming(demo_db, email):
    at = app_as(email, "views/events_admin.py", lang="fr")
    assert not at.exception, at.exception
    assert at.title[0].value == "Événements (équipe)"
    coming = events.upcoming(claims(email))
    target = coming[coming.places_left < coming.capacity].iloc[0]
    n = events.live_registrations(claims(email), target.event_id)
    at.selectbox(key="eva_cancel_pick").set_value(target.event_id).run()
    assert any(t("eventsadmin.cancel_warning", "fr", n=n).split(" ou ")[0] in w.value for w in at.warning)
    assert at.button(key="eva_cancel_go").disabled
    at.checkbox(key="eva_cancel_sure").check().run()
    at.button(key="eva_cancel_go").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(t("eventsadmin.cancelled_ok", "fr", n=n) in s.value for s in at.success)
    with db.as_owner() as conn:
        assert conn.execute("select status from public.events where id = %s", (target.event_id,)).fetchone()["status"] \
            == "cancelled"


def test_team_page_in_english_lists_attendees_and_the_waiting_list(demo_db):
    event = first_open_event(DEMO["member"])  # the member joins its waiting list below
    with db.as_owner() as conn:
        conn.execute("update public.events set capacity = greatest(1, (select count(*) from public.registrations x"
                     " where x.event_id = events.id and x.status in ('registered', 'attended'))) where id = %s",
                     (event.event_id,))
    events.register(claims(DEMO["member"]), event.event_id)  # full: waiting list
    at = app_as(DEMO["staff"], "views/events_admin.py", lang="en")
    at.tabs[1].selectbox(key="eva_event").set_value(event.event_id).run()
    assert not at.exception
    assert any("Waiting list" == h.value for h in at.subheader)
    waiting = (events.attendees(claims(DEMO["staff"]), event.event_id).status == "waitlisted").sum()
    assert waiting >= 1 and any(f"{waiting} waiting" in c.value for c in at.caption)
    assert at.get("download_button"), "attendees CSV offered"
    csv_bytes = events.attendees_csv(claims(DEMO["staff"]), event.event_id, "en")
    assert csv_bytes.startswith("\ufeff".encode()) and b"waiting list" in csv_bytes


@pytest.mark.parametrize("email,page", [(DEMO["member"], "views/events_admin.py"),
                                        (DEMO["board"], "views/events_admin.py"), (DEMO["board"], "views/events.py")])
def test_pages_are_refused_to_roles_they_are_not_for(demo_db, email, page):
    from lib.core.i18n import t

    at = app_as(email, page, lang="fr")
    assert not at.exception
    role = "member" if email == DEMO["member"] else "board"
    assert [w.value for w in at.warning] == [t("nav.refused", "fr", role=t(f"role.{role}", "fr"))]
    assert not at.title and [b.key for b in at.button] == ["sign_out"]


def test_programme_editor_checks_each_row_and_writes_nothing_on_error(demo_db):
    team = claims(DEMO["staff"])
    today = clock.now().date()
    original = events.team_events(team, today, today + dt.timedelta(days=365))
    start = pd.Timestamp(dt.datetime.combine(today + dt.timedelta(days=20), dt.time(18, 30)))
    good = {"title": "Atelier Rust", "kind": "workshop", "starts_at": start, "ends_at": start + pd.Timedelta(hours=2),
            "room": None, "capacity": 12, "status": "draft", "speakers": "member@example.org, Invitée Externe",
            "description": None}
    bad = {**good, "title": "  ", "kind": "talk"}
    edited = pd.concat([original, pd.DataFrame([good, bad])], ignore_index=True)
    result = events.save_events(team, edited, original)
    assert [(n, key) for n, key, _ in result.errors] == [(len(original) + 2, "eventsadmin.err.title")]
    assert result.changes == 0
    # the database's own refusal lands on its row too, and nothing is written
    busy = original[original.room.notna() & (original.status == "published")].iloc[0]  # one that holds its room
    clash = {**good, "room": busy.room, "starts_at": busy.starts_at, "ends_at": busy.ends_at, "capacity": 5}
    result = events.save_events(team, pd.concat([original, pd.DataFrame([good, clash])], ignore_index=True), original)
    assert [(n, key) for n, key, _ in result.errors] == [(len(original) + 2, "event.room_taken")]
    assert len(events.team_events(team, today, today + dt.timedelta(days=365))) == len(original)
    result = events.save_events(team, pd.concat([original, pd.DataFrame([good])], ignore_index=True), original)
    assert result.errors == [] and result.changes == 1
    with db.as_owner() as conn:
        speakers = conn.execute("select sp.name, sp.member_id is not null as linked from public.event_speakers sp"
                                " join public.events e on e.id = sp.event_id where e.title = 'Atelier Rust'"
                                " order by sp.position").fetchall()
    assert [(s["name"], s["linked"]) for s in speakers] == [("Alex Membre", True), ("Invitée Externe", False)]
