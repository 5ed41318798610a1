"""Upload benchmark: a big PDF sent to the real upload view (the documents page's form:
POST /applications/<id>/documents/<slot>, logged in, with its CSRF token) under gunicorn with
deploy/gunicorn.conf.py, next to a plain shutil.copyfileobj of the same bytes in the same run.

    .venv/bin/python bench/bench_upload.py [--size-mb 45] [--runs 3] [--port 0] [--workers 1]

Makes a scratch instance folder (SQLite database, local storage) in a temporary folder,
`flask db upgrade`, one applicant and a permit type whose one document slot takes PDFs up to
50 MB (the most a slot may take), then starts gunicorn (--workers, default 1, so the worker that
takes the upload is the one measured) on 127.0.0.1:--port (0: a free one). Per run: wall time
of the whole POST (the view streams the file to storage, sniffs it, checks it with pypdf, makes
its preview, writes the row and answers with the redirect), MB/s, and the gunicorn worker's
peak RSS growth during the upload (/proc/<pid>/status VmHWM after resetting it through
clear_refs; where that is unavailable and psutil is installed, RSS sampled every 5 ms). After
the runs the stored document is checked: same size and sha256 as the file sent. Prints the load
average. Not a test; exit status 1 if an upload was refused or the stored file differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from benchlib import Gunicorn, memory_kib, reset_peak  # noqa: E402
from cluster import BENCH_PASSWORD  # noqa: E402

CATEGORY = "bench-unggah-besar"
SEED = r"""
import json, sys
from portal import create_app
from portal.auth.models import Role, User, UserRole
from portal.auth.passwords import hash_password
from portal.catalogue.models import PermitCategory, Sector
from portal.catalogue.services import publish_new_version
from portal.db import utcnow
from portal.extensions import db
spec = json.loads(sys.argv[1])
app = create_app()
with app.app_context():
    category = PermitCategory(slug=spec["slug"], code="UJB", name_id="Izin Uji Unggah",
                              name_en="Upload test permit", summary_id="Uji unggah berkas besar",
                              summary_en="Big upload test", sector=Sector.TRADE, time_limit_days=5)
    publish_new_version(category, [{"key": "nama", "type": "text", "label_id": "Nama",
                                    "label_en": "Name", "required": False, "page": "data",
                                    "page_title_id": "Data", "page_title_en": "Data", "order": 1}],
                        [{"key": "berkas", "label_id": "Berkas besar", "label_en": "Big file",
                          "allowed_types": ["pdf"], "max_mb": 50, "required": True}])
    now = utcnow()
    user = User(email="warga0@bench.test", full_name="Warga Uji", locale="en",
                password_hash=hash_password(spec["password"]), email_verified_at=now,
                password_changed_at=now, nik="6472014507000001", phone="+6285000000001")
    user.roles = [UserRole(role=Role.APPLICANT)]
    db.session.add(user)
    db.session.commit()
"""


class PeakSampler:
    """Fallback without clear_refs: sample the RSS with psutil while the upload runs."""

    def __init__(self, pid: int):
        import threading

        import psutil

        self.process = psutil.Process(pid)
        self.before = self.peak = self.process.memory_info().rss // 1024
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop.wait(0.005):
            self.peak = max(self.peak, self.process.memory_info().rss // 1024)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def measure(pid: int, upload) -> tuple[float | None, object]:
    """Run ``upload()``; return (peak RSS growth of ``pid`` in MB or None, upload's result)."""
    if os.path.exists(f"/proc/{pid}/status") and reset_peak(pid):
        before, _ = memory_kib(pid)
        reset_peak(pid)
        result = upload()
        _, peak = memory_kib(pid)
        return (peak - before) / 1024, result
    try:
        sampler = PeakSampler(pid)
    except ImportError:
        return None, upload()
    with sampler:
        result = upload()
    return (sampler.peak - sampler.before) / 1024, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=45)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (0: a free one)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)

    import requests

    from tests.fixtures_files import make_big_pdf

    tmp = Path(tempfile.mkdtemp(prefix="satupintu-bench-upload-"))
    (tmp / "instance").mkdir()
    server = Gunicorn(
        f"sqlite:///{tmp / 'instance' / 'portal.db'}",
        tmp,
        port=args.port,
        workers=args.workers,
        instance=tmp / "instance",
    )
    base = server.base
    env = server.env
    py = sys.executable
    try:
        pdf = tmp / "big.pdf"
        with open(pdf, "wb") as out:
            for piece in make_big_pdf(args.size_mb * 1024 * 1024):
                out.write(piece)
        data_sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
        size = pdf.stat().st_size
        mb = size / 1024 / 1024
        copies = []
        for _ in range(args.runs):
            start = time.perf_counter()
            with open(pdf, "rb") as src, open(tmp / "copy.pdf", "wb") as dst:
                shutil.copyfileobj(src, dst, 64 * 1024)
                dst.flush()
                os.fsync(dst.fileno())
            copies.append(time.perf_counter() - start)
            (tmp / "copy.pdf").unlink()

        subprocess.run(
            [py, "-m", "flask", "--app", "portal", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [py, "-c", SEED, json.dumps({"slug": CATEGORY, "password": BENCH_PASSWORD})],
            cwd=ROOT,
            env=env,
            check=True,
        )
        server.start()
        workers = server.worker_pids()

        browser = requests.Session()
        browser.trust_env = False

        def token(path: str) -> str:
            page = browser.get(base + path, timeout=30).text
            found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
            if not found:
                raise RuntimeError(f"no form token on {path}")
            return found.group(1)

        answer = browser.post(
            base + "/login",
            data={"csrf_token": token("/login"), "email": "warga0@bench.test", "password": BENCH_PASSWORD},
            timeout=60,
        )
        answer.raise_for_status()
        started = browser.post(
            base + f"/permits/{CATEGORY}/apply",
            data={"csrf_token": token(f"/permits/{CATEGORY}")},
            timeout=60,
        )
        found = re.search(r"/applications/(\d+)/", started.url)
        if not found:
            print("could not start an application:", started.url)
            return 1
        app_id = int(found.group(1))
        documents = f"/applications/{app_id}/documents"
        upload_url = f"{documents}/berkas"

        def upload(path: Path) -> tuple[int, float, str]:
            form_token = token(documents)
            start = time.perf_counter()
            with open(path, "rb") as fh:
                response = browser.post(
                    base + upload_url,
                    data={"csrf_token": form_token},
                    files={"file": ("besar.pdf", fh, "application/pdf")},
                    headers={"Referer": base + documents},
                    allow_redirects=False,
                    timeout=600,
                )
            return response.status_code, time.perf_counter() - start, response.headers.get("Location", "")

        small = tmp / "small.pdf"
        small.write_bytes(b"".join(make_big_pdf(200 * 1024)))
        status, _took, _where = upload(small)  # warm-up: imports, first request
        if status != 302:
            print(f"the warm-up upload was answered {status}")
            return 1

        load = os.getloadavg()[0]
        print(
            f"Upload of a {mb:.1f} MB PDF to the real upload view (POST {upload_url}) under gunicorn "
            f"({args.workers} worker(s), deploy/gunicorn.conf.py, SQLite, local storage) on 127.0.0.1; "
            f"Python {sys.version.split()[0]}, {args.runs} runs, best time, most memory; "
            f"load average {load:.1f}"
        )
        best_copy = min(copies)
        print(
            f"  shutil.copyfileobj (same bytes, + fsync): {mb / best_copy:8.1f} MB/s "
            f"({best_copy * 1000:.0f} ms)"
        )
        times, growths, bad = [], [], 0
        for _ in range(args.runs):
            pid = workers[0] if len(workers) == 1 else server.process.pid
            growth, (status, took, where) = measure(pid, lambda: upload(pdf))
            if status != 302 or "documents" not in where:
                print(f"  upload answered {status} -> {where}")
                bad += 1
            times.append(took)
            growths.append(growth)
        best = min(times)
        growth = None if None in growths else max(growths)
        growth_text = f"{growth:6.1f} MB" if growth is not None else "   n/a (no /proc, no psutil)"
        print(
            f"  POST {upload_url} (whole view):        {mb / best:8.1f} MB/s ({best * 1000:.0f} ms; "
            f"median {sorted(times)[len(times) // 2] * 1000:.0f} ms); worker peak RSS growth {growth_text}"
        )
        with sqlite3.connect(tmp / "instance" / "portal.db") as conn:
            row = conn.execute(
                "SELECT size, sha256 FROM documents WHERE application_id = ? AND requirement_key = 'berkas'",
                (app_id,),
            ).fetchone()
        stored_ok = row is not None and row[0] == size and row[1] == data_sha
        print(f"  stored document: {'same size and sha256 as sent' if stored_ok else f'DIFFERS: {row}'}")
        print(f"load average after {os.getloadavg()[0]:.1f}")
        return 0 if stored_ok and not bad else 1
    finally:
        server.stop()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
