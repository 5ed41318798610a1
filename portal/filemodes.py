"""Owner-only file modes for what the embedded tier keeps on disk: ``instance/`` and the mail
folder are 0700; the SQLite database with its -wal and -shm files, and the mailed ``.eml``
files (they hold live reset links), are 0600. Set explicitly where they are created, whatever
the umask, and repaired at start-up for an install made before."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def _ours(path: Path) -> bool:
    try:
        return path.stat().st_uid == os.getuid()
    except FileNotFoundError:
        return False


def private_dir(path: Path) -> Path:
    """Make ``path`` (and missing parents) and leave it readable by its owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if _ours(path):
        path.chmod(PRIVATE_DIR)
    return path


def write_private_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file that only its owner can read (0600 from the start: never
    readable by others, even for a moment)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
        with os.fdopen(fd, "wb", closefd=False) as fh:
            fh.write(data)
    finally:
        os.close(fd)


def secure_embedded_files(app: Flask) -> None:
    """At start-up: ``instance/`` 0700, and a SQLite database file made (empty) with 0600
    before SQLite opens it, since SQLite gives its -wal and -shm files the database's mode.
    Files made by an older version are set to the same modes."""
    instance = Path(app.config.get("INSTANCE_DIR") or app.instance_path)
    if instance.is_dir() and _ours(instance):
        instance.chmod(PRIVATE_DIR)
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    name = url.database
    if url.get_backend_name() != "sqlite" or not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    if not path.is_absolute():  # Flask-SQLAlchemy puts relative SQLite paths in instance/
        path = Path(app.instance_path) / path
    if not path.parent.exists():
        private_dir(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if _ours(part):
            part.chmod(PRIVATE_FILE)
