"""The satisfaction survey (SKM, PermenPANRB 14/2017) and the satisfaction index (IKM).

Nine elements (unsur), each one question scored 1 to 4. The index, as the regulation and
shared/data/skm_and_holidays.md describe it:

- NRR_i: the average score of element i over the respondents;
- IKM = sum(NRR_i * 1/9): every element weighs the same (1/9), i.e. the mean of the NRRs;
- converted IKM = IKM * 25, on a 25-100 scale;
- grade from the converted value: 88.31-100 A "very good", 76.61-88.30 B "good",
  65.00-76.60 C "poor", 25.00-64.99 D "very poor".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError

from portal.applications.models import Application, ApplicationStatus
from portal.calendar import clock
from portal.errors import NotFoundError, PortalError
from portal.extensions import db
from portal.public.models import SKM_ELEMENTS, SurveyResponse
from portal.public.services import clean_text
from portal.transaction import atomic

ELEMENT_WEIGHT = Decimal(1) / Decimal(9)
SCALE_FACTOR = Decimal(25)


@dataclass(frozen=True)
class Element:
    key: str  # u1 .. u9
    name: object  # the element's official name (lazy string)
    question: object
    options: tuple  # four answer labels, for scores 1, 2, 3, 4


ELEMENTS: tuple[Element, ...] = (
    Element(
        "u1",
        _l("Requirements"),
        _l("How well do the service requirements match the type of service?"),
        (_l("Not suitable"), _l("Less suitable"), _l("Suitable"), _l("Very suitable")),
    ),
    Element(
        "u2",
        _l("Systems, mechanism and procedure"),
        _l("How easy is the service procedure at this office?"),
        (_l("Not easy"), _l("Less easy"), _l("Easy"), _l("Very easy")),
    ),
    Element(
        "u3",
        _l("Completion time"),
        _l("How fast was the service completed?"),
        (_l("Not fast"), _l("Less fast"), _l("Fast"), _l("Very fast")),
    ),
    Element(
        "u4",
        _l("Cost/fee"),
        _l("How reasonable was the cost or fee of the service?"),
        (_l("Very expensive"), _l("Quite expensive"), _l("Cheap"), _l("Free")),
    ),
    Element(
        "u5",
        _l("Service product specification"),
        _l("How well does the service product you received match what the service standard promises?"),
        (_l("Not suitable"), _l("Less suitable"), _l("Suitable"), _l("Very suitable")),
    ),
    Element(
        "u6",
        _l("Staff competence"),
        _l("How competent were the staff who served you?"),
        (_l("Not competent"), _l("Less competent"), _l("Competent"), _l("Very competent")),
    ),
    Element(
        "u7",
        _l("Staff behaviour"),
        _l("How polite and friendly were the staff who served you?"),
        (
            _l("Not polite and friendly"),
            _l("Less polite and friendly"),
            _l("Polite and friendly"),
            _l("Very polite and friendly"),
        ),
    ),
    Element(
        "u8",
        _l("Handling of complaints, suggestions and feedback"),
        _l("How does this office handle complaints from service users?"),
        (
            _l("There is none"),
            _l("It exists but does not work"),
            _l("It works but not fully"),
            _l("It is well managed"),
        ),
    ),
    Element(
        "u9",
        _l("Facilities and infrastructure"),
        _l("What do you think of the quality of the facilities and infrastructure?"),
        (_l("Poor"), _l("Fair"), _l("Good"), _l("Very good")),
    ),
)
assert tuple(e.key for e in ELEMENTS) == SKM_ELEMENTS

GRADE_LABELS = {
    "A": _l("Very good"),
    "B": _l("Good"),
    "C": _l("Poor"),
    "D": _l("Very poor"),
}


class SurveyError(PortalError, ValueError):
    """The survey cannot be taken (already answered); the message says so."""


# -- the index --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ikm:
    respondents: int
    nrr: tuple[Decimal, ...]  # per element, in order u1..u9
    value: Decimal  # 1-4 scale
    converted: Decimal  # 25-100 scale, two decimals
    grade: str  # A, B, C or D

    @property
    def grade_label(self) -> str:
        return str(GRADE_LABELS[self.grade])


def grade_for(converted: Decimal) -> str:
    """The service quality grade for a converted IKM (25-100), from the official table."""
    if converted >= Decimal("88.31"):
        return "A"
    if converted >= Decimal("76.61"):
        return "B"
    if converted >= Decimal("65.00"):
        return "C"
    return "D"


def compute_ikm(nrr: list | tuple, respondents: int = 0) -> Ikm:
    """The IKM from the nine per-element averages (NRR): the weighted sum with weight 1/9,
    times 25, graded. The converted value is rounded to two decimals (half up) before grading,
    as the table's intervals are written to two decimals."""
    if len(nrr) != len(SKM_ELEMENTS):
        raise ValueError("the IKM needs the average of each of the 9 elements")
    values = tuple(Decimal(str(v)) for v in nrr)
    ikm = sum((v * ELEMENT_WEIGHT for v in values), Decimal(0))
    converted = (ikm * SCALE_FACTOR).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Ikm(
        respondents,
        values,
        ikm.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP),
        converted,
        grade_for(converted),
    )


@dataclass(frozen=True)
class IkmRow:
    period: str  # "2026", "2026-Q1" or "2026-03"
    category_id: int | None  # None = every category together
    ikm: Ikm


PERIODS = ("month", "quarter", "year", "all")


def _period_columns(period: str):
    if period == "all":
        return ()
    if period == "year":
        return (SurveyResponse.year,)
    if period == "quarter":
        # Integer division: months 1-3 -> 1, 4-6 -> 2 ... the same on SQLite and PostgreSQL.
        return (SurveyResponse.year, ((SurveyResponse.month + 2) // 3).label("quarter"))
    return (SurveyResponse.year, SurveyResponse.month)


def _period_label(period: str, parts) -> str:
    if period == "all":
        return ""
    if period == "year":
        return f"{parts[0]}"
    if period == "quarter":
        return f"{parts[0]}-Q{int(parts[1])}"
    return f"{parts[0]}-{int(parts[1]):02d}"


def ikm_table(
    period: str = "quarter", *, start: date | None = None, end: date | None = None, by_category: bool = True
) -> list[IkmRow]:
    """The IKM per period (month, quarter, year, or "all" for the whole range) and, with
    ``by_category``, per permit category, for answers given between ``start`` and ``end``
    (office dates, inclusive; only the months matter). One GROUP BY query whatever the number of answers."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    keys = list(_period_columns(period))
    if by_category:
        keys.append(SurveyResponse.category_id)
    averages = [func.avg(getattr(SurveyResponse, u) * 1.0) for u in SKM_ELEMENTS]
    stmt = select(*keys, func.count(SurveyResponse.id), *averages)
    ym = SurveyResponse.year * 100 + SurveyResponse.month
    if start is not None:
        stmt = stmt.where(ym >= start.year * 100 + start.month)
    if end is not None:
        stmt = stmt.where(ym <= end.year * 100 + end.month)
    if keys:
        stmt = stmt.group_by(*keys).order_by(*keys)
    rows = []
    width = len(keys)
    for row in db.session.execute(stmt):
        parts = row[:width]
        count = int(row[width])
        if not count:
            continue  # no GROUP BY and no answers: one row of NULLs
        nrr = [Decimal(str(v)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) for v in row[width + 1 :]]
        label = _period_label(period, parts[: len(keys) - (1 if by_category else 0)])
        rows.append(IkmRow(label, parts[-1] if by_category else None, compute_ikm(nrr, count)))
    return rows


# -- taking the survey ------------------------------------------------------------------------
def get_surveyable_application_or_404(application_id: int, user) -> Application:
    """The user's own approved application, or 404 (someone else's, a draft, a rejection)."""
    application = db.session.get(Application, application_id)
    if (
        application is None
        or user is None
        or not getattr(user, "is_authenticated", False)
        or application.applicant_id != user.id
        or application.status is not ApplicationStatus.APPROVED
    ):
        raise NotFoundError()
    return application


def has_answered(application_id: int) -> bool:
    return (
        db.session.scalar(select(SurveyResponse.id).where(SurveyResponse.application_id == application_id))
        is not None
    )


def survey_offered(application, user) -> bool:
    """True when ``user`` should be asked to take the survey for ``application``: it is theirs,
    approved and not yet surveyed. For the applicant's application page."""
    return bool(
        application is not None
        and user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(application, "applicant_id", None) == user.id
        and application.status is ApplicationStatus.APPROVED
        and not has_answered(application.id)
    )


ALREADY_ANSWERED = _l(
    "You have already answered the satisfaction survey for this application. "
    "Thank you: each application is surveyed once."
)


def submit_survey(
    application: Application, user, scores: dict[str, int], suggestion: str = ""
) -> SurveyResponse:
    """Record the applicant's answers (each of u1..u9 from 1 to 4) for their approved
    application. Raises SurveyError when it was answered already (also when two submissions
    race: the unique constraint decides)."""
    if application.applicant_id != user.id or application.status is not ApplicationStatus.APPROVED:
        raise NotFoundError()
    values = {}
    for key in SKM_ELEMENTS:
        value = int(scores[key])
        if not 1 <= value <= 4:
            raise ValueError(f"{key} must be 1 to 4")
        values[key] = value
    if has_answered(application.id):
        raise SurveyError(ALREADY_ANSWERED)
    today = clock.office_today()
    response = SurveyResponse(
        application_id=application.id,
        category_id=application.category_id,
        respondent_id=user.id,
        suggestion=clean_text(suggestion, 2000),
        year=today.year,
        month=today.month,
        **values,
    )
    try:
        with atomic():
            db.session.add(response)
            db.session.flush()
    except IntegrityError:
        raise SurveyError(ALREADY_ANSWERED) from None
    return response


def responses_in(start: date | None, end: date | None) -> int:
    ym = SurveyResponse.year * 100 + SurveyResponse.month
    conditions = []
    if start is not None:
        conditions.append(ym >= start.year * 100 + start.month)
    if end is not None:
        conditions.append(ym <= end.year * 100 + end.month)
    return db.session.scalar(select(func.count(SurveyResponse.id)).where(and_(True, *conditions)))
