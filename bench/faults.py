"""Faults injected into the two-host set-up (bench/cluster.py), each with what the user sees
and proof that nothing was lost.

    .venv/bin/python bench/faults.py [--only postgres,redis,worker,upload,disk]

1. postgres: PostgreSQL restarted (pg_ctl restart -m fast) while virtual users browse and
   submit: errors only during the outage, then recovery without restarting the app hosts
   (pool_pre_ping), every submission present.
2. redis: Redis stopped (redis-cli shutdown nosave) and started again on its port: pages keep
   working, the login limit falls back to memory, emails written meanwhile stay pending and go out once
   after `flask jobs requeue-stuck`; SMTP messages = outbox rows, none doubled.
3. worker: the RQ work horse SIGKILLed while it waits for a slow SMTP server: the job is
   retried, the email goes out exactly once (after requeue-stuck puts the claim back).
4. upload: a raw socket sends half of a multipart upload and closes, through nginx and
   straight to an app host: no document row, no object or unfinished upload in S3, nginx's
   temporary body files gone.
5. disk: an app host with local storage on a 2 MB tmpfs that is full: the user gets a clear
   error, no document row, no partial file.

The script starts its own PostgreSQL (initdb in a temporary folder, its own free port on
127.0.0.1, the newest server under /usr/lib/postgresql/*/bin, run as the postgres user when the
script runs as root) and its own redis-server (its own free port, no persistence): the machine's
shared servers are never restarted or stopped. Both are stopped and their folders removed at
the end. --pg-port and --redis-port choose the ports. The disk fault needs root (mount);
without it the fault runs on a folder of the current disk. Exit status 1 on a broken promise.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from cluster import Cluster, free_port, wait_for  # noqa: E402
from load import (  # noqa: E402
    Browser,
    HttpError,
    Shared,
    Stats,
    applicant_journey,
    check_submissions,
    make_pdf,
    print_table,
)

RESULTS: list[list[str]] = []


def result(fault: str, user_sees: str, proof: str, ok: bool) -> None:
    RESULTS.append([fault, user_sees, proof, "kept" if ok else "BROKEN"])
    print(f"\n[{fault}] {'OK' if ok else 'BROKEN'}\n  user sees: {user_sees}\n  proof: {proof}", flush=True)


def _pg_bin() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name)
    )
    if not found:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    return Path(found[-1]).parent


class OwnPostgres:
    """A PostgreSQL server of this script's own: a fresh cluster in a temporary folder on its
    own port, restarted and stopped with pg_ctl. Runs as the postgres user when we are root
    (PostgreSQL refuses to run as root)."""

    def __init__(self, port: int | None = None):
        self.bin = _pg_bin()
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="satupintu-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"

    def _run(self, *cmd: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(  # noqa: S603
            [*prefix, *cmd], capture_output=True, text=True, check=check, timeout=timeout, cwd=self.root
        )

    def _ctl(self, action: str, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
        return self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            *extra,
            action,
            check=check,
        )

    def start(self) -> None:
        if os.geteuid() == 0:
            import pwd

            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        self._ctl("start")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def running(self) -> bool:
        return (
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "status", check=False).returncode == 0
        )

    def ensure_running(self) -> None:
        if self.data.exists() and not self.running():
            self._ctl("start", check=False)

    def stop(self) -> None:
        if self.data.exists():
            self._run(
                str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False
            )
        shutil.rmtree(self.root, ignore_errors=True)


class OwnRedis:
    """A redis-server of this script's own on its own port, without persistence."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="satupintu-faults-redis-"))
        self.proc: subprocess.Popen | None = None

    def ping(self) -> bool:
        out = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "ping"],  # noqa: S607
            capture_output=True,
            text=True,
        ).stdout.strip()
        return out == "PONG"

    def start(self) -> None:
        if self.ping():
            return
        self.proc = subprocess.Popen(  # noqa: S603
            [  # noqa: S607
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.ping, 20, "redis")

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "shutdown", "nosave"],  # noqa: S607
            capture_output=True,
            timeout=30,
        )
        wait_for(lambda: not self.ping(), 20, "redis to stop")
        if self.proc is not None:
            self.proc.wait(timeout=10)
            self.proc = None

    def close(self) -> None:
        if self.ping():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


PG: OwnPostgres
REDIS: OwnRedis


def pg_restart() -> None:
    PG.restart()


def pg_ensure_running() -> None:
    PG.ensure_running()


def redis_start() -> None:
    REDIS.start()


def redis_stop() -> None:
    REDIS.stop()


class Traffic:
    """Virtual users in the background; each request's time and status on a timeline."""

    def __init__(self, c: Cluster, users: int, shared: Shared):
        self.c, self.users, self.shared = c, users, shared
        self.stop = threading.Event()
        self.events: list[tuple[float, int, str]] = []
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def _record(self, step: str, seconds: float, status: int) -> None:
        with self.lock:
            self.events.append((time.monotonic(), status, step))

    def _user(self, index: int) -> None:
        import random

        stats = Stats()
        stats.record = self._record  # type: ignore[method-assign]
        rng = random.Random(index)
        while not self.stop.is_set():
            b = Browser(self.c.base_url, stats, source_ip=f"127.0.3.{10 + index}")
            try:
                if index % 2:
                    applicant_journey(b, self.shared, rng)
                else:
                    for _ in range(5):
                        b.get("/permits", "catalogue")
                        b.get("/healthz", "health", expect=(200, 503))
            except HttpError:
                time.sleep(0.3)
            finally:
                b.session.close()

    def __enter__(self):
        self.threads = [
            threading.Thread(target=self._user, args=(i,), daemon=True) for i in range(self.users)
        ]
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)

    def errors_between(self, start: float, end: float) -> tuple[int, int, dict]:
        inside = outside = 0
        kinds: dict[int, int] = {}
        with self.lock:
            for at, status, _step in self.events:
                if status >= 500 or status == 0:
                    kinds[status] = kinds.get(status, 0) + 1
                    if start <= at <= end:
                        inside += 1
                    else:
                        outside += 1
        return inside, outside, kinds


# -- 1. PostgreSQL --------------------------------------------------------------------------
def fault_postgres(c: Cluster) -> None:
    shared = Shared(20)
    pids_before = {n: c.pids(n) for n in c.host_ports}
    with Traffic(c, 4, shared) as traffic:
        time.sleep(8)
        t0 = time.monotonic()
        try:
            pg_restart()
        finally:
            pg_ensure_running()
        t1 = time.monotonic()
        time.sleep(12)
    ok_after = sum(1 for at, s, _ in traffic.events if at > t1 + 3 and s == 200)
    inside, outside, kinds = traffic.errors_between(t0, t1 + 3)
    pids_after = {n: c.pids(n)[0] for n in c.host_ports}
    same = all(pids_before[n][0] == pids_after[n] for n in c.host_ports)
    problems = check_submissions(c, shared.submitted)
    ok = outside == 0 and ok_after > 0 and same and not problems
    result(
        "PostgreSQL restarted during load",
        f"{inside} request(s) failed during the {t1 - t0:.1f} s restart (+3 s grace) "
        f"{kinds or ''} (error page 500/503 or a refused login); {ok_after} OK after it",
        f"{outside} failures outside the outage; app host masters not restarted ({same}); "
        f"{len(shared.submitted)} submissions all present with matching sha256 "
        f"({len(problems)} problems)",
        ok,
    )


# -- 2. Redis -------------------------------------------------------------------------------
def failed_logins_until_429(c: Cluster, email: str, ip: str, tries: int = 60) -> int | None:
    b = Browser(c.base_url, source_ip=ip)
    for i in range(1, tries + 1):
        b.get("/login?lang=en", "x")
        fields = b.form("login")
        fields.update(email=email, password="wrong-password-123")
        r = b.request("POST", "/login", "x", data=fields, expect=(200, 429))
        if r.status_code == 429:
            return i
    return None


def fault_redis(c: Cluster) -> None:
    shared = Shared(20)
    before_sent = c.outbox_counts().get("sent", 0)
    mails_before = c.mail.count()
    ip = "127.0.4.7"
    pages = []
    try:
        redis_stop()
        b = Browser(c.base_url, source_ip="127.0.4.8")
        for path in ("/", "/permits", "/tutorials", "/healthz"):
            pages.append(b.get(path, "x", expect=(200, 500, 502, 503)).status_code)
        limited_after = failed_logins_until_429(c, "warga5@bench.test", ip)
        for _ in range(2):
            applicant_journey(
                Browser(c.base_url, source_ip="127.0.4.9"), shared, __import__("random").Random(2)
            )
        pending = c.outbox_counts().get("pending", 0)
        last_written = time.monotonic()
    finally:
        redis_start()
    worker_alive = c.procs["worker"].poll() is None
    if not worker_alive:
        c.procs.pop("worker")
        c.start_worker()
    # The emails written while Redis was down wait in the outbox; requeue-stuck hands them
    # over once they are older than its --minutes.
    wait = max(0.0, 62 - (time.monotonic() - last_written))
    print(f"  waiting {wait:.0f} s for the pending emails to be a minute old", flush=True)
    time.sleep(wait)
    out = c.flask("jobs", "requeue-stuck", "--minutes", "1").stdout.strip()
    counts = c.wait_outbox_drained(60)
    sent = counts.get("sent", 0) - before_sent
    mails = c.mail.count() - mails_before
    problems = check_submissions(c, shared.submitted)
    ok = (
        all(p == 200 for p in pages)
        and limited_after is not None
        and pending > 0
        and sent == mails
        and not counts.get("pending")
        and c.mail.duplicates() == 0
        and not problems
    )
    result(
        "Redis stopped",
        f"pages {pages} (home, catalogue, tutorials, health); login limit (in-memory "
        f"fallback, per gunicorn worker) answered 429 after {limited_after} failed logins; "
        f"{len(shared.submitted)} applications submitted normally",
        f"{pending} email(s) pending while Redis was down; RQ worker "
        f"{'survived' if worker_alive else 'exited and was restarted'}; requeue-stuck: "
        f"'{out}'; then {sent} outbox row(s) sent = {mails} SMTP message(s), "
        f"{c.mail.duplicates()} duplicates, outbox {counts}",
        ok,
    )


# -- 3. RQ worker killed --------------------------------------------------------------------
def fault_worker(c: Cluster) -> None:
    shared = Shared(20)
    c.mail.delay = 6.0  # below MAIL_TIMEOUT (10 s): the SMTP client waits, it does not give up
    c.mail.in_rcpt.clear()
    applicant_journey(Browser(c.base_url, source_ip="127.0.5.2"), shared, __import__("random").Random(3))
    app_id = shared.submitted[0].application_id
    from portal.applications.models import Application
    from portal.auth.models import User
    from portal.extensions import db

    with c.app().app_context():
        email = db.session.get(User, db.session.get(Application, app_id).applicant_id).email
        db.session.rollback()
    before = len(c.mail.to(email))
    wait_for(c.mail.in_rcpt.is_set, 60, "the job to reach the SMTP server")
    horse = smtp_clients(c.pids("worker")[1:], c.mail.port)
    for pid in horse:
        os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    time.sleep(c.mail.delay + 1)
    c.mail.delay = 0
    after_kill = len(c.mail.to(email)) - before
    # RQ sees the work horse die and schedules the retry (10 s); the retry finds the row
    # claimed and does nothing; requeue-stuck puts the claim back after a minute.
    retried = wait_for(
        lambda: "retry" in c.log_text("worker").lower() or "terminated unexpectedly" in c.log_text("worker"),
        30,
        "retry",
        0.5,
    )
    time.sleep(max(0.0, 62 - (time.monotonic() - killed_at)))
    out = c.flask("jobs", "requeue-stuck", "--minutes", "1").stdout.strip()
    counts = c.wait_outbox_drained(60)
    time.sleep(2)
    delivered = len(c.mail.to(email)) - before
    ok = bool(horse) and after_kill == 0 and delivered == 1 and not counts.get("sending")
    result(
        "RQ worker killed (SIGKILL) mid-job",
        f"the 'application submitted' email arrives once, about a minute late ({delivered} message(s))",
        f"work horse pid(s) {horse} killed while waiting for the SMTP server; "
        f"{after_kill} message(s) right after the kill; RQ retry logged: {bool(retried)}; "
        f"requeue-stuck: '{out}'; outbox {counts}",
        ok,
    )


def smtp_clients(pids: list[int], port: int) -> list[int]:
    """Those of ``pids`` with a connection open to the SMTP server: the work horse (the RQ
    worker's other child is its scheduler)."""
    out = subprocess.run(
        ["ss", "-tnpH", "dst", f"127.0.0.1:{port}"],  # noqa: S607
        capture_output=True,
        text=True,
    ).stdout
    found = {int(x) for x in re.findall(r"pid=(\d+)", out)}
    return [p for p in pids if p in found]


# -- 4. upload cut off halfway --------------------------------------------------------------
def _draft_with_session(
    c: Cluster, index: int, base: str | None = None, direct_host: str | None = None
) -> tuple[Browser, int]:
    from cluster import SMALL_ANSWERS, SMALL_CATEGORY

    b = Browser(base or c.base_url, source_ip=f"127.0.6.{index}", direct_https_host=direct_host)
    b.login(f"warga{index}@bench.test")
    b.get(f"/permits/{SMALL_CATEGORY}", "x")
    b.submit(f"/permits/{SMALL_CATEGORY}/apply", "x")
    app_id = int(re.search(r"/applications/(\d+)/", b.last_url).group(1))
    b.get(f"/applications/{app_id}/form/usaha", "x")
    b.submit(f"/applications/{app_id}/form/usaha", "x", {**SMALL_ANSWERS, "action": "continue"})
    b.get(f"/applications/{app_id}/documents", "x")
    return b, app_id


def _half_upload(
    host: str,
    port: int,
    use_tls: bool,
    b: Browser,
    app_id: int,
    size: int = 1_500_000,
    forwarded: dict | None = None,
) -> None:
    # the documents page is one form; its token goes with a slot's own upload address
    token = b.form(f"/applications/{app_id}/documents")["csrf_token"]
    boundary = uuid.uuid4().hex
    pdf = make_pdf("cut") + b"%" + os.urandom(size)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="ktp.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + pdf
        + (f"\r\n--{boundary}--\r\n").encode()
    )
    cookie = "; ".join(f"{k}={v}" for k, v in b.cookies.items())
    headers = [
        f"POST /applications/{app_id}/documents/ktp HTTP/1.1",
        f"Host: {host}:{port}",
        f"Content-Type: multipart/form-data; boundary={boundary}",
        f"Content-Length: {len(body)}",
        f"Cookie: {cookie}",
        f"Referer: https://{b.referer_base.split('://')[1]}/applications/{app_id}/documents",
        *(f"{k}: {v}" for k, v in (forwarded or {}).items()),
        "",
        "",
    ]
    raw = socket.create_connection((host, port), timeout=10)
    sock = (
        ssl._create_unverified_context().wrap_socket(raw, server_hostname=host)  # noqa: S323
        if use_tls
        else raw
    )
    sock.sendall("\r\n".join(headers).encode() + body[: len(body) // 2])
    time.sleep(1.0)
    sock.close()


def fault_upload(c: Cluster) -> None:
    from sqlalchemy import func, select

    from portal.applications.models import Document
    from portal.extensions import db

    keys_before = c.s3_keys()
    findings = []
    port_a = c.host_ports["host-A"]
    b1, app1 = _draft_with_session(c, 11)
    _half_upload("127.0.0.1", c.https_port, True, b1, app1)
    b2, app2 = _draft_with_session(
        c, 12, base=f"http://127.0.0.1:{port_a}", direct_host=f"127.0.0.1:{c.https_port}"
    )
    _half_upload("127.0.0.1", port_a, False, b2, app2, forwarded=b2.forwarded)
    time.sleep(3)
    with c.app().app_context():
        docs = db.session.scalar(
            select(func.count()).select_from(Document).where(Document.application_id.in_([app1, app2]))
        )
        db.session.rollback()
    new_keys = c.s3_keys() - keys_before
    unfinished = c.s3_leftovers()
    body_tmp = [
        p for p in glob.glob(str(c.nginx_prefix / "tmp" / "body" / "**"), recursive=True) if os.path.isfile(p)
    ]
    # Both browsers can still use the site and upload for real afterwards.
    b1.get(f"/applications/{app1}/documents", "x")
    b1.submit(
        f"/applications/{app1}/documents/ktp",
        "x",
        files={"file": ("ktp.pdf", make_pdf("after"), "application/pdf")},
        form_contains=f"/applications/{app1}/documents",
    )
    works = "uploaded" in b1.last_text or "diunggah" in b1.last_text
    findings = (
        f"document rows for the two drafts: {docs}; new S3 objects: {len(new_keys)}; "
        f"unfinished multipart uploads: {len(unfinished)}; nginx temporary body files "
        f"left: {len(body_tmp)}; a full upload afterwards works: {works}"
    )
    ok = docs == 0 and not new_keys and not unfinished and not body_tmp and works
    result(
        "Upload cut off halfway (via nginx, and straight to an app host)",
        "nothing: the connection is gone; the draft shows no document and a new upload works",
        findings,
        ok,
    )


# -- 5. disk full ---------------------------------------------------------------------------
def fault_disk(c: Cluster) -> None:
    from sqlalchemy import func, select

    from portal.applications.models import Document
    from portal.extensions import db

    mount = Path(tempfile.mkdtemp(prefix="satupintu-full-"))
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],  # noqa: S607
            capture_output=True,
        ).returncode
        == 0
    )
    how = "tmpfs of 2 MB" if mounted else "(mount refused: a folder on the current disk)"
    try:
        filler = mount / "filler.bin"
        with open(filler, "wb") as out:
            try:
                while True:
                    out.write(b"\0" * 65536)
                    out.flush()
            except OSError:
                pass
        free = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize
        port = free_port()
        c.start_host("host-C", port, STORAGE_BACKEND="local", UPLOAD_ROOT=str(mount))
        b, app_id = _draft_with_session(
            c, 13, base=f"http://127.0.0.1:{port}", direct_host=f"127.0.0.1:{c.https_port}"
        )
        pdf = make_pdf(" ".join(["disk full"] * 4000))
        try:
            status = b.submit(
                f"/applications/{app_id}/documents/ktp",
                "x",
                files={"file": ("ktp.pdf", pdf, "application/pdf")},
                form_contains=f"/applications/{app_id}/documents",
                expect=(200, 500, 503, 507),
            ).status_code
        except HttpError as exc:
            status = exc.status
        page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", b.last_text))
        shown = re.search(r"(The file[^.]*\.|[^.]*(space|full|try again|penuh|coba lagi)[^.]*\.)", page, re.I)
        code = re.search(r"(error code|Kode kesalahan)[: ]+(\d+)", page, re.I)
        with c.app().app_context():
            docs = db.session.scalar(
                select(func.count()).select_from(Document).where(Document.application_id == app_id)
            )
            db.session.rollback()
        parts = [
            p for p in glob.glob(str(mount / "**"), recursive=True) if os.path.isfile(p) and p != str(filler)
        ]
        flashed = "danger" in b.last_text or "alert" in b.last_text
        user_sees = f"HTTP {status}: {shown.group(0).strip() if shown else page[:160]!r}" + (
            f" (error page {code.group(2)})" if code else ""
        )
        ok = docs == 0 and not parts and bool(shown or flashed)
        if status == 500:
            user_sees += (
                " - the generic error page: it does not say that the office's disk "
                "is full or that nothing was saved"
            )
        result(
            f"Upload disk full ({how}, {free // 1024} KB free, a {len(pdf) // 1024} KB PDF)",
            user_sees,
            f"document rows: {docs}; files left in the storage: {parts}",
            ok,
        )
    finally:
        c.stop_process("host-C")
        if mounted:
            subprocess.run(["umount", str(mount)], capture_output=True)  # noqa: S607
        for p in mount.glob("*"):
            if p.is_file():
                p.unlink()
        with __import__("contextlib").suppress(OSError):
            mount.rmdir()


FAULTS = {
    "postgres": fault_postgres,
    "redis": fault_redis,
    "worker": fault_worker,
    "upload": fault_upload,
    "disk": fault_disk,
}


def main(argv: list[str] | None = None) -> int:
    global PG, REDIS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(FAULTS))
    parser.add_argument("--redis-db", type=int, default=0, help="database number on the script's own Redis")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--pg-port", type=int, default=None, help="port of the script's own PostgreSQL")
    parser.add_argument("--redis-port", type=int, default=None, help="port of the script's own Redis")
    parser.add_argument("--https-port", type=int, default=None)
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    PG, REDIS = OwnPostgres(args.pg_port), OwnRedis(args.redis_port)
    try:
        PG.start()
        REDIS.start()
        print(f"own PostgreSQL {PG.url} ({PG.bin}), own Redis 127.0.0.1:{REDIS.port}", flush=True)
        with Cluster(
            redis_db=args.redis_db,
            workers=args.workers,
            applicants=40,
            quiet=False,
            pg_server=PG.url,
            redis_host=f"127.0.0.1:{REDIS.port}",
            https_port=args.https_port,
        ) as c:
            for name in chosen:
                print(f"\n=== fault: {name}", flush=True)
                try:
                    FAULTS[name](c)
                except Exception as exc:  # noqa: BLE001 - report and go on to the next fault
                    import traceback

                    traceback.print_exc()
                    result(name, "-", f"the script failed: {type(exc).__name__}: {exc}", False)
                finally:
                    pg_ensure_running()
                    redis_start()
    finally:
        REDIS.close()
        PG.stop()
    print()
    print_table(RESULTS, ["fault", "what the user sees", "proof", "promise"])
    return 0 if RESULTS and all(r[3] == "kept" for r in RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
