"""Values that come from a URL, parsed once and bounded: ids in paths (the ``<id:...>``
converter), dates in filters, ids inside keyset cursors (integers in query strings:
portal.paging.int_arg, built on these bounds).

Every id column is an INTEGER (32-bit signed on PostgreSQL, and SQLite refuses Python ints
past 64 bits), so a number outside 1..MAX_ID can never name a row: it is refused here, as a 404
for a path or as "no such filter" for a query value, before it reaches the database. Dates are
kept between MIN_DATE and MAX_DATE so that the day after the end of a range, or a time zone
shift, can never leave Python's calendar.
"""

from __future__ import annotations

import re
from datetime import date

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BaseConverter, ValidationError
from wtforms import DateField

MAX_ID = 2**31 - 1
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)

_ASCII_INT = re.compile(r"[0-9]{1,10}")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def to_id(value: object) -> int:
    """An id from a URL or a cursor: ASCII digits (or an int) in 1..MAX_ID; else ValueError."""
    if isinstance(value, bool):
        raise ValueError("id")
    if isinstance(value, str):
        if not _ASCII_INT.fullmatch(value):
            raise ValueError("id")
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise ValueError("id")
    return value


class IdConverter(BaseConverter):
    """``<id:name>``: a row id. Anything else (unicode digits, zero, past MAX_ID) is a 404."""

    regex = r"[0-9]{1,19}"
    part_isolating = True
    weight = 50  # like Werkzeug's int: /permits/<id:...> is tried before /permits/<slug>

    def to_python(self, value: str) -> int:
        try:
            return to_id(value)
        except ValueError:
            raise ValidationError() from None

    def to_url(self, value) -> str:
        return str(int(value))


def parse_date(text: str) -> date:
    """YYYY-MM-DD (ASCII) between MIN_DATE and MAX_DATE; ValueError for anything else."""
    match = _ISO_DATE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError("date")
    value = date(*(int(part) for part in match.groups()))
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError("date")
    return value


class FilterDateField(DateField):
    """A date in a filter form, read with parse_date (so 9999-12-31 or 0000-00-00 is a form
    error like any other malformed date, never an overflow later)."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0]:
            self.data = None
            return
        try:
            self.data = parse_date(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(
                _l("Enter a date between 1900 and 2999 as year-month-day, for example 2026-01-31.")
            ) from None


def init_app(app: Flask) -> None:
    """Register the converters; must run before the blueprints add their rules."""
    app.url_map.converters["id"] = IdConverter
