"""Consent and portability: every change of visibility is kept with its date and why; stale
profiles fall back to hidden and the member is told once; a member downloads all their data."""

import json

from lib.core import db
from lib.directory import members, privacy
from lib.identity.auth import person_for_user
from tests.conftest import DEMO, app_as, user_id_of


def _person(role: str):
    return person_for_user(user_id_of(DEMO[role]))


def _age(email: str, months: int) -> None:
    """Make a profile look untouched and unused for `months` (triggers would date it today)."""
    with db.as_owner() as conn:
        conn.execute("set local session_replication_role = replica")
        conn.execute("update public.members set updated_at = now() - make_interval(months => %s),"
                     " visibility_changed_at = now() - make_interval(months => %s) where email = %s",
                     (months, months, email))
        conn.execute("update auth.users set last_sign_in_at = now() - make_interval(months => %s)"
                     " where lower(email) = lower(%s)", (months, email))


def test_every_visibility_change_is_dated_with_its_reason(demo_db):
    me = _person("member")
    base = members.my_profile(me.claims())
    for visibility, contact in (("public", True), ("members", True)):
        members.save_profile(me.claims(), members.ProfileInput(
            full_name=base["full_name"], visibility=visibility, contact_allowed=contact))
    admin = _person("admin")
    with db.as_user(admin.claims()) as conn:  # moderation: an admin may hide a profile (never publish it)
        conn.execute("update public.members set visibility = 'hidden' where id = %s", (me.member_id,))
    history = privacy.consent_history(me.claims())
    assert [(h["visibility"], h["contact_allowed"], h["reason"]) for h in history][-3:] == [
        ("public", True, "choice"), ("members", True, "choice"), ("hidden", True, "admin")]
    assert all(h["changed_at"] for h in history)
    assert history == privacy.consent_history(admin.claims(), me.member_id), "admins read it too"
    members.save_profile(me.claims(), members.ProfileInput(full_name=base["full_name"], visibility="hidden",
                                                           contact_allowed=True, bio="no consent change"))
    assert len(privacy.consent_history(me.claims())) == len(history), "other edits do not add consent entries"


def test_stale_profiles_fall_back_to_hidden_and_the_member_is_told_once(demo_db):
    me = _person("member")
    _age(DEMO["member"], 13)
    _age(DEMO["staff"], 11)  # under the default 12 months: stays
    hidden = privacy.hide_stale_profiles(_person("admin").claims())
    assert hidden >= 1
    with db.as_owner() as conn:
        rows = {r["email"]: r for r in conn.execute(
            "select email::text as email, visibility, stale_hidden_at from public.members where email = any(%s)",
            ([DEMO["member"], DEMO["staff"]],))}
    assert rows[DEMO["member"]]["visibility"] == "hidden" and rows[DEMO["member"]]["stale_hidden_at"]
    assert rows[DEMO["staff"]]["visibility"] == "members" and rows[DEMO["staff"]]["stale_hidden_at"] is None
    assert privacy.consent_history(me.claims())[-1]["reason"] == "stale"
    assert privacy.stale_notice(me.claims()) is not None

    at = app_as(DEMO["member"], "views/profile.py", lang="en")
    assert any("hidden from the directory" in w.value for w in at.warning), "told on the profile page"
    at.button(key="pf_stale_ok").click()
    at.run()
    assert privacy.stale_notice(me.claims()) is None, "told once"
    assert privacy.hide_stale_profiles(db.OWNER) == 0, "a second run finds nothing more"


def test_stale_months_come_from_the_settings(demo_db):
    _age(DEMO["staff"], 4)
    with db.as_owner() as conn:
        conn.execute("update public.settings set profile_stale_months = 3")
    assert privacy.hide_stale_profiles(db.OWNER) >= 1
    with db.as_owner() as conn:
        assert conn.execute("select visibility from public.members where email = %s",
                            (DEMO["staff"],)).fetchone()["visibility"] == "hidden"


def test_my_data_holds_everything_about_me_and_nothing_about_others(demo_db):
    me = _person("member")
    members.save_profile(me.claims(), members.ProfileInput(
        full_name="Alex Membre", company="Studio Test", skills={"Rust": "expert"}, wanted=["Go"],
        visibility="members", links={"github": "https://github.com/alex"}))
    data = json.loads(privacy.my_data_json(me.claims()))
    assert data["profile"]["email"] == DEMO["member"] and data["profile"]["company"] == "Studio Test"
    assert data["skills"][0]["skill"] == "Rust" and data["skills"][0]["level"] == "expert"
    assert [w["skill"] for w in data["wanted_skills"]] == ["Go"]
    assert data["consent_history"][-1]["visibility"] == "members"
    assert data["bookings"], "bookings are part of my data"
    assert {b["member_id"] for b in data["bookings"]} == {me.member_id}
    assert "token_hash" not in data["bookings"][0], "secrets are not data about me"
    text = json.dumps(data)
    assert DEMO["admin"] not in text and DEMO["staff"] not in text


def test_profile_page_offers_the_download(demo_db):
    at = app_as(DEMO["member"], "views/profile.py", lang="fr")
    assert not at.exception
    assert at.get("download_button"), "the JSON download is on the profile page"


def test_hide_stale_profiles_command(demo_db):
    import subprocess
    import sys
    from pathlib import Path

    _age(DEMO["member"], 13)
    done = subprocess.run([sys.executable, "-m", "lib", "hide-stale-profiles"], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert done.returncode == 0, done.stderr
    assert "1 stale profile(s) hidden" in done.stdout
    with db.as_owner() as conn:
        assert conn.execute("select visibility from public.members where email = %s",
                            (DEMO["member"],)).fetchone()["visibility"] == "hidden"
