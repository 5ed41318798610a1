"""Scratch databases for tests that need real commits from several threads (concurrency):
a temporary SQLite file, or a separate PostgreSQL database on the TEST_DATABASE_URL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url


def scratch_name(base_database: str | None, purpose: str) -> str:
    """A database name of our own: TEST_DATABASE_URL's database, the purpose and a random
    suffix, so two runs on one server (two engineers, CI beside a session) never share one."""
    return f"{base_database or 'test'}_{purpose}_{uuid.uuid4().hex[:8]}"[:63]


@contextmanager
def scratch_database_url(purpose: str, tmp_path: Path) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / (purpose + '.db')}"
        return
    url = make_url(base)
    name = scratch_name(url.database, purpose)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
