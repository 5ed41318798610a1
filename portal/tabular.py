"""Spreadsheets the office downloads (exports, the monthly report): CSV and XLSX written as
they are read, never the whole table in memory.

A sheet is a header row and an iterator of rows (tuples of str, int, date, datetime or None),
with optional preamble rows (a title, the filters it was made with). Every text cell that a
spreadsheet program could take for a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is written with a leading apostrophe (OWASP's CSV injection advice), in
both formats and in the preamble too, where a filter value typed by a person is echoed.

- CSV: UTF-8 with a byte-order mark (so Excel reads Indonesian names right), comma separated,
  each row yielded as soon as it is written: the download starts with the first row.
- XLSX: openpyxl's write-only workbook, which keeps each sheet's rows in a temporary file and
  zips them when saved; the finished file is then sent in 64 KiB pieces. Memory stays flat
  whatever the row count; the first bytes leave once the last row is written.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

Cell = str | int | float | date | datetime | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
CHUNK = 64 * 1024
#: Rows of CSV gathered before a piece is yielded (one yield per row costs a write each).
CSV_ROWS_PER_PIECE = 200


def safe_text(value: str) -> str:
    """``value`` with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def safe_cell(value: Cell) -> Cell:
    if isinstance(value, str):
        return safe_text(value)
    return value


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    preamble: Sequence[Sequence[Cell]] = field(default_factory=list)


def csv_pieces(sheets: Sequence[Sheet]) -> Iterator[bytes]:
    """The sheets one after the other in one CSV (a blank row between), in pieces."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    for number, sheet in enumerate(sheets):
        if number:
            writer.writerow([])
        for row in sheet.preamble:
            writer.writerow([_text(safe_cell(c)) for c in row])
        if sheet.preamble:
            writer.writerow([])
        writer.writerow([safe_text(h) for h in sheet.header])
        for count, row in enumerate(sheet.rows, 1):
            writer.writerow([_text(safe_cell(c)) for c in row])
            if count % CSV_ROWS_PER_PIECE == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _xlsx_value(value: Cell) -> Cell:
    """A cell for openpyxl: text escaped (so it never starts with ``=``, and openpyxl never takes
    it for a formula), times without their zone (Excel has none; already the office's time)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return safe_cell(value)


def xlsx_pieces(sheets: Sequence[Sheet]) -> Iterator[bytes]:
    """One workbook, one worksheet per sheet, written row by row to temporary files, then sent
    in pieces. Plain values (openpyxl gives dates their date format); the header in bold."""
    book = Workbook(write_only=True)
    for sheet in sheets:
        ws = book.create_sheet(title=sheet.title[:31])
        for row in sheet.preamble:
            ws.append([_xlsx_value(c) for c in row])
        if sheet.preamble:
            ws.append([])
        header = []
        for title in sheet.header:
            cell = WriteOnlyCell(ws, value=safe_text(title))
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        for values in sheet.rows:
            ws.append([_xlsx_value(c) for c in values])
    with tempfile.TemporaryFile() as out:
        book.save(out)
        out.seek(0)
        while piece := out.read(CHUNK):
            yield piece


def download(sheets: Sequence[Sheet], fmt: str, filename: str) -> Response:
    """A streamed download of ``sheets`` as ``fmt`` (csv or xlsx) named ``filename`` plus the
    extension. The rows are read while the answer is sent, inside the request's context."""
    pieces = csv_pieces(sheets) if fmt == "csv" else xlsx_pieces(sheets)
    response = Response(
        stream_with_context(pieces), mimetype=CSV_TYPE if fmt == "csv" else XLSX_TYPE, direct_passthrough=True
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
