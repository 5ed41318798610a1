"""Two approvers approving two applications of the same category at the same moment, on real
connections and real commits: two permits with different numbers, and exactly two files."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from portal.applications import services, workflow
from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User
from portal.extensions import db
from portal.permits.models import Permit
from tests.conftest import make_user


def _is_lock_error(exc: OperationalError) -> bool:
    return "database is locked" in str(exc) or "could not serialize" in str(exc)


def test_simultaneous_approvals_get_different_numbers(real_commits, tmp_path):
    from portal import create_app
    from tests.dbutil import scratch_database_url
    from tests.test_permits import ANSWERS
    from tests.wizard_helpers import make_category

    with scratch_database_url("permit_concurrency", tmp_path) as url:
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=url,
            MAIL_DIR=tmp_path / "mail",
            UPLOAD_ROOT=tmp_path / "uploads",
            INSTANCE_DIR=tmp_path,
        )
        with app.app_context():
            db.create_all()
            category = make_category()
            officer = make_user(Role.OFFICER)
            approvers = [make_user(Role.APPROVER), make_user(Role.APPROVER)]
            ids = []
            for _ in range(2):
                applicant = make_user(Role.APPLICANT)
                application = services.start_application(applicant, category)
                application.answers = dict(ANSWERS)
                db.session.commit()
                workflow.transition(application, S.SUBMITTED, applicant)
                workflow.transition(application, S.IN_REVIEW, officer)
                workflow.transition(application, S.RECOMMENDED, officer)
                db.session.commit()
                ids.append(application.id)
            approver_ids = [a.id for a in approvers]
            db.session.remove()
        try:
            barrier = threading.Barrier(2)
            outcomes: list[str] = []

            def approve(application_id: int, approver_id: int) -> None:
                with app.app_context():
                    try:
                        barrier.wait()
                        for attempt in range(40):
                            approver = db.session.get(User, approver_id)
                            application = db.session.get(Application, application_id)
                            try:
                                workflow.transition(application, S.APPROVED, approver)
                                db.session.commit()
                                outcomes.append("approved")
                                return
                            except OperationalError as exc:
                                # SQLite tells the later writer with a lock error: retry, as
                                # the back office's decision service does.
                                db.session.rollback()
                                if not _is_lock_error(exc):
                                    raise
                                time.sleep(0.05 * (attempt + 1))
                        outcomes.append("gave up")
                    except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                        outcomes.append(repr(exc))
                    finally:
                        db.session.remove()

            threads = [
                threading.Thread(target=approve, args=pair) for pair in zip(ids, approver_ids, strict=True)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            assert outcomes == ["approved", "approved"], outcomes
            with app.app_context():
                permits = list(db.session.scalars(select(Permit).order_by(Permit.number)))
                assert len(permits) == 2
                assert permits[0].number != permits[1].number
                assert [p.number[-5:] for p in permits] == ["00001", "00002"]
                # Write-then-record: a rolled-back attempt left no file behind.
                stored = sorted(
                    p.name for p in Path(tmp_path / "uploads" / "permits").rglob("*") if p.is_file()
                )
                recorded = [key for p in permits for key in (p.pdf_key, p.pdf_en_key)]  # letter + translation
                assert stored == sorted(key.rsplit("/", 1)[-1] for key in recorded)
        finally:
            with app.app_context():
                db.session.remove()
                db.drop_all()
                db.engine.dispose()
