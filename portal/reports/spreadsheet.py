"""The report as an XLSX workbook (portal.tabular): one worksheet per table, each with the
office, the title and the period above it; figures as numbers, so they add up in Excel."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.calendar import clock
from portal.reports.services import MonthlyReport
from portal.reports.tables import ReportTable, report_tables
from portal.tabular import Cell, Sheet, xlsx_pieces

#: Worksheet names (at most 31 characters, no punctuation Excel refuses), by table key.
SHEET_NAMES = {
    "summary": "ringkasan",
    "applications": "permohonan",
    "standard": "standar pelayanan",
    "ikm_elements": "IKM unsur",
    "ikm_categories": "IKM jenis izin",
    "cases": "pengaduan PPID",
    "topics": "topik pengaduan",
}


def title(report: MonthlyReport) -> str:
    if report.period.kind == "semester":
        return _("Semester report on licensing services")
    return _("Monthly report on licensing services")


def preamble(report: MonthlyReport) -> list[list[Cell]]:
    made = clock.office_today(report.made_at)
    rows: list[list[Cell]] = [
        [current_app.config["OFFICE_NAME"]],
        [title(report)],
        [_("Period"), report.period.label()],
        [_("Made on"), made],
    ]
    if report.is_empty:
        rows.append([_("There was no activity in this period: every figure is zero.")])
    return rows


def _sheet(report: MonthlyReport, table: ReportTable) -> Sheet:
    rows: list[list[Cell]] = list(table.rows)
    if not rows and table.empty:
        rows.append([table.empty])
    if table.total is not None:
        rows.append(table.total)
    if table.note:
        rows += [[], [table.note]]
    return Sheet(
        SHEET_NAMES.get(table.key, table.key), table.header, rows, [*preamble(report), [table.title]]
    )


def workbook_pieces(report: MonthlyReport, lang: str = "id"):
    """The workbook's bytes in pieces (the rows are few: the tables are built at once)."""
    with force_locale(lang):
        sheets = [_sheet(report, table) for table in report_tables(report, lang)]
    return xlsx_pieces(sheets)


def workbook_bytes(report: MonthlyReport, lang: str = "id") -> bytes:
    return b"".join(workbook_pieces(report, lang))
