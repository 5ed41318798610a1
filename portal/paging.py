"""Keyset paging shared by every list page: reading the cursor from the query string, and
fetching one page with the cursor of the next (never OFFSET: a page costs the same however far
into the list it is)."""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from flask import request
from sqlalchemy import Select

from portal.extensions import db
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


def fetch_page(
    stmt: Select, size: int, *, cursor: Callable[[Any], Any] = attrgetter("id"), unique: bool = False
) -> tuple[list[Any], Any]:
    """One page of keyset paging: ``stmt`` is already filtered past the previous page's cursor
    and ordered; one row more than ``size`` is read to know whether a next page exists.
    Returns the page's rows and the cursor of the next page (``cursor`` of the last row), or
    None on the last page. ``unique`` for statements that join-load collections."""
    result = db.session.scalars(stmt.limit(size + 1))
    rows = list(result.unique() if unique else result)
    more = len(rows) > size
    rows = rows[:size]
    return rows, (cursor(rows[-1]) if more and rows else None)
