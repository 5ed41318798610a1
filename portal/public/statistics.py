"""The public statistics: applications per month and per category, processing time against
each category's service standard, the share decided on time, and the IKM.

The counts and processing times come from the daily figures kept with every change
(``applications.rollup``): a few thousand small rows whatever the number of applications, one
query each; the working days between submission and decision are counted here, with the
holidays as they are now.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import select

from portal import cache
from portal.applications import rollup
from portal.calendar import clock
from portal.catalogue.models import PermitCategory
from portal.extensions import db
from portal.public import skm

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
    #: category id -> (name_id, name_en, time limit) of every category, for the IKM's rows
    category_names: dict[int, tuple[str, str, int]] = field(default_factory=dict, repr=False)

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


def _months_between(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year}-{month:02d}")
        month += 1
        if month > 12:
            month, year = 1, year + 1
    return months


#: Seconds the public statistics may be served from the cache (portal.cache) when nothing
#: changed; any status change drops them sooner.
CACHE_SECONDS = 60


def compute_cached(start: date, end: date) -> Statistics:
    """``compute(start, end)``, from the short-lived cache when it is fresh. The counts are
    dropped by any status change (the figures' scope); the IKM, which a status change does not
    move, is kept apart so the first visit after a change does not read the answers again."""
    start, end = _bounded(start, end)
    span = f"{start.isoformat()}:{end.isoformat()}"
    counted = cache.cached(f"statistics:{span}", CACHE_SECONDS, lambda: _counted(start, end), figures=True)
    answers = cache.cached(f"statistics-ikm:{span}", CACHE_SECONDS, lambda: _satisfaction(start, end))
    return _with_satisfaction(counted, answers)


def _median(counts: Counter[int]) -> float | None:
    """``statistics.median`` of a list given as value -> how many times."""
    total = sum(counts.values())
    if not total:
        return None
    wanted = {(total - 1) // 2, total // 2}
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        upto = seen + counts[value]
        found += [value for position in sorted(wanted) if seen <= position < upto]
        seen = upto
    return float(sum(found) / len(found))


def _bounded(start: date, end: date) -> tuple[date, date]:
    if end < start:
        start, end = end, start
    if (end - start).days > MAX_RANGE_DAYS:
        start = end - timedelta(days=MAX_RANGE_DAYS)
    return start, end


def compute(start: date, end: date) -> Statistics:
    """Statistics for applications submitted (counts) or decided (times) between ``start`` and
    ``end``, office dates inclusive; the IKM for answers given in those months."""
    start, end = _bounded(start, end)
    return _with_satisfaction(_counted(start, end), _satisfaction(start, end))


@dataclass(frozen=True)
class Satisfaction:
    """The IKM part of the statistics: per category, overall and per quarter."""

    by_category: dict[int, skm.Ikm]
    overall: skm.Ikm | None
    periods: list[skm.IkmRow]


def _satisfaction(start: date, end: date) -> Satisfaction:
    overall = skm.ikm_table("all", start=start, end=end, by_category=False)
    return Satisfaction(
        by_category={
            r.category_id: r.ikm
            for r in skm.ikm_table("all", start=start, end=end, by_category=True)
            if r.category_id is not None
        },
        overall=overall[0].ikm if overall else None,
        periods=skm.ikm_table("quarter", start=start, end=end, by_category=False),
    )


def _with_satisfaction(counted: Statistics, answers: Satisfaction) -> Statistics:
    """A new Statistics (the cached ``counted`` is shared, so it is not changed): the counts
    with the IKM, and a row for each category answered about but not applied for."""
    rows = {r.category_id: replace(r) for r in counted.categories}
    names = counted.category_names
    for cid, ikm in answers.by_category.items():
        if cid not in rows and cid in names:
            rows[cid] = CategoryRow(cid, *names[cid])
        if cid in rows:
            rows[cid].ikm = ikm
    return replace(
        counted,
        categories=sorted(rows.values(), key=lambda r: (-r.submitted, r.name_id)),
        ikm_overall=answers.overall,
        ikm_periods=list(answers.periods),
    )


def _counted(start: date, end: date) -> Statistics:
    """The counts and times from the daily figures (no IKM)."""
    stats = Statistics(start=start, end=end)
    names = {
        cid: (name_id, name_en, limit)
        for cid, name_id, name_en, limit in db.session.execute(
            select(
                PermitCategory.id,
                PermitCategory.name_id,
                PermitCategory.name_en,
                PermitCategory.time_limit_days,
            )
        )
    }
    rows: dict[int, CategoryRow] = {}

    def row_of(cid: int) -> CategoryRow:
        if cid not in rows:
            rows[cid] = CategoryRow(cid, *names[cid])
        return rows[cid]

    per_month: dict[str, int] = {}
    for cid, day, n in rollup.submitted_per_day(start, end):
        month = f"{day.year}-{day.month:02d}"
        per_month[month] = per_month.get(month, 0) + n
        row_of(cid).submitted += n
    stats.months = [(m, per_month.get(m, 0)) for m in _months_between(start, end)]
    stats.submitted = sum(count for _, count in stats.months)

    decided = rollup.decided_between(start, end)
    # Working days between two office days with the holidays as they are now: a running count
    # of working days from the earliest submission day, so each pair costs a subtraction.
    first = min((submitted_on for _, _, submitted_on, _, _ in decided), default=start)
    first = min(first, start)
    closed = clock.holidays()
    running: dict[date, int] = {}
    count, day = 0, first
    while day <= end:
        count += clock.is_working_day(day, closed) and day != first
        running[day] = count
        day += timedelta(days=1)
    # Thousands of daily rows fold into a few hundred (category, due flag, working days).
    spans: Counter[tuple[int, int, int]] = Counter()
    for cid, decided_on, submitted_on, due, n in decided:
        spans[(cid, due, running[decided_on] - running[submitted_on])] += n
    all_days: Counter[int] = Counter()
    per_category_days: dict[int, Counter[int]] = {}
    for (cid, due, days), n in spans.items():
        row = row_of(cid)
        row.decided += n
        # The due date already carries the pauses while the applicant held the file.
        if due == rollup.BY_DUE or (due == rollup.NO_DUE and days <= row.time_limit_days):
            row.on_time += n
        if cid not in per_category_days:
            per_category_days[cid] = Counter()
        per_category_days[cid][days] += n
        all_days[days] += n
    for cid, days_count in per_category_days.items():
        rows[cid].median_days = _median(days_count)
    stats.decided = sum(all_days.values())
    stats.on_time = sum(r.on_time for r in rows.values())
    stats.median_days = _median(all_days)

    stats.category_names = names
    stats.categories = sorted(rows.values(), key=lambda r: (-r.submitted, r.name_id))
    return stats
