"""A busy office on the embedded default: SQLite (WAL) under gunicorn, many people at once.

    .venv/bin/python bench/sqlite_office.py [--users 16] [--officers 4] [--seconds 60]
        [--port 0] [--workers N] [--app-root PATH]

Makes a scratch instance directory (SQLite file, uploads, mail) in a temporary folder,
`flask db upgrade`, `flask seed demo` plus a small permit type and bench accounts, then starts
gunicorn with deploy/gunicorn.conf.py (workers from the CPU count unless --workers) on
127.0.0.1:--port (0: a free port). For --seconds, --users virtual users work at once, each from
its own loopback address: --officers of them work the queue (queue page, review page, claim,
start, accept each document, recommend); the others are applicants who log in, start an
application, save the form page three times, open the documents page (GET: records the stage),
upload a PDF and a PNG, open the review page (GET: records the stage) and submit.

Prints requests, p50/p95/p99 per step and overall, the 5xx count and the load average, then
checks that every submission the script saw is in the database as submitted. Exit status 1 on
any 5xx, failed connection or lost submission. --app-root serves another checkout's code (to
measure before/after with the same script); the default is this repository.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from cluster import (  # noqa: E402
    BENCH_PASSWORD,
    SMALL_ANSWERS,
    SMALL_CATEGORY,
    SMALL_DOCUMENTS,
    SMALL_FIELDS,
    free_port,
    wait_for,
)
from load import (  # noqa: E402
    APP_ID,
    Browser,
    HttpError,
    Stats,
    _png_with_text,
    forms_of,
    make_pdf,
    ms,
    pct,
    print_table,
)
from second_step import BENCH_TOTP_SECRET  # noqa: E402

SEED = r"""
import sys
from portal import create_app
from portal.auth.models import Role, User, UserRole
from portal.auth.passwords import hash_password
from portal.auth.second_factor_models import SecondFactor
from portal.catalogue.models import PermitCategory, Sector
from portal.catalogue.services import publish_new_version
from portal.db import utcnow
from portal.extensions import db
from portal.seed import seed_demo
import json
spec = json.loads(sys.argv[1])
app = create_app()
with app.app_context():
    for _ in seed_demo():
        pass
    category = PermitCategory(slug=spec["slug"], code="UJI", name_id="Izin Uji Beban",
                              name_en="Load test permit", summary_id="Izin kecil untuk uji beban",
                              summary_en="A small permit for load tests", sector=Sector.TRADE,
                              time_limit_days=5)
    publish_new_version(category, spec["fields"], spec["documents"])
    db.session.commit()
    password = hash_password(spec["password"])
    now = utcnow()
    for i in range(spec["officers"]):
        u = User(email=f"petugas{i}@bench.test", full_name=f"Petugas Uji {i}",
                 password_hash=password, email_verified_at=now, locale="en",
                 password_changed_at=now)
        u.roles = [UserRole(role=Role.OFFICER)]
        db.session.add(u)
        db.session.flush()
        # Staff log in in two steps: the bench authenticator (bench/second_step.py types its code).
        db.session.add(SecondFactor(user_id=u.id, secret=spec["totp_secret"], enrolled_at=now,
                                    version=1, failed_count=0))
    for i in range(spec["applicants"]):
        u = User(email=f"warga{i}@bench.test", full_name=f"Warga Uji {i}",
                 password_hash=password, email_verified_at=now, locale="en",
                 password_changed_at=now, nik=f"6472014507{i:06d}", phone=f"+6285{i:09d}")
        u.roles = [UserRole(role=Role.APPLICANT)]
        db.session.add(u)
    db.session.commit()
"""


class Shared:
    def __init__(self):
        self.lock = threading.Lock()
        self.submitted: list[int] = []
        self.to_review: list[int] = []


def applicant_loop(b: Browser, shared: Shared, k: int, until: float) -> None:
    rng = random.Random(k)
    b.login(f"warga{k}@bench.test")
    while time.monotonic() < until:
        b.get(f"/permits/{SMALL_CATEGORY}", "apply: permit page")
        b.submit(f"/permits/{SMALL_CATEGORY}/apply", "apply: start")
        match = APP_ID.search(b.last_url)
        if not match:
            raise HttpError(0, b.last_url, "no application started")
        app_id = int(match.group(1))
        for n in range(3):
            b.get(f"/applications/{app_id}/form/usaha", "apply: form page")
            b.submit(
                f"/applications/{app_id}/form/usaha",
                "apply: save page",
                {
                    **SMALL_ANSWERS,
                    "business_name": f"Warung {k}-{n}-{rng.randrange(10**6)}",
                    "action": "continue" if n == 2 else "save",
                },
            )
        b.get(f"/applications/{app_id}/documents", "apply: documents page (GET writes stage)")
        for key, name, data, ctype in (
            ("ktp", "ktp.pdf", make_pdf(str(app_id)), "application/pdf"),
            ("foto", "foto.png", _png_with_text(str(app_id)), "image/png"),
        ):
            b.submit(
                f"/applications/{app_id}/documents/{key}",
                "apply: upload",
                files={"file": (name, data, ctype)},
                # the documents page is one form; each slot's upload address takes the file alone
                form_contains=f"/applications/{app_id}/documents",
            )
        b.get(f"/applications/{app_id}/review", "apply: review page (GET writes stage)")
        b.submit(f"/applications/{app_id}/review", "apply: submit", {"declaration": "y"})
        if "/confirmation" not in b.last_url:
            raise HttpError(0, b.last_url, "submission not confirmed")
        with shared.lock:
            shared.submitted.append(app_id)
            shared.to_review.append(app_id)


def officer_loop(b: Browser, shared: Shared, k: int, until: float) -> None:
    b.login(f"petugas{k}@bench.test", step="office: login")
    while time.monotonic() < until:
        b.get("/office/queue", "office: queue")
        with shared.lock:
            app_id = shared.to_review.pop(0) if shared.to_review else None
        if app_id is None:
            time.sleep(0.3)
            continue
        b.get(f"/office/applications/{app_id}", "office: review page")
        for action in ("claim", "start"):
            b.submit(f"/office/applications/{app_id}/{action}", f"office: {action}")
        for action in sorted(
            {f["action"] for f in forms_of(b.last_text) if f["action"].endswith("/verdict")}
        ):
            b.submit(action, "office: accept document", {"verdict": "accept"})
        b.submit(
            f"/office/applications/{app_id}/recommend",
            "office: recommend",
            {"decision": "approve", "reason": "Lengkap"},
        )
        # The recommendation asks for confirmation over a summary; its own form sends it.
        b.submit(
            f"/office/applications/{app_id}/recommend", "office: recommend (confirmed)", {"confirmed": "yes"}
        )


def virtual_user(index: int, officers: int, base: str, shared: Shared, stats: Stats, until: float) -> None:
    ip = f"127.0.{1 + index // 250}.{2 + index % 250}"
    while time.monotonic() < until:
        b = Browser(base, stats, source_ip=ip)
        try:
            if index < officers:
                officer_loop(b, shared, index, until)
            else:
                applicant_loop(b, shared, index - officers, until)
        except HttpError as exc:
            stats.error(str(exc))
            time.sleep(0.2)
        finally:
            b.session.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--officers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (0: a free one)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn workers (default: deploy/gunicorn.conf.py, from CPUs)",
    )
    parser.add_argument(
        "--app-root", type=Path, default=ROOT, help="checkout whose portal/ and deploy/ are served"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)
    app_root = args.app_root.resolve()
    officers = min(args.officers, args.users)
    port = args.port or free_port()
    tmp = Path(tempfile.mkdtemp(prefix="satupintu-sqlite-office-"))
    (tmp / "instance").mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DATABASE_URL",
            "REDIS_URL",
            "RATELIMIT_STORAGE_URI",
            "PORTAL_CONFIG",
            "MAIL_SERVER",
            "STORAGE_BACKEND",
        )
    }
    env.update(
        PORTAL_CONFIG="default",
        PORTAL_INSTANCE_DIR=str(tmp / "instance"),
        DATABASE_URL=f"sqlite:///{tmp / 'instance' / 'portal.db'}",
        UPLOAD_ROOT=str(tmp / "uploads"),
        SECRET_KEY=secrets.token_urlsafe(32),
        BASE_URL=f"http://127.0.0.1:{port}",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG=str(tmp / "access.log"),
        PYTHONPATH=str(app_root),
    )
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    py = sys.executable
    import json

    spec = json.dumps(
        {
            "slug": SMALL_CATEGORY,
            "fields": SMALL_FIELDS,
            "documents": SMALL_DOCUMENTS,
            "password": BENCH_PASSWORD,
            "officers": officers,
            "totp_secret": BENCH_TOTP_SECRET,
            "applicants": args.users - officers,
        }
    )
    subprocess.run(
        [py, "-m", "flask", "--app", "portal", "db", "upgrade"],
        cwd=app_root,
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run([py, "-c", SEED, spec], cwd=app_root, env=env, check=True)
    log = open(tmp / "gunicorn.log", "w")  # noqa: SIM115 - closed in finally
    server = subprocess.Popen(
        [py, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
        cwd=app_root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    ok = True
    try:
        import requests

        wait_for(lambda: requests.get(base + "/healthz", timeout=5).ok, 180, "gunicorn")
        workers = len(
            subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        )
        load_before = os.getloadavg()
        print(
            f"gunicorn on {base}, {workers} workers, code from {app_root}; "
            f"{args.users} users ({officers} officers) for {args.seconds:.0f} s; "
            f"load average {load_before[0]:.1f}",
            flush=True,
        )
        shared, stats = Shared(), Stats()
        until = time.monotonic() + args.seconds
        started = time.monotonic()
        threads = [
            threading.Thread(target=virtual_user, args=(i, officers, base, shared, stats, until), daemon=True)
            for i in range(args.users)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.seconds + 120)
        took = time.monotonic() - started
        load_after = os.getloadavg()
        rows = [
            [step, len(ts), ms(pct(ts, 50)), ms(pct(ts, 95)), ms(pct(ts, 99))]
            for step, ts in sorted(stats.times.items())
        ]
        times = stats.all_times()
        rows.append(["ALL", len(times), ms(pct(times, 50)), ms(pct(times, 95)), ms(pct(times, 99))])
        print_table(rows, ["step", "n", "p50 ms", "p95 ms", "p99 ms"])
        print(
            f"\nrequests {stats.requests} in {took:.0f} s ({stats.requests / took:.1f}/s); "
            f"5xx {stats.five_xx}; failed connections {stats.failed_connections}; "
            f"journey errors {len(stats.errors)}; statuses {dict(sorted(stats.statuses.items()))}"
        )
        print(f"load average (1 min) before {load_before[0]:.1f}, after {load_after[0]:.1f}")
        for err in stats.errors[:5]:
            print("  error:", err[:300])
        locked = (tmp / "gunicorn.log").read_text(errors="replace").count("database is locked")
        print(f"'database is locked' in the server log: {locked}")
        with sqlite3.connect(tmp / "instance" / "portal.db") as conn:
            found = {
                row[0] for row in conn.execute("SELECT id FROM applications WHERE submitted_at IS NOT NULL")
            }
        lost = [i for i in shared.submitted if i not in found]
        print(f"submissions seen by the script {len(shared.submitted)}, lost {len(lost)}")
        officers_in = sum(1 for step in stats.times if step.startswith("office: queue"))
        if stats.five_xx or stats.failed_connections or lost or not shared.submitted:
            ok = False
        if stats.errors:
            ok = False  # a journey that broke (a login refused) measured less than it says
            print(f"{len(stats.errors)} journeys broke")
        if officers and not officers_in:
            ok = False
            print("no officer reached the queue")
        print("RESULT:", "no 5xx, nothing lost, every journey ran" if ok else "FAILED")
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        if args.keep:
            print("scratch folder:", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
