"""The one notices form: mark one notice (``notice_id``) or all of them as read."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class MarkReadForm(FlaskForm):
    notice_id = HiddenField()

    def chosen_id(self) -> int | None:
        """The notice to mark, None for all; ValueError for anything that is not an id."""
        raw = (self.notice_id.data or "").strip()
        if not raw:
            return None
        if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
            raise ValueError("not an id")
        return int(raw)
