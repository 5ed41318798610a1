"""The embedded default under a burst: 50 applicants open their review page and submit at the
same moment, on real connections and real commits to a scratch database (a SQLite file by
default). Each gets one submission with its tracking number; no request answers 5xx ("database
is locked" was a 500: GET review wrote the stage reached inside its read transaction, which
SQLite refuses to upgrade once another request has committed)."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

from sqlalchemy import func, select, update

from portal.applications import services
from portal.applications.models import Application, AuditEvent
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import LoginSession, Role
from portal.db import utcnow
from portal.extensions import db
from tests.conftest import DEFAULT_PASSWORD, csrf_token, make_user

BURST = 50
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"|name="version" value="(\d+)"')


def _ready_drafts(n: int) -> list[tuple[str, int]]:
    """``n`` applicants, each with a draft whose answers and documents are complete."""
    from tests.factories import add_document, make_category, make_draft

    category = make_category()
    drafts = []
    for _ in range(n):
        applicant = make_user(Role.APPLICANT)
        # GET review moves the stage on (a write)
        application = make_draft(applicant, category, stage=services.STAGE_DOCUMENTS)
        add_document(application)
        drafts.append((applicant.email, application.id))
    return drafts


def test_a_burst_of_submits_gives_one_submission_each(real_commits, tmp_path):
    from portal import create_app
    from tests.dbutil import scratch_database_url

    with scratch_database_url("submit_burst", tmp_path) as url:
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=url,
            MAIL_DIR=tmp_path / "mail",
            UPLOAD_ROOT=tmp_path / "uploads",
            INSTANCE_DIR=tmp_path,
        )
        with app.app_context():
            db.create_all()
            drafts = _ready_drafts(BURST)
            db.session.remove()
        try:
            clients = []
            for n, (email, _app_id) in enumerate(drafts):
                client = app.test_client()  # fifty people, each from their own address
                client.environ_base["REMOTE_ADDR"] = f"10.0.{n // 200}.{n % 200 + 1}"
                page = client.get("/login").get_data(as_text=True)
                response = client.post(
                    "/login",
                    data={"csrf_token": csrf_token(page), "email": email, "password": DEFAULT_PASSWORD},
                )
                assert response.status_code == 302, response.get_data(as_text=True)[:300]
                clients.append(client)
            with app.app_context():
                # Sessions last seen six minutes ago: the burst's first GET also touches them.
                db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(minutes=6)))
                db.session.commit()
                db.session.remove()

            barrier = threading.Barrier(BURST)
            statuses: list[int] = []
            problems: list[str] = []

            def burst(client, application_id: int) -> None:
                try:
                    barrier.wait()
                    review_url = f"/applications/{application_id}/review"
                    page = client.get(review_url)
                    statuses.append(page.status_code)
                    if page.status_code != 200:
                        return
                    html = page.get_data(as_text=True)
                    version = VERSION_RE.search(html)
                    response = client.post(
                        review_url,
                        data={
                            "csrf_token": csrf_token(html),
                            "declaration": "y",
                            "version": (version.group(1) or version.group(2)) if version else "",
                        },
                    )
                    statuses.append(response.status_code)
                except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                    problems.append(repr(exc))

            threads = [
                threading.Thread(target=burst, args=(c, app_id))
                for c, (_email, app_id) in zip(clients, drafts, strict=True)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=300)

            assert problems == []
            assert [s for s in statuses if s >= 500] == []
            assert len(statuses) == 2 * BURST
            with app.app_context():
                ids = [app_id for _email, app_id in drafts]
                rows = db.session.execute(
                    select(Application.status, Application.tracking_number).where(Application.id.in_(ids))
                ).all()
                assert {status for status, _tracking in rows} == {S.SUBMITTED}
                trackings = [tracking for _status, tracking in rows]
                assert None not in trackings and len(set(trackings)) == BURST
                events = db.session.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(AuditEvent.application_id.in_(ids), AuditEvent.to_status == S.SUBMITTED)
                )
                assert events == BURST  # one submission each, none twice, none lost
                seen = db.session.scalars(select(LoginSession.last_seen_at)).all()
                assert min(seen) > utcnow() - timedelta(minutes=1)  # every session touched
                db.session.remove()
        finally:
            with app.app_context():
                db.engine.dispose()
