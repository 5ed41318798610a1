"""The "where people get stuck" report, for help desk staff and admins."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.applications.models import (
    Application,
    Document,
    ValidationEvent,
)
from portal.auth.models import Role, User
from portal.catalogue.models import PermitCategory
from portal.catalogue.search import UnfoundRow, top_unfound
from portal.errors import AccessDenied
from portal.extensions import db
from portal.helpdesk.services.access import HelpdeskError
from portal.helpdesk.services.overview import (
    FUNNEL_STAGES,
    STAGE_RANK,
    SUBMITTED_RANK,
    error_message,
    field_label,
    specs_of_versions,
)
from portal.tutorials.models import StageTutorial, Tutorial, TutorialView
from portal.tutorials.stages import stage_label

MAX_REPORT_DAYS = 400


@dataclass
class FunnelRow:
    category: PermitCategory
    started: int
    reached: list[int]  # per FUNNEL_STAGES: applications that got at least that far
    submitted: int


@dataclass
class FieldErrorRow:
    category: PermitCategory | None
    stage: str
    field_label: str
    code: str
    count: int

    @property
    def message(self) -> str:
        return error_message(self.code)


@dataclass
class TimingRow:
    category: PermitCategory
    count: int
    to_first_upload: float | None  # median hours from start to the first document kept
    upload_to_submit: float | None  # median hours from that upload to submission
    start_to_submit: float | None  # median hours from start to submission


@dataclass
class TutorialShareRow:
    category: PermitCategory
    stage: str
    tutorial: Tutorial
    through_watched: int
    through_total: int
    stopped_watched: int
    stopped_total: int

    @staticmethod
    def _pct(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def through_percent(self) -> int | None:
        return self._pct(self.through_watched, self.through_total)

    @property
    def stopped_percent(self) -> int | None:
        return self._pct(self.stopped_watched, self.stopped_total)


@dataclass
class StuckReport:
    start: date
    end: date
    funnel: list[FunnelRow]
    fields: list[FieldErrorRow]
    timings: list[TimingRow]
    tutorials: list[TutorialShareRow]
    stages: tuple[str, ...] = FUNNEL_STAGES
    #: searches people reported with "I cannot find my permit", most often first
    unfound: list[UnfoundRow] = field(default_factory=list)

    def stage_label(self, key: str) -> str:
        return stage_label(key)


def report_bounds(start: date, end: date, tz_name: str | None = None) -> tuple[datetime, datetime]:
    """The UTC instants from the start of ``start`` to the end of ``end`` in the office's zone."""
    tz = ZoneInfo(tz_name or current_app.config["TIMEZONE"])
    lower = datetime.combine(start, time.min, tz)
    upper = datetime.combine(end + timedelta(days=1), time.min, tz)
    return lower, upper


_SUBMITTED = Application.submitted_at.is_not(None)


def _rank(stage: str, submitted: bool) -> int:
    return SUBMITTED_RANK if submitted else STAGE_RANK.get(stage, 0)


def stuck_report(start: date, end: date, user: User) -> StuckReport:
    """The office's view of where applicants get stuck, for applications started between
    ``start`` and ``end`` (office time zone), for help desk staff and admins.

    What is measured:
    - funnel: Application.stage is the last wizard stage a draft was at (the wizard records it
      as the applicant moves; going back to a form page moves it back), a submitted application
      (submitted_at set) has passed every stage. "Reached" a stage = got at least that far.
    - fields: ValidationEvent rows (field key and error code) written in the range.
    - times, for submitted applications only: start = Application.created_at; the first upload
      = the earliest Document.uploaded_at still kept (a replaced file keeps only its newest
      upload, so this may be later than the real first upload); submission = submitted_at.
      Medians in hours.
    - unfound: the searches reported as "I cannot find my permit" in the range (words only),
      most often first (portal.catalogue.search.top_unfound).
    - tutorials: for each stage with a tutorial (the category's own, else the general one),
      applicants who got past the stage vs those whose draft stopped at it, and how many of each
      have any progress recorded in that tutorial (TutorialView with a position above 0).
    """
    if not user.has_role(Role.HELPDESK, Role.ADMIN):
        raise AccessDenied()
    lower, upper = report_bounds(start, end)
    in_range = (Application.created_at >= lower, Application.created_at < upper)
    categories = {c.id: c for c in db.session.scalars(select(PermitCategory))}
    counts = _counts_by_rank(in_range)
    funnel = _funnel(counts, categories)
    return StuckReport(
        start,
        end,
        funnel,
        _field_errors(lower, upper, categories),
        _timings(in_range, categories),
        _tutorial_shares(in_range, counts, funnel),
        unfound=top_unfound(lower, upper),
    )


Categories = dict[int, PermitCategory]
#: category id -> rank (how far the application got, see _rank) -> applications
RankCounts = dict[int, dict[int, int]]


def _counts_by_rank(in_range: tuple) -> RankCounts:
    counts: RankCounts = defaultdict(lambda: defaultdict(int))
    for category_id, stage, submitted, n in db.session.execute(
        select(Application.category_id, Application.stage, _SUBMITTED, func.count())
        .where(*in_range)
        .group_by(Application.category_id, Application.stage, _SUBMITTED)
    ):
        counts[category_id][_rank(stage, bool(submitted))] += n
    return counts


def _funnel(counts: RankCounts, categories: Categories) -> list[FunnelRow]:
    """Per category: started, reached each stage (got at least that far), submitted."""
    funnel = []
    for category_id, by_rank in sorted(counts.items(), key=lambda kv: categories[kv[0]].name_id.lower()):
        reached = [sum(n for r, n in by_rank.items() if r >= i) for i in range(len(FUNNEL_STAGES))]
        funnel.append(
            FunnelRow(categories[category_id], sum(by_rank.values()), reached, by_rank.get(SUBMITTED_RANK, 0))
        )
    return funnel


def _field_errors(lower: datetime, upper: datetime, categories: Categories) -> list[FieldErrorRow]:
    """The 15 (field, error) pairs refused most often, labelled from each category's current form."""
    field_rows = db.session.execute(
        select(
            ValidationEvent.category_id,
            ValidationEvent.stage,
            ValidationEvent.field_key,
            ValidationEvent.error_code,
            func.count().label("n"),
        )
        .where(ValidationEvent.created_at >= lower, ValidationEvent.created_at < upper)
        .group_by(
            ValidationEvent.category_id,
            ValidationEvent.stage,
            ValidationEvent.field_key,
            ValidationEvent.error_code,
        )
        .order_by(func.count().desc(), ValidationEvent.field_key)
        .limit(15)
    ).all()
    current_specs = specs_of_versions(
        {c.current_version_id for c in categories.values() if c.current_version_id}
    )
    fields = []
    for category_id, stage, field_key, code, n in field_rows:
        category = categories.get(category_id)
        spec = (
            current_specs.get(category.current_version_id)
            if category and category.current_version_id
            else None
        )
        fields.append(FieldErrorRow(category, stage, field_label(spec, field_key), code, n))
    return fields


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _timings(in_range: tuple, categories: Categories) -> list[TimingRow]:
    """Median hours from start to the first upload, from there to submission, and in all."""
    first_upload = func.min(Document.uploaded_at)
    timing_rows = db.session.execute(
        select(Application.category_id, Application.created_at, Application.submitted_at, first_upload)
        .outerjoin(Document, Document.application_id == Application.id)
        .where(*in_range, Application.submitted_at.is_not(None))
        .group_by(Application.id, Application.category_id, Application.created_at, Application.submitted_at)
    ).all()
    spans: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for category_id, created, submitted, uploaded in timing_rows:
        hours = spans[category_id]
        hours["total"].append((submitted - created).total_seconds() / 3600)
        if uploaded is not None and created <= uploaded <= submitted:
            hours["form"].append((uploaded - created).total_seconds() / 3600)
            hours["docs"].append((submitted - uploaded).total_seconds() / 3600)
    return [
        TimingRow(
            categories[cid], len(h["total"]), _median(h["form"]), _median(h["docs"]), _median(h["total"])
        )
        for cid, h in sorted(spans.items(), key=lambda kv: categories[kv[0]].name_id.lower())
    ]


def _tutorial_shares(in_range: tuple, counts: RankCounts, funnel: list[FunnelRow]) -> list[TutorialShareRow]:
    """For each category and stage with a tutorial: how many of those who got past the stage,
    and of those who stopped at it, watched some of it."""
    mapping = _stage_tutorials()
    watched: dict[tuple[int, int, int], int] = defaultdict(int)  # (category, rank, tutorial)
    for category_id, stage, submitted, tutorial_id, n in db.session.execute(
        select(
            Application.category_id,
            Application.stage,
            _SUBMITTED,
            TutorialView.tutorial_id,
            func.count(func.distinct(Application.id)),
        )
        .join(
            TutorialView,
            (TutorialView.user_id == Application.applicant_id) & (TutorialView.furthest_seconds > 0),
        )
        .where(*in_range)
        .group_by(Application.category_id, Application.stage, _SUBMITTED, TutorialView.tutorial_id)
    ):
        watched[(category_id, _rank(stage, bool(submitted)), tutorial_id)] += n
    tutorials = []
    for row in funnel:
        cid = row.category.id
        by_rank = counts[cid]
        for i, stage in enumerate(FUNNEL_STAGES):
            tutorial = mapping.get((stage, cid)) or mapping.get((stage, None))
            if tutorial is None:
                continue
            through = [r for r in by_rank if r > i]
            tutorials.append(
                TutorialShareRow(
                    category=row.category,
                    stage=stage,
                    tutorial=tutorial,
                    through_watched=sum(watched.get((cid, r, tutorial.id), 0) for r in through),
                    through_total=sum(by_rank[r] for r in through),
                    stopped_watched=watched.get((cid, i, tutorial.id), 0),
                    stopped_total=by_rank.get(i, 0),
                )
            )
    return tutorials


def _stage_tutorials() -> dict[tuple[str, int | None], Tutorial]:
    rows = db.session.scalars(
        select(StageTutorial).join(StageTutorial.tutorial).where(Tutorial.published.is_(True))
    )
    return {(row.stage_key, row.category_id): row.tutorial for row in rows}


def default_range(today: date) -> tuple[date, date]:
    return today - timedelta(days=29), today


def check_range(start: date, end: date) -> None:
    if start > end:
        raise HelpdeskError(_l("The start date must be on or before the end date."))
    if (end - start).days > MAX_REPORT_DAYS:
        raise HelpdeskError(_l("Choose at most %(days)d days.", days=MAX_REPORT_DAYS))
