"""The office's holidays: days it is closed besides weekends."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class Holiday(db.Model):
    """A day the office is closed besides weekends (national holidays, joint leave)."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default="national")  # national | joint_leave | local
