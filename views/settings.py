"""Settings (admins): the space's name, time zone, opening days and hours, half-day boundary,
booking window, cancellation cut-off and default language; e-mail sending and its outbox."""

import streamlit as st

from lib.core.i18n import current_language, t, weekday_name
from lib.mail import notify
from lib.space import settings_admin, space
from lib.web import session, ui
from lib.web.ui import refusal, run_action, t_md

person = session.require_page(__file__)
current = space.settings()
st.title(t("settings.title"))

with st.form("settings"):
    name = st.text_input(t("settings.space_name"), value=current["space_name"], max_chars=120)
    zones = settings_admin.time_zones()
    zone = ui.select(st, t("settings.time_zone"), zones,
                        index=zones.index(current["time_zone"]) if current["time_zone"] in zones else None)
    language = st.radio(t("settings.default_language"), ["fr", "en"], horizontal=True,
                        index=0 if current["default_language"] == "fr" else 1,
                        format_func={"fr": "Français", "en": "English"}.get)
    days = ui.multi(st, t("settings.open_days"), list(range(1, 8)), placeholder=t("app.choose"), default=list(current["open_days"]),
                          # bind the language: widgets may format options outside this run
                          format_func=lambda d, lang=current_language(): weekday_name(d, lang))
    cols = st.columns(3)
    opens = cols[0].time_input(t("settings.opens_at"), value=current["opens_at"], step=900)
    midday = cols[1].time_input(t("settings.midday_at"), value=current["midday_at"], step=900,
                                help=t("settings.midday_help"))
    closes = cols[2].time_input(t("settings.closes_at"), value=current["closes_at"], step=900)
    cols = st.columns(2)
    window = cols[0].number_input(t("settings.booking_window_days"), value=int(current["booking_window_days"]),
                                  step=1, help=t("settings.booking_window_help"))
    cutoff = cols[1].number_input(t("settings.cancellation_cutoff_hours"),
                                  value=int(current["cancellation_cutoff_hours"]), step=1,
                                  help=t("settings.cancellation_cutoff_help"))
    st.markdown(f"**{t('settings.rules')}**")
    cols = st.columns(2)
    release = cols[0].number_input(t("settings.release_unclaimed_minutes"), min_value=0, max_value=480,
                                   value=int(current["release_unclaimed_minutes"] or 0), step=5,
                                   help=t("settings.release_help"))
    room_hours = cols[1].number_input(t("settings.room_hours_per_day"), min_value=1, max_value=24,
                                      value=int(current["room_hours_per_day"]), step=1,
                                      help=t("settings.room_hours_help"))
    cols = st.columns(2)
    stale = cols[0].number_input(t("settings.profile_stale_months"), min_value=1, max_value=120,
                                 value=int(current["profile_stale_months"]), step=1,
                                 help=t("settings.stale_help"))
    approval = cols[1].toggle(t("settings.guest_approval_required"), value=bool(current["guest_approval_required"]),
                              help=t("settings.guest_approval_help"))
    registration_cutoff = st.columns(2)[0].number_input(
        t("settings.registration_cutoff_minutes"), min_value=0, max_value=10080,
        value=int(current["registration_cutoff_minutes"]), step=15, help=t("settings.registration_cutoff_help"))
    submitted = st.form_submit_button(t("settings.save"), type="primary")

if submitted:
    values = {"space_name": name, "time_zone": zone, "default_language": language, "open_days": days,
              "opens_at": opens, "midday_at": midday, "closes_at": closes,
              "booking_window_days": int(window), "cancellation_cutoff_hours": int(cutoff),
              "release_unclaimed_minutes": int(release), "room_hours_per_day": int(room_hours),
              "profile_stale_months": int(stale), "guest_approval_required": bool(approval),
              "registration_cutoff_minutes": int(registration_cutoff)}
    if run_action(lambda: settings_admin.save(person.claims(), values)) is not None:
        st.success(t("settings.saved"))

# --- E-mail: whether sending is set up, the outbox in figures (counted in SQL), send now, test
st.subheader(t("notify.section"))
for level, line in st.session_state.pop("settings_notify", []):
    (st.success if level == "success" else st.warning)(line, icon=":material/mail:")
smtp = notify.smtp_settings()
if smtp is None:
    st.warning(t("notify.unconfigured"), icon=":material/mail:")
else:
    st.caption(t_md("notify.configured", server=smtp.describe(), sender=smtp.sender))
outbox = notify.counts(person.claims())
st.caption(t("notify.counts", pending=outbox["pending"], failed=outbox["failed"], sent=outbox["sent"]))
if outbox["last_error"]:
    st.text(t("notify.last_error", error=outbox["last_error"]))  # the server's words: plain text
buttons = st.container(horizontal=True)  # the two buttons side by side, not half a page apart
if buttons.button(t("notify.send_now"), key="notify_send", disabled=smtp is None, icon=":material/send:"):
    result = run_action(notify.send_pending)
    if result is not None:
        st.session_state["settings_notify"] = notify.summary(result) or [("success", t("notify.nothing_to_send"))]
        st.rerun()
if buttons.button(t("notify.send_test"), key="notify_test", disabled=smtp is None,
               icon=":material/forward_to_inbox:"):
    try:  # not run_action: send_test returns nothing, so None could not tell success from refusal
        notify.send_test(person.email, person.full_name, current_language())
    except Exception as exc:
        st.error(refusal(exc))
    else:
        st.session_state["settings_notify"] = [("success", t_md("notify.test_sent", email=person.email))]
        st.rerun()
