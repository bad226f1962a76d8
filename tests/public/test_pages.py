"""The public pages as an anonymous visitor gets them (AppTest, the whole app): every public
address walked finds no hidden, members-only or inactive member and no e-mail address in what the
browser receives; the language follows the address; the contact form's answers and its proof
link; the signed-in member page lists a member's talks."""

from __future__ import annotations

import json
import re

from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from lib.core import db
from lib.directory import showcase
from tests.conftest import APP, app_as, authenticate_as, shown
from tests.public.conftest import PUBLIC, QUIET

SECRET_NAMES = ("Hugo", "Caché", "Mona", "Entre-Nous", "Ines", "Partie", "Cobol", "Draft event")


def visit(lang: str | None = None, state: dict | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if lang:
        at.session_state["lang"] = lang
    for key, value in (state or {}).items():
        at.session_state[key] = value
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def everything(at: AppTest) -> str:
    """Every element as the browser receives it (labels, values, addresses, the component's data)."""
    out, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(node, "type", "") != "bidi_component":
            out.append(text_format.MessageToString(proto, as_utf8=True))
    for face in at.get("bidi_component"):  # its data; its proto also carries our CSS (@media…)
        out.append(face.proto.bytes.decode() if face.proto.bytes else "")
    return shown("\n".join(out))


def data(at: AppTest) -> dict:
    (face,) = at.get("bidi_component")
    return json.loads(face.proto.bytes)


def texts(at: AppTest, kind: str | None = None) -> list[str]:
    return [b.get("text") or b.get("title") for b in data(at)["blocks"] if kind is None or b["t"] == kind]


def _addresses(face) -> list[dict[str, str]]:
    people = [str(p["id"]) for p in showcase.members(db.ANONYMOUS)]
    events = [str(e["id"]) for e in showcase.events(db.ANONYMOUS)]
    known = [face[k] for k in ("hidden", "members_only", "inactive", "public", "quiet")]
    past = [face[k] for k in ("past_talk", "draft", "cancelled", "hidden_talk")]
    pages = [{"showcase": ""}, {"showcase": "", "q": "python"}, {"showcase": "", "q": "cobol"}, {"agenda": ""}]
    pages += [{"showcase": m} for m in {*people, *known}] + [{"agenda": e} for e in {*events, *past}]
    return pages + [{**p, "compact": "1"} for p in pages] + [{**p, "lang": "en"} for p in pages]


# the form's own hint for a mistyped address ("write it as name@domain.com")
EXAMPLE_ADDRESSES = {"nom@domaine.fr", "name@domain.com"}


def test_every_public_address_shows_no_hidden_member_and_no_address(face):
    with db.as_owner() as conn:
        addresses = [r["email"] for r in conn.execute("select email::text from public.members").fetchall()]
    walked = 0
    for params in _addresses(face):
        text = everything(visit(**params))
        found = {a.rstrip(".") for a in re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", text)}
        assert found <= EXAMPLE_ADDRESSES, (params, found)
        assert not [a for a in addresses if a in text], params
        for secret in SECRET_NAMES:
            assert secret not in text, (params, secret)
        assert not re.search(r"\b(public|events|level|link|app)\.[a-z_]+\b", text), params
        assert "None" not in text and "nan" not in re.findall(r"\w+", text), params
        walked += 1
    assert walked >= 45


def test_the_showcase_lists_the_public_members_and_their_page_shows_their_talks(face):
    at = visit(showcase="")
    cards = texts(at, "card")
    assert sorted(cards) == ["Pia Publique", "Quentin Discret"]
    assert texts(at, "h1")[0].startswith("Les membres de"), "French by default"
    assert "Développeuse — Pia SARL" in everything(at)
    page = visit(showcase=face["public"])
    assert texts(page, "h1") == ["Pia Publique"]
    talks = [line.split(" — ")[1].rsplit(" (", 1)[0] for line in texts(page, "item")]
    assert talks == ["Meetup organised by Pia", "Coming talk by Pia", "Past talk by Pia"]
    links = [i for b in data(page)["blocks"] if b["t"] == "links" for i in b["items"]]
    assert {"text": "Site web", "href": "https://pia.example.org", "external": True} in links


def test_the_language_follows_the_address_and_its_links_keep_it(face):
    at = visit(showcase="", lang="en")
    assert texts(at, "h1")[0].startswith("The members of")
    assert all("lang=en" in b["href"] for b in data(at)["blocks"] if b["t"] == "card")
    switch = next(b for b in data(at)["blocks"] if b["t"] == "lang")["items"]
    assert [(i["text"], i["current"], "lang=fr" in i["href"]) for i in switch] == [
        ("Français", False, True), ("English", True, False)]
    assert texts(visit(agenda="", lang="en"), "h1")[0].startswith("What's on at")


def test_a_search_by_skill_keeps_one_member(face):
    at = visit(showcase="", q="python")
    assert texts(at, "card") == ["Pia Publique"]
    search = next(b for b in data(at)["blocks"] if b["t"] == "search")
    assert search["value"] == "python" and search["hidden"] == {"showcase": "", "lang": "fr"}


def test_the_agenda_lists_coming_public_events_and_each_has_its_address(face):
    at = visit(agenda="")
    assert texts(at, "card") == ["Talk with a hidden member", "Coming talk by Pia", "Meetup organised by Pia"]
    assert "/app/static/agenda.ics" in everything(at)
    event = visit(agenda=face["coming_talk"])
    assert texts(event, "h1") == ["Coming talk by Pia"]
    assert f"agenda={face['coming_talk']}" in everything(event)
    assert "Guest Speaker" in texts(event, "item") and "Pia Publique" in texts(event, "item")


def test_the_embedded_variant_is_compact_and_links_to_the_full_site(face):
    at = visit(showcase="", compact="1")
    page = data(at)
    assert page["embed"] is True and not texts(at, "h1") and not texts(at, "lang")
    assert all("compact=1&embed=true" in b["href"] for b in page["blocks"] if b["t"] == "card")
    more = page["blocks"][-1]["items"][0]
    assert more["external"] is True and "compact" not in more["href"]


def test_the_contact_form_is_offered_only_when_the_member_allows_it_and_says_when_sent(face):
    at = visit(showcase=face["public"], lang="en")
    (form,) = [b for b in data(at)["blocks"] if b["t"] == "contact"]
    assert form["member"] == face["public"] and not form.get("sent")
    sent = visit(showcase=face["public"], lang="en", state={"_public_contact": {"member": face["public"], "sent": True}})
    (form,) = [b for b in data(sent)["blocks"] if b["t"] == "contact"]
    assert form["sent"] is True and form["check_email"].startswith("Check your e-mails")
    quiet = visit(showcase=face["quiet"], lang="en")
    assert not [b for b in data(quiet)["blocks"] if b["t"] == "contact"]
    assert "This member does not wish to be contacted through this site." in texts(quiet, "p")


def test_the_proof_link_sends_once_and_a_rerun_does_not_say_used(face):
    showcase.contact(db.ANONYMOUS, face["public"], "vi.sitor@example.net", "Vi", "Hello Pia")
    with db.as_owner() as conn:
        token = conn.execute("select s.token from public.notifications n join private.notification_secrets s"
                             " on s.notification_id = n.id where n.kind = 'contact_proof'").fetchone()["token"]
    proof = visit(contact=token, lang="en")
    assert any("Pia Publique has received your message" in shown(s.value) for s in proof.success)
    proof.run()
    assert proof.success and not proof.error
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.notifications where kind = 'contact_message'"
                            " and to_email = %s", (PUBLIC,)).fetchone()["n"] == 1


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


def test_the_signed_in_directory_lists_a_members_talks_newest_first(face):
    at = app_as(PUBLIC, "views/directory.py", lang="en")
    at.query_params["member"] = face["public"]
    at.run()
    assert not at.exception
    assert any(h.value == "Talks given and events organised" for h in at.subheader)
    lines = [shown(m.value) for m in at.markdown if "(speaker)" in shown(m.value) or "(organiser)" in shown(m.value)]
    assert [line.split(" — ")[1].rsplit(" (", 1)[0] for line in lines] == [
        "Meetup organised by Pia", "Coming talk by Pia", "Past talk by Pia"]
