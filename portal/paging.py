"""Keyset paging shared by every list page: reading the cursor from the query string."""

from __future__ import annotations

import re

from flask import request

from portal.params import MAX_DATE, MAX_ID, MIN_DATE

_ASCII_INT = re.compile(r"[0-9]{1,10}")


def int_arg(name: str, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """A whole-number query argument (a page cursor, an id filter) in minimum..maximum, ASCII
    digits only; None when absent or not one (the list then starts from its first page). A
    value no row can have (past MAX_ID) never reaches the database."""
    value = request.args.get(name, "")
    if not _ASCII_INT.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def year_arg(name: str) -> int | None:
    """A year in the query string, within the dates the portal accepts, or None."""
    return int_arg(name, minimum=MIN_DATE.year, maximum=MAX_DATE.year)
