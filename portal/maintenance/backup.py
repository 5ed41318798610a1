"""Backups of the database and the stored files, and restoring them onto a fresh instance.

    flask --app portal backup create --out DIR
    flask --app portal backup restore --from DIR [--force]

(the commands are in cli.py).

A backup is a folder holding:

- ``database.sqlite3`` (SQLite's online backup API: consistent while the portal runs) or
  ``database.pgdump`` (``pg_dump -Fc``, one consistent snapshot);
- ``files.tar``: every stored file under its key (read through the storage backend, so local
  disk and S3 are the same);
- ``manifest.json``: the sha256 and size of both parts, when it was made, the Alembic revision.

The database is dumped before the files are copied, so every file a backed-up row refers to
is in the backup (files are never changed in place; a file added after the dump is an
unreferenced extra). Restoring checks the manifest first, refuses a database that holds data
unless ``--force``, and ends by checking every referenced file (documents against their
recorded sha256).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, select, text
from sqlalchemy.engine import URL

from portal.extensions import db
from portal.maintenance.inventory import referenced_files
from portal.storage import get_storage
from portal.storage.base import validate_key
from portal.storage.errors import StorageError
from portal.storage.transfer import (
    TransferReport,
    iter_all_keys,
    verify_files,
    write_at,
)

MANIFEST = "manifest.json"
FILES_TAR = "files.tar"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
FORMAT = 1


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why and what to do."""


@dataclass
class RestoreReport:
    files_restored: int = 0
    files_refused: list[str] = field(default_factory=list)
    verification: TransferReport = field(default_factory=TransferReport)
    alembic_revision: str | None = None

    @property
    def ok(self) -> bool:
        return not self.files_refused and self.verification.ok


# -- helpers --------------------------------------------------------------------------------------
def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _url() -> URL:
    return db.engine.url


def _sqlite_path(url: URL) -> Path:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("This SQLite database is in memory or a URI; back up a database file.")
    return Path(database)


def _pg_env(url: URL) -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore: the password never appears on a command line."""
    env = dict(os.environ)
    for name, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[name] = str(value)
    for key, value in url.query.items():  # e.g. sslmode=require -> PGSSLMODE
        if key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout"):
            env["PG" + key.upper().replace("_", "")] = str(value)
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client).")
    return path


def alembic_revision() -> str | None:
    if not inspect(db.engine).has_table("alembic_version"):
        return None
    with db.engine.connect() as conn:
        return conn.scalar(text("SELECT version_num FROM alembic_version"))


def database_has_data() -> bool:
    """True when any table (other than alembic_version) holds a row."""
    inspector = inspect(db.engine)
    names = [n for n in inspector.get_table_names() if n != "alembic_version"]
    with db.engine.connect() as conn:
        for name in names:
            table = db.metadata.tables.get(name)
            if table is None:
                query = text(f'SELECT 1 FROM "{name}" LIMIT 1')  # noqa: S608 (a name from the catalog)
            else:
                query = select(text("1")).select_from(table).limit(1)
            if conn.execute(query).first() is not None:
                return True
    return False


# -- create ---------------------------------------------------------------------------------------
def create_backup(out: Path) -> dict:
    """Write a backup of the current app's database and files into the new folder ``out``.
    Returns the manifest. Raises BackupError when ``out`` exists and is not empty."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty; choose a new folder for each backup.")
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    revision = alembic_revision()

    url = _url()
    if url.get_backend_name() == "sqlite":
        db_file = out / SQLITE_FILE
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(db_file)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        db_file = out / PG_FILE
        _run(
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", f"--file={db_file}"],
            _pg_env(url),
        )
    else:
        raise BackupError(f"Cannot back up a {url.get_backend_name()} database.")

    storage = get_storage()
    count = 0
    tar_path = out / FILES_TAR
    with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT) as tar:
        for key in iter_all_keys(storage):
            try:
                info = tarfile.TarInfo(key)
                info.size = storage.size(key)
                info.mtime = int(storage.modified(key).timestamp())
                info.mode = 0o640
                with storage.open(key) as fh:
                    tar.addfile(info, fh)
            except FileNotFoundError:
                continue  # deleted while the backup ran; the dump no longer needs it
            count += 1

    manifest = {
        "format": FORMAT,
        "app": "satupintu",
        "created_at": created_at,
        "alembic_revision": revision,
        "database": {
            "dialect": url.get_backend_name(),
            "file": db_file.name,
            "size": db_file.stat().st_size,
            "sha256": file_sha256(db_file),
        },
        "files": {
            "file": FILES_TAR,
            "count": count,
            "size": tar_path.stat().st_size,
            "sha256": file_sha256(tar_path),
        },
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()[-2000:]}")


# -- restore --------------------------------------------------------------------------------------
def read_manifest(src: Path) -> dict:
    """The manifest of the backup in ``src``, after checking each part's sha256."""
    src = Path(src)
    try:
        manifest = json.loads((src / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{src} holds no {MANIFEST}; is it a backup folder?") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for part in ("database", "files"):
        name = Path(manifest[part]["file"]).name
        path = src / name
        if not path.is_file():
            raise BackupError(f"The backup is incomplete: {name} is missing.")
        if file_sha256(path) != manifest[part]["sha256"]:
            raise BackupError(f"The backup is damaged: the sha256 of {name} does not match.")
    return manifest


def restore_backup(src: Path, *, force: bool = False) -> RestoreReport:
    """Restore the backup in ``src`` into the current app's (empty) database and storage, then
    check every referenced file. Raises BackupError before changing anything when the backup is
    damaged, made from another kind of database, or the target holds data (unless ``force``)."""
    src = Path(src)
    manifest = read_manifest(src)
    url = _url()
    dialect = url.get_backend_name()
    if manifest["database"]["dialect"] != dialect:
        raise BackupError(
            f"The backup is of a {manifest['database']['dialect']} database; this instance uses {dialect}."
        )
    storage = get_storage()
    if not force:
        if database_has_data():
            raise BackupError(
                "The database already holds data. Restore onto a fresh instance, "
                "or pass --force to replace it."
            )
        if next(iter_all_keys(storage), None) is not None:
            raise BackupError(
                "The file storage is not empty. Restore onto a fresh instance, "
                "or pass --force to add the backup's files to it."
            )

    db_file = src / Path(manifest["database"]["file"]).name
    db.session.remove()
    db.engine.dispose()
    if dialect == "sqlite":
        target_path = _sqlite_path(url)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(db_file)
        target = sqlite3.connect(target_path)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        args = [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={url.database}",
        ]
        if inspect(db.engine).get_table_names():
            args += ["--clean", "--if-exists"]
        db.engine.dispose()
        _run([*args, str(db_file)], _pg_env(url))
    db.engine.dispose()

    report = RestoreReport(alembic_revision=manifest.get("alembic_revision"))
    with tarfile.open(src / FILES_TAR, "r") as tar:
        for member in tar:
            if not member.isfile():
                continue
            try:
                key = validate_key(member.name)
            except StorageError:
                report.files_refused.append(member.name)
                continue
            fh = tar.extractfile(member)
            if fh is None:
                report.files_refused.append(member.name)
                continue
            with fh:
                write_at(storage, key, fh)
            report.files_restored += 1
    report.verification = verify_files(storage, referenced_files())
    return report
