"""What several benchmarks share: a scratch PostgreSQL database's name, the embedded-default
app on a scratch folder with the demo data (``flask seed demo``), as a visitor finds it, and the
portal under gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1 with its workers' memory."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from pathlib import Path
from typing import IO, Any

from cluster import free_port, wait_for
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


# -- gunicorn ---------------------------------------------------------------------------------
# The deployment's own settings in this process's environment, which a scratch server must not use.
_NOT_PASSED_ON = ("DATABASE_URL", "REDIS_URL", "RATELIMIT_STORAGE_URI", "PORTAL_CONFIG", "STORAGE_BACKEND")


class Gunicorn:
    """The portal under gunicorn with deploy/gunicorn.conf.py on 127.0.0.1:``port`` (0: a free
    one) and ``workers`` sync workers: the embedded default configuration (no Redis, limits in
    memory, local storage) on ``database_url``, its instance folder ``instance`` (default
    ``folder``) and its uploads in ``folder``/uploads, its output in ``folder``/gunicorn.log.
    ``extra_env`` adds settings (``GUNICORN_TIMEOUT``...). ``env`` is ready at once, for the
    set-up commands run before ``start()`` (a fill, ``flask db upgrade``); ``stop()`` (or leaving
    the ``with`` block) ends it and does nothing when it never started."""

    def __init__(
        self,
        database_url: str,
        folder: Path,
        *,
        port: int = 0,
        workers: int = 1,
        instance: Path | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.workers = workers
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "gunicorn.log"
        self.env = {k: v for k, v in os.environ.items() if k not in _NOT_PASSED_ON}
        self.env.update(
            PORTAL_CONFIG="default",
            PORTAL_INSTANCE_DIR=str(instance or folder),
            DATABASE_URL=database_url,
            UPLOAD_ROOT=str(folder / "uploads"),
            SECRET_KEY=secrets.token_urlsafe(32),
            BASE_URL=self.base,
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_WORKERS=str(workers),
            PYTHONPATH=str(ROOT),
            **(extra_env or {}),
        )
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[str] | None = None

    def start(self, timeout: float = 120) -> Gunicorn:
        """Start the server and wait until GET /healthz answers 200."""
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._healthy, timeout, "gunicorn")
        return self

    def _healthy(self) -> bool:
        with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as answer:  # noqa: S310
            return answer.status == 200

    def worker_pids(self, timeout: float = 60) -> list[int]:
        """The master's worker processes (waits until all ``workers`` have started)."""
        master = self.process.pid if self.process else 0

        def _children() -> list[int] | None:
            with open(f"/proc/{master}/task/{master}/children") as fh:
                pids = [int(p) for p in fh.read().split()]
            return pids if len(pids) >= self.workers else None

        return wait_for(_children, timeout, "gunicorn worker")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def memory_kib(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS since the last reset_peak) of a process, in KiB (Linux /proc)."""
    fields = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0])
    return fields["VmRSS"], fields["VmHWM"]


def reset_peak(pid: int) -> bool:
    """Reset the peak RSS (VmHWM) to the current RSS (Linux: write 5 to clear_refs); False where
    that is not allowed, and the caller samples the RSS instead."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False
