"""My profile: what I show in the directory, who will see each field, my data and my rights."""

import pandas as pd
import streamlit as st

from lib.core.i18n import current_language, fmt_date, fmt_datetime, t
from lib.directory import members, privacy, skills
from lib.space import space
from lib.web import reads, session, ui
from lib.web.ui import md, run_action, t_md

person = session.require_page(__file__)
claims = person.claims()
LANG = current_language()  # format_func runs later: bind the language now
st.title(t("profile.title"))

notice = reads.stale_notice(claims)
if notice:
    st.warning(t("profile.stale_notice", date=fmt_date(notice.date())), icon=":material/visibility_off:")
    if st.button(t("profile.stale_ok"), key="pf_stale_ok"):
        run_action(lambda: privacy.acknowledge_stale_notice(claims))
        st.rerun()

profile = reads.my_profile(claims)
if profile is None:
    st.error(t("directory.not_a_member"))
    st.stop()

st.caption(t("profile.intro"))
left, right = st.columns([1, 5], vertical_alignment="center")
left.header(members.initials(profile["full_name"]))
right.subheader(md(profile["full_name"]))

visibility = st.radio(t("field.visibility"), members.VISIBILITIES, index=members.VISIBILITIES.index(profile["visibility"]),
                      format_func=lambda v: t(f"visibility.{v}", LANG), horizontal=True, key="pf_visibility",
                      help=t("profile.visibility_help"))
audience = t(f"profile.audience.{visibility}")
contact = st.toggle(t("profile.contact_allowed"), value=profile["contact_allowed"], key="pf_contact")
st.caption(t_md("profile.email_line", email=profile["email"]) + f" — {t('profile.audience.email')}")

full_name = st.text_input(t("field.full_name"), profile["full_name"], max_chars=200, key="pf_name")
st.caption(audience)
c1, c2 = st.columns(2)
company = c1.text_input(t("field.company"), profile["company"] or "", max_chars=200, key="pf_company")
c1.caption(audience)
job_title = c2.text_input(t("field.job_title"), profile["job_title"] or "", max_chars=200, key="pf_job")
c2.caption(audience)
bio = st.text_area(t("field.bio"), profile["bio"] or "", max_chars=2000, key="pf_bio")
st.caption(audience)

st.subheader(t("profile.skills"))
vocab = reads.skill_vocabulary(claims)
names = [s["name"] for s in vocab]
pending = {s["name"] for s in vocab if s["status"] == "proposed"}
chosen = ui.multi(st, t("profile.skills"), names, placeholder=t("app.choose"), default=[n for n in profile["skills"] if n in names],
                        accept_new_options=True, key="pf_skills", help=t("profile.skills_help"),
                        format_func=lambda n: f"{n} ({t('profile.proposed', LANG)})" if n in pending else n,
                        label_visibility="collapsed")
levels: dict[str, str] = {}
for name in chosen:
    current = profile["skills"].get(name, "practising")
    levels[name] = st.segmented_control(
        t_md("profile.level_of", skill=name), skills.LEVELS, default=current, format_func=lambda v: t(f"level.{v}", LANG),
        key=f"pf_level_{name.casefold()}") or current
st.caption(audience)

st.subheader(t("profile.looking_for"))
looking_for = ui.multi(st, t("profile.looking_for"), members.LOOKING_FOR, placeholder=t("app.choose"), default=profile["looking_for"],
                             format_func=lambda v: t(f"looking.{v}", LANG), key="pf_looking", label_visibility="collapsed")
wanted = ui.multi(st, t("profile.wanted"), names, placeholder=t("app.choose"), default=[n for n in profile["wanted"] if n in names],
                        accept_new_options=True, key="pf_wanted")
note = st.text_input(t("field.looking_for_note"), profile["looking_for_note"] or "", max_chars=500, key="pf_note")
st.caption(audience)

st.subheader(t("profile.links"))
link_values = {}
cols = st.columns(2)
for i, key in enumerate(members.LINK_KEYS):
    link_values[key] = cols[i % 2].text_input(t(f"link.{key}"), profile["links"].get(key, ""), max_chars=300,
                                              placeholder="https://", key=f"pf_link_{key}")
st.caption(audience)

if st.button(t("profile.save"), type="primary", key="pf_save", icon=":material/save:"):
    data = members.ProfileInput(full_name=full_name, company=company, job_title=job_title, bio=bio,
                                links=link_values, skills=levels, wanted=wanted, looking_for=looking_for,
                                looking_for_note=note, visibility=visibility, contact_allowed=contact)
    if run_action(lambda: members.save_profile(claims, data) or True):
        st.success(t("profile.saved"))

st.divider()
st.subheader(t("profile.my_data"))
# the file is made when the button is clicked: it gathers everything about the person
st.caption(t("profile.my_data_help"))
st.download_button(t("profile.download"), lambda: privacy.my_data_json(claims), file_name="cantine-my-data.json",
                   mime="application/json", key="pf_download", icon=":material/download:")

with st.expander(t("profile.history")):
    st.caption(t("profile.audience.history"))
    history = reads.consent_history(claims)
    lang, tz = LANG, space.settings()["time_zone"]
    ui.table(st, pd.DataFrame([{
        t("profile.history_when"): fmt_datetime(h["changed_at"], tz, lang),
        t("field.visibility"): t(f"visibility.{h['visibility']}"),
        t("profile.history_contact"): h["contact_allowed"],
        t("profile.history_reason"): t(f"reason.{h['reason']}"),
    } for h in history]), hide_index=True, width="stretch")

st.subheader(t("profile.erasure"))
if profile["erasure_requested_at"]:
    st.info(t("profile.erasure_pending", date=fmt_date(profile["erasure_requested_at"].date())))
else:
    st.caption(t("profile.erasure_help"))
    sure = st.checkbox(t("profile.erasure_confirm"), key="pf_erase_sure")
    if st.button(t("profile.erasure_button"), disabled=not sure, key="pf_erase"):
        if run_action(lambda: privacy.request_erasure(claims), t("profile.erasure_sent")):
            st.rerun()
