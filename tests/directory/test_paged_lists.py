"""The directory's lists send a page of results, not the whole space (issue #16), and paging
loses nobody: every profile a person may see is on exactly one page, a search still finds anyone,
and what a write changed shows on the next rerun despite the cached reads."""

from lib.core import db
from lib.directory import members
from tests.conftest import DEMO, app_as, claims

PAGE = 24  # views/directory.py's PAGE_SIZE


def _card_ids(at) -> list[str]:
    return [b.key.removeprefix("dir_open_") for b in at.button if b.key and b.key.startswith("dir_open_")]


def test_directory_pages_through_everyone_once_and_a_search_starts_again_at_page_one(demo_db):
    visible = [str(r["id"]) for r in members.search(claims(DEMO["member"]))]
    assert len(visible) > PAGE, "the demo data has more visible profiles than a page"
    at = app_as(DEMO["member"], "views/directory.py", lang="en")
    assert not at.exception
    seen: list[str] = []
    for _ in range(len(visible) // PAGE + 1):
        ids = _card_ids(at)
        assert 0 < len(ids) <= PAGE, "a page of cards, not the whole directory"
        seen += ids
        nxt = at.button(key="dir_page_next")
        if nxt.disabled:
            break
        nxt.click()
        at.run()
        assert not at.exception
    assert len(seen) == len(set(seen)) and set(seen) == set(visible), "every profile once, none left out"
    # the hurried volunteer types a name while on the last page: the match shows, on page one
    target = members.search(claims(DEMO["member"]))[0]
    at.text_input(key="dir_text").set_value(target["full_name"])
    at.run()
    assert str(target["id"]) in _card_ids(at)
    assert at.session_state["dir_page"] == 0


def test_a_page_past_the_end_shows_the_last_one(demo_db):
    at = app_as(DEMO["member"], "views/directory.py", lang="en")
    at.session_state["dir_page"] = 10_000  # a list shortened by a write since the last click
    at.session_state["dir_page_on"] = ("", (), True, None, False)
    at.run()
    assert not at.exception
    assert _card_ids(at), "the last page, not an empty one"
    assert at.button(key="dir_page_next").disabled


def _editor_emails(at) -> list[str]:
    """The addresses in the members' editor."""
    return [str(e) for e in at.dataframe[0].value["email"]]


def test_members_admin_pages_the_editor_and_a_search_finds_anyone(demo_db):
    everyone = members.admin_members(claims(DEMO["admin"]))
    at = app_as(DEMO["admin"], "views/members_admin.py", lang="en")
    assert not at.exception
    first = _editor_emails(at)
    assert 0 < len(first) < len(everyone), "a page of the members, not all of them"
    assert first == [r["email"] for r in everyone[:len(first)]]
    at.button(key="members_admin_page_next").click()
    at.run()
    assert not at.exception
    second = _editor_emails(at)
    assert second and set(second).isdisjoint(first), "page two holds the next members"
    last = everyone[-1]
    at.text_input(key="members_search").set_value(last["email"].upper())
    at.run()
    assert _editor_emails(at) == [last["email"]], "a search finds a member of any page, case ignored"


def test_skills_admin_shows_an_approval_on_the_next_rerun(demo_db):
    with db.as_owner() as conn:
        skill_id = conn.execute("insert into public.skills (name, status) values ('Zig lang', 'proposed')"
                                " returning id::text").fetchone()["id"]
    at = app_as(DEMO["admin"], "views/skills_admin.py", lang="en")
    assert not at.exception
    at.run()  # a second rerun: the list now comes from the cache
    at.button(key=f"approve_{skill_id}").click()
    at.run()
    assert not at.exception
    with db.as_owner() as conn:
        status = conn.execute("select status from public.skills where id = %s", (skill_id,)).fetchone()["status"]
    assert status == "approved"
    assert not [b for b in at.button if b.key == f"approve_{skill_id}"], \
        "the cached list was forgotten: the approved skill left the proposals"
