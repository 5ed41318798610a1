"""The report's files by format, for the download view and the command line."""

from __future__ import annotations

from portal.reports.services import MonthlyReport, Period
from portal.reports.spreadsheet import workbook_bytes

FORMATS = ("xlsx",)


def file_name(period: Period, fmt: str, lang: str = "id") -> str:
    suffix = "" if lang == "id" else f"-{lang}"
    return f"laporan-{period.key}{suffix}.{fmt}"


def render(report: MonthlyReport, fmt: str, lang: str = "id") -> bytes:
    if fmt == "xlsx":
        return workbook_bytes(report, lang)
    raise ValueError(f"unknown format {fmt!r}")
