"""Once-per-process work of the app. Plain flags under a lock rather than `st.cache_resource`:
the shell runs again on every rerun, and each cached call hashes its arguments and reads its
function's signature (together 7% of a shared-link rerun under a burst, measured with py-spy)."""

from __future__ import annotations

import atexit
import gc
import logging
import os
import threading
import time
from pathlib import Path

from lib.core import clock, db
from lib.directory import privacy, showcase
from lib.identity.accounts import configured_app_url
from lib.mail import notify, scheduled
from lib.space import space

log = logging.getLogger("cantine.sender")

_lock = threading.Lock()
_described: str | None = None
_next_housekeeping = 0.0

# the outbox sender of this process: a message waits at most about this long
SENDER_INTERVAL = 30.0
# reminders and the weekly digest are queued on the sender's rounds, at most this often
SCHEDULE_INTERVAL = 600.0
_sender: threading.Thread | None = None
_sender_stop = threading.Event()


def database_ready() -> str:
    """Once per process: start the embedded server if it is the one and apply migrations. (Demo
    data for a first run is loaded by run.sh, through the command line, before the app starts.)"""
    global _described
    started = False
    if _described is None:
        with _lock:
            if _described is None:
                db.migrate()
                _described = db.describe()
                started = True
                # Everything loaded so far (modules, settings, pools) lives as long as the
                # process: keep it out of the garbage collector's full passes, which otherwise
                # walk it all and pause every visitor's rerun (the tail of bench/link_burst.py).
                gc.freeze()
    if started:  # outside the lock: start_sender takes it
        start_sender()
    return _described


def daily_housekeeping() -> None:
    """At most once a day per process: profiles unused and not updated for the configured months
    fall back to hidden (their owners are told on next sign-in)."""
    global _next_housekeeping
    if time.monotonic() < _next_housekeeping:
        return
    with _lock:
        if time.monotonic() < _next_housekeeping:
            return
        _next_housekeeping = time.monotonic() + 24 * 3600
    try:
        privacy.hide_stale_profiles(db.OWNER)
    except Exception:  # housekeeping must never stop a page; it runs again tomorrow
        pass


# The agenda's .ics feed (issue #17): Streamlit answers no URL with text/calendar itself, so the
# file is written where its static serving (server.enableStaticServing) serves it, at
# /app/static/agenda.ics. Checked at most once a minute per process: rewritten when the public
# face's version moved (an event or a speaker changed) and every 10 minutes (events end).
STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
FEED_CHECK_SECONDS = 60.0
FEED_REWRITE_SECONDS = 600.0
_feed_state = {"next_check": 0.0, "version": None, "written": 0.0}


def refresh_public_feed(folder: Path = STATIC_DIR) -> bool:
    """Write the agenda's feed when it may have changed; returns True when it wrote it."""
    now = time.monotonic()
    if now < _feed_state["next_check"]:
        return False
    with _lock:
        if now < _feed_state["next_check"]:
            return False
        _feed_state["next_check"] = now + FEED_CHECK_SECONDS
    try:
        current = showcase.version(db.ANONYMOUS)
        if current == _feed_state["version"] and now - _feed_state["written"] < FEED_REWRITE_SECONDS:
            return False
        showcase.write_feed(db.ANONYMOUS, folder, space.settings()["space_name"], configured_app_url())
        _feed_state.update(version=current, written=now)
        return True
    except Exception:  # a feed is not worth a broken page; the next check tries again
        log.exception("public feed: not written")
        return False


def sender_wanted() -> bool:
    """`CANTINE_SENDER=off` keeps this process from sending (tests; a deployment whose cron runs
    `python -m lib notify send` instead)."""
    return os.environ.get("CANTINE_SENDER", "on").strip().lower() not in ("off", "0", "no", "false")


def start_sender(interval: float = SENDER_INTERVAL) -> bool:
    """Once per process: a daemon thread that sends what the outbox holds every `interval`
    seconds, so nothing waits for a page to be opened. Several processes may each run one:
    `send_pending` claims each message with `skip locked`, so none is sent twice. Returns True
    when it started one."""
    global _sender
    if not sender_wanted():
        return False
    with _lock:
        if _sender is not None and _sender.is_alive():
            return False
        _sender_stop.clear()
        _sender = threading.Thread(target=_send_loop, args=(interval,), name="cantine-sender", daemon=True)
        _sender.start()
    return True


def stop_sender(timeout: float = 15.0) -> None:
    """Stop the sender after the message it is sending, if any (at exit, and in tests)."""
    global _sender
    _sender_stop.set()
    thread = _sender
    if thread is not None and thread is not threading.current_thread():
        thread.join(timeout)
    _sender = None


atexit.register(stop_sender)


def _send_loop(interval: float) -> None:
    next_schedule = 0.0
    while not _sender_stop.is_set():
        try:
            if notify.smtp_settings() is not None and time.monotonic() >= next_schedule:
                next_schedule = time.monotonic() + SCHEDULE_INTERVAL
                local_now = clock.local_now(space.settings()["time_zone"])
                queued = scheduled.queue_due(db.OWNER, local_now)
                if queued:
                    log.info("sender: queued %d reminders and digests", queued)
            settings = notify.smtp_settings()  # read right before sending: what is configured now
            if settings is not None:  # without a mail server, messages simply wait
                result = notify.send_pending(settings=settings)
                if result.sent or result.failed:
                    log.info("sender: %d sent, %d given up, %d waiting", result.sent, result.failed, result.waiting)
                if result.server_down:
                    log.warning("sender: mail server unreachable (%s); %d waiting", result.error, result.waiting)
        except Exception:  # never take the app down: the outbox keeps everything for the next round
            log.exception("sender: round failed; retrying in %.0f s", interval)
        _sender_stop.wait(interval)
