"""Export benchmark: the officer queue downloaded as CSV and XLSX with 100,000 rows, through the
real view (GET /office/queue/export.<fmt>?status=all, logged in with both steps) under gunicorn
with deploy/gunicorn.conf.py and one worker, on a scratch database.

    .venv/bin/python bench/bench_export.py --database NAME [--server URL] [--rows 100000]
        [--port 0] [--keep]
    .venv/bin/python bench/bench_export.py --sqlite PATH [--rows 100000] [--port 0]

``--database`` is created on the PostgreSQL ``--server`` (default
postgresql+psycopg://postgres@127.0.0.1:5432; it must not exist) and dropped at the end unless
``--keep``; ``--sqlite`` is a new file. bench/fill.py fills it with ``--rows`` applications
and their applicants. Per format: seconds to the first byte and to the last, MB sent, rows in
the file (checked against the database), and the gunicorn worker's memory: its RSS before
the request and its peak during it (VmHWM after resetting it through clear_refs, and the RSS
sampled every 10 ms from /proc as a check), so the growth is what the export costs. The goal
is a growth under 50 MB. Prints the load average: the machine is shared, so read the seconds
as upper bounds. Exit status 1 if a download fails or its row count is wrong.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from benchlib import Gunicorn, memory_kib, reset_peak  # noqa: E402
from cluster import BENCH_PASSWORD  # noqa: E402
from second_step import code_for  # noqa: E402

_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
FILL = r"""
import sys
from portal import create_app
from portal.extensions import db
from bench.fill import fill
app = create_app("default", SQLALCHEMY_DATABASE_URI=sys.argv[1])
with app.app_context():
    db.create_all()
    result = fill(int(sys.argv[2]), n_officers=2, officer_password=sys.argv[3])
    print(result.officer_emails[0])
"""


class Sampler(threading.Thread):
    """The worker's RSS every 10 ms while a download runs."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.01):
            try:
                self.peak = max(self.peak, memory_kib(self.pid)[0])
            except OSError:
                return


def login(session, base: str, email: str) -> None:
    page = session.get(f"{base}/login").text
    answer = session.post(
        f"{base}/login",
        data={"csrf_token": _CSRF.search(page).group(1), "email": email, "password": BENCH_PASSWORD},
        allow_redirects=False,
    )
    if answer.headers.get("Location", "").endswith("/login/code"):
        page = session.get(f"{base}/login/code").text
        answer = session.post(
            f"{base}/login/code",
            data={"csrf_token": _CSRF.search(page).group(1), "code": code_for(email)},
            allow_redirects=False,
        )
    if answer.status_code != 302:
        raise SystemExit(f"login refused for {email}: {answer.status_code}")


def count_rows(fmt: str, body: bytes) -> int:
    """Data rows in a downloaded file: the lines after the header row."""
    if fmt == "csv":
        lines = body.decode("utf-8").splitlines()
        header = next(i for i, line in enumerate(lines) if line.startswith("Nomor Registrasi"))
        return sum(1 for line in lines[header + 1 :] if line)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    rows = sheet.count("<row")
    return rows - 11  # the title, made on, 7 filters, a blank row and the header


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--database", help="a new PostgreSQL database name on --server")
    where.add_argument("--sqlite", help="a new SQLite file")
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (0: a free one)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)

    import psycopg
    import requests

    if args.database:
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.database):
            raise SystemExit("--database: lower-case letters, digits and _ only")
        admin_url = args.server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{args.database}"')
        url = f"{args.server}/{args.database}"
    else:
        if os.path.exists(args.sqlite):
            raise SystemExit(f"{args.sqlite} exists: give a new file")
        url = f"sqlite:///{os.path.abspath(args.sqlite)}"
    tmp = Path(tempfile.mkdtemp(prefix="satupintu-bench-export-"))
    server = Gunicorn(
        url, tmp, port=args.port, extra_env={"GUNICORN_TIMEOUT": "300", "GUNICORN_ACCESS_LOG": "/dev/null"}
    )
    base = server.base
    failed = False
    try:
        started = time.perf_counter()
        filled = subprocess.run(
            [sys.executable, "-c", FILL, url, str(args.rows), BENCH_PASSWORD],
            cwd=ROOT,
            env=server.env,
            check=True,
            capture_output=True,
            text=True,
        )
        officer = filled.stdout.strip().splitlines()[-1]
        print(
            f"filled {args.rows:,} applications in {time.perf_counter() - started:.0f} s ({url.split('://')[0]})"
        )
        server.start()
        pid = server.worker_pids()[0]
        session = requests.Session()
        login(session, base, officer)
        session.get(f"{base}/office/queue?status=all", timeout=60)  # warm the worker once
        for fmt in ("csv", "xlsx"):
            before, _ = memory_kib(pid)
            exact = reset_peak(pid)
            sampler = Sampler(pid)
            sampler.start()
            begin = time.perf_counter()
            first = None
            size = 0
            body = bytearray()
            url_export = f"{base}/office/queue/export.{fmt}?status=all"
            with session.get(url_export, stream=True, timeout=300) as answer:
                for piece in answer.iter_content(64 * 1024):
                    if first is None:
                        first = time.perf_counter() - begin
                    size += len(piece)
                    body += piece
                ok = answer.status_code == 200
            total = time.perf_counter() - begin
            sampler.done.set()
            sampler.join()
            peak = memory_kib(pid)[1] if exact else sampler.peak
            rows = count_rows(fmt, bytes(body)) if ok else -1
            if rows != args.rows:
                failed = True
            print(
                f"{fmt}: {rows:,} rows, {size / 1e6:.1f} MB, first byte {first or 0:.2f} s, "
                f"whole {total:.1f} s; worker RSS {before / 1024:.0f} MB before, peak "
                f"{peak / 1024:.0f} MB ({'VmHWM' if exact else 'sampled'}; sampled peak "
                f"{sampler.peak / 1024:.0f} MB): growth {(peak - before) / 1024:.1f} MB (goal < 50 MB)"
            )
            del body
        print("load average: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    finally:
        server.stop()
        if args.database and not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
