"""Admins: zones, desks and rooms, closures and shared links, edited in place."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib.booking import resources_admin, share_links
from lib.core import clock
from lib.core.i18n import current_language, fmt_date, t
from lib.space import space
from lib.web import session, ui
from lib.web.flash import set_flash, show_flash
from lib.web.ui import run_action, send_outbox_after, show_outbox_report, t_md

person = session.require_page(__file__)
claims = person.claims()

st.title(t("resources.title"))
show_flash("res")
show_outbox_report("res")


def _report(result: resources_admin.SaveResult | None, editor: str, retired_key: str = "resources.retired") -> None:
    if result is None:
        return
    for number, key in result.errors:
        st.error(t("resources.row_error", row=number, message=t(key)))
    if not result.errors and not result.needs_decision:
        saved = t("resources.saved", n=result.changes) if result.changes else t("resources.nothing")
        # a removed row that was retired instead comes back in the table: say why, and how to undo
        set_flash("res", "\n\n".join([saved, *(t(retired_key, name=name, n=n) for name, n in result.retired)]))
        # the saved edits are in the table now; kept in the editor they would apply a second time
        st.session_state.pop(editor, None)
        st.rerun()


def _base_address() -> str:
    """Where visitors reach the app: CANTINE_APP_URL if set, else the address this admin uses."""
    from urllib.parse import urlsplit

    from lib.identity import accounts

    configured = accounts.configured_app_url()
    if configured:
        return configured.rstrip("/")
    try:
        parts = urlsplit(st.context.url or "")
    except Exception:  # outside a browser session
        return ""
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


res_tab, zone_tab, closure_tab, link_tab = st.tabs(
    [t("resources.resources"), t("resources.zones"), t("resources.closures"), t("links.title")],
    key="resources_tabs")  # keyed: a rerun after an action stays on its tab

with res_tab:
    original = resources_admin.resources(claims)
    zone_names = resources_admin.zones(claims).name.tolist()
    edited = ui.editor(st,
        original, key="res_editor", num_rows="dynamic", hide_index=True, width="stretch",
        column_order=["name", "zone", "kind", "capacity", "amenities", "pos_x", "pos_y", "active"],
        column_config={
            "name": st.column_config.TextColumn(t("resources.col.name"), required=True, max_chars=80),
            "zone": st.column_config.SelectboxColumn(t("resources.col.zone"), options=zone_names, required=True),
            # the stored codes, shown in the page's language ("poste", "salle"), never "desk"/"room"
            "kind": st.column_config.SelectboxColumn(t("resources.col.kind"), options=["desk", "room"], required=True,
                                                     default="desk",
                                                     format_func=lambda k, lang=current_language():
                                                     t(f"export.booking.kind.{k}", lang)),
            "capacity": st.column_config.NumberColumn(t("resources.col.capacity"), min_value=1, max_value=500,
                                                      step=1, default=1),
            "amenities": st.column_config.TextColumn(t("resources.col.amenities")),
            "pos_x": st.column_config.NumberColumn(t("resources.col.x"), min_value=0, max_value=1000),
            "pos_y": st.column_config.NumberColumn(t("resources.col.y"), min_value=0, max_value=1000),
            "active": st.column_config.CheckboxColumn(t("resources.col.active"), default=True),
        })
    future = None
    pending = st.session_state.get("res_needs")
    if pending:
        for item in pending:
            st.warning(t_md("resources.deactivate_has_future", resource=item["name"], n=item["count"]))
        choice = st.radio(" ", ["cancel", "keep"], key="res_future", horizontal=True, label_visibility="collapsed",
                          format_func={"cancel": t("notify.deactivate_cancel"),
                                       "keep": t("resources.deactivate_keep")}.get)
        future = choice
    if st.button(t("resources.save"), type="primary", key="res_save"):
        result = run_action(lambda: resources_admin.save_resources(claims, edited, original, future))
        if result is not None and result.needs_decision:
            st.session_state["res_needs"] = result.needs_decision
            st.rerun()
        st.session_state.pop("res_needs", None)
        if result is not None and future == "cancel" and not result.errors:
            send_outbox_after("res")
        _report(result, "res_editor")

with zone_tab:
    zones = resources_admin.zones(claims)
    zones_edited = ui.editor(st,
        zones, key="zone_editor", num_rows="dynamic", hide_index=True, width="stretch",
        column_order=["name", "floor", "sort_order", "active"],
        column_config={
            "name": st.column_config.TextColumn(t("resources.col.name"), required=True, max_chars=80),
            "floor": st.column_config.NumberColumn(t("resources.col.floor"), min_value=-5, max_value=100, step=1,
                                                   default=0),
            "sort_order": st.column_config.NumberColumn(t("resources.col.order"), step=1, default=0),
            "active": st.column_config.CheckboxColumn(t("resources.col.active"), default=True),
        })
    if st.button(t("resources.save"), type="primary", key="zone_save"):
        _report(run_action(lambda: resources_admin.save_zones(claims, zones_edited, zones)), "zone_editor",
                "resources.zone_retired")

with closure_tab:
    names = resources_admin.resources(claims).name.tolist()
    whole = t("resources.whole_space")
    today = clock.space_today(space.settings()["time_zone"])
    # a new closure is a form: its errors next to its fields, and what was typed stays on an error
    # after a closure is added, the next one starts from a fresh form: new keys, since the browser
    # keeps a form's values under its old ones
    fresh = f"_{st.session_state['closure_round']}" if st.session_state.get("closure_round") else ""
    st.subheader(t("resources.closure_new"))
    with st.form(f"closure_new{fresh}"):
        cols = st.columns(2)
        new_from = ui.date(cols[0], t("resources.col.starts"), value=today + dt.timedelta(days=1), min_value=today,
                           key=f"closure_new_from{fresh}")
        from_slot = cols[0].empty()
        new_to = ui.date(cols[1], t("resources.col.ends"), value=today + dt.timedelta(days=1), min_value=today,
                         key=f"closure_new_to{fresh}")
        to_slot = cols[1].empty()
        new_resource = ui.select(st, t("resources.col.resource"), ["", *names], format_func=lambda v: v or whole,
                                 key=f"closure_new_resource{fresh}")
        resource_slot = st.empty()
        new_reason = st.text_input(t("resources.col.reason"), max_chars=200, key=f"closure_new_reason{fresh}")
        reason_slot = st.empty()
        added = st.form_submit_button(t("resources.closure_add"), type="primary")
    if added:
        problems = resources_admin.check_closure(new_from, new_to, new_resource or None, new_reason, set(names))
        slots = {"starts_on": from_slot, "ends_on": to_slot, "resource": resource_slot, "reason": reason_slot}
        for field, key in problems.items():
            slots[field].error(t(key))
        if not problems and run_action(lambda: resources_admin.add_closure(
                claims, new_from, new_to, new_resource or None, new_reason) or True):
            set_flash("res", t("resources.closure_added"))
            st.session_state["closure_round"] = st.session_state.get("closure_round", 0) + 1
            st.rerun()

    # the closures that exist, edited (or deleted) in place; an empty place means the whole space
    closures = resources_admin.closures(claims)
    if not closures.empty:
        st.subheader(t("resources.closure_existing"))
        shown = closures.assign(resource=closures.resource.fillna(whole))
        closures_edited = ui.editor(st,
            shown, key="closure_editor", num_rows="delete", hide_index=True, width="stretch",
            column_order=["starts_on", "ends_on", "resource", "reason"],
            column_config={
                "starts_on": st.column_config.DateColumn(t("resources.col.starts"), required=True, format="DD/MM/YYYY"),
                "ends_on": st.column_config.DateColumn(t("resources.col.ends"), required=True, format="DD/MM/YYYY"),
                "resource": st.column_config.SelectboxColumn(t("resources.col.resource"), options=[whole, *names],
                                                             required=True),
                "reason": st.column_config.TextColumn(t("resources.col.reason"), required=True, max_chars=200),
            })
        closures_edited = closures_edited.assign(resource=closures_edited.resource.replace({whole: None}))
        if st.button(t("resources.save"), type="primary", key="closure_save"):
            _report(run_action(lambda: resources_admin.save_closures(claims, closures_edited, closures)),
                    "closure_editor")
    hits = resources_admin.closure_hits(claims)
    if not hits.empty:
        st.subheader(t("resources.closure_hits"))
        ui.table(st, pd.DataFrame({t("book.day"): [fmt_date(d) for d in hits.day], t("book.resource"): hits.resource,
                                   t("staff.who"): hits.who, t("resources.col.reason"): hits.reason}),
                 hide_index=True, width="stretch")
        asked = st.session_state.get("closure_cancel_ids")
        if not asked:
            if st.button(t("resources.closure_cancel"), key="closure_cancel", help=t("notify.closure_help")):
                # the bookings counted now are the ones cancelled on "yes", whatever changes meanwhile
                st.session_state["closure_cancel_ids"] = hits.id.tolist()
                st.rerun()
        else:
            chosen = hits[hits.id.isin(asked)]
            st.warning(t("resources.closure_confirm", n=len(chosen), people=resources_admin.people_told(chosen)),
                       icon=":material/mail:")
            yes, no = st.columns(2)
            if no.button(t("resources.closure_back"), key="closure_cancel_back", width="stretch"):
                st.session_state.pop("closure_cancel_ids", None)
                st.rerun()
            if yes.button(t("resources.closure_confirm_go"), key="closure_cancel_confirm", type="primary",
                          width="stretch"):
                st.session_state.pop("closure_cancel_ids", None)
                n = run_action(lambda: resources_admin.cancel_bookings(claims, chosen.id.tolist()))
                if n is not None:
                    send_outbox_after("res")
                    set_flash("res", t("resources.cancelled_n", n=n))
                    st.rerun()

with link_tab:
    # what `python -m lib share-link create` offers (purpose, limits), each link's use, and a
    # revoke that asks first (people holding the link can no longer use it; it cannot be undone)
    if new := st.session_state.pop("new_link", None):
        st.success(t("links.created"))
        st.code(f"{_base_address()}/link?t={new}", language=None, wrap_lines=True)
    purpose_names = {p: t(f"links.purpose.{p}") for p in share_links.PURPOSES}
    with st.form("link_new"):
        cols = st.columns([3, 2])
        label = cols[0].text_input(t("links.label"), max_chars=120, key="link_label")
        expires = ui.date(cols[1], t("links.expires"), value=None, min_value=clock.space_today(space.settings()["time_zone"]),
                                     format="DD/MM/YYYY", key="link_expires")
        cols = st.columns(3)
        purpose = ui.select(cols[0], t("links.purpose"), list(purpose_names), format_func=purpose_names.get,
                                    key="link_purpose", placeholder=t("links.purpose"))
        max_day = cols[1].number_input(t("links.max_per_day"), min_value=1, max_value=10000, value=200, step=1,
                                       key="link_max_day")
        max_email = cols[2].number_input(t("links.max_per_email"), min_value=1, max_value=50, value=2, step=1,
                                         key="link_max_email")
        if st.form_submit_button(t("links.create"), type="primary"):
            token = run_action(lambda: share_links.create(claims, label, share_links.end_of_day(expires),
                                                          int(max_day), int(max_email), purpose))
            if token:
                st.session_state["new_link"] = token
                st.rerun()
    links = share_links.list_links(claims)
    for row in links.itertuples():
        with st.container(border=True):
            cols = st.columns([4, 3])
            cols[0].text(row.label)
            expiry = (fmt_date(row.expires_at.date()) if row.expires_at is not None and str(row.expires_at) != "NaT"
                      else t("links.never"))
            cols[0].caption(" · ".join([t(f"links.state.{row.state}"), purpose_names.get(row.purpose, row.purpose),
                                        expiry]))
            cols[1].caption(t("links.usage", n=row.bookings, r=row.registrations))
            cols[1].caption(t("links.limits", day=row.max_per_day, email=row.max_per_email_per_day))
            if row.state != "active":
                continue
            if st.session_state.get("link_revoke") == row.id:
                st.warning(t_md("links.revoke_confirm", label=row.label), icon=":material/warning:")
                bar = st.container(horizontal=True, gap="small")
                if bar.button(t("links.revoke_yes"), key=f"revoke_yes_{row.id}", type="primary"):
                    if run_action(lambda row=row: share_links.revoke(claims, row.id)):
                        st.session_state.pop("link_revoke", None)
                        set_flash("res", t("links.revoked_ok"))
                        st.rerun()
                if bar.button(t("links.keep"), key=f"revoke_no_{row.id}"):
                    st.session_state.pop("link_revoke", None)
                    st.rerun()
            elif st.button(t("links.revoke"), key=f"revoke_{row.id}", icon=":material/link_off:"):
                st.session_state["link_revoke"] = row.id
                st.rerun()
