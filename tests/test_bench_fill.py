"""Smoke test of the benchmark filler (bench/fill.py), so it cannot rot: 50 applications in the
test database (rolled back), then the numbers a benchmark relies on."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from sqlalchemy import func, select

from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User, UserRole
from portal.calendar import clock
from portal.extensions import db
from portal.sequences import SequenceCounter
from portal.validation import check_nik

FILL = Path(__file__).resolve().parent.parent / "bench" / "fill.py"


def _fill_module():
    spec = importlib.util.spec_from_file_location("bench_fill", FILL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_fill_makes_applications_people_and_unique_numbers(client):
    bench = _fill_module()
    users_before = db.session.scalar(select(func.count()).select_from(User))

    result = bench.fill(50, 20, n_officers=2, officer_password="bench password 50", analyze=False, chunk=16)

    assert result.applications == 50
    apps = db.session.scalars(select(Application)).all()
    assert len(apps) == 50
    assert len({a.tracking_number for a in apps}) == 50
    assert all(a.tracking_number.startswith("SP-") for a in apps)
    assert all(a.due_date >= a.submitted_at.date() for a in apps)
    assert sum(result.by_status.values()) == 50
    assert db.session.scalar(select(func.count()).select_from(User)) == users_before + 22
    applicants = db.session.scalars(select(User).join(UserRole).where(UserRole.role == Role.APPLICANT)).all()
    assert len(applicants) == 20
    assert all(check_nik(u.nik) for u in applicants)
    year = apps[0].tracking_number.split("-")[1]
    counter = db.session.scalar(
        select(SequenceCounter.value).where(SequenceCounter.name == f"tracking:{year}")
    )
    assert counter == max(
        int(a.tracking_number.split("-")[2]) for a in apps if a.tracking_number.split("-")[1] == year
    )

    # The rows went in with Core: the officers' workload was counted again for them.
    from portal.backoffice.services import workload
    from tests.test_workload_counts import grouped_over_the_applications

    today = clock.office_today()
    assert sum(row.open for row in workload(today)) == sum(
        1 for a in apps if a.status in (S.SUBMITTED, S.IN_REVIEW, S.RESUBMITTED, S.RECOMMENDED)
    )
    assert workload(today) == grouped_over_the_applications(today)

    # An officer it made can log in through the real form and sees the queue.
    from tests.conftest import login

    assert login(client, result.officer_emails[0], "bench password 50").status_code == 302
    page = client.get("/office/queue?lang=en")
    assert page.status_code == 200
    assert (
        apps[0].tracking_number.encode()
        in client.get(f"/office/queue?status=all&q={apps[0].tracking_number}").data
    )
