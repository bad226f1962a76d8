"""French and English: `t(key, **params)` and locale-aware dates, times, numbers and money.

Strings live in `lib/core/strings/<area>.py`, each module a `STRINGS = {"key": ("français", "English")}`,
so every key exists in both languages by construction. Formatting uses Babel, never
`locale.setlocale` (process-wide, and this process serves every visitor at once).
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

import lib.core.strings as pkg

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


@lru_cache(maxsize=1)
def catalogue() -> dict[str, tuple[str, str]]:
    """Every string of every `lib/strings` module; a key defined twice is an error."""
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"lib.core.strings.{info.name}")
        for key, pair in module.STRINGS.items():
            if key in merged:
                raise KeyError(f"string {key!r} is defined twice (second time in lib/core/strings/{info.name}.py)")
            merged[key] = pair
    return merged


def _no_session_language() -> str | None:
    return None


# Where the visitor's chosen language comes from. Core knows no browser session: the web layer
# plugs its reader in when it is imported (lib/web/__init__.py); the command line and tests of
# lib keep this one, and get the default language.
_session_language: Callable[[], str | None] = _no_session_language


def read_session_language_with(reader: Callable[[], str | None]) -> None:
    """Install the function that says which language this session chose (None: no choice)."""
    global _session_language
    _session_language = reader


def current_language() -> str:
    """The visitor's language: their choice in this session, else the default."""
    try:
        lang = _session_language()
    except Exception:  # outside a Streamlit run (command line, tests of lib)
        lang = None
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def has(key: str) -> bool:
    return key in catalogue()


def t(key: str, lang: str | None = None, **params: object) -> str:
    """The sentence for `key` in `lang` (default: the visitor's), with `{params}` filled in.
    An unknown key shows itself rather than failing, so a page never breaks on a missing string."""
    lang = lang or current_language()
    pair = catalogue().get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "fr" else pair[1]
    if params:
        text = plural(text, lang, params)
        # a day inside a sentence is written as people read it ("30 novembre 2026"), not ISO
        params = {k: (fmt_date(v, "long", lang) if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else v)
                  for k, v in params.items()}
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


# `{n:poste|postes}` in a sentence: the form for `n` in the sentence's language, so the catalogue
# says "1 poste libre", "7 postes libres" instead of "7 poste(s) libre(s)". French counts 0 and 1
# as singular, English only 1 (Babel's plural rules, CLDR).
_PLURAL = re.compile(r"\{(\w+):([^{}|]*)\|([^{}|]*)\}")


def plural(text: str, lang: str, params: dict[str, object]) -> str:
    """`text` with each `{name:one|other}` replaced by the form that `params[name]` takes."""
    def form(match: re.Match) -> str:
        value = params.get(match.group(1))
        if not isinstance(value, int | float | Decimal):
            return match.group(3)
        return match.group(2) if _plural_category(abs(value), lang) == "one" else match.group(3)

    return _PLURAL.sub(form, text) if "|" in text else text


def _plural_category(value: int | float | Decimal, lang: str) -> str:
    return Locale.parse(_LOCALES.get(lang, _LOCALES[DEFAULT_LANGUAGE])).plural_form(value)


def babel_locale(lang: str | None = None) -> str:
    return _LOCALES[lang or current_language()]


def fmt_date(value: dt.date, fmt: str = "medium", lang: str | None = None) -> str:
    """`12 mars 2026` / `12 Mar 2026`; fmt may be short, medium, long, full or a Babel pattern."""
    return _format_date(value, value.isoformat(), fmt, babel_locale(lang))


def fmt_time(value: dt.time | dt.datetime, lang: str | None = None) -> str:
    """Times of day as people in the space read them: 24-hour in both languages."""
    return _format_time(value, value.isoformat(), babel_locale(lang))


# Babel takes about 50 µs a date or time, and pages format the same ones on every rerun (a
# programme's 58 events, twice: a tenth of the team's events page). Remembered by value *and*
# its ISO text: two aware datetimes of the same instant in different zones are equal, but are
# not written the same.
@lru_cache(maxsize=8192)
def _format_date(value: dt.date, _iso: str, fmt: str, locale: str) -> str:
    return babel_dates.format_date(value, format=fmt, locale=locale)


@lru_cache(maxsize=8192)
def _format_time(value: dt.time | dt.datetime, _iso: str, locale: str) -> str:
    return babel_dates.format_time(value, format="HH:mm", locale=locale)


def fmt_datetime(value: dt.datetime, tz: str | None = None, lang: str | None = None) -> str:
    """Date and time in the space's time zone."""
    if tz and value.tzinfo is not None:
        from zoneinfo import ZoneInfo

        value = value.astimezone(ZoneInfo(tz))
    return f"{fmt_date(value.date(), 'medium', lang)} {fmt_time(value, lang)}"


def fmt_number(value: float | int | Decimal, lang: str | None = None, digits: int | None = None) -> str:
    if digits is not None:
        return babel_numbers.format_decimal(value, format=f"#,##0.{'0' * digits}" if digits else "#,##0",
                                            locale=babel_locale(lang))
    return babel_numbers.format_decimal(value, locale=babel_locale(lang))


def fmt_percent(value: float, lang: str | None = None) -> str:
    return babel_numbers.format_percent(value, locale=babel_locale(lang))


def fmt_money(cents: int, lang: str | None = None, currency: str = "EUR") -> str:
    """`12,50 €` / `€12.50` from integer cents."""
    return _format_money(int(cents), currency, babel_locale(lang))


# Babel takes about 60 µs an amount; a month of payments repeats a few prices hundreds of times
# (the treasurer's list of 900 payments spent 60 ms a rerun formatting them).
@lru_cache(maxsize=8192)
def _format_money(cents: int, currency: str, locale: str) -> str:
    return babel_numbers.format_currency(Decimal(cents) / 100, currency, locale=locale)


def weekday_name(iso_weekday: int, lang: str | None = None, width: str = "wide") -> str:
    names = babel_dates.get_day_names(width, locale=babel_locale(lang))
    return names[iso_weekday - 1]  # Babel: 0 = Monday
