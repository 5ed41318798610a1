"""Whether a logged-in person keeps the stage panel ("Watch how") open or closed (issue 14):
one choice per person, for every stage. Anonymous visitors' choice stays in their browser
(tutorials.js, localStorage); nothing is stored for them here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import utcnow
from portal.extensions import db


class TutorialPanelPreference(db.Model):
    __tablename__ = "tutorial_panel_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    panel_open: Mapped[bool] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def panel_open(user_id: int | None) -> bool | None:
    """The person's choice; None when they have not chosen (or are not logged in)."""
    if user_id is None:
        return None
    return db.session.scalar(
        select(TutorialPanelPreference.panel_open).where(TutorialPanelPreference.user_id == user_id)
    )


def set_panel_open(user_id: int, is_open: bool) -> TutorialPanelPreference:
    """Remember the choice (flushes; the request commits)."""
    row = db.session.get(TutorialPanelPreference, user_id)
    if row is None:
        row = TutorialPanelPreference(user_id=user_id, panel_open=is_open)
        db.session.add(row)
    row.panel_open = is_open
    db.session.flush()
    return row
