"""The two-host set-up on 127.0.0.1: two gunicorn app hosts behind nginx (HTTPS with a
self-signed certificate), one PostgreSQL database, one Redis database number, one RQ worker,
the moto S3 server and an SMTP server that counts what it receives.

    .venv/bin/python bench/cluster.py up [--redis-db 12] [--workers 3] [--https-port 8443]

starts everything, prints the addresses and waits for Ctrl-C, then stops it all and drops the
scratch database. load.py, faults.py, throughput.py and tests/test_cluster.py use the
``Cluster`` class (a context manager) the same way.

What is made and removed again:
- a PostgreSQL database ``satupintu_cluster_<random>`` on 127.0.0.1:5432 (CREATE, then
  ``flask db upgrade`` and ``flask seed demo``; DROP ... WITH (FORCE) at the end);
- one Redis database number (default 12): flushed at start and at the end, never another;
- a temporary folder for nginx (config, logs, temp files), the instance folder and logs.

Nothing listens on anything but 127.0.0.1. The app hosts run the production config
(PORTAL_CONFIG=production) with PROXY_FIX=1, a shared SECRET_KEY, STORAGE_BACKEND=s3,
REDIS_URL and RATELIMIT_STORAGE_URI on the Redis database, and MAIL_SERVER pointing at the
counting SMTP server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email
import email.policy
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
REDIS_HOST = "127.0.0.1:6379"
S3_BUCKET = "satupintu-cluster"
S3_KEY = "testing"  # moto accepts any credentials
BENCH_PASSWORD = "Beban-Uji-2026!"  # noqa: S105 - bench accounts on a scratch database only
SMALL_CATEGORY = "bench-kecil"
PYTHON = sys.executable

# A small permit type for the journeys: one form page, two documents.
SMALL_FIELDS = [
    {
        "key": "business_name",
        "type": "text",
        "label_id": "Nama usaha",
        "label_en": "Business name",
        "required": True,
        "page": "usaha",
        "page_title_id": "Data usaha",
        "page_title_en": "Business details",
        "order": 1,
        "max_length": 100,
    },
    {
        "key": "employees",
        "type": "number",
        "label_id": "Jumlah karyawan",
        "label_en": "Number of employees",
        "required": True,
        "page": "usaha",
        "order": 2,
        "min": 0,
        "max": 10000,
    },
    {
        "key": "has_branch",
        "type": "radio",
        "label_id": "Punya cabang?",
        "label_en": "Has a branch?",
        "required": True,
        "page": "usaha",
        "order": 3,
        "options": [
            {"value": "yes", "label_id": "Ya", "label_en": "Yes"},
            {"value": "no", "label_id": "Tidak", "label_en": "No"},
        ],
    },
]
SMALL_DOCUMENTS = [
    {
        "key": "ktp",
        "label_id": "KTP pemohon",
        "label_en": "Applicant's ID card",
        "allowed_types": ["pdf", "png"],
        "max_mb": 2,
        "required": True,
    },
    {
        "key": "foto",
        "label_id": "Foto lokasi",
        "label_en": "Photo of the site",
        "allowed_types": ["png", "jpeg"],
        "max_mb": 2,
        "required": True,
    },
]
SMALL_ANSWERS = {"business_name": "Warung Uji Beban", "employees": "3", "has_branch": "no"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception as exc:  # noqa: BLE001 - keep trying until the deadline
            last = exc
        time.sleep(interval)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s" + (f": {last}" if last else ""))


# -- SMTP ---------------------------------------------------------------------------------------
class MailSink:
    """An aiosmtpd server that keeps every message it accepted. ``delay`` seconds are waited
    before answering RCPT (a slow mail server: a worker killed then has sent nothing)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.lock = threading.Lock()
        self.messages: list[email.message.EmailMessage] = []
        self.delay = 0.0
        self.in_rcpt = threading.Event()  # set while a client waits for its RCPT reply
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.delay:
            self.in_rcpt.set()
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        msg = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=email.policy.default
        )
        with self.lock:
            self.messages.append(msg)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def to(self, address: str) -> list:
        with self.lock:
            return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def duplicates(self) -> int:
        """Messages that arrived more than once (same recipient, subject and body)."""
        seen: dict[tuple, int] = {}
        with self.lock:
            for m in self.messages:
                body = m.get_body(("plain",))
                key = (str(m["To"]), str(m["Subject"]), body.get_content() if body else "")
                seen[key] = seen.get(key, 0) + 1
        return sum(n - 1 for n in seen.values() if n > 1)


# -- the cluster --------------------------------------------------------------------------------
class Cluster:
    """Start with ``with Cluster() as c:``; ``c.base_url`` is nginx (HTTPS, self-signed)."""

    def __init__(
        self,
        *,
        redis_db: int = 12,
        workers: int | None = None,
        hosts: int = 2,
        https_port: int | None = None,
        http_port: int | None = None,
        with_worker: bool = True,
        applicants: int = 0,
        officers: int = 4,
        approvers: int = 2,
        quiet: bool = True,
        extra_env: dict | None = None,
        storage: str = "s3",
        nginx_extra: str = "",
        redis_host: str = REDIS_HOST,
        pg_server: str = PG_SERVER,
    ):
        if not 0 <= redis_db <= 15:
            raise ValueError("redis_db must be 0..15")
        self.redis_db = redis_db
        self.workers = workers
        self.n_hosts = hosts
        self.https_port = https_port or free_port()
        self.http_port = http_port or free_port()
        self.with_worker = with_worker
        self.n_applicants = applicants
        self.n_officers = officers
        self.n_approvers = approvers
        self.quiet = quiet
        self.extra_env = extra_env or {}
        self.storage = storage
        self.nginx_extra = nginx_extra  # lines added to the site's server block (benchmarks)
        self.pg_server = pg_server.rstrip("/")
        self.db_name = f"satupintu_cluster_{uuid.uuid4().hex[:8]}"
        self.db_url = f"{self.pg_server}/{self.db_name}"
        self.redis_url = f"redis://{redis_host}/{redis_db}"
        self.secret_key = secrets.token_urlsafe(48)
        self.s3_prefix = f"c{uuid.uuid4().hex[:8]}/"
        self.tmp = Path(tempfile.mkdtemp(prefix="satupintu-cluster-"))
        self.base_url = f"https://127.0.0.1:{self.https_port}"
        self.host_ports: dict[str, int] = {}
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.mail = MailSink()
        self.s3_url: str | None = None
        self._db_created = False
        self._app = None

    # -- life cycle -------------------------------------------------------------------------
    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def say(self, text: str) -> None:
        if not self.quiet:
            print(f"[cluster] {text}", flush=True)

    def start(self) -> None:
        started = time.monotonic()
        self.mail.controller.start()
        self._create_database()
        self._flush_redis()
        (self.tmp / "instance").mkdir(exist_ok=True)
        # The migration runs as the documented command while this process starts the S3
        # server and loads the app (this machine is slow to import it when busy).
        s3_port = free_port()
        self.s3_url = f"http://127.0.0.1:{s3_port}"
        self._spawn(
            "s3", [PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)], env=dict(os.environ)
        )
        self._spawn(
            "migrate",
            [PYTHON, "-m", "flask", "--app", "portal", "db", "upgrade"],
            env=self.env(),
            log=self.tmp / "migrate.log",
        )
        self.app()
        wait_for(
            lambda: urllib.request.urlopen(self.s3_url + "/moto-api/", timeout=1),  # noqa: S310
            60,
            "moto S3 server",
        )
        self.s3_client().create_bucket(Bucket=S3_BUCKET)
        self.say(f"S3 {self.s3_url}")
        if self.procs.pop("migrate").wait(timeout=300) != 0:
            raise RuntimeError("flask db upgrade failed:\n" + self.log_text("migrate"))
        self.say("migrated (flask db upgrade)")
        self._seed()
        names = ["host-" + "ABCDEFGH"[i] for i in range(self.n_hosts)]
        for name in names:
            self.start_host(name, free_port(), wait=False)
        if self.with_worker:
            self.start_worker(wait=False)
        for name in names:
            self.wait_host(name)
        if self.with_worker:
            self.wait_worker()
        self._start_nginx()
        self.say(f"up in {time.monotonic() - started:.1f} s: {self.base_url}")

    def stop(self) -> None:
        for name in list(self.procs):
            self.stop_process(name)
        with contextlib.suppress(Exception):
            self.mail.controller.stop()
        if self._app is not None:
            with contextlib.suppress(Exception), self._app.app_context():
                from portal.extensions import db

                db.engine.dispose()
        with contextlib.suppress(Exception):
            self._flush_redis()
        if self._db_created:
            with contextlib.suppress(Exception):
                self._admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        if os.environ.get("CLUSTER_KEEP_TMP") != "1":
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- environment ------------------------------------------------------------------------
    def env(self, **extra) -> dict[str, str]:
        """The environment of every app process (web hosts, worker, flask commands)."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GUNICORN_", "S3_", "MAIL_", "RATELIMIT_"))
            and k
            not in (
                "DATABASE_URL",
                "REDIS_URL",
                "STORAGE_BACKEND",
                "UPLOAD_ROOT",
                "X_ACCEL_REDIRECT_PREFIX",
                "TEST_DATABASE_URL",
            )
        }
        env.update(
            {
                "PORTAL_CONFIG": "production",
                "PORTAL_ALLOW_DEMO": "1",
                "SECRET_KEY": self.secret_key,
                "DATABASE_URL": self.db_url,
                "BASE_URL": self.base_url,
                "PORTAL_INSTANCE_DIR": str(self.tmp / "instance"),
                "UPLOAD_ROOT": str(self.tmp / "uploads"),
                "PROXY_FIX": "1",
                "STORAGE_BACKEND": self.storage,
                # Local storage: nginx sends the files (its /_protected/ location is UPLOAD_ROOT).
                "X_ACCEL_REDIRECT_PREFIX": "/_protected/" if self.storage == "local" else "",
                "S3_BUCKET": S3_BUCKET,
                "S3_PREFIX": self.s3_prefix,
                "S3_ENDPOINT_URL": self.s3_url or "",
                "S3_REGION": "us-east-1",
                "S3_ACCESS_KEY_ID": S3_KEY,
                "S3_SECRET_ACCESS_KEY": S3_KEY,
                "REDIS_URL": self.redis_url,
                "RATELIMIT_STORAGE_URI": self.redis_url,
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": str(self.mail.port),
                "MAIL_USE_TLS": "0",
                "FORWARDED_ALLOW_IPS": "127.0.0.1",
                "PYTHONUNBUFFERED": "1",
                # Approvals sign the permit inline: every host signs with the same office key.
                "PERMIT_SIGNING_KEY": str(self.signing_key()),
                "PERMIT_SIGNING_PASSPHRASE": self.secret_key,
            }
        )
        if self.workers:
            env["GUNICORN_WORKERS"] = str(self.workers)
        env.update(self.extra_env)
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def signing_key(self) -> Path:
        """The office's signing key for this cluster (made once, in its folder): a self-signed
        certificate that is not marked as a demo key, since production refuses demo keys and
        without a key every approval is refused ("the office's signing key is missing")."""
        from portal.permits.signing.keys import make_pkcs12

        path = self.tmp / "signing" / "office.p12"
        if not path.exists():
            path.parent.mkdir(mode=0o700, exist_ok=True)
            archive = make_pkcs12("Kepala DPMPTSP (bench)", "DPMPTSP bench", self.secret_key, demo=False)
            path.write_bytes(archive)
            path.chmod(0o600)
        return path

    def flask(self, *args: str, check: bool = True, **extra_env) -> subprocess.CompletedProcess:
        """Run ``flask --app portal ARGS`` with the cluster's environment."""
        (self.tmp / "instance").mkdir(exist_ok=True)
        result = subprocess.run(  # noqa: S603
            [PYTHON, "-m", "flask", "--app", "portal", *args],
            cwd=ROOT,
            env=self.env(**extra_env),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def app(self):
        """An app object in this process on the cluster's database and storage, for checks."""
        if self._app is None:
            from portal import create_app

            self._app = create_app(
                "default",
                SECRET_KEY=self.secret_key,
                SQLALCHEMY_DATABASE_URI=self.db_url,
                INSTANCE_DIR=self.tmp / "instance",
                UPLOAD_ROOT=self.tmp / "uploads",
                MAIL_DIR=self.tmp / "instance" / "mail",
                BASE_URL=self.base_url,
                STORAGE_BACKEND=self.storage,
                S3_BUCKET=S3_BUCKET,
                S3_PREFIX=self.s3_prefix,
                S3_ENDPOINT_URL=self.s3_url,
                S3_REGION="us-east-1",
                S3_ACCESS_KEY_ID=S3_KEY,
                S3_SECRET_ACCESS_KEY=S3_KEY,
                REDIS_URL=self.redis_url,
                MAIL_SERVER="127.0.0.1",
                MAIL_PORT=self.mail.port,
            )
        return self._app

    # -- services ---------------------------------------------------------------------------
    def _admin(self, sql: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        server = make_url(self.pg_server)
        with psycopg.connect(
            host=server.host or "127.0.0.1",
            port=server.port or 5432,
            user=server.username or "postgres",
            password=server.password,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql)

    def _create_database(self) -> None:
        self._admin(f'CREATE DATABASE "{self.db_name}"')
        self._db_created = True
        self.say(f"database {self.db_name}")

    def redis(self):
        from redis import Redis

        return Redis.from_url(self.redis_url, socket_timeout=2)

    def _flush_redis(self) -> None:
        self.redis().flushdb()  # this database number only

    def s3_client(self):
        if not hasattr(self, "_s3"):
            from portal.storage.s3 import make_client

            self._s3 = make_client(
                endpoint_url=self.s3_url, region="us-east-1", access_key_id=S3_KEY, secret_access_key=S3_KEY
            )
        return self._s3

    def s3_sha256(self, storage_key: str) -> str | None:
        """sha256 of the stored object, None when it is missing."""
        try:
            body = self.s3_client().get_object(Bucket=S3_BUCKET, Key=self.s3_prefix + storage_key)["Body"]
        except Exception:  # noqa: BLE001 - missing or unreadable counts as lost
            return None
        digest = hashlib.sha256()
        for chunk in iter(lambda: body.read(1 << 16), b""):
            digest.update(chunk)
        return digest.hexdigest()

    def s3_leftovers(self) -> list[str]:
        """Unfinished multipart uploads under the cluster's prefix."""
        uploads = (
            self.s3_client()
            .list_multipart_uploads(Bucket=S3_BUCKET, Prefix=self.s3_prefix)
            .get("Uploads", [])
        )
        return [u["Key"] for u in uploads]

    def s3_keys(self) -> set[str]:
        keys: set[str] = set()
        paginator = self.s3_client().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=S3_BUCKET, Prefix=self.s3_prefix):
            keys |= {item["Key"][len(self.s3_prefix) :] for item in page.get("Contents", [])}
        return keys

    def _seed(self) -> None:
        """``flask seed demo`` (the same function, in this process: it is already loaded),
        then the small permit type, bench officers/approvers and pre-verified applicants (one
        password hash for all: hashing is what logging in measures, not seeding)."""
        from sqlalchemy import select

        from portal.auth.models import Role, User, UserRole
        from portal.auth.passwords import hash_password
        from portal.auth.second_factor_models import SecondFactor
        from portal.catalogue.models import PermitCategory, Sector
        from portal.catalogue.services import publish_new_version
        from portal.db import utcnow
        from portal.extensions import db

        sys.path.insert(0, str(ROOT / "bench"))
        from fill import nik_for
        from second_step import BENCH_TOTP_SECRET

        from portal.seed import seed_demo

        with self.app().app_context():
            for _line in seed_demo():
                pass
            self.say("seeded (flask seed demo)")
            if (
                db.session.scalar(select(PermitCategory.id).where(PermitCategory.slug == SMALL_CATEGORY))
                is None
            ):
                category = PermitCategory(
                    slug=SMALL_CATEGORY,
                    code="UJI",
                    name_id="Izin Uji Beban",
                    name_en="Load test permit",
                    summary_id="Izin kecil untuk uji beban",
                    summary_en="A small permit for load tests",
                    sector=Sector.TRADE,
                    time_limit_days=5,
                )
                publish_new_version(category, SMALL_FIELDS, SMALL_DOCUMENTS)
                db.session.commit()
            password = hash_password(BENCH_PASSWORD)
            now = utcnow()
            people = (
                [
                    (f"petugas{i}@bench.test", f"Petugas Uji {i}", Role.OFFICER, None)
                    for i in range(self.n_officers)
                ]
                + [
                    (f"kabid{i}@bench.test", f"Kepala Bidang Uji {i}", Role.APPROVER, None)
                    for i in range(self.n_approvers)
                ]
                + [
                    (f"warga{i}@bench.test", f"Warga Uji {i}", Role.APPLICANT, i)
                    for i in range(self.n_applicants)
                ]
            )
            staff: list[User] = []
            for mail, name, role, k in people:
                user = User(
                    email=mail,
                    full_name=name,
                    password_hash=password,
                    email_verified_at=now,
                    locale="id",
                    password_changed_at=now,
                    nik=nik_for(900_000 + k) if k is not None else None,
                    phone=f"+6285{k:09d}" if k is not None else None,
                )
                user.roles = [UserRole(role=role)]
                db.session.add(user)
                if role is not Role.APPLICANT:
                    staff.append(user)
            db.session.flush()
            # Staff log in in two steps: bench/second_step.py types the current code.
            for user in staff:
                db.session.add(
                    SecondFactor(
                        user_id=user.id, secret=BENCH_TOTP_SECRET, enrolled_at=now, version=1, failed_count=0
                    )
                )
            db.session.commit()

    def start_host(self, name: str, port: int, *, wait: bool = True, **extra_env) -> None:
        """One gunicorn app host (deploy/gunicorn.conf.py) on 127.0.0.1:``port``."""
        log = self.tmp / f"{name}.log"
        env = self.env(
            GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_ACCESS_LOG=str(log) + ".access", **extra_env
        )
        self._spawn(
            name,
            [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
            env=env,
            log=log,
        )
        self.host_ports[name] = port
        if wait:
            self.wait_host(name)

    def wait_host(self, name: str) -> None:
        port = self.host_ports[name]
        wait_for(lambda: self._alive(name) and self._healthy(port), 120, f"gunicorn {name}")
        self.say(f"{name} http://127.0.0.1:{port}")

    def _alive(self, name: str) -> bool:
        if self.procs[name].poll() is not None:
            raise RuntimeError(f"{name} exited:\n{self.log_text(name)[-3000:]}")
        return True

    def _healthy(self, port: int) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                return r.status == 200
        except urllib.error.HTTPError:
            return False

    def start_worker(self, name: str = "worker", *, wait: bool = True, **extra_env) -> None:
        """The RQ worker (``flask jobs worker``)."""
        self._spawn(
            name,
            [PYTHON, "-m", "flask", "--app", "portal", "jobs", "worker"],
            env=self.env(**extra_env),
            log=self.tmp / f"{name}.log",
        )
        if wait:
            self.wait_worker(name)

    def wait_worker(self, name: str = "worker") -> None:
        wait_for(lambda: self._alive(name) and "Listening on" in self.log_text(name), 120, "RQ worker")
        self.say(f"RQ {name}")

    def _start_nginx(self) -> None:
        sys.path.insert(0, str(ROOT / "deploy" / "nginx"))
        import render_local

        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        prefix = self.tmp / "nginx"
        conf = render_local.render(
            prefix,
            upstreams=[f"127.0.0.1:{p}" for p in self.host_ports.values()],
            uploads=self.tmp / "uploads",
            http_port=self.http_port,
            https_port=self.https_port,
            worker_processes="2",
        )
        if self.nginx_extra:
            text = conf.read_text()
            anchor = "        location /_protected/ {"
            conf.write_text(text.replace(anchor, self.nginx_extra + "\n" + anchor, 1))
        self.nginx_prefix = prefix
        self._spawn(
            "nginx",
            [
                nginx,
                "-p",
                str(prefix),
                "-c",
                str(conf),
                "-e",
                str(prefix / "logs" / "error.log"),
                "-g",
                "daemon off;",
            ],
            env=dict(os.environ),
            log=self.tmp / "nginx.log",
        )
        import ssl

        context = ssl._create_unverified_context()  # noqa: S323 - our own self-signed certificate
        wait_for(
            lambda: urllib.request.urlopen(
                self.base_url + "/healthz",
                timeout=2,  # noqa: S310
                context=context,
            ),
            30,
            "nginx",
        )
        self.say(f"nginx {self.base_url}")

    # -- processes --------------------------------------------------------------------------
    def _spawn(self, name: str, cmd: list[str], *, env: dict, log: Path | None = None) -> None:
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - kept by the child
        self.procs[name] = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=out,  # noqa: S603
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if log:
            self.logs[name] = log

    def pids(self, name: str) -> list[int]:
        """The process and its children (gunicorn workers, the RQ work horse)."""
        root = self.procs[name].pid
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(root)],  # noqa: S607
            capture_output=True,
            text=True,
        ).stdout
        return [root, *(int(p) for p in out.split())]

    def stop_process(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

    def log_text(self, name: str) -> str:
        path = self.logs.get(name)
        return path.read_text(errors="replace") if path and path.exists() else ""

    # -- checks -----------------------------------------------------------------------------
    def outbox_counts(self) -> dict[str, int]:
        from sqlalchemy import func, select

        from portal.extensions import db
        from portal.notifications.models import OutboxEmail

        with self.app().app_context():
            rows = db.session.execute(
                select(OutboxEmail.state, func.count()).group_by(OutboxEmail.state)
            ).all()
            db.session.rollback()
        return {str(state): n for state, n in rows}

    def wait_outbox_drained(self, timeout: float = 60) -> dict[str, int]:
        """Wait until no email is pending or being sent; returns the counts by state."""

        def drained():
            counts = self.outbox_counts()
            return counts if not counts.get("pending") and not counts.get("sending") else None

        try:
            return wait_for(drained, timeout, "outbox", interval=0.5)
        except TimeoutError:
            return self.outbox_counts()


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """--pg-server and --redis-host: the PostgreSQL server the scratch database is made on, and
    the Redis whose database number (--redis-db) is used; the defaults are the machine's."""
    parser.add_argument("--pg-server", default=os.environ.get("BENCH_PG", PG_SERVER))
    parser.add_argument("--redis-host", default=os.environ.get("BENCH_REDIS", REDIS_HOST))


@contextlib.contextmanager
def cluster(**kwargs) -> Iterator[Cluster]:
    with Cluster(**kwargs) as c:
        yield c


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["up"])
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn workers per host (default: deploy/gunicorn.conf.py's)",
    )
    parser.add_argument("--https-port", type=int, default=8443)
    parser.add_argument("--http-port", type=int, default=8080)
    parser.add_argument("--applicants", type=int, default=20)
    add_server_arguments(parser)
    args = parser.parse_args(argv)
    stop = threading.Event()

    def interrupt(*_args):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    with Cluster(
        redis_db=args.redis_db,
        workers=args.workers,
        https_port=args.https_port,
        http_port=args.http_port,
        applicants=args.applicants,
        quiet=False,
        pg_server=args.pg_server,
        redis_host=args.redis_host,
    ) as c:
        print(
            f"""
SatuPintu on {c.base_url}  (self-signed certificate; plain HTTP {c.http_port} redirects)
  app hosts   {", ".join(f"{n} 127.0.0.1:{p}" for n, p in c.host_ports.items())}
  database    {c.db_url}
  redis       {c.redis_url}
  S3          {c.s3_url} bucket {S3_BUCKET} prefix {c.s3_prefix}
  SMTP        127.0.0.1:{c.mail.port} (counts messages)
  accounts    warga0..{args.applicants - 1}@bench.test (the demo accounts never log in: production),
              petugas0..3@bench.test, kabid0..1@bench.test (password {BENCH_PASSWORD})
  logs        {c.tmp}
Ctrl-C stops everything and drops the database.""",
            flush=True,
        )
        try:
            while not stop.is_set():
                stop.wait(1)
                dead = [n for n, p in c.procs.items() if p.poll() is not None]
                if dead:
                    print(f"stopped unexpectedly: {', '.join(dead)}", file=sys.stderr)
                    return 1
        except KeyboardInterrupt:
            pass
        print(f"{c.mail.count()} email(s) received; stopping.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
