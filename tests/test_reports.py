"""The head of office's monthly report: known applications, surveys, complaints and
information requests in and around November 2026, and the figures the report gives for them
(the data, the XLSX read back with openpyxl, the PDF's text); bad periods refused."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import count
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import event, select

from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.audit.models import AdminAuditEvent
from portal.auth.models import Role
from portal.calendar import clock
from portal.calendar.models import Holiday
from portal.extensions import db
from portal.public.models import SKM_ELEMENTS, CaseKind, CaseStatus, Complaint, ComplaintTopic, SurveyResponse
from portal.reports import services
from portal.reports.files import render
from portal.reports.spreadsheet import workbook_bytes
from tests.conftest import login, make_user
from tests.factories import make_category

WITA = ZoneInfo("Asia/Makassar")
NOVEMBER = services.Period("month", 2026, 11)
_n = count(1)


def local(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """An office wall-clock time (WITA) as the UTC instant the database stores."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WITA).astimezone(UTC)


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


@dataclass
class Month:
    a: object
    b: object


def _application(category, applicant, submitted, *, status=S.SUBMITTED, decided=None):
    submitted_on = clock.office_today(submitted)
    application = Application(
        applicant_id=applicant.id,
        category_id=category.id,
        form_version_id=category.current_version_id,
        status=status,
        tracking_number=f"SP-2026-9{next(_n):05d}",
        submitted_at=submitted,
        due_date=clock.add_working_days(submitted_on, category.time_limit_days),
        decided_at=decided,
    )
    db.session.add(application)
    db.session.flush()
    return application


def _case(kind, filed, *, answered=None, topic=ComplaintTopic.SERVICE):
    n = next(_n)
    filed_on = clock.office_today(filed)
    db.session.add(
        Complaint(
            number=f"{'ADU' if kind is CaseKind.COMPLAINT else 'PPID'}-2026-{n:06d}",
            kind=kind,
            token_hash=hashlib.sha256(f"t{n}".encode()).hexdigest(),
            name="Warga",
            email=f"warga{n}@example.test",
            topic=ComplaintTopic.INFORMATION if kind is CaseKind.INFORMATION else topic,
            text="Mohon tindak lanjut.",
            status=CaseStatus.ANSWERED if answered else CaseStatus.RECEIVED,
            due_date=clock.add_working_days(filed_on, 5),
            created_at=filed,
            answered_at=answered,
        )
    )


def _survey(application, year, month, score):
    db.session.add(
        SurveyResponse(
            application_id=application.id,
            category_id=application.category_id,
            year=year,
            month=month,
            **dict.fromkeys(SKM_ELEMENTS, score),
        )
    )


@pytest.fixture
def november() -> Month:
    """November 2026 (holiday: a local one on Wednesday 11 November).

    Permit type A (5 working days): submitted in November 2, 2, 20, 25 and 30 at 23:30 WITA (still
    November in the office); decided in November: two approved (one on time; one submitted in
    October), one rejected late. Out of November: submitted 31 October 23:30 WITA, 1 December
    00:30 WITA, a decision on 1 December, an October application decided in October.
    Permit type B (10 working days): one submitted 3 November, approved on its due date.
    """
    db.session.add(Holiday(day=d(11, 11), name="Libur daerah", kind="local"))
    db.session.flush()
    a = make_category("lap-a", time_limit_days=5)
    b = make_category("lap-b", time_limit_days=10)
    b.name_id, b.name_en = "Izin Bangunan Uji", "Building test permit"
    applicant = make_user(Role.APPLICANT)
    on_time = _application(a, applicant, local(d(11, 2)), status=S.APPROVED, decided=local(d(11, 6), 14))
    _application(a, applicant, local(d(11, 2), 10), status=S.REJECTED, decided=local(d(11, 13), 10))
    from_october = _application(a, applicant, local(d(10, 28)), status=S.APPROVED, decided=local(d(11, 3)))
    _application(a, applicant, local(d(11, 20)), status=S.IN_REVIEW)
    _application(a, applicant, local(d(11, 25)), status=S.APPROVED, decided=local(d(12, 1)))
    _application(a, applicant, local(d(11, 30), 23, 30))
    _application(a, applicant, local(d(10, 31), 23, 30))
    _application(a, applicant, local(d(12, 1), 0, 30))
    october = _application(a, applicant, local(d(10, 5)), status=S.APPROVED, decided=local(d(10, 9)))
    b_app = _application(b, applicant, local(d(11, 3)), status=S.APPROVED, decided=local(d(11, 18), 15))
    assert b_app.due_date == d(11, 18)  # 10 working days, 11 November not counted

    # The survey: in November all 4s and all 3s for A, a 2 for B; in October a 1 (not counted).
    _survey(on_time, 2026, 11, 4)
    _survey(from_october, 2026, 11, 3)
    _survey(b_app, 2026, 11, 2)
    _survey(october, 2026, 10, 1)

    # Complaints: answered in 3 (on time), 10 (late, 11 November not counted) and 3 working
    # days (filed in October); two filed in November without an answer by its end.
    _case(CaseKind.COMPLAINT, local(d(11, 2)), answered=local(d(11, 5)), topic=ComplaintTopic.SERVICE)
    _case(CaseKind.COMPLAINT, local(d(11, 9)), answered=local(d(11, 24)), topic=ComplaintTopic.TIME)
    _case(CaseKind.COMPLAINT, local(d(10, 28)), answered=local(d(11, 2)), topic=ComplaintTopic.FEES)
    _case(CaseKind.COMPLAINT, local(d(11, 27)), topic=ComplaintTopic.TIME)
    _case(CaseKind.COMPLAINT, local(d(11, 20)), answered=local(d(12, 2)), topic=ComplaintTopic.FEES)
    _case(CaseKind.COMPLAINT, local(d(12, 1)), topic=ComplaintTopic.STAFF)  # December
    # Information requests: one answered the next day, one still open.
    _case(CaseKind.INFORMATION, local(d(11, 3)), answered=local(d(11, 4)))
    _case(CaseKind.INFORMATION, local(d(11, 16)))
    db.session.commit()
    return Month(a, b)


def test_report_counts_what_happened_in_the_month(november):
    report = services.build_report(NOVEMBER)
    rows = {c.category_id: c for c in report.categories}
    a, b = rows[november.a.id], rows[november.b.id]
    assert (a.submitted, a.decided, a.approved, a.rejected, a.on_time, a.late) == (5, 3, 2, 1, 2, 1)
    assert (b.submitted, b.decided, b.approved, b.rejected, b.on_time, b.late) == (1, 1, 1, 0, 1, 0)
    # Working days to the decision: A 4, 8, 4 (the holiday not counted); B 10.
    assert (a.median_days, b.median_days, report.median_days) == (4.0, 10.0, 6.0)
    assert (report.submitted, report.decided, report.on_time, report.on_time_share) == (6, 4, 3, 75.0)
    # IKM: A's averages 3.5 -> 87.50 (B); B's 2 -> 50.00 (D); together (4 + 3 + 2) / 3 = 3 -> 75.00 (C).
    assert (a.ikm.respondents, str(a.ikm.converted), a.ikm.grade) == (2, "87.50", "B")
    assert (b.ikm.respondents, str(b.ikm.converted), b.ikm.grade) == (1, "50.00", "D")
    assert (report.ikm.respondents, str(report.ikm.converted), report.ikm.grade) == (3, "75.00", "C")
    c = report.complaints
    assert (c.received, c.answered, c.answered_on_time, c.answered_late) == (4, 3, 2, 1)
    assert (c.average_days, c.longest_days, c.unanswered_at_end) == (5.3, 10, 2)
    assert report.complaint_topics == [
        (ComplaintTopic.SERVICE, 1),
        (ComplaintTopic.TIME, 2),
        (ComplaintTopic.FEES, 1),
    ]
    i = report.information
    assert (i.received, i.answered, i.answered_on_time, i.average_days, i.longest_days) == (2, 1, 1, 1.0, 1)
    assert i.unanswered_at_end == 1
    assert not report.is_empty


def test_semester_adds_up_its_months(november):
    semester = services.build_report(services.Period("semester", 2026, 2))
    rows = {c.category_id: c for c in semester.categories}
    a = rows[november.a.id]
    # July-December: every A application but none outside the semester (all are inside).
    assert (a.submitted, a.decided, a.approved) == (9, 5, 4)
    assert semester.ikm.respondents == 4
    assert semester.complaints.received == 6


def _sheet_rows(book, name) -> list[list[object]]:
    return [list(row) for row in book[name].iter_rows(values_only=True)]


def _row(rows, first) -> list[object]:
    return next(row for row in rows if row and row[0] == first)


def test_xlsx_has_the_same_figures_as_numbers(app, november):
    report = services.build_report(NOVEMBER)
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(report, "id")), read_only=True)
    assert book.sheetnames == [
        "ringkasan",
        "permohonan",
        "standar pelayanan",
        "IKM unsur",
        "IKM jenis izin",
        "pengaduan PPID",
        "topik pengaduan",
    ]
    summary = _sheet_rows(book, "ringkasan")
    assert summary[0] == [app.config["OFFICE_NAME"]]
    assert _row(summary, "Periode")[1] == "November 2026"
    assert _row(summary, "Permohonan diajukan")[1] == 6
    assert _row(summary, "IKM (25-100)")[1] == 75.0
    applications = _sheet_rows(book, "permohonan")
    assert _row(applications, "Izin Uji")[1:5] == [5, 3, 2, 1]
    assert _row(applications, "Izin Bangunan Uji")[1:5] == [1, 1, 1, 0]
    assert _row(applications, "Total")[1:5] == [6, 4, 3, 1]
    standard = _sheet_rows(book, "standar pelayanan")
    assert _row(standard, "Izin Uji")[1:7] == [5, 3, 2, 1, 66.7, 4]
    assert _row(standard, "Total")[2:7] == [4, 3, 1, 75, 6]  # median of 4, 8, 4, 10
    elements = _sheet_rows(book, "IKM unsur")
    assert _row(elements, "U1")[2] == 3
    assert _row(elements, "IKM (1-4)")[2] == 3
    ikm = _sheet_rows(book, "IKM jenis izin")
    assert _row(ikm, "Izin Uji")[1:] == [2, 3.5, 87.5, "B (Baik)"]
    assert _row(ikm, "Total")[1:] == [3, 3, 75, "C (Kurang baik)"]
    cases = _sheet_rows(book, "pengaduan PPID")
    assert _row(cases, "Diterima dalam periode")[1:] == [4, 2]
    assert _row(cases, "Dijawab dalam periode")[1:] == [3, 1]
    assert _row(cases, "Rata-rata hari kerja sampai jawaban pertama")[1:] == [5.3, 1]
    assert _row(cases, "Belum dijawab pada akhir periode")[1:] == [2, 1]
    topics = _sheet_rows(book, "topik pengaduan")
    assert _row(topics, "Jangka Waktu Penyelesaian")[1] == 2
    assert _row(topics, "Total")[1] == 4


def test_english_xlsx(november):
    report = services.build_report(NOVEMBER)
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(report, "en")), read_only=True)
    rows = _sheet_rows(book, "permohonan")
    assert _row(rows, "Building test permit")[1:5] == [1, 1, 1, 0]
    assert _row(rows, "Total")[1:5] == [6, 4, 3, 1]


def test_a_month_with_nothing_is_a_valid_report_that_says_so():
    report = services.build_report(services.Period("month", 2025, 3))
    assert report.is_empty
    assert (report.submitted, report.decided, report.on_time_share, report.ikm) == (0, 0, None, None)
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(report, "id")), read_only=True)
    summary = _sheet_rows(book, "ringkasan")
    assert ["Tidak ada kegiatan dalam periode ini: setiap angka nol."] in summary
    applications = _sheet_rows(book, "permohonan")
    assert ["Tidak ada permohonan yang diajukan atau diputus dalam periode ini."] in applications


def _statements(build) -> int:
    engine = db.session.get_bind()
    statements: list[str] = []

    def listener(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", listener)
    try:
        build()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len([s for s in statements if not re.match(r"\s*(SAVEPOINT|RELEASE)", s, re.I)])


def test_the_report_reads_aggregates_not_rows(november):
    """The number of statements does not grow with the number of applications and cases."""
    before = _statements(lambda: services.build_report(NOVEMBER))
    applicant = make_user(Role.APPLICANT)
    for day in range(2, 28):
        _application(november.a, applicant, local(d(11, day)), status=S.APPROVED, decided=local(d(11, 28)))
        _case(CaseKind.COMPLAINT, local(d(11, day)), answered=local(d(11, 28)))
    db.session.commit()
    after = _statements(lambda: services.build_report(NOVEMBER))
    assert after == before


# -- bad periods --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2026-11", services.Period("month", 2026, 11)),
        (" 2026-01 ", services.Period("month", 2026, 1)),
        ("2026-S1", services.Period("semester", 2026, 1)),
        ("2026-s2", services.Period("semester", 2026, 2)),
        ("2024-01", services.Period("month", 2024, 1)),
    ],
)
def test_good_periods(text, period):
    assert services.parse_period(text, today=d(12, 2)) == period


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "YYYY-MM"),
        ("2026-00", "YYYY-MM"),
        ("2026-1", "YYYY-MM"),
        ("abcd", "YYYY-MM"),
        ("2026-S3", "YYYY-MM"),
        ("2026-S0", "YYYY-MM"),
        ("2026-11\x00", "YYYY-MM"),
        ("\x002026-11", "YYYY-MM"),
        ("2026\x00-11", "YYYY-MM"),
        ("99999-01", "YYYY-MM"),
        ("999999999999999999999-01", "YYYY-MM"),
        ("2026-11" * 1000, "YYYY-MM"),
        ("２０２６-１１", "YYYY-MM"),  # full-width digits
        ("2026-11-01", "YYYY-MM"),
        ("", "Choose the month"),
        ("   ", "Choose the month"),
        (None, "Choose the month"),
        (["2026-11"], "Choose the month"),
        ("2027-01", "has not started yet"),
        ("9999-12", "has not started yet"),
        ("2027-S1", "has not started yet"),
        ("2023-12", "The office opened in January 2024"),
        ("0001-01", "The office opened in January 2024"),
        ("2023-S2", "The office opened in January 2024"),
    ],
)
def test_bad_periods_are_refused_with_a_message(app, text, message):
    with app.test_request_context("/?lang=en"), pytest.raises(services.PeriodError, match=re.escape(message)):
        services.parse_period(text, today=d(12, 2))


def test_a_refusal_is_in_indonesian_by_default(app):
    with app.test_request_context("/"), pytest.raises(services.PeriodError, match="belum dimulai"):
        services.parse_period("2027-01", today=d(12, 2))


def test_the_current_month_may_be_reported_so_far():
    assert services.parse_period("2026-12", today=d(12, 2)) == services.Period("month", 2026, 12)
    assert services.parse_period("2026-S2", today=d(12, 2)).end == d(12, 31)


def test_default_period_is_last_month():
    assert services.default_period(d(12, 2)) == NOVEMBER
    assert services.default_period(d(1, 5, 2027)) == services.Period("month", 2026, 12)


# -- the command line ---------------------------------------------------------------------------
def test_cli_writes_the_files(app, november, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["reports", "monthly", "--month", "2026-11", "--output", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "laporan-2026-11.xlsx", read_only=True)
    assert _row(_sheet_rows(book, "permohonan"), "Total")[1:5] == [6, 4, 3, 1]


@pytest.mark.parametrize("text", ["2026-13", "abcd", "2999-01", "2020-01", "2026-11\x00"])
def test_cli_refuses_a_bad_month_and_writes_nothing(app, tmp_path, text):
    result = app.test_cli_runner().invoke(
        args=["reports", "monthly", "--month", text, "--output", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert "--month" in result.output
    assert not (tmp_path / "out").exists()


# -- the PDF ------------------------------------------------------------------------------------
def pdf_text(data: bytes, tmp_path) -> str:
    """The PDF's text as pdftotext lays it out (one table row a line)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return out.stdout.decode("utf-8")


def line_with(text: str, start: str) -> list[str]:
    """The words after ``start`` on the first line beginning with it."""
    for line in text.splitlines():
        if line.strip().startswith(start):
            return line.strip()[len(start) :].split()
    raise AssertionError(f"no line starting with {start!r} in:\n{text}")


def test_pdf_has_the_letterhead_the_period_and_the_figures(app, november, tmp_path):
    report = services.build_report(NOVEMBER)
    data = render(report, "pdf", "id")
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert "PEMERINTAH KOTA SAMARINDA" in text
    assert app.config["OFFICE_NAME"].upper() in " ".join(text.split())  # on one or two lines
    assert "LAPORAN BULANAN PELAYANAN PERIZINAN" in text
    assert "Periode: November 2026" in text
    assert line_with(text, "Permohonan diajukan") == ["6"]
    assert line_with(text, "Diputus sesuai standar pelayanan (%)") == ["75"]
    # Applications and decisions, then the service standard (Indonesian decimals).
    assert line_with(text, "Izin Uji") == ["5", "3", "2", "1"]
    assert line_with(text, "Izin Bangunan Uji") == ["1", "1", "1", "0"]
    assert line_with(text, "Total") == ["6", "4", "3", "1"]
    rows = [line.split() for line in text.splitlines() if line.strip().startswith("Izin Uji")]
    assert ["Izin", "Uji", "5", "3", "2", "1", "66,7", "4"] in rows
    assert ["Izin", "Uji", "2", "3,5", "87,5", "B", "(Baik)"] in rows
    assert line_with(text, "U1") == ["Persyaratan", "3"]
    assert line_with(text, "IKM (1-4)") == ["3"]
    assert line_with(text, "Diterima dalam periode") == ["4", "2"]
    assert line_with(text, "Dijawab sebelum batas waktu (%)") == ["66,7", "100"]
    assert line_with(text, "Rata-rata hari kerja sampai jawaban pertama") == ["5,3", "1"]
    assert line_with(text, "Belum dijawab pada akhir periode") == ["2", "1"]
    assert "Kepala Dinas" in text


def test_pdf_in_english(november, tmp_path):
    text = pdf_text(render(services.build_report(NOVEMBER), "pdf", "en"), tmp_path)
    assert "MONTHLY REPORT ON LICENSING SERVICES" in text
    assert "Period: November 2026" in text
    assert line_with(text, "Building test permit") == ["1", "1", "1", "0"]
    assert line_with(text, "Average working days to the first answer") == ["5.3", "1"]


def test_semester_pdf(november, tmp_path):
    text = pdf_text(
        render(services.build_report(services.Period("semester", 2026, 2)), "pdf", "id"), tmp_path
    )
    assert "LAPORAN SEMESTER PELAYANAN PERIZINAN" in text
    assert "Periode: Semester II 2026" in text
    assert line_with(text, "Permohonan diajukan") == ["10"]


def test_empty_month_pdf_says_so(tmp_path):
    text = pdf_text(render(services.build_report(services.Period("month", 2025, 3)), "pdf", "id"), tmp_path)
    assert "Periode: Maret 2025" in text
    assert "Tidak ada kegiatan dalam periode ini: setiap angka nol." in text
    assert "Tidak ada permohonan yang diajukan atau diputus dalam periode ini." in text
    assert "Tidak ada Survei Kepuasan Masyarakat yang diisi dalam periode ini." in text


def test_a_permit_type_name_with_markup_prints_as_typed(november, tmp_path):
    november.b.name_id = "Izin <b>Tebal</b> & <font size=40>Besar</font>"
    db.session.commit()
    text = pdf_text(render(services.build_report(NOVEMBER), "pdf", "id"), tmp_path)
    assert "Izin <b>Tebal</b> & <font" in text


# -- the page and the download ------------------------------------------------------------------
PAGE = "/office/reports/monthly"
DOWNLOAD = "/office/reports/monthly/download"


def _logged(action="export.report") -> list[AdminAuditEvent]:
    return list(db.session.scalars(select(AdminAuditEvent).where(AdminAuditEvent.action == action)))


@pytest.mark.parametrize("role", [Role.APPROVER, Role.ADMIN])
def test_head_of_office_and_admin_download_the_pdf_and_xlsx(client, login_as, november, tmp_path, role):
    user = login_as(role)
    page = client.get(PAGE + "?lang=id")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Laporan bulanan" in html
    assert 'value="2026-S2"' in html
    pdf = client.get(f"{DOWNLOAD}?period=2026-11&format=pdf&report_lang=id")
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="laporan-2026-11.pdf"'
    assert line_with(pdf_text(pdf.get_data(), tmp_path), "Izin Uji") == ["5", "3", "2", "1"]
    xlsx = client.get(f"{DOWNLOAD}?period=2026-11&format=xlsx&report_lang=en")
    assert xlsx.status_code == 200
    assert xlsx.headers["Content-Disposition"] == 'attachment; filename="laporan-2026-11-en.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(xlsx.get_data()), read_only=True)
    assert _row(_sheet_rows(book, "permohonan"), "Total")[1:5] == [6, 4, 3, 1]
    logged = _logged()
    assert [(e.actor_id, e.object_id, e.details["format"], e.details["lang"]) for e in logged] == [
        (user.id, "2026-11", "pdf", "id"),
        (user.id, "2026-11", "xlsx", "en"),
    ]


def test_the_semester_downloads(client, login_as, november, tmp_path):
    login_as(Role.APPROVER)
    response = client.get(f"{DOWNLOAD}?period=2026-S2&format=pdf")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="laporan-2026-S2.pdf"'
    assert "Periode: Semester II 2026" in pdf_text(response.get_data(), tmp_path)


def test_an_empty_month_downloads_a_report_that_says_so(client, login_as, tmp_path):
    login_as(Role.ADMIN)
    response = client.get(f"{DOWNLOAD}?period=2025-03&format=pdf")
    assert response.status_code == 200
    assert "Tidak ada kegiatan dalam periode ini" in pdf_text(response.get_data(), tmp_path)


@pytest.mark.parametrize(
    ("query", "message_id", "message_en"),
    [
        ("period=2026-13&format=pdf", "TTTT-BB", "YYYY-MM"),
        ("period=abcd&format=xlsx", "TTTT-BB", "YYYY-MM"),
        ("period=2026-11%00&format=pdf", "TTTT-BB", "YYYY-MM"),
        ("period=%002026-11&format=pdf", "TTTT-BB", "YYYY-MM"),
        ("period=99999999999999999999-01&format=pdf", "TTTT-BB", "YYYY-MM"),
        ("period=" + "2026-11" * 500 + "&format=pdf", "TTTT-BB", "YYYY-MM"),
        ("period=2026-S3&format=pdf", "TTTT-BB", "YYYY-MM"),
        ("period=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96-11&format=pdf", "TTTT-BB", "YYYY-MM"),
        ("period=2999-01&format=pdf", "belum dimulai", "has not started yet"),
        ("period=2030-S1&format=xlsx", "belum dimulai", "has not started yet"),
        (
            "period=2020-01&format=pdf",
            "Kantor mulai melayani pada Januari 2024",
            "The office opened in January 2024",
        ),
        ("period=&format=pdf", "Pilih bulan atau semester", "Choose the month or the semester"),
        ("format=pdf", "Pilih bulan atau semester", "Choose the month or the semester"),
        ("period=2026-11", "Pilih PDF atau XLSX", "Choose PDF or XLSX"),
        ("period=2026-11&format=csv", "Pilih PDF atau XLSX", "Choose PDF or XLSX"),
        ("period=2026-11&format=pdf%00", "Pilih PDF atau XLSX", "Choose PDF or XLSX"),
        (
            "period=2026-11&format=pdf&report_lang=fr",
            "Bahasa Indonesia atau Inggris",
            "Indonesian or English",
        ),
        (
            "period=2026-11&format=pdf&report_lang=id%00",
            "Bahasa Indonesia atau Inggris",
            "Indonesian or English",
        ),
    ],
)
def test_bad_input_is_refused_on_the_page_and_nothing_is_made(
    client, login_as, query, message_id, message_en
):
    login_as(Role.APPROVER)
    for lang, message in (("id", message_id), ("en", message_en)):
        response = client.get(f"{DOWNLOAD}?{query}&lang={lang}")
        assert response.status_code == 400
        assert response.headers["Content-Type"].startswith("text/html")
        assert "Content-Disposition" not in response.headers
        html = response.get_data(as_text=True)
        assert 'id="report-error"' in html
        assert message in html, html[:3000]
    assert _logged() == []


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.OFFICER, Role.HELPDESK])
@pytest.mark.parametrize(
    "url", [PAGE, f"{DOWNLOAD}?period=2026-11&format=pdf", f"{DOWNLOAD}?period=2026-11&format=xlsx"]
)
def test_other_roles_are_refused(client, login_as, november, role, url):
    login_as(role)
    response = client.get(url)
    assert response.status_code == 403
    assert "Content-Disposition" not in response.headers
    assert _logged() == []


@pytest.mark.parametrize(
    "url", [PAGE, f"{DOWNLOAD}?period=2026-11&format=pdf", f"{DOWNLOAD}?period=2026-11&format=xlsx"]
)
def test_anonymous_visitors_go_to_the_login_page(client, november, url):
    response = client.get(url)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert _logged() == []


def test_the_menu_shows_the_report_to_the_head_of_office_only(app, client, login_as):
    login_as(Role.OFFICER)
    assert PAGE not in client.get("/office/queue").get_data(as_text=True)
    head = app.test_client()
    login(head, make_user(Role.APPROVER).email)
    assert PAGE in head.get("/office/queue").get_data(as_text=True)
