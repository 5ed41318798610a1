"""Backups and restores (SQLite online backup / pg_dump, files through the storage backend) onto a
fresh instance, and moving local files to S3 with sha256 checks.

Backups need real commits (pg_dump sees only committed rows), so those tests build two
instances of their own on scratch databases (tests/dbutil.py): SQLite files, or PostgreSQL
databases when TEST_DATABASE_URL names PostgreSQL.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import create_app
from portal.applications import workflow
from portal.applications.models import ApplicationStatus as S
from portal.applications.models import Document
from portal.auth.models import Role
from portal.extensions import db
from portal.maintenance.inventory import file_owners, referenced_files
from portal.permits import services as permits
from portal.permits.models import Permit
from portal.storage import LocalStorage, get_storage
from portal.storage.s3 import S3Storage
from tests import s3server
from tests.conftest import make_user
from tests.dbutil import scratch_database_url
from tests.factories import add_document
from tests.fixtures_files import make_png
from tests.wizard_helpers import make_category, make_submitted


def _instance(tmp: Path, name: str, url: str, **extra):
    folder = tmp / name
    return create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=url,
        UPLOAD_ROOT=folder / "uploads",
        MAIL_DIR=folder / "mail",
        INSTANCE_DIR=folder,
        **extra,
    )


def build_approved_with_permit() -> tuple[int, str]:
    """An applicant's submitted application with two documents, approved by the office, so its
    permit is issued. Returns (application id, permit verification token)."""
    applicant = make_user(Role.APPLICANT, full_name="Siti Rahmawati")
    application = make_submitted(applicant, make_category())
    add_document(application, "photo", make_png(120, 90), name="lokasi.png", content_type="image/png")
    officer = make_user(Role.OFFICER)
    approver = make_user(Role.APPROVER, full_name="Budi Santoso")
    workflow.transition(application, S.IN_REVIEW, officer)
    workflow.transition(application, S.RECOMMENDED, officer)
    workflow.transition(application, S.APPROVED, approver)
    db.session.commit()
    permit = permits.permit_for_application(application.id)
    assert permit is not None
    return application.id, permit.verification_token


@pytest.fixture
def two_instances(tmp_path, real_commits):
    """A source instance with data (tables made, an approved application with its permit) and
    a fresh, empty target instance."""
    with (
        scratch_database_url("test_backup_src", tmp_path) as src_url,
        scratch_database_url("test_backup_dst", tmp_path) as dst_url,
    ):
        source = _instance(tmp_path, "source", src_url)
        target = _instance(tmp_path, "target", dst_url)
        with source.app_context():
            db.create_all()
            application_id, token = build_approved_with_permit()
            db.session.remove()
        try:
            yield source, target, application_id, token
        finally:
            for app in (source, target):
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def test_backup_restores_onto_a_fresh_instance_with_files_and_a_working_permit_check(two_instances, tmp_path):
    source, target, application_id, token = two_instances
    out = tmp_path / "backup-1"
    result = _cli(source, "backup", "create", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "4 file(s)" in result.output  # two documents, the permit letter and its English translation

    manifest = json.loads((out / "manifest.json").read_text())
    for part in ("database", "files"):
        path = out / manifest[part]["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == manifest[part]["sha256"]
    assert manifest["created_at"]
    assert "alembic_revision" in manifest

    result = _cli(target, "backup", "restore", "--from", str(out))
    assert result.exit_code == 0, result.output
    assert "4 file(s) restored" in result.output
    assert "0 missing, 0 with a different sha256" in result.output

    with target.app_context():
        storage = get_storage()
        documents = db.session.scalars(
            select(Document).where(Document.application_id == application_id)
        ).all()
        assert len(documents) == 2
        for document in documents:
            with storage.open(document.storage_key) as fh:
                assert hashlib.sha256(fh.read()).hexdigest() == document.sha256
        permit = db.session.scalar(select(Permit))
        assert storage.exists(permit.pdf_key)
        response = target.test_client().get(f"/verify/{token}?lang=en")
        html = response.get_data(as_text=True)
        db.session.remove()
    assert response.status_code == 200
    assert "VALID" in html
    assert "REVOKED" not in html


def test_restore_refuses_a_database_that_holds_data_unless_forced(two_instances, tmp_path):
    source, _target, _application_id, token = two_instances
    out = tmp_path / "backup-2"
    assert _cli(source, "backup", "create", "--out", str(out)).exit_code == 0
    result = _cli(source, "backup", "restore", "--from", str(out))
    assert result.exit_code != 0
    assert "already holds data" in result.output

    result = _cli(source, "backup", "restore", "--from", str(out), "--force")
    assert result.exit_code == 0, result.output
    with source.app_context():
        response = source.test_client().get(f"/verify/{token}?lang=en")
        db.session.remove()
    assert "VALID" in response.get_data(as_text=True)


def test_restore_refuses_a_damaged_backup_and_changes_nothing(two_instances, tmp_path):
    source, target, _application_id, _token = two_instances
    out = tmp_path / "backup-3"
    assert _cli(source, "backup", "create", "--out", str(out)).exit_code == 0
    with open(out / "files.tar", "r+b") as fh:
        fh.seek(2000)
        fh.write(b"XXXX")
    result = _cli(target, "backup", "restore", "--from", str(out))
    assert result.exit_code != 0
    assert "damaged" in result.output
    with target.app_context():
        assert db.inspect(db.engine).get_table_names() == []
        db.session.remove()
    assert not any(Path(target.config["UPLOAD_ROOT"]).rglob("*"))


def test_backup_refuses_a_folder_that_is_not_empty(two_instances, tmp_path):
    source = two_instances[0]
    out = tmp_path / "used"
    out.mkdir()
    (out / "old.txt").write_text("an earlier backup")
    result = _cli(source, "backup", "create", "--out", str(out))
    assert result.exit_code != 0
    assert "not empty" in result.output


def test_restore_refuses_tar_members_whose_names_leave_the_storage(two_instances, tmp_path):
    source, target, _application_id, _token = two_instances
    out = tmp_path / "backup-4"
    assert _cli(source, "backup", "create", "--out", str(out)).exit_code == 0
    with tarfile.open(out / "files.tar", "a") as tar:
        for name in ("../../escaped", "/tmp/absolute", "documents/ab/cd/x.pdf"):
            info = tarfile.TarInfo(name)
            info.size = 4
            tar.addfile(info, io.BytesIO(b"evil"))
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"]["sha256"] = hashlib.sha256((out / "files.tar").read_bytes()).hexdigest()
    (out / "manifest.json").write_text(json.dumps(manifest))

    result = _cli(target, "backup", "restore", "--from", str(out))
    assert result.exit_code == 1
    assert "refused a file with a malformed name: '../../escaped'" in result.output
    assert not (tmp_path / "target" / "escaped").exists()
    assert not (tmp_path / "escaped").exists()
    assert not Path("/tmp/absolute").exists()
    uploads = Path(target.config["UPLOAD_ROOT"])
    assert not (uploads / "documents" / "ab" / "cd" / "x.pdf").exists()


def test_backup_and_restore_with_files_on_s3(tmp_path, real_commits):
    with (
        scratch_database_url("test_backup_s3a", tmp_path) as src_url,
        scratch_database_url("test_backup_s3b", tmp_path) as dst_url,
    ):
        source = _instance(tmp_path, "s3-source", src_url, **s3server.app_config())
        target = _instance(tmp_path, "s3-target", dst_url, **s3server.app_config())
        try:
            with source.app_context():
                db.create_all()
                _application_id, token = build_approved_with_permit()
                db.session.remove()
            out = tmp_path / "backup-s3"
            result = _cli(source, "backup", "create", "--out", str(out))
            assert result.exit_code == 0, result.output
            result = _cli(target, "backup", "restore", "--from", str(out))
            assert result.exit_code == 0, result.output
            assert "4 file(s) restored" in result.output
            assert len(s3server.leftovers(target.config["S3_PREFIX"])) == 4  # documents, letter, translation
            with target.app_context():
                assert isinstance(get_storage(), S3Storage)
                html = target.test_client().get(f"/verify/{token}?lang=en").get_data(as_text=True)
                db.session.remove()
            assert "VALID" in html
        finally:
            for app in (source, target):
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()


# -- moving local files to S3 ---------------------------------------------------------------------
@pytest.fixture
def to_s3(app):
    """The shared app, still on local disk, with S3 settings pointing at a fresh prefix."""
    saved = dict(app.config)
    app.config.update(s3server.app_config(STORAGE_BACKEND="local"))
    try:
        yield app
    finally:
        app.config.clear()
        app.config.update(saved)


def _target(app) -> S3Storage:
    return S3Storage(s3server.BUCKET, prefix=app.config["S3_PREFIX"], client=s3server.client())


def test_migrate_to_s3_copies_every_referenced_file_checks_it_and_is_idempotent(to_s3):
    application_id, _token = build_approved_with_permit()
    local = get_storage()
    assert isinstance(local, LocalStorage)
    documents = db.session.scalars(select(Document).where(Document.application_id == application_id)).all()
    permit = db.session.scalar(select(Permit).where(Permit.application_id == application_id))

    result = _cli(to_s3, "storage", "migrate-to-s3")
    assert result.exit_code == 0, result.output
    assert "4 copied, 0 already present" in result.output  # two documents, the letter, its translation
    target = _target(to_s3)
    for document in documents:
        with target.open(document.storage_key) as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == document.sha256
    with target.open(permit.pdf_key) as fh, local.open(permit.pdf_key) as original:
        assert fh.read() == original.read()

    again = _cli(to_s3, "storage", "migrate-to-s3")
    assert again.exit_code == 0, again.output
    assert "0 copied, 4 already present" in again.output


def test_migrate_to_s3_replaces_a_different_copy_already_in_the_bucket(to_s3):
    application_id, _token = build_approved_with_permit()
    document = db.session.scalars(select(Document).where(Document.application_id == application_id)).first()
    target = _target(to_s3)
    target.put(document.storage_key, io.BytesIO(b"a half-finished earlier copy"))
    result = _cli(to_s3, "storage", "migrate-to-s3")
    assert result.exit_code == 0, result.output
    assert "4 copied" in result.output
    with target.open(document.storage_key) as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == document.sha256


def test_migrate_to_s3_reports_a_local_file_that_no_longer_matches_and_exits_1(to_s3):
    application_id, _token = build_approved_with_permit()
    document = db.session.scalars(select(Document).where(Document.application_id == application_id)).first()
    path = get_storage().local_path(document.storage_key)
    path.write_bytes(path.read_bytes() + b"tampered")
    result = _cli(to_s3, "storage", "migrate-to-s3")
    assert result.exit_code == 1
    assert f"sha256 differs: {document.storage_key}" in result.output
    assert "differs from the database" in result.output
    assert not _target(to_s3).exists(document.storage_key)


def test_migrate_to_s3_reports_a_missing_local_file_and_exits_1(to_s3):
    application_id, _token = build_approved_with_permit()
    permit = db.session.scalar(select(Permit).where(Permit.application_id == application_id))
    get_storage().delete(permit.pdf_key)
    result = _cli(to_s3, "storage", "migrate-to-s3")
    assert result.exit_code == 1
    assert f"missing: {permit.pdf_key}" in result.output
    assert "3 copied" in result.output  # the documents and the English translation


def test_migrate_to_s3_without_a_bucket_is_a_clear_error(to_s3):
    to_s3.config["S3_BUCKET"] = None
    result = to_s3.test_cli_runner().invoke(args=["storage", "migrate-to-s3"])
    assert result.exit_code != 0
    assert "S3_BUCKET" in result.output


def test_storage_verify_finds_a_missing_file(app):
    application_id, _token = build_approved_with_permit()
    assert _cli(app, "storage", "verify").exit_code == 0
    document = db.session.scalars(select(Document).where(Document.application_id == application_id)).first()
    get_storage().delete(document.storage_key)
    result = _cli(app, "storage", "verify")
    assert result.exit_code == 1
    assert f"missing: {document.storage_key}" in result.output


def test_every_feature_that_keeps_files_lists_them_for_backups_and_verify(app):
    """Storage knows no feature: the inventory is what the features registered at app creation,
    and a missing permit certificate (not only a document) is reported."""
    assert set(file_owners(app)) == {
        "documents",
        "permits",
        "tutorials",
        "public_documents",
        "form_samples",
        "vault",
        "site_pictures",
        "events",
    }
    application_id, _token = build_approved_with_permit()
    permit = permits.permit_for_application(application_id)
    where = {ref.key: ref.where for ref in referenced_files()}
    assert where[permit.pdf_key] == f"permit {permit.id}"
    get_storage().delete(permit.pdf_key)
    result = _cli(app, "storage", "verify")
    assert result.exit_code == 1
    assert f"missing: {permit.pdf_key} (permit {permit.id})" in result.output
