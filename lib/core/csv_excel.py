"""CSV files that Excel opens correctly in French: UTF-8 with a BOM (or Excel guesses
Windows-1252 and breaks accents), semicolons (a French Excel splits on them, not on commas; an
English file keeps commas), CRLF line ends. Every export of Cantine goes through `to_csv`.

Cells are neutralised against formula injection (OWASP "CSV injection"): a cell starting with
= + - @ tab or carriage return gets a leading apostrophe, so `=HYPERLINK(…)` typed into a
profile shows as text instead of running. The members import removes that apostrophe again, so
an export re-imports unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# a negative number ("-4,50", "-12.5") is left as it is: it cannot run, and a spreadsheet must
# read it as a number (a refund in the treasurer's export adds up with the payments)
_NEGATIVE_NUMBER = re.compile(r"-\d+(?:[.,]\d+)?")


def safe_cell(value: Any) -> str:
    """A value as a spreadsheet cell that can never be read as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    if text.startswith(FORMULA_START) and not _NEGATIVE_NUMBER.fullmatch(text):
        return "'" + text
    return text


def to_csv(header: list[str], rows: list[list[Any]], lang: str = "fr") -> bytes:
    """Rows as CSV bytes for Excel in `lang`'s region: French gets semicolons, English commas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if lang == "fr" else ",", lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def local_time(value: dt.datetime | None, time_zone: str) -> str:
    """An instant as the space's clock showed it, `2026-07-01 09:30`: what a French or English
    Excel reads as a date and time (an ISO instant with `+00:00` stays text, and UTC is an hour
    or two off for the reader)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value.astimezone(ZoneInfo(time_zone)).strftime("%Y-%m-%d %H:%M")


def decimal(value: float | Decimal | None, lang: str, digits: int = 4) -> str:
    """A number rounded to `digits` places, without trailing zeros, with the decimal comma a
    French Excel expects (`31,5`, not `31.5000`)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{round(float(value), digits):.{digits}f}".rstrip("0").rstrip(".") if digits else f"{round(float(value))}"
    text = "0" if text == "-0" else text
    return text.replace(".", ",") if lang == "fr" else text
