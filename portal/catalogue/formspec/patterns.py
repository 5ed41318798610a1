"""The admin-written regular expression a text field may carry (``FieldSpec.pattern``): whether
it can be used at all (checked when the form is published) and whether an answer matches it.
Every use of a field's pattern goes through these two functions."""

from __future__ import annotations

import re


def pattern_problem(pattern: object) -> str | None:
    """Why ``pattern`` cannot be used, or None when it can."""
    try:
        re.compile(pattern)  # type: ignore[call-overload]
    except (re.error, TypeError) as exc:
        return f"pattern does not compile ({exc})"
    return None


def pattern_matches(pattern: str, text: str) -> bool:
    """Whether the whole of ``text`` matches; a pattern that does not compile matches nothing."""
    try:
        return re.fullmatch(pattern, text) is not None
    except re.error:
        return False
