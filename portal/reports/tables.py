"""The report's tables, in the current language: the same rows feed the PDF and the XLSX, so
the two files always show the same figures. Cells are plain values (int, float, str, None);
each format writes them its own way (the PDF with the language's number format)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from portal.public import skm
from portal.public.services.cases import TOPIC_LABELS
from portal.reports.services import CaseFigures, MonthlyReport
from portal.tabular import Cell


@dataclass
class ReportTable:
    key: str
    title: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    total: list[Cell] | None = None
    empty: str = ""  # shown instead of the rows when there are none
    note: str = ""


def _ikm_cells(ikm: skm.Ikm | None) -> list[Cell]:
    if ikm is None:
        return [0, None, None, None]
    return [ikm.respondents, float(ikm.value), float(ikm.converted), f"{ikm.grade} ({ikm.grade_label})"]


def report_tables(report: MonthlyReport, lang: str) -> list[ReportTable]:
    """Every table of ``report``, titles and labels in the current locale (call inside
    ``force_locale(lang)``); permit type names in ``lang``."""
    tables = [_summary(report), _applications(report, lang), _standard(report, lang)]
    tables += [_ikm_elements(report), _ikm_categories(report, lang), _cases(report), _topics(report)]
    return tables


def _summary(report: MonthlyReport) -> ReportTable:
    ikm = report.ikm
    rows: list[list[Cell]] = [
        [_("Applications submitted"), report.submitted],
        [_("Applications decided"), report.decided],
        [_("Approved"), report.approved],
        [_("Rejected"), report.rejected],
        [_("Decided within the service standard"), report.on_time],
        [_("Decided within the service standard (%)"), report.on_time_share],
        [_("Median working days to a decision"), report.median_days],
        [_("Survey respondents (SKM)"), ikm.respondents if ikm else 0],
        [_("IKM (25-100)"), float(ikm.converted) if ikm else None],
        [_("Service quality"), f"{ikm.grade} ({ikm.grade_label})" if ikm else None],
        [_("Complaints received"), report.complaints.received],
        [_("Complaints answered"), report.complaints.answered],
        [_("Information requests received"), report.information.received],
        [_("Information requests answered"), report.information.answered],
    ]
    return ReportTable("summary", _("Summary"), [_("Figure"), _("Value")], rows)


def _applications(report: MonthlyReport, lang: str) -> ReportTable:
    return ReportTable(
        "applications",
        _("Applications and decisions by permit type"),
        [_("Permit type"), _("Submitted"), _("Decided"), _("Approved"), _("Rejected")],
        [[c.name(lang), c.submitted, c.decided, c.approved, c.rejected] for c in report.categories],
        [_("Total"), report.submitted, report.decided, report.approved, report.rejected],
        empty=_("No application was submitted or decided in this period."),
    )


def _standard(report: MonthlyReport, lang: str) -> ReportTable:
    decided = [c for c in report.categories if c.decided]
    return ReportTable(
        "standard",
        _("Service standard compliance"),
        [
            _("Permit type"),
            _("Time limit (working days)"),
            _("Decided"),
            _("On time"),
            _("Late"),
            _("On time (%)"),
            _("Median working days"),
        ],
        [
            [c.name(lang), c.time_limit_days, c.decided, c.on_time, c.late, c.on_time_share, c.median_days]
            for c in decided
        ],
        [
            _("Total"),
            None,
            report.decided,
            report.on_time,
            report.late,
            report.on_time_share,
            report.median_days,
        ],
        empty=_("No application was decided in this period."),
        note=_(
            "On time: decided by the due date, which is the permit type's time limit in working days "
            "after submission (weekends and the office's holidays do not count), extended while the "
            "applicant held the file for corrections."
        ),
    )


def _ikm_elements(report: MonthlyReport) -> ReportTable:
    ikm = report.ikm
    rows: list[list[Cell]] = []
    if ikm is not None:
        rows = [
            [f"U{i}", str(element.name), float(value)]
            for i, (element, value) in enumerate(zip(skm.ELEMENTS, ikm.nrr, strict=True), 1)
        ]
    return ReportTable(
        "ikm_elements",
        _("Community satisfaction index (IKM) by element"),
        [_("Element"), _("Name"), _("Average score (NRR, 1-4)")],
        rows,
        [_("IKM (1-4)"), None, float(ikm.value)] if ikm else None,
        empty=_("No satisfaction survey was answered in this period."),
        note=_(
            "PermenPANRB 14/2017: the IKM is the average of the nine elements' scores (each weighs "
            "1/9), times 25 on the 25-100 scale; A 88.31-100 very good, B 76.61-88.30 good, "
            "C 65.00-76.60 poor, D 25.00-64.99 very poor."
        ),
    )


def _ikm_categories(report: MonthlyReport, lang: str) -> ReportTable:
    surveyed = [c for c in report.categories if c.ikm is not None]
    return ReportTable(
        "ikm_categories",
        _("IKM by permit type"),
        [_("Permit type"), _("Respondents"), _("IKM (1-4)"), _("IKM (25-100)"), _("Service quality")],
        [[c.name(lang), *_ikm_cells(c.ikm)] for c in surveyed],
        [_("Total"), *_ikm_cells(report.ikm)] if report.ikm else None,
        empty=_("No satisfaction survey was answered in this period."),
    )


def _case_rows(figures: CaseFigures) -> list[Cell]:
    return [
        figures.received,
        figures.answered,
        figures.answered_on_time,
        figures.answered_late,
        figures.on_time_share,
        figures.average_days,
        figures.longest_days,
        figures.unanswered_at_end,
    ]


def _cases(report: MonthlyReport) -> ReportTable:
    labels = [
        _("Received in the period"),
        _("Answered in the period"),
        _("Answered by the due date"),
        _("Answered after the due date"),
        _("Answered by the due date (%)"),
        _("Average working days to the first answer"),
        _("Longest wait for an answer (working days)"),
        _("Not answered at the end of the period"),
    ]
    complaints, information = _case_rows(report.complaints), _case_rows(report.information)
    return ReportTable(
        "cases",
        _("Complaints and information requests (PPID)"),
        [_("Figure"), _("Complaints"), _("Information requests")],
        [[label, c, i] for label, c, i in zip(labels, complaints, information, strict=True)],
        note=_(
            "Working days from the day a case was filed to the day of its first answer. Not answered "
            "at the end of the period: filed by then and without an answer then, whenever filed."
        ),
    )


def _topics(report: MonthlyReport) -> ReportTable:
    return ReportTable(
        "topics",
        _("Complaints received by topic"),
        [_("Topic"), _("Complaints")],
        [[str(TOPIC_LABELS[topic]), n] for topic, n in report.complaint_topics],
        [_("Total"), report.complaints.received] if report.complaint_topics else None,
        empty=_("No complaint was received in this period."),
    )
