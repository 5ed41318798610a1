"""1,000 approvals through the real approval view, with the RQ worker delivering what they queue
(issue 16's benchmark "1,000 approvals through an RQ worker").

    .venv/bin/python bench/bench_approvals.py --database NAME [--count 1000] [--clients 2]
        [--workers 2] [--rq-workers 1] [--port 0] [--redis-port 0 | --redis-url URL]
        [--pg-server postgresql+psycopg://postgres@127.0.0.1:5432]
    .venv/bin/python bench/bench_approvals.py --sqlite [--count 1000] ...

What an approval does in the portal, and so what this measures: the approver opens the
application's review page, posts the decision and gets the confirmation summary, then confirms.
The confirmation's request draws the permit number, renders the letter and its English
translation, signs the letter (PAdES, the office's PKCS#12 key) and stores both, in the
approval's transaction: signing runs inline, in the web request, because the issue wants the
decision, the number and the signed file to be one transaction (a refusal leaves the application
recommended, with the reason shown to the approver). What the approval queues on RQ is the
applicant's email ("your permit is issued"), sent by the worker. So the figures are:

- per approval, at the approver's browser: the confirmation request alone (where the signing
  happens) and the whole approval (review page + summary + confirmation), p50/p95/p99;
- throughput: approvals per second over the whole run, with ``--clients`` approvers at once;
- the worker: seconds from the first approval until the last applicant's email arrived at the
  SMTP server, and per approval the time from the confirmation's answer to its email's arrival.

Set-up, all on 127.0.0.1 and removed at the end: a PostgreSQL database ``--database`` created on
``--pg-server`` (refused if it exists; dropped at the end) or a temporary SQLite file; a
redis-server started on ``--redis-port`` (0: a free port; in memory, no persistence), or
``--redis-url`` naming a Redis database of yours (flushed at the start and at the end); an SMTP
server in this process that counts what it receives; ``flask db upgrade``; a permit type, one
officer, ``--clients`` approvers (two-step login, bench/second_step.py types the code) and
``--count`` applicants each with one application the officer recommended (set up in this
process, not measured); gunicorn with deploy/gunicorn.conf.py (``--workers``) and
``--rq-workers`` ``flask jobs worker`` processes (RQ's forking worker, as deployed). Prints the
figures and the load average; exit status 1 if an approval failed or an email is missing. Not a
test.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import secrets
import shutil
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

from cluster import BENCH_PASSWORD, MailSink, free_port, wait_for  # noqa: E402
from load import Browser, HttpError  # noqa: E402

SUCCESS = re.compile(r"alert-success")


class TimedMailSink(MailSink):
    """The cluster's SMTP sink, noting when each recipient's message arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[str, float] = {}

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        now = time.perf_counter()
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.arrived.setdefault(rcpt.lower(), now)
        return await super().handle_DATA(server, session, envelope)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _pg_admin(server: str, sql: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server)
    with psycopg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql)


def seed(app, count: int, clients: int) -> list[tuple[int, str]]:
    """The permit type, staff and ``count`` recommended applications: [(id, applicant email)]."""
    from second_step import BENCH_TOTP_SECRET

    from portal.applications import services, workflow
    from portal.applications.models import ApplicationStatus as S
    from portal.auth.models import Role, User, UserRole
    from portal.auth.passwords import hash_password
    from portal.auth.second_factor_models import SecondFactor
    from portal.db import utcnow
    from portal.extensions import db
    from portal.permits.cli import create_demo_key
    from tests.factories import make_category

    with app.app_context():
        create_demo_key()
        category = make_category(slug="bench-persetujuan", validity_months=60)
        password = hash_password(BENCH_PASSWORD)
        now = utcnow()

        def person(mail: str, name: str, role: Role, **profile: str) -> User:
            user = User(
                email=mail,
                full_name=name,
                password_hash=password,
                email_verified_at=now,
                password_changed_at=now,
                locale="id",
                **profile,
            )
            user.roles = [UserRole(role=role)]
            db.session.add(user)
            return user

        officer = person("petugas0@bench.test", "Petugas Uji", Role.OFFICER)
        approvers = [
            person(f"kabid{i}@bench.test", f"Kepala Bidang Uji {i}", Role.APPROVER, nip="197001011995032001")
            for i in range(clients)
        ]
        db.session.flush()
        for user in (officer, *approvers):
            db.session.add(
                SecondFactor(
                    user_id=user.id, secret=BENCH_TOTP_SECRET, enrolled_at=now, version=1, failed_count=0
                )
            )
        db.session.commit()
        made: list[tuple[int, str]] = []
        for i in range(count):
            applicant = person(
                f"warga{i}@bench.test",
                f"Warga Uji {i}",
                Role.APPLICANT,
                nik=f"6472{i:012d}",
                phone=f"+6285{i:09d}",
            )
            application = services.start_application(applicant, category)
            application.answers = {
                "business_name": f"Warung Uji {i}",
                "employees": 3,
                "has_branch": "no",
                "start_date": "2020-05-01",
            }
            db.session.flush()
            for to, actor in ((S.SUBMITTED, applicant), (S.IN_REVIEW, officer), (S.RECOMMENDED, officer)):
                workflow.transition(application, to, actor)
            made.append((application.id, applicant.email))
            if i % 50 == 49:
                db.session.commit()
        db.session.commit()
        db.session.remove()
    return made


def approve(browser: Browser, app_id: int) -> tuple[float, float]:
    """One approval as the approver does it (the review page, the decision's summary, the
    confirmation, the page it leads back to): (whole approval, confirmation request alone)."""
    start = time.perf_counter()
    browser.get(f"/office/applications/{app_id}", "review page")
    decide = f"/office/applications/{app_id}/decide"
    browser.submit(decide, "decision (summary)", {"decision": "approve", "reason": ""})
    confirm_start = time.perf_counter()
    answer = browser.submit(decide, "decision (confirmed)", {"confirmed": "yes"}, follow=False, expect=(302,))
    confirm_end = time.perf_counter()
    browser.get(answer.headers["Location"], "after the decision")
    if not SUCCESS.search(browser.last_text):
        raise HttpError(0, browser.last_url, "the approval was not recorded")
    return time.perf_counter() - start, confirm_end - confirm_start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--database", help="a PostgreSQL database to create (and drop) for the run")
    where.add_argument("--sqlite", action="store_true", help="a temporary SQLite database instead")
    parser.add_argument("--pg-server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=2, help="approvers at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--rq-workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (0: a free one)")
    redis = parser.add_mutually_exclusive_group()
    redis.add_argument("--redis-port", type=int, default=0, help="start redis-server here (0: a free port)")
    redis.add_argument("--redis-url", default=None, help="a Redis database of yours (flushed)")
    parser.add_argument("--mail-timeout", type=float, default=600, help="seconds to wait for the emails")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (logs)")
    args = parser.parse_args(argv)
    if args.database and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.database):
        parser.error("--database: lower-case letters, digits and _ only")

    tmp = Path(tempfile.mkdtemp(prefix="satupintu-bench-approvals-"))
    # Read by config.py when portal is imported (below): this process's app uses the scratch
    # instance folder like gunicorn's.
    os.environ["PORTAL_INSTANCE_DIR"] = str(tmp / "instance")
    procs: dict[str, subprocess.Popen] = {}
    logs: list = []
    created_db = False
    redis_client = None
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's log of every command
    sink = TimedMailSink()
    try:
        if args.database:
            _pg_admin(args.pg_server, f'CREATE DATABASE "{args.database}"')
            created_db = True
            db_url = f"{args.pg_server.rstrip('/')}/{args.database}"
        else:
            db_url = f"sqlite:///{tmp / 'portal.db'}"
        if args.redis_url:
            redis_url = args.redis_url
        else:
            if shutil.which("redis-server") is None:
                print("redis-server is not installed (apt-get install redis-server), or give --redis-url")
                return 1
            redis_port = args.redis_port or free_port()
            procs["redis"] = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(redis_port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],  # noqa: S607
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
        from redis import Redis

        redis_client = Redis.from_url(redis_url, socket_timeout=2)
        wait_for(redis_client.ping, 30, "redis")
        redis_client.flushdb()
        sink.controller.start()

        port = args.port or free_port()
        base = f"http://127.0.0.1:{port}"
        secret = secrets.token_urlsafe(48)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GUNICORN_", "MAIL_", "PERMIT_", "RATELIMIT_"))
            and k
            not in ("DATABASE_URL", "REDIS_URL", "STORAGE_BACKEND", "TEST_DATABASE_URL", "PORTAL_CONFIG")
        }
        settings = {
            "PORTAL_CONFIG": "default",
            "SECRET_KEY": secret,
            "DATABASE_URL": db_url,
            "BASE_URL": base,
            "PORTAL_INSTANCE_DIR": str(tmp / "instance"),
            "UPLOAD_ROOT": str(tmp / "uploads"),
            "REDIS_URL": redis_url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(sink.port),
            "MAIL_USE_TLS": "0",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(args.workers),
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }
        env.update(settings)
        (tmp / "instance").mkdir()
        py = sys.executable
        subprocess.run(
            [py, "-m", "flask", "--app", "portal", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )

        from portal import create_app

        # Seeded in this process without Redis: the set-up's own emails go out inline, so the
        # worker is left with the approvals' emails only.
        app = create_app(
            "default",
            SECRET_KEY=secret,
            SQLALCHEMY_DATABASE_URI=db_url,
            INSTANCE_DIR=tmp / "instance",
            UPLOAD_ROOT=tmp / "uploads",
            MAIL_DIR=tmp / "seed-mail",
            BASE_URL=base,
            REDIS_URL=None,
        )
        started = time.perf_counter()
        applications = seed(app, args.count, args.clients)
        print(f"set up {len(applications)} recommended applications in {time.perf_counter() - started:.0f} s")

        for name, command in [("gunicorn", [py, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"])] + [
            (f"rq-{i}", [py, "-m", "flask", "--app", "portal", "jobs", "worker"])
            for i in range(args.rq_workers)
        ]:
            log = open(tmp / f"{name}.log", "w")  # noqa: SIM115 - closed at the end
            logs.append(log)
            procs[name] = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        import requests

        wait_for(lambda: requests.get(base + "/healthz", timeout=2).ok, 180, "gunicorn")
        wait_for(lambda: "Worker" in (tmp / "rq-0.log").read_text(), 180, "the RQ worker")

        browsers = []
        for i in range(args.clients):
            browser = Browser(base)
            browser.login(f"kabid{i}@bench.test")
            browsers.append(browser)
        # Warm-up: one approval per gunicorn worker (imports, fonts, the key), not counted.
        warm = [applications.pop() for _ in range(min(args.workers, len(applications) - 1))]
        for app_id, _mail in warm:
            approve(browsers[0], app_id)

        todo = list(applications)
        lock = threading.Lock()
        done: dict[str, float] = {}
        whole: list[float] = []
        confirm: list[float] = []
        failures: list[str] = []

        def client(browser: Browser) -> None:
            while True:
                with lock:
                    if not todo:
                        return
                    app_id, mail = todo.pop(0)
                try:
                    total, signing = approve(browser, app_id)
                except HttpError as exc:
                    with lock:
                        failures.append(f"{app_id}: {exc}")
                    continue
                with lock:
                    whole.append(total)
                    confirm.append(signing)
                    done[mail] = time.perf_counter()

        load_before = os.getloadavg()[0]
        cpu_before = _children_cpu(procs)
        phase_start = time.perf_counter()
        threads = [threading.Thread(target=client, args=(b,)) for b in browsers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        phase = time.perf_counter() - phase_start
        deadline = time.monotonic() + args.mail_timeout
        while time.monotonic() < deadline:
            with sink.lock:
                missing = [m for m in done if m not in sink.arrived]
            if not missing:
                break
            time.sleep(0.2)
        last_mail = max((sink.arrived[m] for m in done if m in sink.arrived), default=phase_start)
        cpu_after = _children_cpu(procs)
        load_after = os.getloadavg()[0]
        delivery = [sink.arrived[m] - t for m, t in done.items() if m in sink.arrived]

        n = len(whole)
        print(
            f"{n} approvals through POST /office/applications/<id>/decide (review page, summary, "
            f"confirmation) under gunicorn ({args.workers} workers, deploy/gunicorn.conf.py), "
            f"{args.clients} approvers at once, {'PostgreSQL' if args.database else 'SQLite'}, local "
            f"storage, {args.rq_workers} RQ worker(s) sending the emails to an SMTP server on 127.0.0.1; "
            f"load average {load_before:.1f} -> {load_after:.1f}"
        )
        if n:
            print(f"  throughput: {n / phase:.1f} approvals/s ({phase:.1f} s for {n})")
            for label, values in (("confirmation POST", confirm), ("whole approval", whole)):
                ms = [v * 1000 for v in values]
                print(
                    f"  {label:21s} p50 {pct(ms, 0.5):7.1f} ms  p95 {pct(ms, 0.95):7.1f} ms  "
                    f"p99 {pct(ms, 0.99):7.1f} ms  max {max(ms):7.1f} ms"
                )
        if delivery:
            ms = [v * 1000 for v in delivery]
            print(
                f"  RQ worker: {len(delivery)} of {n} emails arrived, the last "
                f"{last_mail - phase_start:.1f} s "
                f"after the first approval; approval -> email p50 {pct(ms, 0.5):.0f} ms, "
                f"p95 {pct(ms, 0.95):.0f} ms"
            )
        if cpu_before is not None and cpu_after is not None and n:
            print(
                "  CPU of gunicorn + RQ worker(s) over the run: "
                f"{(cpu_after - cpu_before) / n * 1000:.1f} ms per approval"
            )
        for failure in failures[:10]:
            print(f"  FAILED {failure}")
        missing_mail = [m for m in done if m not in sink.arrived]
        if missing_mail:
            print(f"  {len(missing_mail)} emails did not arrive within {args.mail_timeout:.0f} s")
        return 1 if failures or missing_mail or n == 0 else 0
    finally:
        for name, proc in procs.items():
            if name == "redis":
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 15)
        for name, proc in procs.items():
            if name != "redis":
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=30)
        if redis_client is not None:
            with contextlib.suppress(Exception):
                redis_client.flushdb()
        if "redis" in procs:
            procs["redis"].terminate()
            procs["redis"].wait(timeout=30)
        with contextlib.suppress(Exception):
            sink.controller.stop()
        for log in logs:
            log.close()
        if created_db:
            with contextlib.suppress(Exception):
                _pg_admin(args.pg_server, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        if args.keep:
            print(f"  scratch folder kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _children_cpu(procs: dict[str, subprocess.Popen]) -> float | None:
    """User + system CPU seconds of the app's processes and their children (gunicorn workers,
    RQ work horses), read from /proc; None where there is no /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    try:
        for name, proc in procs.items():
            if name == "redis":
                continue
            for pid in [proc.pid, *_descendants(proc.pid)]:
                with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    # utime, stime, cutime, cstime: the finished work horses count in cutime.
                    total += sum(int(x) for x in fields[11:15]) / tick
    except OSError:
        return None
    return total


def _descendants(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()  # noqa: S607
    kids = [int(p) for p in out]
    return kids + [g for k in kids for g in _descendants(k)]


if __name__ == "__main__":
    sys.exit(main())
