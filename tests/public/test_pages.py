"""The public pages as an anonymous visitor sees them (AppTest, the whole app): every public
address walked finds no hidden, members-only or inactive member and no e-mail address; the
language follows the address; the contact form and its proof link; the signed-in member page
lists a member's talks."""

from __future__ import annotations

import re

from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from lib.core import db
from lib.directory import showcase
from tests.conftest import APP, app_as, authenticate_as, shown
from tests.public.conftest import PUBLIC, QUIET, VISITOR

SECRET_NAMES = ("Hugo", "Caché", "Mona", "Entre", "Ines", "Partie", "Cobol", "Draft event")


def visit(lang: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if lang:
        at.session_state["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def everything(at: AppTest) -> str:
    """Every element's content as the browser receives it (labels, values, addresses, options)."""
    out, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(text_format.MessageToString(proto, as_utf8=True))
    return shown("\n".join(out))


def _addresses(face) -> list[dict[str, str]]:
    people = [str(p["id"]) for p in showcase.members(db.ANONYMOUS)]
    events = [str(e["id"]) for e in showcase.events(db.ANONYMOUS)]
    known = [face[k] for k in ("hidden", "members_only", "inactive", "public", "quiet")]
    past = [face[k] for k in ("past_talk", "draft", "cancelled", "hidden_talk")]
    pages = [{"showcase": ""}, {"showcase": "", "q": "python"}, {"agenda": ""}]
    pages += [{"showcase": m} for m in {*people, *known}] + [{"agenda": e} for e in {*events, *past}]
    return pages + [{**p, "embed": "1"} for p in pages]


def test_every_public_address_shows_no_hidden_member_and_no_address(face):
    walked = 0
    for params in _addresses(face):
        text = everything(visit(**params))
        assert "@" not in text, (params, re.findall(r"\S+@\S+", text))
        for secret in SECRET_NAMES:
            assert secret not in text, (params, secret)
        assert not re.search(r"\b(public|events|level|link)\.[a-z_]+\b", text.replace("agenda.ics", "")), params
        assert "None" not in text and "nan" not in text.split(), params
        walked += 1
    assert walked >= 20


def test_the_showcase_lists_the_public_members_and_their_page_shows_their_talks(face):
    at = visit(showcase="")
    text = everything(at)
    assert "Pia Publique" in text and "Quentin Discret" in text and "Développeuse" in text
    assert "Les membres de" in at.title[0].value, "French by default"
    page = visit(showcase=face["public"])
    assert page.header[0].value == "Pia Publique"
    talks = [shown(m.value) for m in page.markdown if "Pia" in m.value and "—" in m.value]
    assert [t.split(" — ")[1].rsplit(" (", 1)[0] for t in talks] == [
        "Meetup organised by Pia", "Coming talk by Pia", "Past talk by Pia"]


def test_the_language_follows_the_address(face):
    at = visit(showcase="", lang="en")
    assert at.title[0].value.startswith("The members of")
    at = visit(agenda="", lang="en")
    assert at.title[0].value.startswith("What's on at")


def test_a_search_by_skill_keeps_one_member(face):
    at = visit(showcase="")
    at.text_input(key="public_q").input("python").run()
    text = everything(at)
    assert "Pia Publique" in text and "Quentin Discret" not in text
    assert at.query_params["q"] in ("python", ["python"]), "the search is in the address, to share"


def test_the_agenda_lists_coming_public_events_and_each_has_its_address(face):
    text = everything(visit(agenda=""))
    for title in ("Coming talk by Pia", "Meetup organised by Pia", "Talk with a hidden member"):
        assert title in text
    for title in ("Past talk by Pia", "Cancelled event", "Draft event"):
        assert title not in text
    assert "/app/static/agenda.ics" in text
    event = visit(agenda=face["coming_talk"])
    assert event.header[0].value == "Coming talk by Pia"
    assert f"agenda={face['coming_talk']}" in everything(event)
    assert "Guest Speaker" in everything(event)


def test_the_contact_form_asks_for_a_proof_then_the_proof_link_sends_once(face):
    at = visit(showcase=face["public"], lang="en")
    at.text_input(key="public_contact_name").input("Vi Sitor")
    at.text_input(key="public_contact_email").input(VISITOR)
    at.text_area(key="public_contact_message").input("Hello Pia")
    next(b for b in at.button if b.label == "Send").click().run()
    assert any("Check your e-mails" in s.value for s in at.success)
    with db.as_owner() as conn:
        token = conn.execute("select s.token from public.notifications n join private.notification_secrets s"
                             " on s.notification_id = n.id where n.kind = 'contact_proof'").fetchone()["token"]
    proof = visit(contact=token, lang="en")
    assert any("Pia Publique has received your message" in shown(s.value) for s in proof.success)
    proof.run()  # a rerun does not say "already used"
    assert proof.success and not proof.error
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.notifications where kind = 'contact_message'"
                            " and to_email = %s", (PUBLIC,)).fetchone()["n"] == 1


def test_a_member_without_contact_has_no_form(face):
    at = visit(showcase=face["quiet"], lang="en")
    assert not at.text_area
    assert any("does not wish to be contacted" in c.value for c in at.caption)


def test_the_signed_in_directory_lists_a_members_talks_newest_first(face):
    at = app_as(PUBLIC, "views/directory.py", lang="en")
    at.query_params["member"] = face["public"]
    at.run()
    assert not at.exception
    assert any(h.value == "Talks given and events organised" for h in at.subheader)
    lines = [shown(m.value) for m in at.markdown if "(speaker)" in shown(m.value) or "(organiser)" in shown(m.value)]
    assert [line.split(" — ")[1].rsplit(" (", 1)[0] for line in lines] == [
        "Meetup organised by Pia", "Coming talk by Pia", "Past talk by Pia"]


def test_an_erased_member_and_one_gone_members_only_leave_the_showcase_on_the_next_visit(face):
    assert "Pia Publique" in everything(visit(showcase=""))
    assert "Quentin Discret" in everything(visit(showcase=face["quiet"]))
    with db.as_owner() as conn:
        conn.execute("select public.erase_member(%s)", (face["public"],))
    with authenticate_as(QUIET) as conn:
        conn.execute("update public.members set visibility = 'members' where email = %s", (QUIET,))
    text = everything(visit(showcase=""))
    assert "Pia Publique" not in text and "Quentin Discret" not in text
    assert "Quentin Discret" not in everything(visit(showcase=face["quiet"]))
    assert "Pia Publique" not in everything(visit(agenda=face["coming_talk"]))
