"""Cancel and notify on the pages (AppTest): the settings page's E-mail section in French and
English, the closure button of the resources page, and the staff day's cancel, each with and
without SMTP settings."""

from __future__ import annotations

from lib.booking import bookings
from lib.core import db
from tests.conftest import app_as, shown
from tests.mail.conftest import free_port
from tests.mail.test_notify import ALICE, BOB, BOSS, HOST, book, claims, outbox

# the fixtures of tests/mail/test_notify.py, shared


def _queue_two(space: dict) -> None:
    for who, desk in ((ALICE, 0), (BOB, 1)):
        row = book(space, who, "am", desk=desk)
        bookings.cancel(claims(HOST), row["id"])


def _texts(at) -> str:
    return "\n".join([e.value for e in at.caption] + [e.value for e in at.text] + [e.value for e in at.warning]
                     + [e.value for e in at.success] + [e.value for e in at.error])


def test_settings_email_section_in_english_sends_now_and_a_test(space, smtp_server):
    _queue_two(space)
    at = app_as(BOSS, "views/settings.py", lang="en")
    assert not at.exception
    assert "E-mail" in [h.value for h in at.subheader]
    assert f"E-mails are sent through 127.0.0.1:{smtp_server.port}, from Cantine <noreply@cantine.test>." \
        in shown(_texts(at))
    assert "Waiting: 2 · Failed: 0 · Sent: 0" in _texts(at)
    at.button(key="notify_send").click().run()
    assert not at.exception
    assert "2 people notified by e-mail." in [s.value for s in at.success]
    assert "Waiting: 0 · Failed: 0 · Sent: 2" in _texts(at)
    at.button(key="notify_test").click().run()
    assert "Test e-mail sent to boss@example.org." in [shown(s.value) for s in at.success]
    test_mail, = smtp_server.to(BOSS)
    assert test_mail["Subject"] == "Cantine: test e-mail" and "La Cantine" in test_mail.get_content()
    assert len(smtp_server.received) == 3


def test_settings_email_section_in_french_without_smtp(space, no_smtp):
    _queue_two(space)
    at = app_as(BOSS, "views/settings.py", lang="fr")
    assert not at.exception
    assert ("L'envoi d'e-mails n'est pas configuré : les messages attendent dans la boîte d'envoi "
            "(voir le README, Configuration).") in [w.value for w in at.warning]
    assert "En attente : 2 · En échec : 0 · Envoyés : 0" in _texts(at)
    assert at.button(key="notify_send").disabled and at.button(key="notify_test").disabled
    assert at.button(key="notify_send").label == "Envoyer maintenant"
    assert at.button(key="notify_test").label == "M'envoyer un e-mail de test"


def test_settings_test_mail_failure_is_explained(space, smtp_server, monkeypatch):
    at = app_as(BOSS, "views/settings.py", lang="en")
    monkeypatch.setenv("CANTINE_SMTP_PORT", str(free_port()))
    at.button(key="notify_test").click().run()
    assert not at.exception
    assert any(e.value.startswith("The test e-mail was not sent: ConnectionRefusedError") for e in at.error)


def _closure_on(space: dict) -> None:
    with db.as_owner() as conn:
        conn.execute("insert into public.closures (starts_on, ends_on, reason) values (%s, %s, 'Inventaire')",
                     (space["day"], space["day"]))


def test_closure_cancel_notifies_and_says_so(space, smtp_server):
    book(space, ALICE, "am")
    book(space, BOB, "pm", desk=1)
    _closure_on(space)
    at = app_as(BOSS, "views/resources.py", lang="en")
    button = at.button(key="closure_cancel")
    assert button.help == "The people concerned are told by e-mail."
    button.click().run()
    at.button(key="closure_cancel_confirm").click().run()  # it asks first (tests/booking/test_closure_form.py)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "2 people notified by e-mail." in [s.value for s in at.success]
    assert sorted(r["to_email"] for r in outbox()) == [ALICE, BOB]
    assert "Closed that day: Inventaire." in smtp_server.to(ALICE)[0].get_body(("plain",)).get_content()


def test_closure_cancel_without_smtp_says_messages_wait(space, no_smtp):
    book(space, ALICE, "am")
    _closure_on(space)
    at = app_as(BOSS, "views/resources.py", lang="fr")
    at.button(key="closure_cancel").click().run()
    at.button(key="closure_cancel_confirm").click().run()
    assert not at.exception
    assert ("1 message en attente dans la boîte d'envoi : l'envoi d'e-mails n'est pas configuré "
            "(voir le README, Configuration).") in [w.value for w in at.warning]
    assert [r["status"] for r in outbox()] == ["pending"]


def test_staff_day_cancel_notifies_the_member(space, smtp_server):
    made = book(space, ALICE, "am")
    at = app_as(HOST, "views/staff_day.py", lang="en")
    at.date_input(key="staff_day").set_value(space["day"]).run()
    at.button(key=f"staff_x_{made['id']}").click().run()  # cancel asks first
    at.button(key=f"staff_x_yes_{made['id']}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "1 person notified by e-mail." in [s.value for s in at.success]
    english, = smtp_server.to(ALICE)
    assert english["Subject"].startswith("Booking cancelled: D01")


def test_the_deactivation_choice_says_cancel_and_notify(space):
    at = app_as(BOSS, None, lang="en")
    at.session_state["res_needs"] = [{"id": space["desks"][0], "name": "D01", "count": 2}]
    at.switch_page("views/resources.py")
    at.run()
    assert not at.exception
    radio = at.radio(key="res_future")
    assert radio.options == ["Cancel them and notify the people by e-mail", "Keep them"]  # as shown
