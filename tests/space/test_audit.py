"""The audit log, read: the admins' page, the command line, the filters, and from the side of every
other role (no page, no rows through SQL). Member skills are audited too."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.cli import main as cli_main
from lib.core import clock, db
from lib.space import audit
from tests.conftest import DEMO, app_as, authenticate_as, claims, make_member, user_id_of


def _admin_name() -> str:
    with db.as_owner() as conn:
        return conn.execute("select full_name from public.members where email = %s", (DEMO["admin"],)).fetchone()[
            "full_name"]


def _rename_a_desk(new_name: str) -> tuple[str, str]:
    """Rename a desk as the demo admin (through SQL, as the REST API would); returns (id, old name)."""
    with db.as_owner() as conn:
        desk = conn.execute("select id, name from public.resources where kind = 'desk' order by name limit 1").fetchone()
    with authenticate_as(DEMO["admin"]) as conn:
        conn.execute("update public.resources set name = %s where id = %s", (new_name, desk["id"]))
    return str(desk["id"]), desk["name"]


def _frame(at):
    assert at.dataframe, "the page draws its changes as a table"
    return at.dataframe[0].value


def test_the_page_shows_a_desk_rename_with_the_admins_name_old_to_new(demo_db):
    desk_id, old = _rename_a_desk("Desk by the window (audit test)")
    at = app_as(DEMO["admin"], "views/audit.py", lang="en")
    assert not at.exception
    assert any(t.value == "Audit log" for t in at.title)
    frame = _frame(at)
    mine = frame[frame["Row"] == desk_id]
    assert len(mine) == 1, frame
    row = mine.iloc[0]
    assert row["Who"] == _admin_name()
    assert row["What"] == "Desks and rooms: changed"
    # only the field that changed, old → new
    assert row["Before → after"] == f"name: {old} → Desk by the window (audit test)"
    # newest first: the rename is the first row of the first page
    assert frame.iloc[0]["Row"] == desk_id


def test_the_page_in_french_and_filtered_by_text(demo_db):
    desk_id, _ = _rename_a_desk("Poste <b>fenêtre</b>")
    at = app_as(DEMO["admin"], "views/audit.py", lang="fr")
    at.text_input(key="audit_text").input("<b>fenêtre").run()
    assert not at.exception
    frame = _frame(at)
    assert list(frame["Ligne"]) == [desk_id], "only the change whose values hold the text"
    assert frame.iloc[0]["Quoi"] == "Postes et salles : modification"
    assert "<b>fenêtre</b>" in frame.iloc[0]["Avant → après"], "typed text is shown as is, as plain text"


@pytest.mark.parametrize("role", ["staff", "board", "member"])
def test_other_roles_neither_open_the_page_nor_read_the_log(demo_db, role):
    _rename_a_desk("Renamed before a non-admin looks")
    at = app_as(DEMO[role], "views/audit.py", lang="en")
    assert not at.exception
    assert not any(t.value == "Audit log" for t in at.title)
    assert any("not available to your role" in w.value for w in at.warning)
    with authenticate_as(DEMO[role]) as conn:
        assert conn.execute("select count(*) as n from public.audit_log").fetchone()["n"] == 0
    assert audit.entries(claims(DEMO[role]), audit.AuditFilter()) == ([], False)
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.audit_log").fetchone()["n"] > 0, "there was a log to hide"


def test_a_members_skill_changes_are_audited_with_member_and_skill(demo_db):
    member_id = make_member("skilful@example.org")
    with db.as_owner() as conn:
        skill_id = str(conn.execute("select id from public.skills where status = 'approved' limit 1").fetchone()["id"])
    with authenticate_as("skilful@example.org") as conn:
        conn.execute("insert into public.member_skills (member_id, skill_id, level) values (%s, %s, 'learning')",
                     (member_id, skill_id))
        conn.execute("update public.member_skills set level = 'expert' where member_id = %s", (member_id,))
        conn.execute("delete from public.member_skills where member_id = %s", (member_id,))
        conn.execute("insert into public.member_wanted_skills (member_id, skill_id) values (%s, %s)",
                     (member_id, skill_id))
    with db.as_owner() as conn:
        rows = conn.execute(
            "select table_name, action, actor::text as actor from public.audit_log where row_id = %s order by id",
            (f"{member_id}:{skill_id}",)).fetchall()
    assert [(r["table_name"], r["action"]) for r in rows] == [
        ("member_skills", "INSERT"), ("member_skills", "UPDATE"), ("member_skills", "DELETE"),
        ("member_wanted_skills", "INSERT")]
    assert {r["actor"] for r in rows} == {user_id_of("skilful@example.org")}
    page, _ = audit.entries(claims(DEMO["admin"]), audit.AuditFilter(tables=("member_skills",)))
    update = next(r for r in page if r["action"] == "UPDATE" and r["row_id"] == f"{member_id}:{skill_id}")
    assert audit.changes(update) == "level: learning → expert"
    assert audit.describe(update, "en")["who"] == "Skilful"


def test_filters_by_table_actor_days_and_pages(demo_db):
    admin = claims(DEMO["admin"])
    desk_id, _ = _rename_a_desk("Filtered desk")
    with db.as_owner() as conn:  # a change without a signed-in person: the command line
        conn.execute("update public.settings set space_name = 'Cantine (audit test)'")
    everything, _ = audit.entries(admin, audit.AuditFilter(), limit=1000)
    assert everything[0]["table_name"] == "settings" and everything[0]["actor"] is None
    assert audit.describe(everything[0], "en")["who"] == "command line / system"

    by_table, _ = audit.entries(admin, audit.AuditFilter(tables=("resources",)), limit=1000)
    assert by_table and {r["table_name"] for r in by_table} == {"resources"}
    by_admin, _ = audit.entries(admin, audit.AuditFilter(actor=user_id_of(DEMO["admin"])), limit=1000)
    assert [r["row_id"] for r in by_admin] == [desk_id]
    by_system, _ = audit.entries(admin, audit.AuditFilter(actor=audit.SYSTEM), limit=1000)
    assert by_system and all(r["actor"] is None for r in by_system)
    assert not any((r["new_values"] or {}).get("name") == "Filtered desk" for r in by_system)

    tz = everything[0]["time_zone"]
    today = clock.space_today(tz)
    todays, _ = audit.entries(admin, audit.AuditFilter(since=today, until=today), limit=1000)
    assert desk_id in {r["row_id"] for r in todays}
    tomorrow, _ = audit.entries(admin, audit.AuditFilter(since=today + dt.timedelta(days=1)))
    assert tomorrow == []
    yesterday, _ = audit.entries(admin, audit.AuditFilter(until=today - dt.timedelta(days=1)))
    assert desk_id not in {r["row_id"] for r in yesterday}

    # the text is searched in the values, literally (LIKE's wildcards are plain characters)
    assert [r["row_id"] for r in audit.entries(admin, audit.AuditFilter(text="ILTERED d"))[0]] == [desk_id]
    assert audit.entries(admin, audit.AuditFilter(tables=("resources",), text="name"))[0] == [], "not the column names"
    assert audit.entries(admin, audit.AuditFilter(text="Filtered%desk"))[0] == []

    first, more = audit.entries(admin, audit.AuditFilter(), limit=2)
    second, _ = audit.entries(admin, audit.AuditFilter(), limit=2, offset=2)
    assert more and len(first) == 2 and [r["id"] for r in first + second] == [r["id"] for r in everything[:4]]


def test_the_command_line_prints_the_change(demo_db, capsysbinary):
    desk_id, old = _rename_a_desk("Desk renamed for the command line")
    assert cli_main.main(["audit", "--table", "resources", "--limit", "5"]) == 0
    out = capsysbinary.readouterr().out.decode()
    assert f"{_admin_name()}  Desks and rooms: changed  {desk_id}" in out
    assert f"name: {old} → Desk renamed for the command line" in out

    assert cli_main.main(["audit", "--since", clock.now().date().isoformat(), "--format", "csv", "--limit", "1"]) == 0
    data = capsysbinary.readouterr().out.decode("utf-8-sig")
    assert data.splitlines()[0] == "When,Who,What,Row,Before → after"
    assert "Desk renamed for the command line" in data and desk_id in data

    assert cli_main.main(["audit", "--since", "yesterday"]) == 2
