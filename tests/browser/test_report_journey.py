"""Issue 19 item 3 in Chromium, in Indonesian: the head of office (an approver) opens the
monthly report page on a 360 px phone and downloads May 2025's PDF; an admin at a 1280 px
desk downloads the same month's XLSX and the second semester's PDF. The files are read back
(pdftotext, openpyxl) and their figures checked against the applications, survey answers and
complaints made for that month. Screenshots at both sizes in test-artifacts/screenshots/."""

from __future__ import annotations

import hashlib
import subprocess
import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_signed_permit_journey import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

WITA = ZoneInfo("Asia/Makassar")


def _at(day: int, hour: int = 9) -> datetime:
    return datetime(2025, 5, day, hour, tzinfo=WITA).astimezone(UTC)


@pytest.fixture
def may_2025(live):
    """May 2025 in the live database (no other browser test writes that month): a permit type
    of its own with three applications submitted (two decided, one of them late), two survey
    answers (all 4s, all 3s) and a complaint answered in 2 working days."""
    from portal.applications.models import Application
    from portal.applications.models import ApplicationStatus as S
    from portal.auth.models import Role
    from portal.calendar import clock
    from portal.extensions import db
    from portal.public.models import (
        SKM_ELEMENTS,
        CaseKind,
        CaseStatus,
        Complaint,
        ComplaintTopic,
        SurveyResponse,
    )
    from tests.factories import make_category, make_user

    unique = uuid.uuid4().hex[:8]
    with live.app.app_context():
        category = make_category(f"laporan-{unique}", time_limit_days=5)
        category.name_id = f"Izin Laporan {unique}"
        applicant = make_user(Role.APPLICANT, email=f"laporan-{unique}@example.com")
        made = []
        for n, (submitted, decided, status) in enumerate(
            [(2, 6, S.APPROVED), (5, 20, S.REJECTED), (26, None, S.IN_REVIEW)]
        ):
            application = Application(
                applicant_id=applicant.id,
                category_id=category.id,
                form_version_id=category.current_version_id,
                status=status,
                tracking_number=f"SP-2025-8{unique[:4]}{n}",
                submitted_at=_at(submitted),
                due_date=clock.add_working_days(date(2025, 5, submitted), 5),
                decided_at=_at(decided) if decided else None,
            )
            db.session.add(application)
            made.append(application)
        db.session.flush()
        for application, score in zip(made[:2], (4, 3), strict=True):
            db.session.add(
                SurveyResponse(
                    application_id=application.id,
                    category_id=category.id,
                    year=2025,
                    month=5,
                    **dict.fromkeys(SKM_ELEMENTS, score),
                )
            )
        db.session.add(
            Complaint(
                number=f"ADU-2025-{unique}",
                kind=CaseKind.COMPLAINT,
                token_hash=hashlib.sha256(unique.encode()).hexdigest(),
                name="Warga",
                email="warga@example.com",
                topic=ComplaintTopic.TIME,
                text="Lama sekali.",
                status=CaseStatus.ANSWERED,
                due_date=date(2025, 5, 12),
                created_at=_at(5),
                answered_at=_at(7),
            )
        )
        db.session.commit()
        name = category.name_id
        db.session.remove()
    return name


def _pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode()


def _words_after(text: str, start: str) -> list[str]:
    for line in text.splitlines():
        if line.strip().startswith(start):
            return line.strip()[len(start) :].split()
    raise AssertionError(f"no line starting with {start!r}")


def test_head_of_office_downloads_the_months_pdf_on_a_phone_and_the_xlsx_at_a_desk(
    live, new_context, live_user, may_2025, screenshot, tmp_path, pytestconfig
):
    head = live_user("approver")
    admin = live_user("admin")

    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True, accept_downloads=True)
    log_in(phone, head, "/office/reports/monthly")
    expect(phone.locator("main h1")).to_have_text("Laporan bulanan")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.fill("#period-month", "2025-05")
    screenshot(phone, "report-page-phone", full_page=True)
    with phone.expect_download() as info:
        phone.locator("#month-form button[value=pdf]").click()
    download = info.value
    assert download.suggested_filename == "laporan-2025-05.pdf"
    pdf_path = tmp_path / "may.pdf"
    download.save_as(pdf_path)
    text = _pdf_text(pdf_path)
    assert "LAPORAN BULANAN PELAYANAN PERIZINAN" in text
    assert "Periode: Mei 2025" in text
    assert _words_after(text, may_2025) == ["3", "2", "1", "1"]  # submitted, decided, approved, rejected
    assert _words_after(text, "Diputus sesuai standar pelayanan (%)") == ["50"]
    assert _words_after(text, "IKM (25-100)") == ["87,5"]
    assert _words_after(text, "Rata-rata hari kerja sampai jawaban pertama") == ["2", "–"]

    # A bad month typed into the address bar is refused on the page, in Indonesian.
    phone.goto("/office/reports/monthly/download?period=2025-13&format=pdf", wait_until="domcontentloaded")
    expect(phone.locator("#report-error")).to_contain_text("TTTT-BB")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "report-refused-phone", full_page=True)

    desk = new_context(accept_downloads=True)
    log_in(desk, admin, "/office/reports/monthly")
    desk.fill("#period-month", "2025-05")
    screenshot(desk, "report-page-desktop")
    with desk.expect_download() as info:
        desk.locator("#month-form button[value=xlsx]").click()
    assert info.value.suggested_filename == "laporan-2025-05.xlsx"
    xlsx_path = tmp_path / "may.xlsx"
    info.value.save_as(xlsx_path)
    book = openpyxl.load_workbook(xlsx_path, read_only=True)
    rows = [list(r) for r in book["permohonan"].iter_rows(values_only=True)]
    assert next(r for r in rows if r and r[0] == may_2025)[1:5] == [3, 2, 1, 1]
    standard = [list(r) for r in book["standar pelayanan"].iter_rows(values_only=True)]
    assert next(r for r in standard if r and r[0] == may_2025)[1:6] == [5, 2, 1, 1, 50]

    # The second semester of 2025, in English.
    desk.select_option("#period-semester", "2025-S2")
    desk.locator("#semester-form input[value=en]").check()
    with desk.expect_download() as info:
        desk.locator("#semester-form button[value=pdf]").click()
    assert info.value.suggested_filename == "laporan-2025-S2-en.pdf"
    semester_path = tmp_path / "semester.pdf"
    info.value.save_as(semester_path)
    assert "Period: Semester II 2025" in _pdf_text(semester_path)

    # The PDF's first page, as the head of office sees it, beside the screenshots.
    folder = pytestconfig.rootpath / "test-artifacts" / "screenshots"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "70",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf_path),
            str(folder / "report-may-2025-pdf"),
        ],
        check=True,
        timeout=60,
    )
