"""The Mal Pelayanan Publik's directory: the agencies that serve at the mall (Dukcapil, BPJS,
Samsat, the tax office, ...), their opening hours per weekday and the services each offers at
its counters."""

from __future__ import annotations

from datetime import time

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import TimestampMixin
from portal.extensions import db


class Agency(TimestampMixin, db.Model):
    __tablename__ = "mall_agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    summary_id: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    counters: Mapped[str] = mapped_column(String(80), default="")  # "A1-A3": where it sits
    phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(300), default="")  # https only (portal.weblinks)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)

    hours: Mapped[list[OpeningHours]] = relationship(
        back_populates="agency", cascade="all, delete-orphan", order_by="OpeningHours.weekday"
    )
    services: Mapped[list[AgencyService]] = relationship(
        back_populates="agency",
        cascade="all, delete-orphan",
        order_by="(AgencyService.position, AgencyService.id)",
    )


class OpeningHours(db.Model):
    """When an agency's counters are open on one weekday (0 = Monday); no row: closed that day."""

    __tablename__ = "mall_opening_hours"
    __table_args__ = (
        UniqueConstraint("agency_id", "weekday"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="ck_mall_opening_hours_weekday"),
        CheckConstraint("closes > opens", name="ck_mall_opening_hours_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("mall_agencies.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(SmallInteger)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)

    agency: Mapped[Agency] = relationship(back_populates="hours")


class AgencyService(TimestampMixin, db.Model):
    """One service an agency offers at the mall: its counter, what to bring (one item a line)
    and a link to the agency's own page about it."""

    __tablename__ = "mall_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("mall_agencies.id", ondelete="CASCADE"), index=True)
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    requirements_id: Mapped[str] = mapped_column(Text, default="")
    requirements_en: Mapped[str] = mapped_column(Text, default="")
    counter: Mapped[str] = mapped_column(String(40), default="")
    link: Mapped[str] = mapped_column(String(300), default="")  # https only
    keywords: Mapped[str] = mapped_column(Text, default="")  # everyday words for the search
    position: Mapped[int] = mapped_column(Integer, default=0)

    agency: Mapped[Agency] = relationship(back_populates="services")
