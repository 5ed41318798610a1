"""Load on the two-host set-up (bench/cluster.py): whole journeys, ramped up until latency
degrades, then proof that no submission was lost.

    .venv/bin/python bench/load.py [--steps 1,2,4,8,16,32] [--seconds 15] [--workers N]

Starts its own cluster (scratch database, Redis db 12, moto S3, two gunicorn hosts, nginx
over HTTPS on 127.0.0.1, one RQ worker) and stops it at the end. Each virtual user has its
own loopback source address (127.0.0.N, all of 127/8 is this machine) so per-address rate
limits see many people, as they would in front of a real office, and runs journeys in a loop:

- applicant (most users): public pages (home, catalogue, a permit, tutorials), log in as a
  pre-verified applicant, start an application in the small permit type, fill its page,
  upload a generated PDF and PNG, submit, open the application, log out;
- registration (1 in 8): register, wait for the confirmation email (sent by the RQ worker),
  confirm the address, log in;
- office (1 in 8): an officer logs in, opens the queue, claims a submitted application,
  starts the review and recommends approval; an approver approves a recommended one.

Per step: requests/s, p50/p95/p99 per journey step and the 5xx count. The step where p95 is
more than 3x the first step's, or where throughput stops growing, is the break point. Then:
every application the script saw submitted must be in the database with all its documents,
and each document's sha256 must match both what was sent and the object in S3; the outbox
must drain with one SMTP message per sent row. Exit status 1 on any broken promise, and on
any 5xx answer at any step of the ramp.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import itertools
import random
import re
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import requests  # noqa: E402
import urllib3  # noqa: E402
from cluster import BENCH_PASSWORD, SMALL_ANSWERS, SMALL_CATEGORY, Cluster, add_server_arguments  # noqa: E402
from requests.adapters import HTTPAdapter  # noqa: E402
from second_step import code_for  # noqa: E402

urllib3.disable_warnings()
TIMEOUT = 30
#: the "remember this device" cookie (portal/auth/second_factor_views.py), kept per officer
DEVICE_COOKIE = "satupintu_device"
_DEVICES: dict[str, str] = {}
_DEVICES_LOCK = threading.Lock()
_CODE_LOCK = threading.Lock()


# -- a small browser ------------------------------------------------------------------------
class FormParser(HTMLParser):
    """Every <form>: action, method and its named inputs' default values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": {},
            }
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "button", "textarea", "select"):
            name = a.get("name")
            if not name:
                return
            kind = (a.get("type") or "").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if tag == "button" or kind in ("submit", "file"):
                return
            self._current["fields"].setdefault(name, a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def forms_of(page: str) -> list[dict]:
    parser = FormParser()
    parser.feed(page)
    return parser.forms


class SourceAdapter(HTTPAdapter):
    """Connections from a chosen loopback address (127.0.0.N)."""

    def __init__(self, source_ip: str | None, **kwargs):
        self.source_ip = source_ip
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        if self.source_ip:
            kwargs["source_address"] = (self.source_ip, 0)
        super().init_poolmanager(*args, **kwargs)


class HttpError(Exception):
    def __init__(self, status: int, url: str, text: str = ""):
        super().__init__(f"{status} {url} {text[:200]}")
        self.status = status


class Browser:
    """Cookies kept by hand (the Secure flag is honoured by nginx's HTTPS, and a direct
    connection to an app host can still log in), redirects followed, CSRF token and hidden
    fields taken from the page's form, Referer sent like a browser, every request timed."""

    def __init__(
        self,
        base_url: str,
        stats: Stats | None = None,
        *,
        source_ip: str | None = None,
        direct_https_host: str | None = None,
    ):
        self.base = base_url.rstrip("/")
        self.stats = stats
        self.session = requests.Session()
        self.session.trust_env = False
        adapter = SourceAdapter(source_ip, pool_connections=2, pool_maxsize=2)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.cookies: dict[str, str] = {}
        self.last_url = self.base + "/"
        self.last_text = ""
        # Talking to an app host directly, as nginx would: it says the scheme was HTTPS.
        self.forwarded = (
            {"X-Forwarded-Proto": "https", "X-Forwarded-Host": direct_https_host} if direct_https_host else {}
        )
        self.referer_base = f"https://{direct_https_host}" if direct_https_host else self.base

    def _store_cookies(self, response) -> None:
        for header in response.raw.headers.getlist("Set-Cookie"):
            pair = header.split(";", 1)[0]
            name, _, value = pair.partition("=")
            lowered = header.lower()
            if "max-age=0" in lowered or "expires=thu, 01 jan 1970" in lowered or value == "":
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip()

    def request(
        self,
        method: str,
        path: str,
        step: str,
        *,
        data=None,
        files=None,
        expect=(200,),
        follow: bool = True,
        timed: bool = True,
    ):
        url = path if path.startswith("http") else self.base + path
        started = time.perf_counter()
        status = 0
        try:
            for _hop in range(6):
                headers = dict(self.forwarded)
                if self.cookies:
                    headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
                if method == "POST":
                    ref = urlsplit(self.last_url)
                    headers["Referer"] = self.referer_base + ref.path + ("?" + ref.query if ref.query else "")
                response = self.session.request(
                    method,
                    url,
                    data=data,
                    files=files,
                    headers=headers,
                    allow_redirects=False,
                    timeout=TIMEOUT,
                    verify=False,
                )
                self._store_cookies(response)
                status = response.status_code
                if follow and status in (301, 302, 303, 307, 308):
                    location = response.headers["Location"]
                    url = urljoin(url, location)
                    if self.forwarded and url.startswith("https://"):
                        url = (
                            self.base
                            + urlsplit(url).path
                            + ("?" + urlsplit(url).query if urlsplit(url).query else "")
                        )
                    method, data, files = "GET", None, None
                    continue
                break
        except requests.RequestException as exc:
            if self.stats and timed:
                self.stats.record(step, time.perf_counter() - started, 0)
            raise HttpError(0, url, type(exc).__name__) from exc
        if self.stats and timed:
            self.stats.record(step, time.perf_counter() - started, status)
        self.last_url = url
        self.last_text = response.text
        if status not in expect:
            raise HttpError(status, url, response.text)
        return response

    def get(self, path: str, step: str, **kwargs):
        return self.request("GET", path, step, **kwargs)

    def form(self, contains: str = "", page: str | None = None) -> dict:
        """The hidden/default fields of the first form whose action contains ``contains``."""
        for f in forms_of(page if page is not None else self.last_text):
            action = html.unescape(f["action"])
            target = urlsplit(urljoin(self.last_url, action) if action else self.last_url).path
            if contains in target and f["method"] == "post":
                return dict(f["fields"])
        raise HttpError(0, self.last_url, f"no form posting to {contains!r}")

    def submit(
        self,
        action: str,
        step: str,
        values: dict | None = None,
        *,
        files=None,
        form_contains: str | None = None,
        **kwargs,
    ):
        """POST ``action`` with the page's form fields (CSRF token, version) and ``values``."""
        fields = self.form(form_contains if form_contains is not None else action)
        fields.update(values or {})
        return self.request("POST", action, step, data=fields, files=files, **kwargs)

    def login(self, email: str, password: str = BENCH_PASSWORD, step: str = "login") -> None:
        """Log in; staff type their authenticator's code once and tick "remember this device",
        as an officer does on the office's own computer: later logins skip the code."""
        with _DEVICES_LOCK:
            device = _DEVICES.get(email)
        if device:
            self.cookies[DEVICE_COOKIE] = device
        self.get("/login?lang=en", step + " (page)")
        self.submit("/login", step, {"email": email, "password": password}, form_contains="login")
        if urlsplit(self.last_url).path.endswith("/login/code"):
            # One code per officer and 30-second step: a lock keeps two threads from sending
            # the same code (the second would be refused as replayed).
            with _CODE_LOCK:
                self.submit(
                    "/login/code",
                    step + " (code)",
                    {"code": code_for(email), "remember": "y"},
                    form_contains="/login/code",
                )
            if DEVICE_COOKIE in self.cookies:
                with _DEVICES_LOCK:
                    _DEVICES[email] = self.cookies[DEVICE_COOKIE]
        if "/login" in urlsplit(self.last_url).path:
            raise HttpError(0, self.last_url, "login refused")

    def logout(self) -> None:
        self.submit("/logout", "logout")
        self.cookies.clear()


# -- statistics -----------------------------------------------------------------------------
@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    journeys: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def record(self, step: str, seconds: float, status: int) -> None:
        with self.lock:
            self.times[step].append(seconds)
            self.statuses[status] += 1
            self.requests += 1

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)

    @property
    def five_xx(self) -> int:
        return sum(n for s, n in self.statuses.items() if s >= 500)

    @property
    def failed_connections(self) -> int:
        return self.statuses.get(0, 0)

    def all_times(self) -> list[float]:
        return [t for ts in self.times.values() for t in ts]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


# -- test files -----------------------------------------------------------------------------
def make_pdf(tag: str) -> bytes:
    from tests.fixtures_files import make_pdf as base_pdf

    return base_pdf(text=f"Surat keterangan uji beban {tag}")


def _png_with_text(tag: str) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    width = height = 64
    raw = b"".join(b"\x00" + bytes((x * 4 + len(tag)) % 256 for x in range(width * 3)) for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"tEXt", b"Comment\x00" + tag.encode())
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


# -- journeys -------------------------------------------------------------------------------
@dataclass
class Submitted:
    application_id: int
    tracking: str
    documents: dict[str, str]  # requirement key -> sha256 sent


class Shared:
    """What the virtual users share: the submitted applications and the office's work."""

    def __init__(self, n_applicants: int):
        self.lock = threading.Lock()
        self.submitted: list[Submitted] = []
        self.to_review: list[int] = []
        self.recommended: list[int] = []
        self.decided: list[int] = []
        self.applicants = itertools.cycle(range(n_applicants))
        self.registered = itertools.count()

    def next_applicant(self) -> int:
        with self.lock:
            return next(self.applicants)


APP_ID = re.compile(r"/applications/(\d+)/")
#: Uploads the app re-encodes (images): their stored sha256 is of the re-encoded bytes.
REENCODED = {"foto"}


def applicant_journey(b: Browser, shared: Shared, rng: random.Random) -> None:
    b.get("/", "public: home")
    b.get("/permits", "public: catalogue")
    b.get(f"/permits/{SMALL_CATEGORY}", "public: permit page")
    b.get("/tutorials", "public: tutorials")
    k = shared.next_applicant()
    b.login(f"warga{k}@bench.test")
    b.get(f"/permits/{SMALL_CATEGORY}", "apply: permit page")
    b.submit(f"/permits/{SMALL_CATEGORY}/apply", "apply: start")
    match = APP_ID.search(b.last_url)
    if not match:
        raise HttpError(0, b.last_url, "no application started")
    app_id = int(match.group(1))
    b.get(f"/applications/{app_id}/form/usaha", "apply: form page")
    b.submit(
        f"/applications/{app_id}/form/usaha",
        "apply: save page",
        {**SMALL_ANSWERS, "business_name": f"Warung Uji {k}-{rng.randrange(10**6)}", "action": "continue"},
    )
    sent = {}
    for key, name, data, ctype in (
        ("ktp", "ktp.pdf", make_pdf(str(app_id)), "application/pdf"),
        ("foto", "foto.png", _png_with_text(f"{app_id}"), "image/png"),
    ):
        b.submit(
            f"/applications/{app_id}/documents/{key}",
            "apply: upload",
            files={"file": (name, data, ctype)},
            # the documents page is one form; each slot's upload address takes the file alone
            form_contains=f"/applications/{app_id}/documents",
        )
        if "uploaded" not in b.last_text and "diunggah" not in b.last_text:
            raise HttpError(0, b.last_url, f"upload of {key} not confirmed")
        sent[key] = hashlib.sha256(data).hexdigest()
    b.get(f"/applications/{app_id}/review", "apply: review")
    b.submit(f"/applications/{app_id}/review", "apply: submit", {"declaration": "y"})
    if "/confirmation" not in b.last_url:
        raise HttpError(0, b.last_url, "submission not confirmed")
    tracking = re.search(r"SP-\d{4}-\d+", b.last_text)
    with shared.lock:
        shared.submitted.append(Submitted(app_id, tracking.group(0) if tracking else "", sent))
        shared.to_review.append(app_id)
    b.get(f"/applications/{app_id}", "apply: detail")
    b.logout()


def register_journey(b: Browser, shared: Shared, rng: random.Random, cluster: Cluster) -> None:
    from fill import nik_for

    n = next(shared.registered)
    email = f"daftar{n}-{rng.randrange(10**9)}@bench.test"
    b.get("/register?lang=en", "register: page")
    b.submit(
        "/register",
        "register: submit",
        {
            "full_name": f"Pendaftar Uji {n}",
            "email": email,
            "nik": nik_for(700_000 + n),
            "phone": f"+6287{n:09d}",
            "password": BENCH_PASSWORD,
            "password_confirm": BENCH_PASSWORD,
            "confirm": BENCH_PASSWORD,
            "privacy_consent": "y",  # the privacy notice's consent box, ticked
        },
        form_contains="register",
    )
    if "check-email" not in b.last_url:
        raise HttpError(0, b.last_url, "registration not accepted")
    deadline = time.monotonic() + 30
    link = None
    while time.monotonic() < deadline and not link:
        for msg in cluster.mail.to(email):
            body = msg.get_body(("plain",)).get_content()
            found = re.search(r"https?://\S+/confirm-email/\S+", body)
            if found:
                link = found.group(0)
        time.sleep(0.2)
    if not link:
        raise HttpError(0, email, "no confirmation email within 30 s")
    b.stats.record("register: email arrived", 30 - (deadline - time.monotonic()), 200)
    path = urlsplit(link).path
    b.get(path, "register: confirm page")
    b.submit(path, "register: confirm", form_contains="confirm-email")
    b.login(email)
    b.logout()


def page_message(page: str) -> str:
    """The page's flashed messages (or its title), to say why a step was not recorded."""
    found = re.findall(r'class="alert alert-(\w+)[^"]*"[^>]*>(.*?)</div>', page, re.S)
    if found:
        return "; ".join(f"{kind}: {' '.join(re.sub(r'<[^>]+>', ' ', text).split())}" for kind, text in found)
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    return "no message; page " + (" ".join(title.group(1).split()) if title else "without a title")


def office_journey(b: Browser, shared: Shared, rng: random.Random, index: int) -> None:
    b.login(f"petugas{index % 4}@bench.test", step="office: login")
    b.get("/office/queue", "office: queue")
    with shared.lock:
        app_id = shared.to_review.pop(0) if shared.to_review else None
    if app_id is not None:
        b.get(f"/office/applications/{app_id}", "office: review page")
        for action in ("claim", "start"):
            b.submit(f"/office/applications/{app_id}/{action}", f"office: {action}")
        verdicts = sorted(
            {html.unescape(f["action"]) for f in forms_of(b.last_text) if f["action"].endswith("/verdict")}
        )
        for action in verdicts:
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
        if "alert-success" not in b.last_text:
            raise HttpError(0, b.last_url, "recommendation not recorded: " + page_message(b.last_text))
        with shared.lock:
            shared.recommended.append(app_id)
    b.logout()
    with shared.lock:
        app_id = shared.recommended.pop(0) if shared.recommended else None
    if app_id is None:
        return
    b.login(f"kabid{index % 2}@bench.test", step="office: login")
    b.get("/office/queue?status=recommended", "office: queue")
    b.get(f"/office/applications/{app_id}", "office: review page")
    # The decision asks for confirmation over a summary; its own form records it.
    b.submit(
        f"/office/applications/{app_id}/decide",
        "office: decide (summary)",
        {"decision": "approve", "reason": ""},
    )
    b.submit(f"/office/applications/{app_id}/decide", "office: decide", {"confirmed": "yes"})
    if "alert-success" not in b.last_text:
        raise HttpError(0, b.last_url, "decision not recorded: " + page_message(b.last_text))
    with shared.lock:
        shared.decided.append(app_id)
    b.logout()


def virtual_user(index: int, cluster: Cluster, shared: Shared, stats: Stats, until: float) -> None:
    rng = random.Random(index)
    kind = "office" if index % 8 == 7 else "register" if index % 8 == 6 else "applicant"
    ip = f"127.0.{1 + index // 250}.{2 + index % 250}"
    while time.monotonic() < until:
        b = Browser(cluster.base_url, stats, source_ip=ip)
        try:
            if kind == "office":
                office_journey(b, shared, rng, index)
            elif kind == "register":
                register_journey(b, shared, rng, cluster)
            else:
                applicant_journey(b, shared, rng)
            with stats.lock:
                stats.journeys[kind] += 1
        except HttpError as exc:
            stats.error(f"{kind}: {exc}")
            time.sleep(0.2)
        finally:
            b.session.close()


# -- the run --------------------------------------------------------------------------------
def run_step(cluster: Cluster, shared: Shared, users: int, seconds: float) -> tuple[Stats, float]:
    stats = Stats()
    until = time.monotonic() + seconds
    started = time.monotonic()
    threads = [
        threading.Thread(target=virtual_user, args=(i, cluster, shared, stats, until), daemon=True)
        for i in range(users)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    return stats, time.monotonic() - started


def check_submissions(cluster: Cluster, submitted: list[Submitted]) -> list[str]:
    """Every submission in the database with its documents; sha256 sent = stored = in S3."""
    from sqlalchemy import select

    from portal.applications.models import Application, Document
    from portal.extensions import db

    problems = []
    with cluster.app().app_context():
        for item in submitted:
            application = db.session.get(Application, item.application_id)
            if application is None or application.submitted_at is None:
                problems.append(f"application {item.application_id} missing or not submitted")
                continue
            if item.tracking and application.tracking_number != item.tracking:
                problems.append(f"application {item.application_id}: tracking number differs")
            docs = {
                d.requirement_key: d
                for d in db.session.scalars(
                    select(Document).where(Document.application_id == item.application_id)
                )
            }
            for key, sha in item.documents.items():
                doc = docs.get(key)
                if doc is None:
                    problems.append(f"application {item.application_id}: document {key} missing")
                elif key in REENCODED:
                    # Images are re-encoded by the upload check (metadata dropped): what is
                    # stored is not the bytes sent, so the stored sha256 must match S3.
                    if cluster.s3_sha256(doc.storage_key) != doc.sha256 or doc.size <= 0:
                        problems.append(
                            f"application {item.application_id}: {key} object in "
                            "S3 missing or different from its recorded sha256"
                        )
                elif doc.sha256 != sha:
                    problems.append(
                        f"application {item.application_id}: {key} sha256 in the "
                        "database differs from the file sent"
                    )
                elif cluster.s3_sha256(doc.storage_key) != sha:
                    problems.append(
                        f"application {item.application_id}: {key} object in S3 missing or different"
                    )
        db.session.rollback()
    return problems


def print_table(rows: list[list[str]], header: list[str]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=False))
    print(line)
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=False)))


def ms(x: float) -> str:
    return "-" if x != x else f"{x * 1000:.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="1,2,4,8,16,32")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn workers per host (default: deploy/gunicorn.conf.py's)",
    )
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--stop-after-break", type=int, default=2, help="steps to run past the break point")
    parser.add_argument(
        "--https-port", type=int, default=None, help="nginx's HTTPS port (default: a free one)"
    )
    add_server_arguments(parser)
    args = parser.parse_args(argv)
    steps = [int(x) for x in args.steps.split(",")]
    ok = True
    with Cluster(
        redis_db=args.redis_db,
        workers=args.workers,
        applicants=max(steps) * 2,
        quiet=False,
        https_port=args.https_port,
        pg_server=args.pg_server,
        redis_host=args.redis_host,
    ) as cluster:
        shared = Shared(max(steps) * 2)
        summary, per_step_rows = [], []
        baseline_p95 = None
        best_rps = 0.0
        break_at = None
        past_break = 0
        for users in steps:
            print(f"\n== {users} virtual user(s) for {args.seconds:.0f} s", flush=True)
            stats, took = run_step(cluster, shared, users, args.seconds)
            times = stats.all_times()
            rps = stats.requests / took
            p95 = pct(times, 95)
            baseline_p95 = baseline_p95 or p95
            degraded = p95 > 3 * baseline_p95 or (best_rps and rps < best_rps * 1.1 and users > 2)
            if stats.five_xx or stats.failed_connections:
                degraded = True
            if degraded and break_at is None:
                break_at = users
            best_rps = max(best_rps, rps)
            summary.append(
                [
                    users,
                    stats.requests,
                    f"{rps:.1f}",
                    ms(pct(times, 50)),
                    ms(p95),
                    ms(pct(times, 99)),
                    stats.five_xx,
                    stats.failed_connections,
                    len(stats.errors),
                    dict(stats.journeys),
                    "<- degrades" if break_at == users else "",
                ]
            )
            for step_name in sorted(stats.times):
                ts = stats.times[step_name]
                per_step_rows.append(
                    [users, step_name, len(ts), ms(pct(ts, 50)), ms(pct(ts, 95)), ms(pct(ts, 99))]
                )
            for err in stats.errors[:5]:
                print("   error:", err[:300])
            if stats.five_xx:
                ok = False  # a 5xx breaks the promise at any step, past the break point too
                print(f"   {stats.five_xx} responses were 5xx")
            elif break_at is None and stats.errors:
                ok = False
            if break_at is not None:
                past_break += 1
                if past_break > args.stop_after_break:
                    break
        print("\nPer step of the ramp (latency in ms over every request)")
        print_table(
            summary,
            [
                "users",
                "requests",
                "req/s",
                "p50",
                "p95",
                "p99",
                "5xx",
                "conn err",
                "journey errors",
                "journeys done",
                "",
            ],
        )
        print("\nPer journey step (ms)")
        print_table(per_step_rows, ["users", "step", "n", "p50", "p95", "p99"])
        if break_at:
            print(
                f"\nLatency degrades at {break_at} virtual users (p95 > 3x the first step's, "
                "or throughput no longer grows, or errors)."
            )
        else:
            print("\nNo break point within the steps run.")

        print("\nAfter the run")
        problems = check_submissions(cluster, shared.submitted)
        counts = cluster.wait_outbox_drained(90)
        sent = counts.get("sent", 0)
        # Every email goes through the outbox, the account emails (registration links) too:
        # the SMTP count must match the sent rows one for one.
        smtp = cluster.mail.count()
        account_mail = len(cluster.mail.to("daftar"))
        dups = cluster.mail.duplicates()
        rows = [
            ["applications submitted (seen by the script)", len(shared.submitted)],
            [
                "documents checked (db sha256 = sent = S3 object)",
                sum(len(s.documents) for s in shared.submitted),
            ],
            ["lost or damaged submissions", len(problems)],
            [
                "recommended / approved by the office",
                f"{len(shared.recommended) + len(shared.decided)} / {len(shared.decided)}",
            ],
            ["outbox rows by state", counts],
            ["SMTP messages (every email goes through the outbox)", smtp],
            ["of which account emails (registration links)", account_mail],
            ["SMTP duplicates (same to, subject, body)", dups],
        ]
        print_table([[a, str(b)] for a, b in rows], ["check", "result"])
        for p in problems[:20]:
            print("  LOST:", p)
        if problems or not shared.submitted:
            ok = False
        if counts.get("pending") or counts.get("sending") or counts.get("failed"):
            print("  outbox not drained")
            ok = False
        if smtp != sent or dups:
            print(f"  {smtp} SMTP messages for {sent} sent outbox rows")
            ok = False
        journey_errors = sum(int(row[8]) for row in summary)
        if journey_errors:
            print(f"  {journey_errors} journeys broken (their errors are printed under each step)")
            ok = False
        print("\nRESULT:", "all promises kept" if ok else "BROKEN PROMISE")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
