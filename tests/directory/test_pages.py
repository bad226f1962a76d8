"""The directory's pages through AppTest on the demo data, in French and English: each page
draws without error for the roles that may open them, and the main actions work."""

from lib.core import db
from tests.conftest import DEMO, app_as


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [e.value for e in at.error] + [s.value for s in at.success]
    return "\n".join(str(p) for p in parts)


def test_profile_page_saves_skills_and_visibility_and_says_who_sees_what(demo_db):
    at = app_as(DEMO["member"], "views/profile.py", lang="en")
    assert not at.exception
    assert "Seen by: signed-in members and the team." in _texts(at), "each field says who will see it"
    at.radio(key="pf_visibility").set_value("public")
    at.text_input(key="pf_company").set_value("Atelier Test")
    at.multiselect(key="pf_skills").set_value(["Rust"])
    at.run()
    assert "Seen by: everyone, including the space's public pages." in _texts(at)
    at.button(key="pf_save").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with db.as_owner() as conn:
        row = conn.execute(
            "select m.visibility, m.company, array(select s.name::text from public.member_skills ms"
            " join public.skills s on s.id = ms.skill_id where ms.member_id = m.id) as skills"
            " from public.members m where m.email = %s", (DEMO["member"],)).fetchone()
    assert row["visibility"] == "public" and row["company"] == "Atelier Test" and row["skills"] == ["Rust"]


def test_profile_page_refuses_a_javascript_link_and_keeps_data(demo_db):
    at = app_as(DEMO["member"], "views/profile.py", lang="fr")
    at.text_input(key="pf_link_website").set_value("javascript:alert(1)")
    at.button(key="pf_save").click()
    at.run()
    assert any("https://" in e.value for e in at.error), "the refusal names the link and the fix"
    with db.as_owner() as conn:
        links = conn.execute("select links from public.members where email = %s", (DEMO["member"],)).fetchone()["links"]
    assert "website" not in links


def test_directory_search_and_member_page(demo_db):
    with db.as_owner() as conn:
        target = conn.execute(
            "select m.id, m.full_name, m.email::text as email from public.members m"
            " where m.visibility = 'members' and m.active and m.contact_allowed and m.role = 'member'"
            " order by m.email limit 1").fetchone()
        hidden = conn.execute("select full_name from public.members where visibility = 'hidden' and role = 'member'"
                              " and full_name not in (select full_name from public.members where visibility <> 'hidden')"
                              " limit 1").fetchone()["full_name"]
    at = app_as(DEMO["member"], "views/directory.py", lang="fr")
    assert not at.exception
    at.text_input(key="dir_text").set_value(target["full_name"])
    at.run()
    assert target["full_name"] in _texts(at)
    at.text_input(key="dir_text").set_value(hidden)
    at.run()
    assert hidden not in _texts(at), "a hidden profile never shows to a member"
    at.text_input(key="dir_text").set_value(target["full_name"])
    at.run()
    at.button(key=f"dir_open_{target['id']}").click()
    at.run()
    assert not at.exception
    buttons = [b for b in at.get("link_button")]
    assert any(f"mailto:{target['email']}" in str(b.proto.url) for b in buttons), "contact allowed: mailto shown"


def test_admin_pages_draw_in_both_languages(demo_db):
    for lang in ("fr", "en"):
        at = app_as(DEMO["admin"], lang=lang)
        for page in ("views/members_admin.py", "views/skills_admin.py", "views/import_members.py",
                     "views/skill_insights.py", "views/directory.py", "views/profile.py"):
            at.switch_page(page)
            at.run()
            assert not at.exception, (page, lang, at.exception)
    at.switch_page("views/skill_insights.py")
    at.run()
    assert len(at.get("vega_lite_chart")) == 2, "skills per level, and wanted against offered"


def test_members_editor_refuses_demoting_the_last_admin_per_row(demo_db):
    at = app_as(DEMO["admin"], "views/members_admin.py", lang="en")
    assert not at.exception
    from lib.directory import members
    from lib.identity.auth import person_for_user
    from tests.conftest import user_id_of

    admin = person_for_user(user_id_of(DEMO["admin"]))
    rows = {r["email"]: r for r in members.admin_members(admin.claims())}
    problems = members.apply_admin_changes(admin.claims(), [
        members.RowChange(str(rows[DEMO["staff"]]["id"]), "staff", plan="card-10"),
        members.RowChange(str(rows[DEMO["admin"]]["id"]), "admin", role="member"),
    ])
    assert len(problems) == 1 and problems[0][0] == "admin" and "administrat" in problems[0][1]
    with db.as_owner() as conn:
        plan = conn.execute("select p.code from public.members m join public.plans p on p.id = m.plan_id"
                            " where m.email = %s", (DEMO["staff"],)).fetchone()["code"]
    assert plan == "resident", "one row refused: nothing saved"
    assert members.apply_admin_changes(admin.claims(), [
        members.RowChange(str(rows[DEMO["staff"]]["id"]), "staff", plan="card-10")]) == []


def test_member_cannot_open_admin_pages(demo_db):
    at = app_as(DEMO["member"], "views/members_admin.py", lang="en")
    assert not at.exception
    assert any("not available" in w.value for w in at.warning)


def test_directory_shows_who_is_here_today_by_skill_on_demo_data(demo_db):
    from lib.directory import members
    from lib.identity.auth import person_for_user
    from tests.conftest import user_id_of

    # today may be a closed day (a Sunday): book two opted-in demo members on a desk, as the owner
    with db.as_owner() as conn:
        conn.execute(
            "insert into public.bookings (resource_id, member_id, during, day)"
            " select r.id, m.id, tstzrange(now(), now() + interval '1 hour'), current_date"
            " from (select id, row_number() over (order by name) as n from public.resources where kind = 'desk') r"
            " join (select id, row_number() over (order by email) as n from public.members"
            "       where visibility <> 'hidden' and exists (select 1 from public.member_skills ms"
            "       where ms.member_id = members.id)) m on m.n = r.n"
            " where r.n <= 2 and not exists (select 1 from public.bookings b where b.resource_id = r.id"
            "   and b.during && tstzrange(now(), now() + interval '1 hour') and b.status <> 'cancelled')")
    groups = members.here_today_by_skill(person_for_user(user_id_of(DEMO["member"])).claims())
    assert groups, "opted-in members booked today show up"
    at = app_as(DEMO["member"], "views/directory.py", lang="fr")
    assert not at.exception
    assert any("aujourd'hui" in e.label for e in at.expander)
    assert groups[0]["skill"] in _texts(at).replace("\\", "")


def test_skills_admin_merges_a_proposed_duplicate_and_approves(demo_db):
    with db.as_owner() as conn:
        ids = {r["name"]: str(r["id"]) for r in conn.execute("select id, name::text from public.skills")}
        proposer = conn.execute("select proposed_by from public.skills where name = 'JS'").fetchone()["proposed_by"]
    at = app_as(DEMO["admin"], "views/skills_admin.py", lang="en")
    assert not at.exception
    assert any("JS" in m.value for m in at.markdown), "proposals are listed first"
    at.selectbox(key="merge_from").set_value(ids["JS"])
    at.selectbox(key="merge_into").set_value(ids["JavaScript"])
    at.run()
    at.button(key="merge_go").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Merged" in s.value for s in at.success)
    at.button(key=f"approve_{ids['ReactJS']}").click()
    at.run()
    with db.as_owner() as conn:
        left = {r["name"]: r["status"] for r in conn.execute("select name::text, status from public.skills")}
    assert "JS" not in left and left["ReactJS"] == "approved"
    with db.as_owner() as conn:
        level = conn.execute("select level::text from public.member_skills where member_id = %s and skill_id = %s",
                             (proposer, ids["JavaScript"])).fetchone()
    assert level == {"level": "expert"}, "the proposer's JS link moved to JavaScript, at the higher level"
