"""The public statistics: applications per month and per category, processing time against
each category's service standard, the share decided on time, and the IKM.

Every figure is one query, whatever the number of applications: counts are GROUP BY in
SQL; the processing times read one narrow row per decided application in one query (a
median and working days need the dates) and are summed up here.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from portal import cache
from portal.applications.models import Application, ApplicationStatus
from portal.calendar import clock
from portal.catalogue.models import PermitCategory
from portal.extensions import db
from portal.public import skm

DECIDED = (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)
MAX_RANGE_DAYS = 366 * 5


@dataclass
class CategoryRow:
    category_id: int
    name_id: str
    name_en: str
    time_limit_days: int
    submitted: int = 0
    decided: int = 0
    on_time: int = 0
    median_days: float | None = None
    ikm: skm.Ikm | None = None

    @property
    def on_time_share(self) -> float | None:
        return (100.0 * self.on_time / self.decided) if self.decided else None


@dataclass
class Statistics:
    start: date
    end: date
    months: list[tuple[str, int]] = field(default_factory=list)  # ("2026-03", count)
    categories: list[CategoryRow] = field(default_factory=list)
    submitted: int = 0
    decided: int = 0
    on_time: int = 0
    median_days: float | None = None
    ikm_overall: skm.Ikm | None = None
    ikm_periods: list[skm.IkmRow] = field(default_factory=list)  # per quarter, all categories

    @property
    def on_time_share(self) -> float | None:
        return (100.0 * self.on_time / self.decided) if self.decided else None

    @property
    def is_empty(self) -> bool:
        return not self.submitted and not self.decided and self.ikm_overall is None


def default_range(today: date | None = None) -> tuple[date, date]:
    """The last twelve months, from the first day of the month eleven months ago to today."""
    today = today or clock.office_today()
    month = today.month - 11
    year = today.year
    if month <= 0:
        month += 12
        year -= 1
    return date(year, month, 1), today


def _tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def _utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = _tz()
    return (
        datetime.combine(start, time.min, tz).astimezone(UTC),
        datetime.combine(end + timedelta(days=1), time.min, tz).astimezone(UTC),
    )


def _local_month(column):
    """'YYYY-MM' of a UTC timestamp column in the office's time zone, in SQL."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return func.to_char(func.timezone(current_app.config["TIMEZONE"], column), "YYYY-MM")
    offset = _tz().utcoffset(datetime.now()) or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    return func.strftime("%Y-%m", column, f"{minutes:+d} minutes")


def _months_between(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year}-{month:02d}")
        month += 1
        if month > 12:
            month, year = 1, year + 1
    return months


def _local_date(value: datetime) -> date:
    return value.astimezone(_tz()).date()


#: Seconds the public statistics may be served from the cache (portal.cache) when nothing
#: changed; any status change drops them sooner.
CACHE_SECONDS = 60


def compute_cached(start: date, end: date) -> Statistics:
    """``compute(start, end)``, from the short-lived cache when it is fresh."""
    return cache.cached(
        f"statistics:{start.isoformat()}:{end.isoformat()}", CACHE_SECONDS, lambda: compute(start, end)
    )


def compute(start: date, end: date) -> Statistics:
    """Statistics for applications submitted (counts) or decided (times) between ``start`` and
    ``end``, office dates inclusive; the IKM for answers given in those months."""
    if end < start:
        start, end = end, start
    if (end - start).days > MAX_RANGE_DAYS:
        start = end - timedelta(days=MAX_RANGE_DAYS)
    low, high = _utc_bounds(start, end)
    stats = Statistics(start=start, end=end)

    month = _local_month(Application.submitted_at).label("month")
    per_month = dict(
        db.session.execute(
            select(month, func.count(Application.id))
            .where(Application.submitted_at >= low, Application.submitted_at < high)
            .group_by(month)
        ).all()
    )
    stats.months = [(m, int(per_month.get(m, 0))) for m in _months_between(start, end)]
    stats.submitted = sum(count for _, count in stats.months)

    rows: dict[int, CategoryRow] = {}
    for cid, name_id, name_en, limit, count in db.session.execute(
        select(
            PermitCategory.id,
            PermitCategory.name_id,
            PermitCategory.name_en,
            PermitCategory.time_limit_days,
            func.count(Application.id),
        )
        .join(Application, Application.category_id == PermitCategory.id)
        .where(Application.submitted_at >= low, Application.submitted_at < high)
        .group_by(
            PermitCategory.id, PermitCategory.name_id, PermitCategory.name_en, PermitCategory.time_limit_days
        )
    ):
        rows[cid] = CategoryRow(cid, name_id, name_en, limit, submitted=int(count))

    decided = db.session.execute(
        select(
            Application.category_id,
            Application.submitted_at,
            Application.decided_at,
            Application.due_date,
            PermitCategory.name_id,
            PermitCategory.name_en,
            PermitCategory.time_limit_days,
        )
        .join(PermitCategory, PermitCategory.id == Application.category_id)
        .where(
            Application.status.in_(DECIDED),
            Application.decided_at >= low,
            Application.decided_at < high,
            Application.submitted_at.is_not(None),
        )
    ).all()
    closed = clock.holidays()
    all_days: list[int] = []
    per_category_days: dict[int, list[int]] = {}
    for cid, submitted_at, decided_at, due, name_id, name_en, limit in decided:
        row = rows.setdefault(cid, CategoryRow(cid, name_id, name_en, limit))
        decided_on = _local_date(decided_at)
        days = clock.working_days_between(_local_date(submitted_at), decided_on, closed)
        row.decided += 1
        # The due date already carries the pauses while the applicant held the file.
        if (decided_on <= due) if due is not None else (days <= limit):
            row.on_time += 1
        per_category_days.setdefault(cid, []).append(days)
        all_days.append(days)
    for cid, days in per_category_days.items():
        rows[cid].median_days = float(statistics.median(days))
    stats.decided = len(all_days)
    stats.on_time = sum(r.on_time for r in rows.values())
    stats.median_days = float(statistics.median(all_days)) if all_days else None

    ikm_rows = skm.ikm_table("all", start=start, end=end, by_category=True)
    missing = [r.category_id for r in ikm_rows if r.category_id not in rows]
    if missing:
        for category in db.session.scalars(select(PermitCategory).where(PermitCategory.id.in_(missing))):
            rows[category.id] = CategoryRow(
                category.id, category.name_id, category.name_en, category.time_limit_days
            )
    for ikm_row in ikm_rows:
        if ikm_row.category_id in rows:
            rows[ikm_row.category_id].ikm = ikm_row.ikm
    overall = skm.ikm_table("all", start=start, end=end, by_category=False)
    stats.ikm_overall = overall[0].ikm if overall else None
    stats.ikm_periods = skm.ikm_table("quarter", start=start, end=end, by_category=False)
    stats.categories = sorted(rows.values(), key=lambda r: (-r.submitted, r.name_id))
    return stats
