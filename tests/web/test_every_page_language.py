"""Every page speaks the page's language only (issue #13, "French all the way"): every signed-in
page of `PAGES` (so a page added later is walked too) as each role that may open it, and the
public pages (sign-in, shared links, board link), in French and in English, with the demo data.

What a visitor reads is collected from what Streamlit sends (labels, bodies, captions, help,
placeholders, options, table cells) and checked: no English of Streamlit's own widgets on a
French page (and no widget left to show it: a select box without a translated placeholder, a
multiselect offering "Select all", a file drop zone without its French words, a date field not
written day first), no French word on an English page, no raw catalogue key, no "None"/"nan"."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pandas as pd
import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from lib.booking import share_links
from lib.core import db
from lib.dashboards import board_links
from lib.events import events
from lib.web import navigation, ui
from tests.conftest import APP, DEMO, app_as, shown

# what Streamlit's widgets write by themselves, in English (read from its frontend, 1.67)
STREAMLIT_ENGLISH = ("Choose an option", "Select all", "No options to select", "No results", "Drag and drop",
                     "Browse files", "per file", "Upload", "Add row", "Press Enter", "dd/mm/yyyy")
# French words that must not reach an English page (whole words, case ignored)
FRENCH_WORDS = ("enregistrer", "annuler", "réservation", "réservations", "réserver", "choisir", "aucun",
                "aucune", "poste", "postes", "salle", "membre", "membres", "jour", "jours", "libre", "libres",
                "événement", "événements", "inscrit", "confirmée", "télécharger", "fermeture", "fermetures",
                "oui", "non", "le", "la", "les", "des", "du", "et", "pour", "avec", "sur")
# English words that show alone as a column header or a label when a page forgot to translate one
ENGLISH_HEADERS = {"day", "who", "reason", "resource", "status", "email", "name", "kind", "zone_name", "starts",
                   "ends", "title", "count"}
_FRENCH = re.compile(r"(?<![\w'’-])(" + "|".join(FRENCH_WORDS) + r")(?![\w'’-])", re.IGNORECASE)
# French typography in an English sentence: a space before a colon, semicolon, ! or ?
_FRENCH_SPACING = re.compile(r"\S[ \u00a0\u202f][:;!?](\s|$)")
_RAW_KEY = re.compile(r"^[a-z_]+\.[a-z_]+(\.[a-z_]+)*$")
_FILE_NAME = re.compile(r"\.(csv|png|pdf|ics|json|txt)$")
_EMPTY = re.compile(r"(?<![\w-])(None|nan|NaN|NaT|<NA>)(?![\w-])")

# proto fields a visitor reads; ids, icons, formats, specs and the like are not text
TEXT_FIELDS = {"body", "label", "help", "placeholder", "options", "content", "caption", "delta", "default",
               "text", "value"}
SKIP_MESSAGES = {"VegaLiteChart", "PageLink", "Code", "Html"}  # Html: the style sheets of `ui.upload`


def _proto_strings(message: Message) -> Iterator[str]:
    if message.DESCRIPTOR.name in SKIP_MESSAGES:
        return
    for field, value in message.ListFields():
        for item in (value if field.is_repeated else [value]):
            if isinstance(item, Message):
                yield from _proto_strings(item)
            elif isinstance(item, str) and field.name in TEXT_FIELDS:
                yield item


def _elements(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _elements(child)


def _cells(element) -> Iterator[str]:
    """A table's headers and cells as the grid draws them: an empty cell shows the table's
    placeholder, Streamlit's "None" unless the page gave one."""
    try:
        frame = element.value
    except Exception:  # an element AppTest cannot decode
        return
    empty = element.proto.placeholder if element.proto.HasField("placeholder") else "None"
    if not isinstance(frame, pd.DataFrame):
        return
    # what the grid shows: the columns of `column_order` (all when unset), headed by their
    # `column_config` label when they have one
    try:
        config = json.loads(element.proto.columns or "{}")
    except ValueError:
        config = {}
    order = list(element.proto.column_order) or [str(c) for c in frame.columns]
    for column in frame.columns:
        if str(column) not in order:
            continue
        label = (config.get(str(column)) or {}).get("label")
        yield str(label or column)
        yield from (empty if _missing(v) else str(v) for v in frame[column].tolist())


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array in a cell
        return False


def _component_strings(proto: Message) -> Iterator[str]:
    """A component's words travel in its JSON data (the shared link's form)."""
    def leaves(value: object) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from leaves(item)
        elif isinstance(value, list):
            for item in value:
                yield from leaves(item)

    data = proto.json or (proto.bytes.decode("utf-8", "replace") if proto.bytes else "")
    try:
        yield from leaves(json.loads(data or "{}"))
    except ValueError:
        return


def visible_text(at: AppTest) -> list[str]:
    found: list[str] = []
    for element in _elements(at._tree):
        proto = getattr(element, "proto", None)
        if isinstance(proto, Message) and getattr(element, "type", "") != "block":
            if proto.DESCRIPTOR.name == "BidiComponent":
                found.extend(_component_strings(proto))
            else:
                found.extend(_proto_strings(proto))
        if getattr(element, "type", "") in ("arrow_data_frame", "dataframe"):
            found.extend(_cells(element))
    return found


def _widgets(at: AppTest, name: str) -> list:
    return [e.proto for e in _elements(at._tree)
            if isinstance(getattr(e, "proto", None), Message) and e.proto.DESCRIPTOR.name == name]


def user_text() -> re.Pattern:
    """Everything people typed in the database (names, titles, descriptions, notes: the demo is
    French), which an English page rightly shows as it was typed: the language checks look at
    the rest. Read from every text column of `public`, so a new table is covered too."""
    values: set[str] = set()
    with db.as_owner() as conn:
        columns = conn.execute(
            "select table_name, column_name from information_schema.columns c"
            " join information_schema.tables t using (table_schema, table_name)"
            " where c.table_schema = 'public' and t.table_type = 'BASE TABLE'"
            " and (c.data_type in ('text', 'character varying', 'jsonb') or c.udt_name = 'citext')").fetchall()
        for column in columns:
            rows = conn.execute(f'select distinct "{column["column_name"]}"::text as v'
                                f' from public."{column["table_name"]}"').fetchall()
            for row in rows:
                value = row["v"]
                if value and len(value) > 1:
                    values.add(value)
                    # a JSON value shows its strings one by one
                    values.update(re.findall(r'"((?:[^"\\]|\\.){2,})"', value))
    return re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)))


def problems(at: AppTest, lang: str, typed: re.Pattern | None = None) -> list[str]:
    """What a reader of `lang` would stumble on in this run of the page (`typed`: what people
    typed, left out of the language checks)."""
    found = []
    texts = [shown(text) for text in visible_text(at)]
    # a component's data holds codes beside its words (a slot "day"): only its words are checked
    # for the language, not as headers
    data = {shown(text) for element in _elements(at._tree) if isinstance(getattr(element, "proto", None), Message)
            and element.proto.DESCRIPTOR.name == "BidiComponent" for text in _component_strings(element.proto)}
    for text in texts:
        stripped = text.strip()
        if _RAW_KEY.match(stripped) and not _FILE_NAME.search(stripped):
            found.append(f"raw key: {text!r}")
        if _EMPTY.search(text):
            found.append(f"empty value shown: {text!r}")
        if lang == "fr":
            found.extend(f"Streamlit's English {word!r} in {text!r}" for word in STREAMLIT_ENGLISH if word in text)
            if stripped.casefold() in ENGLISH_HEADERS and text not in data:
                found.append(f"English header or label {text!r}")
        else:
            text = typed.sub("…", text) if typed is not None else text
            match = _FRENCH.search(text)
            if match:
                found.append(f"French word {match.group(0)!r} in {text!r}")
            if _FRENCH_SPACING.search(text):
                found.append(f"French spacing in {text!r}")
    # widgets whose own words show unless the page gives them
    for name in ("Selectbox", "MultiSelect"):
        found.extend(f"{name} {w.label!r} shows Streamlit's placeholder" for w in _widgets(at, name)
                     if not w.placeholder.strip())
    if lang == "fr":
        found.extend(f"multiselect {w.label!r} offers 'Select all'" for w in _widgets(at, "MultiSelect")
                     if w.select_all)
        found.extend(f"date {w.label!r} written {w.format}" for w in _widgets(at, "DateInput")
                     if w.format != "DD/MM/YYYY")
        empty_dates = [w.label for w in _widgets(at, "DateInput") if not w.default]
        if empty_dates and not any(ui.DATE_FR_MARK in p.body for p in _widgets(at, "Html")):
            found.append(f"empty date fields {empty_dates} show Streamlit's 'dd/mm/yyyy'")
        if _widgets(at, "FileUploader") and not any(ui.UPLOAD_FR_MARK in text for text in
                                                    (p.body for p in _widgets(at, "Html"))):
            found.append("file drop zone in Streamlit's English (Upload, … per file)")
    return found


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}: {issue}" for page, issues in found.items() for issue in issues)


def _roles(spec: navigation.PageSpec) -> list[str]:
    return sorted(spec.roles or navigation.ALL_ROLES)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("role", sorted(navigation.ALL_ROLES))
def test_every_signed_in_page_speaks_one_language(demo_db, role, lang):
    at = app_as(DEMO[role], lang=lang)
    typed = user_text()
    walked, found = [], {}
    for spec in navigation.PAGES:
        if role not in _roles(spec):
            continue
        at.switch_page(spec.path)
        at.run()
        assert not at.exception, (spec.path, [e.value for e in at.exception])
        assert visible_text(at), f"{spec.path}: nothing collected, the walk would check nothing"
        if issues := problems(at, lang, typed):
            found[spec.path] = issues
        walked.append(spec.path)
    assert walked == [p.path for p in navigation.PAGES if role in _roles(p)]
    assert not found, _report(found)


def test_the_checks_catch_what_they_look_for():
    """The walk's checks fail on what issue #13 saw (else a green walk would mean nothing)."""
    assert _RAW_KEY.match("field.plan_id") and not _RAW_KEY.match("Plan")
    assert _EMPTY.search("None") and _EMPTY.search("nan") and not _EMPTY.search("Nantes")
    assert _FRENCH.search("Annuler ces réservations") and not _FRENCH.search("Cancel these bookings")
    assert _FRENCH_SPACING.search("Dry run : nothing changed") and _FRENCH_SPACING.search("**Python** : Ana")
    assert _FRENCH_SPACING.search("Dry run : nothing changed") and not _FRENCH_SPACING.search("Dry run: 10:00")


def _public(params: dict[str, str], lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = value
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_public_pages_speak_one_language(demo_db, lang):
    booking_link = share_links.create(db.OWNER, "Newsletter")
    event_link = events.create_link(db.OWNER, "Programme")
    board_link = board_links.create(db.OWNER, "Funders", 30)
    typed = user_text()
    found = {}
    for name, params in {"sign-in": {}, "booking link": {"t": booking_link}, "event link": {"t": event_link},
                         "board link": {"board": board_link}}.items():
        at = _public(params, lang)
        assert visible_text(at), name
        if issues := problems(at, lang, typed):
            found[name] = issues
    assert not found, _report(found)


def test_the_catalogue_says_plurals_properly():
    """No "7 poste(s) libre(s)": a count takes its form from the number, in each language."""
    from lib.core.i18n import catalogue, t

    clumsy = {key: pair for key, pair in catalogue().items() if any("(s)" in text for text in pair)}
    assert not clumsy, clumsy
    assert t("linkform.free_count", "fr", n=1) == "1 poste libre sur ce créneau."
    assert t("linkform.free_count", "fr", n=7) == "7 postes libres sur ce créneau."
    assert t("linkform.free_count", "en", n=1) == "1 desk free for this slot."
    assert t("staff.count", "en", n=0) == "0 bookings" and t("staff.count", "fr", n=0) == "0 réservation"
    # a sentence with no count keeps its other words
    assert "(" not in t("notify.sent_n", "en", n=2) and t("notify.sent_n", "en", n=2).startswith("2 people")


def test_a_day_in_a_refusal_is_written_for_the_reader(demo_db):
    """"a expiré le 2026-11-30": the day the database quotes reaches the sentence as a day."""
    import psycopg

    from lib.core.errors import from_db_error, user_message

    with pytest.raises(psycopg.Error) as info, db.as_owner() as conn:
        conn.execute("select private.refuse('link.expired', jsonb_build_object('date', '2026-11-30'))")
    refusal = from_db_error(info.value)
    assert "30 novembre 2026" in user_message(refusal, "fr") and "2026-11-30" not in user_message(refusal, "fr")
    assert "30 November 2026" in user_message(refusal, "en")
    assert "30 novembre 2026" in shown(ui.refusal(refusal, "fr"))
