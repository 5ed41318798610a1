"""The embedded tier keeps its files to itself: instance/ and the mail folder 0700, the SQLite
database with its -wal/-shm and every mailed .eml (live reset links) 0600, whatever the umask
(issue 12, item 10)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from portal import create_app
from portal.extensions import db
from portal.notifications.mail import send_email


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o002, 0o000], ids=["umask 022", "umask 002", "umask 000"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def embedded_app(instance: Path, **overrides):
    """An app on a SQLite file in ``instance`` (its own engine, not the suite's database)."""
    return create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'portal.db'}",
        INSTANCE_DIR=instance,
        MAIL_DIR=instance / "mail",
        **overrides,
    )


def test_new_sqlite_database_and_its_wal_files_are_0600(tmp_path, umask):
    instance = tmp_path / "instance"
    app = embedded_app(instance)
    with app.app_context():
        engine = db.engine
        try:
            with engine.connect() as conn:
                conn.execute(text("CREATE TABLE t (x INTEGER)"))
                conn.execute(text("INSERT INTO t VALUES (1)"))
                conn.commit()
                # WAL mode: the -wal and -shm files exist while a connection is open.
                wal, shm = instance / "portal.db-wal", instance / "portal.db-shm"
                assert wal.exists() and shm.exists()
                assert mode(wal) == 0o600
                assert mode(shm) == 0o600
            assert mode(instance / "portal.db") == 0o600
        finally:
            engine.dispose()
    assert mode(instance) == 0o700


def test_an_older_install_is_repaired_at_start_up(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    for name in ("portal.db", "portal.db-wal", "portal.db-shm"):
        (instance / name).write_bytes(b"")
        (instance / name).chmod(0o644)
    embedded_app(instance)
    assert mode(instance) == 0o700
    assert {
        name: mode(instance / name) for name in ("portal.db", "portal.db-wal", "portal.db-shm")
    } == dict.fromkeys(("portal.db", "portal.db-wal", "portal.db-shm"), 0o600)


def test_database_in_a_folder_that_does_not_exist_yet(tmp_path, umask):
    folder = tmp_path / "data" / "sqlite"
    app = create_app(
        "test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'p.db'}", INSTANCE_DIR=tmp_path / "instance"
    )
    assert app is not None
    assert mode(folder) == 0o700
    assert mode(folder / "p.db") == 0o600


def test_mailed_eml_files_and_their_folder_are_private(app, outbox, umask):
    folder = Path(app.config["MAIL_DIR"])
    if folder.exists():
        folder.chmod(0o755)  # as an older version left it
    with app.test_request_context():
        send_email("rina@example.test", "Reset your password", "https://portal.test/reset/x")
    [path] = folder.glob("*.eml")
    assert mode(path) == 0o600
    assert mode(folder) == 0o700
    assert list(folder.glob("*.tmp")) == []


def test_mail_folder_made_on_first_email_is_0700(tmp_path, umask):
    instance = tmp_path / "instance"
    app = embedded_app(instance)
    with app.test_request_context():
        send_email("budi@example.test", "Confirm your email address", "body")
    folder = instance / "mail"
    assert mode(folder) == 0o700
    assert [mode(p) for p in folder.glob("*.eml")] == [0o600]
    assert mode(instance) == 0o700


def test_generated_secret_key_file_is_0600_in_a_0700_instance(tmp_path, monkeypatch, umask):
    import config

    instance = tmp_path / "fresh-instance"
    monkeypatch.setattr(config, "INSTANCE_DIR", instance)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    key = config.instance_secret_key()
    assert len(key) >= 48
    assert mode(instance / "secret_key") == 0o600
    assert mode(instance) == 0o700
    assert config.instance_secret_key() == key  # stable across starts
