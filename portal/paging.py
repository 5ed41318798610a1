"""Keyset paging shared by every list page: reading the cursor from the query string."""

from __future__ import annotations

from flask import request


def int_arg(name: str) -> int | None:
    """A whole-number query argument (a page cursor, a year), or None when absent or not one."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else None
