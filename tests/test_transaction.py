"""One transaction rule: services flush, the request commits once. A service that fails halfway
leaves nothing behind even when its caller catches the error, and a stored file whose row rolls
back is deleted again."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import event, func, select
from werkzeug.datastructures import FileStorage

from portal.admin import services as admin_services
from portal.auth.invites import invite_staff
from portal.auth.models import Role, User
from portal.extensions import db
from portal.notifications import services as notifications
from portal.notifications.models import OutboxEmail
from portal.public import services
from portal.public.models import Complaint, News, PublicDocument
from portal.sequences import SequenceCounter
from portal.storage import get_storage
from portal.storage.pictures import change_picture
from portal.tutorials import services as tutorial_services
from portal.tutorials.models import Tutorial
from tests.conftest import make_user, post_form
from tests.fixtures_files import make_pdf, make_png


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_complaint_whose_email_fails_halfway_leaves_no_case_and_no_number(monkeypatch):
    """file_case numbers the case, writes it (flushed) and then queues the filer's email; when
    the email step fails, the case and its number are gone although the caller goes on."""

    def broken(*args, **kwargs):
        raise RuntimeError("the outbox is unavailable")

    before_counters = _count(SequenceCounter)
    monkeypatch.setattr(services.cases, "_queue_case_email", broken)
    with pytest.raises(RuntimeError):
        services.file_case(name="Budi", email="budi@example.test", text="Lambat sekali", topic="service")
    assert _count(Complaint) == 0
    assert _count(SequenceCounter) == before_counters
    monkeypatch.undo()
    filed = services.file_case(name="Budi", email="budi@example.test", text="Lambat sekali", topic="service")
    assert filed.number.endswith("-000001")  # the failed attempt used no number


def test_services_flush_and_leave_the_commit_to_the_caller():
    staff = make_user(Role.ADMIN)
    item = services.save_news(staff, "Libur", "Kantor tutup.", publish=True)
    assert item.id is not None  # flushed: it has its id
    db.session.rollback()  # the caller (here: a request that failed) rolls back
    assert _count(News) == 0


def test_a_published_document_whose_row_rolls_back_leaves_no_file():
    staff = make_user(Role.ADMIN)
    doc = services.add_document(
        staff, FileStorage(io.BytesIO(make_pdf()), "sop.pdf"), "Standar pelayanan", "service_standard"
    )
    key = doc.storage_key
    assert get_storage().exists(key)
    db.session.rollback()
    assert _count(PublicDocument) == 0
    assert not get_storage().exists(key)


def test_a_request_commits_once_when_it_wrote_and_never_when_it_only_read(client, login_as):
    user = login_as(Role.APPLICANT)
    notifications.add_notice(user.id, "Permohonan Anda diterima")
    db.session.commit()
    commits = []
    session = db.session()

    def count(_session):
        commits.append(1)

    event.listen(session, "after_commit", count)
    try:
        client.get("/notifications")
        assert commits == []  # a page that only reads commits nothing
        post_form(client, "/notifications/read", {}, page="/notifications")
        assert commits == [1]  # marking every notice read: one commit, by the request
    finally:
        event.remove(session, "after_commit", count)
    assert notifications.unread_count(user.id) == 0


def _tutorial_with_poster():
    tutorial = Tutorial(
        slug="daftar-akun", title_id="Cara daftar", title_en="How to register", duration_seconds=60
    )
    db.session.add(tutorial)
    db.session.flush()
    tutorial_services.attach_poster(tutorial, make_png(32, 18))
    db.session.commit()
    return tutorial


def test_a_replaced_file_goes_only_when_the_change_commits():
    tutorial = _tutorial_with_poster()
    old = tutorial.poster_key
    tutorial_services.attach_poster(tutorial, make_png(40, 20))
    new = tutorial.poster_key
    assert get_storage().exists(old)  # the row may still roll back to it
    db.session.rollback()
    assert get_storage().exists(old)  # rolled back: the row points to the old poster again
    assert not get_storage().exists(new)  # and the new file is gone with it

    tutorial = db.session.get(Tutorial, tutorial.id)
    tutorial_services.attach_poster(tutorial, make_png(40, 20))
    newer = tutorial.poster_key
    db.session.commit()
    assert not get_storage().exists(old)
    assert get_storage().exists(newer)


def test_an_approval_failing_halfway_leaves_the_application_as_it_was():
    """decide moves the status, writes the audit event and then issues the permit (a signal
    receiver); when that step fails, the caller finds the application still recommended,
    without the approval's audit event or a permit, although it caught the error."""
    from portal.applications import signals
    from portal.applications.models import Application, AuditEvent
    from portal.applications.models import ApplicationStatus as S
    from portal.applications.services import documents_of
    from portal.backoffice import services as office
    from portal.permits.models import Permit
    from tests.factories import make_category, make_submitted

    officer, approver = make_user(Role.OFFICER), make_user(Role.APPROVER)
    application = make_submitted(make_user(Role.APPLICANT), make_category())
    office.start_review(application, officer, application.version)
    for document in documents_of(application):
        office.set_document_verdict(application, document.id, officer, True)
    office.recommend(application, officer, "approve", "", application.version)
    events_before = _count(AuditEvent)

    def broken(*args, **kwargs):
        raise RuntimeError("the permit could not be issued")

    with signals.application_approved.connected_to(broken), pytest.raises(RuntimeError):
        office.decide(application, approver, "approve", "", application.version)
    db.session.expire_all()
    assert db.session.get(Application, application.id).status is S.RECOMMENDED
    assert _count(AuditEvent) == events_before
    assert _count(Permit) == 0


def test_staff_screens_services_leave_the_commit_to_the_request(app):
    """Inviting a staff member and deactivating an account flush only: when the request that
    called them fails, no account, no invitation email and no deactivation are left behind."""
    admin = make_user(Role.ADMIN)
    officer = make_user(Role.OFFICER, email="officer.kept@example.test")
    db.session.commit()
    emails_before = _count(OutboxEmail)
    with app.test_request_context():
        invited = invite_staff("invited.later@example.test", "Invited Later", {Role.OFFICER}, "id", admin)
        assert invited.id is not None  # flushed: it has its id
        admin_services.set_user_active(officer, False, admin)
        db.session.rollback()  # the request failed after the services ran
    assert db.session.scalar(select(User).where(User.email == "invited.later@example.test")) is None
    assert _count(OutboxEmail) == emails_before
    assert db.session.get(User, officer.id).is_active_account is True


def _picture(width: int = 60, height: int = 40) -> FileStorage:
    return FileStorage(io.BytesIO(make_png(width, height)), "gambar.png")


def test_a_changed_picture_keeps_its_file_until_the_change_commits():
    """storage.pictures.change_picture, used by the events and the news: the new picture goes
    if the change rolls back, the replaced or removed one only once the change commits."""
    limits = {"max_bytes": 500_000, "max_pixels": 1_000_000, "key_prefix": "test-pictures/"}
    staff = make_user(Role.ADMIN)

    def put(key: str | None, upload: FileStorage | None, remove: bool = False):
        item = db.session.scalar(select(News)) or News(title="Berita", body="Isi.", author_id=staff.id)
        db.session.add(item)
        change = change_picture(key, upload, remove=remove, **limits)
        if change is not None:
            item.image_key = change.key
        db.session.flush()
        return change

    first = put(None, _picture())
    assert first is not None and first.key and first.content_type == "image/png"
    assert (first.width, first.height) == (60, 40)
    db.session.commit()  # the first picture is kept
    second = put(first.key, _picture(80, 40))
    assert second is not None
    assert get_storage().exists(first.key) and get_storage().exists(second.key)
    db.session.rollback()
    assert get_storage().exists(first.key) and not get_storage().exists(second.key)
    third = put(first.key, _picture(80, 40))
    db.session.commit()
    assert not get_storage().exists(first.key) and get_storage().exists(third.key)
    assert put(third.key, None) is None  # nothing asked
    assert put(third.key, FileStorage(io.BytesIO(b""), "")) is None
    removed = put(third.key, None, remove=True)
    assert removed is not None and removed.key is None
    assert get_storage().exists(third.key)
    db.session.commit()
    assert not get_storage().exists(third.key)
    assert put(None, None, remove=True) is None  # no picture to remove
