"""Members choose the optional messages they receive (issue #11): on their account page, for
themselves only; nobody changes someone else's choice, not even through the REST API."""

from __future__ import annotations

import psycopg
import pytest

from lib.core import db
from lib.core.i18n import t
from lib.mail import scheduled
from tests.conftest import app_as, authenticate_as, claims
from tests.mail.conftest import ALICE, BOB, BOSS, HOST


def _declined(email: str) -> list[str]:
    with db.as_owner() as conn:
        return list(conn.execute("select email_opt_out from public.members where email = %s",
                                 (email,)).fetchone()["email_opt_out"])


def _boxes(at) -> dict[str, object]:
    return {c.key.removeprefix("optional_"): c for c in at.checkbox if (c.key or "").startswith("optional_")}


def test_a_member_declines_reminders_on_their_account_page(space):
    at = app_as(ALICE, page="views/account.py", lang="en")
    assert not at.exception, at.exception
    assert t("notify.optional.title", "en") in [h.value for h in at.subheader]
    boxes = _boxes(at)
    # a member is offered the reminders, not the team's digest; all on by default
    assert set(boxes) == {"booking_reminder", "event_reminder"} and all(b.value for b in boxes.values())
    boxes["booking_reminder"].uncheck()
    next(b for b in at.button if b.label == t("notify.optional.save", "en")).click().run()
    assert t("notify.optional.saved", "en") in [s.value for s in at.success]
    assert _declined(ALICE) == ["booking_reminder"]
    assert _declined(BOB) == []
    assert _boxes(at)["booking_reminder"].value is False  # the page shows the saved choice

    staff = app_as(HOST, page="views/account.py", lang="fr")
    assert set(_boxes(staff)) == {"booking_reminder", "event_reminder", "team_digest"}


def test_nobody_changes_another_members_choice(space):
    scheduled.set_email_opt_out(claims(BOB), ["event_reminder"])
    assert _declined(BOB) == ["event_reminder"] and _declined(ALICE) == []
    # another member does not even see Alice's row
    with authenticate_as(BOB) as conn:
        done = conn.execute("update public.members set email_opt_out = '{booking_reminder}' where email = %s",
                            (ALICE,)).rowcount
    assert done == 0
    # the policy lets staff and admins update members, but not this column; nor Alice herself
    # directly (REST): only through set_email_opt_out, for herself
    for who in (HOST, BOSS, ALICE):
        with authenticate_as(who) as conn, pytest.raises(psycopg.errors.RaiseException) as refused:
            conn.execute("update public.members set email_opt_out = '{booking_reminder}' where email = %s", (ALICE,))
        assert refused.value.diag.message_primary == "notify.opt_out_own"
    # other columns of one's own row still change as before
    with authenticate_as(ALICE) as conn:
        assert conn.execute("update public.members set bio = 'Hello' where email = %s", (ALICE,)).rowcount == 1
    with authenticate_as(ALICE) as conn, pytest.raises(psycopg.errors.RaiseException) as refused:
        conn.execute("select public.set_email_opt_out(array['spam'])")
    assert refused.value.diag.message_primary == "notify.opt_out_unknown"
    with db.as_anon() as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select public.set_email_opt_out(array['booking_reminder'])")
    assert _declined(ALICE) == [] and _declined(BOB) == ["event_reminder"]
    assert scheduled.set_email_opt_out(claims(ALICE), ["event_reminder", "booking_reminder", "event_reminder"]) == [
        "booking_reminder", "event_reminder"]
