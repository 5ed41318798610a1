"""The report's files by format, for the download view and the command line."""

from __future__ import annotations

from portal.permits.letter_data import letterhead_logo
from portal.reports.pdf import render_pdf
from portal.reports.services import MonthlyReport, Period
from portal.reports.spreadsheet import workbook_bytes

FORMATS = ("pdf", "xlsx")
TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_name(period: Period, fmt: str, lang: str = "id") -> str:
    suffix = "" if lang == "id" else f"-{lang}"
    return f"laporan-{period.key}{suffix}.{fmt}"


def render(report: MonthlyReport, fmt: str, lang: str = "id") -> bytes:
    """The report as ``fmt`` (pdf or xlsx) in ``lang`` (id or en)."""
    if fmt == "pdf":
        return render_pdf(report, lang, logo=letterhead_logo())
    if fmt == "xlsx":
        return workbook_bytes(report, lang)
    raise ValueError(f"unknown format {fmt!r}")
