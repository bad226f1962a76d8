"""Directory: find members by name, company or skill; a member's page with a contact link only
when they allowed it. What anyone sees is decided by the database (lib/directory/members.py, `search`)."""

from zoneinfo import ZoneInfo

import streamlit as st

from lib.core.i18n import current_language, fmt_date, fmt_number, t
from lib.directory import members, skills
from lib.space import space
from lib.web import reads, session, ui
from lib.web.ui import md, page_index, pager, t_md

LEVEL_CHOICES = ("", *skills.LEVELS)
PAGE_SIZE = 24  # profiles a page: the cards are most of what a rerun sends


def _open(member_id: str) -> None:
    st.query_params["member"] = member_id


def _close() -> None:
    st.query_params.pop("member", None)


def _skill_line(profile: dict, limit: int, first: set[str]) -> str:
    """The card's skills: those searched for first, then by level (the query sorts by level)."""
    ordered = sorted(profile["skills"], key=lambda s: s["name"] not in first)
    shown = ordered[:limit]
    return " · ".join(f"{md(s['name'])} ({t('level.' + s['level']).lower()})" for s in shown)


def _card(profile: dict, searched: set[str]) -> None:
    with st.container(border=True):
        left, right = st.columns([1, 4], vertical_alignment="center")
        left.markdown(f"### {members.initials(profile['full_name'])}")
        right.markdown(f"**{md(profile['full_name'])}**")
        sub = " — ".join(md(x) for x in (profile["job_title"], profile["company"]) if x)
        if sub:
            right.caption(sub)
        if profile["skills"]:
            st.caption(_skill_line(profile, 4, searched))
        if profile["visibility"] == "hidden":
            st.caption(f":material/visibility_off: {t('directory.hidden_badge')}")
        st.button(t("directory.open"), key=f"dir_open_{profile['id']}", on_click=_open, args=(str(profile["id"]),))


def _member_page(profile: dict) -> None:
    st.button(t("directory.back"), on_click=_close, icon=":material/arrow_back:", key="dir_back")
    left, right = st.columns([1, 6], vertical_alignment="center")
    left.header(members.initials(profile["full_name"]))
    right.header(md(profile["full_name"]))
    sub = " — ".join(md(x) for x in (profile["job_title"], profile["company"]) if x)
    if sub:
        right.caption(sub)
    if profile["is_me"]:
        st.info(t("directory.you"), icon=":material/person:")
    if profile["visibility"] == "hidden":
        st.warning(t("directory.hidden_badge"), icon=":material/visibility_off:")
    if profile["bio"]:
        st.text(profile["bio"])
    if profile["skills"]:
        st.subheader(t("directory.skills_by_level"))
        for level in reversed(skills.LEVELS):
            names = [md(s["name"]) for s in profile["skills"] if s["level"] == level]
            if names:
                st.markdown(t("app.label_value", label=f"**{t('level.' + level)}**", value=", ".join(names)))
    wishes = [t(f"looking.{k}") for k in profile["looking_for"]] + [md(w) for w in profile["wanted"]]
    if wishes or profile["looking_for_note"]:
        st.subheader(t("directory.wants"))
        if wishes:
            st.markdown(", ".join(wishes))
        if profile["looking_for_note"]:
            st.text(profile["looking_for_note"])
    links = profile["links"] or {}
    if links:
        cols = st.columns(len(links))
        for col, (key, url) in zip(cols, links.items(), strict=True):
            if str(url).startswith(("https://", "http://")):  # the database allows nothing else
                col.link_button(t(f"link.{key}"), url, icon=":material/open_in_new:")
    if profile["contact_email"] and not profile["is_me"]:
        st.link_button(t("directory.contact"), f"mailto:{profile['contact_email']}", type="primary",
                       icon=":material/mail:")
    elif not profile["is_me"]:
        st.caption(t("directory.no_contact"))
    _talks(profile)


def _talks(profile: dict) -> None:
    """The talks they gave and the events they organised, newest first (issue #14)."""
    talks = reads.member_talks(claims, str(profile["id"]))
    st.subheader(t("directory.talks"))
    if not talks:
        st.caption(t("public.talks_none"))
    for talk in talks:
        starts = talk["starts_at"].astimezone(TZ)
        st.markdown(t_md("public.talk_line", date=fmt_date(starts.date(), "medium"), title=talk["title"],
                         role=t(f"public.role.{talk['role']}")))


person = session.require_page(__file__)
claims = person.claims()
LANG = current_language()  # format_func runs later: bind the language now
TZ = ZoneInfo(space.settings()["time_zone"])
st.title(t("directory.title"))

selected = st.query_params.get("member")
if selected:
    profile = members.member(claims, selected)
    if profile is None:
        st.warning(t("directory.member_unknown"))
        st.button(t("directory.back"), on_click=_close, key="dir_back_unknown")
    else:
        _member_page(profile)
    st.stop()

@st.fragment
def _here_today() -> None:
    """Who is here today who knows …: today's present, opted-in members grouped by skill."""
    groups = reads.here_today_by_skill(claims)
    with st.expander(t("directory.here_today_title"), icon=":material/location_on:"):
        if not groups:
            st.caption(t("directory.here_today_none"))
        for group in groups[:15]:
            people = ", ".join(md(p["full_name"]) for p in group["people"])
            st.markdown(t("app.label_value", label=f"**{md(group['skill'])}**", value=people))


_here_today()
vocab = reads.approved_skills(claims)
by_id = {str(s["id"]): s["name"] for s in vocab}
text = st.text_input(t("directory.search"), key="dir_text", max_chars=100)
c1, c2, c3, c4 = st.columns([2.6, 1.8, 1.2, 1.4], vertical_alignment="bottom")
skill_ids = ui.multi(c1, t("directory.skills"), list(by_id), placeholder=t("app.choose"), format_func=by_id.get, key="dir_skills")
match_all = c2.segmented_control(t("directory.match"), (True, False), default=True, key="dir_match",
                                 format_func=lambda v: t("directory.match_all" if v else "directory.match_any", LANG))
level = ui.select(c3, t("directory.min_level"), LEVEL_CHOICES, key="dir_level",
                     format_func=lambda v: t(f"level.{v}", LANG) if v else t("directory.any_level", LANG))
here_today = c4.toggle(t("directory.here_today"), key="dir_today")

filters = (text, tuple(skill_ids), match_all is not False, level or None, here_today)
total, page, results = reads.search_page(claims, text, list(skill_ids), match_all is not False, level or None,
                                         here_today, page_index("dir_page", filters), PAGE_SIZE)
st.caption(t("directory.count", n=fmt_number(total)))
if not results:
    st.info(t("directory.none"))
columns = st.columns(3)
searched = {by_id[i] for i in skill_ids}
for index, profile in enumerate(results):
    with columns[index % 3]:
        _card(profile, searched)
pager("dir_page", page, total, PAGE_SIZE)
