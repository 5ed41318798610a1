"""``flask backup create|restore`` and ``flask storage migrate-to-s3|verify``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.maintenance.backup import BackupError, create_backup, restore_backup
from portal.maintenance.inventory import referenced_files
from portal.storage import LocalStorage, get_storage, make_s3_storage
from portal.storage.errors import StorageError
from portal.storage.transfer import copy_files, verify_files

storage_cli = AppGroup("storage", help="Move and check stored files.")
backup_cli = AppGroup("backup", help="Back up and restore the database and the stored files.")


@storage_cli.command("migrate-to-s3")
@click.option(
    "--source-root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The local upload folder to copy from (default: UPLOAD_ROOT).",
)
def migrate_to_s3_command(source_root: Path | None) -> None:
    """Copy every file the database refers to from local disk to the S3 bucket named by the
    S3_* settings, and check each file's sha256 there. Safe to run again: files already copied
    are skipped. Exits with status 1 when a file is missing or differs. Afterwards set
    STORAGE_BACKEND=s3 and restart the web and worker processes."""
    root = source_root or Path(current_app.config["UPLOAD_ROOT"])
    if not root.is_dir():
        raise click.ClickException(f"No upload folder at {root}.")
    try:
        target = make_s3_storage(current_app)
    except StorageError as exc:
        raise click.ClickException(str(exc)) from None
    source = LocalStorage(root)
    refs = referenced_files()
    click.echo(f"Copying {len(refs)} file(s) from {root} to {target!r}")
    report = copy_files(source, target, refs)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)


@storage_cli.command("verify")
def verify_command() -> None:
    """Check that every file the database refers to is in the configured storage, with the
    recorded sha256 for documents. Exits with status 1 otherwise."""
    report = verify_files(get_storage(), referenced_files())
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)


@backup_cli.command("create")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A new (or empty) folder for this backup.",
)
def create_command(out: Path) -> None:
    """Back up the database (SQLite online backup or pg_dump) and every stored file, with a
    manifest of sha256 sums. Copy the folder off the machine afterwards."""
    try:
        manifest = create_backup(out)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Backup written to {out}: {manifest['database']['dialect']} database "
        f"({manifest['database']['size']} bytes), {manifest['files']['count']} file(s), "
        f"revision {manifest['alembic_revision'] or '-'}."
    )


@backup_cli.command("restore")
@click.option(
    "--from",
    "src",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The backup folder (made by `backup create`).",
)
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore_command(src: Path, force: bool) -> None:
    """Restore a backup onto a fresh instance (an empty database and empty storage), then
    check every file the database refers to. Exits with status 1 when a file is missing or its
    sha256 differs."""
    try:
        report = restore_backup(src, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Database restored (revision {report.alembic_revision or '-'}); "
        f"{report.files_restored} file(s) restored."
    )
    for name in report.files_refused:
        click.echo(f"refused a file with a malformed name: {name!r}")
    for line in report.verification.lines():
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)
