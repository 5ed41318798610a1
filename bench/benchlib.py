"""What several benchmarks share: a scratch PostgreSQL database's name, and the embedded-default
app on a scratch folder with the demo data (``flask seed demo``), as a visitor finds it."""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent


def scratch_database(server: str, database: str | None, kind: str) -> tuple[str, str]:
    """(server URL without a database, scratch database name) for a benchmark's PostgreSQL run.
    ``--server`` may name a database (``postgresql+psycopg://postgres@host:5432/sp_me``): the
    scratch database is then named after it (``sp_me_<kind>_<hex>``), so a person's prefix
    carries over; else ``<kind>_<hex>``. ``--database`` names it outright."""
    url = make_url(server)
    stem = url.database
    base = url._replace(database=None).render_as_string(hide_password=False).rstrip("/")
    return base, database or f"{stem + '_' if stem else ''}{kind}_{uuid.uuid4().hex[:8]}"


def demo_app(database_url: str | None, prefix: str, app_root: Path = ROOT) -> tuple[Any, Path]:
    """(app, scratch folder): the embedded default (config "default", no Redis, limits in
    memory) with its instance, uploads and mail in a new temporary folder. Without
    ``database_url`` a SQLite file there, made and seeded with the demo data. ``app_root``
    imports the portal from another checkout (before/after runs)."""
    sys.path.insert(0, str(app_root.resolve()))
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.pop("REDIS_URL", None)
    os.environ["PORTAL_INSTANCE_DIR"] = str(tmp)
    url = database_url or f"sqlite:///{tmp / 'portal.db'}"

    from portal import create_app
    from portal.extensions import db

    app = create_app(
        "default",
        SQLALCHEMY_DATABASE_URI=url,
        RATELIMIT_STORAGE_URI="memory://",
        UPLOAD_ROOT=tmp / "uploads",
        MAIL_DIR=tmp / "mail",
    )
    if database_url is None:
        from portal.seed import seed_demo

        with app.app_context():
            db.create_all()
            for _ in seed_demo():
                pass
            db.session.commit()
    return app, tmp
