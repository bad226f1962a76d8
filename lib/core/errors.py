"""Turning what went wrong into a sentence a person can act on.

The database raises either our own codes (`raise exception 'booking.taken'`: the message is an
i18n key, the hint optional JSON parameters) or standard violations, which we map by
constraint name (`db.<constraint>`), then by SQLSTATE. Pages show `user_message(exc)`; no
traceback reaches a page.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

import psycopg
from psycopg import errors as pgerr

from lib.core.db import DatabaseBusy
from lib.core.i18n import fmt_date, has, t

log = logging.getLogger("cantine")


class UserError(Exception):
    """A refusal to show as is: `key` is an i18n key, `params` fill it in."""

    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **_readable(self.params, lang))


def _readable(params: dict[str, object], lang: str | None) -> dict[str, object]:
    """A refusal's `day` as the database gives it (ISO, the space's local day) is written for
    the reader (`12 mars 2026` / `12 March 2026`): never an ISO date inside a sentence. (Older
    refusals pass `date` as ISO text and tests read it so; they may move to `day`.)"""
    value = params.get("day")
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return {**params, "day": fmt_date(dt.date.fromisoformat(value), "long", lang)}
        except ValueError:
            return params
    return params


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _as_date(value: object) -> object:
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def from_db_error(exc: psycopg.Error) -> UserError:
    """Map a database error to a UserError (an unexpected one is logged, not shown)."""
    diag = exc.diag
    primary = (diag.message_primary or "").strip()
    if exc.sqlstate == "P0001" and has(primary):
        params: dict[str, object] = {}
        if diag.message_hint and diag.message_hint.startswith("{"):
            try:
                params = json.loads(diag.message_hint)
            except ValueError:
                params = {}
        # a day the database quotes (`to_char(…, 'YYYY-MM-DD')`) is written for the reader
        # ("30 novembre 2026"), never as ISO inside a sentence: t() formats dates
        params = {k: _as_date(v) for k, v in params.items()}
        return UserError(primary, **params)
    constraint = diag.constraint_name
    if constraint and has(f"db.{constraint}"):
        return UserError(f"db.{constraint}")
    if isinstance(exc, pgerr.InsufficientPrivilege):
        return UserError("db.permission_denied")
    if isinstance(exc, pgerr.CheckViolation):
        return UserError("db.check_violation", detail=constraint or primary)
    if isinstance(exc, pgerr.LockNotAvailable | pgerr.QueryCanceled | DatabaseBusy):
        # private.lock gave up waiting (55P03), or a statement limit fired (57014, Supabase's
        # per-role statement_timeout), or every pooled connection stayed in use: the database is
        # busy, not down
        return UserError("app.busy")
    if isinstance(exc, psycopg.OperationalError):
        log.warning("database unreachable: %s", exc)
        return UserError("app.db_unreachable")
    log.exception("unexpected database error", exc_info=exc)
    return UserError("app.unexpected")


def user_message(exc: BaseException, lang: str | None = None) -> str:
    """What to tell the person, whatever `exc` is."""
    if isinstance(exc, UserError):
        return exc.message(lang)
    if isinstance(exc, psycopg.Error):
        return from_db_error(exc).message(lang)
    log.exception("unexpected error", exc_info=exc)
    return t("app.unexpected", lang)
