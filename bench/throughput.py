"""Throughput ratios, in one run and with the same gunicorn settings (deploy/gunicorn.conf.py):

1. the public catalogue page (/permits) against a bare hello-world Flask endpoint (``hello_app``
   below, a separate WSGI app served by gunicorn with the same config file), each straight to
   its gunicorn (no page caching), and the catalogue behind nginx's micro-cache (HTTPS);
2. a document download through the app and X-Accel-Redirect (local storage,
   X_ACCEL_REDIRECT_PREFIX=/_protected/: the app checks the session and access, nginx sends the
   file) against nginx serving the same file from a plain location, both over nginx's HTTPS.

    .venv/bin/python bench/throughput.py [--seconds 10] [--rounds 3] [--warmup 3]
        [--connections 16] [--size-kb 512] [--workers N] [--redis-db 12]
        [--pg-server URL] [--redis-host HOST:PORT] [--https-port P] [--http-port P]

Every target is warmed up first (--warmup seconds, not counted), then measured in --rounds
rounds, the targets interleaved in each round (in a rotating order), so a change of the
machine's load falls on all of them; per target the median round's req/s and the range. Every
request sends what a browser sends (Accept, Accept-Encoding: gzip, deflate, br,
Accept-Language, User-Agent), so compression is paid as it is for people. Server CPU per
request: the user+system time of the processes serving the target (gunicorn master and
workers; nginx's for the nginx targets) over the requests served. The load average is printed
beside the figures.

Uses ``wrk`` when installed (apt-get install -y wrk), else a threaded Python client. Only
127.0.0.1. Exit status 1 if a run saw errors or non-2xx answers, or the nginx cache did not
answer the catalogue itself.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

hello_app = Flask("hello")


@hello_app.get("/hello")
def hello():
    return "Hello, world!"


BROWSER = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate, br",
    "Accept-Language": "id-ID,id;q=0.9,en;q=0.8",
    "User-Agent": "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36",
}
TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_seconds(roots: list[int]) -> float:
    """User + system CPU seconds used so far by the processes ``roots`` (gunicorn masters, the
    nginx master) and all their children: the live children read now (gunicorn replaces its
    workers every max_requests, so a list taken once misses the new ones) and, through the
    root's cutime/cstime, the children that ended and were reaped."""
    total = 0
    for root in roots:
        fields = _stat(root)
        if fields is None:
            continue
        total += sum(int(fields[i]) for i in (11, 12, 13, 14))
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(root)],  # noqa: S607
            capture_output=True,
            text=True,
        ).stdout.split()
        for child in children:
            child_fields = _stat(int(child))
            if child_fields is not None:
                total += int(child_fields[11]) + int(child_fields[12])
    return total / TICK


def run_wrk(url: str, seconds: float, connections: int, headers: dict[str, str]) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--latency", "--timeout", "10s"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=seconds + 60).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)

    def lat(q: str) -> str:
        found = re.search(rf"^\s+{q}%\s+([\d.]+\w+)", out, re.M)
        return found.group(1) if found else "-"

    return {
        "rps": rps,
        "requests": total,
        "p50": lat("50"),
        "p99": lat("99"),
        "bad": (int(non2xx.group(1)) if non2xx else 0)
        + (sum(int(x) for x in errors.groups()) if errors else 0),
        "kinds": {
            **({"non-2xx/3xx": int(non2xx.group(1))} if non2xx else {}),
            **(
                {
                    f"socket {n}": int(v)
                    for n, v in zip(("connect", "read", "write", "timeout"), errors.groups(), strict=True)
                    if int(v)
                }
                if errors
                else {}
            ),
        },
    }


def run_python(url: str, seconds: float, connections: int, headers: dict[str, str]) -> dict:
    import requests
    import urllib3

    urllib3.disable_warnings()
    lock = threading.Lock()
    times: list[float] = []
    bad = [0]
    kinds: dict[str, int] = {}
    until = time.monotonic() + seconds

    def loop():
        s = requests.Session()
        s.trust_env = False
        while time.monotonic() < until:
            t = time.perf_counter()
            kind = None
            try:
                r = s.get(url, headers=headers, verify=False, timeout=10)
                if r.status_code != 200:
                    kind = f"HTTP {r.status_code}"
            except requests.RequestException as exc:
                kind = type(exc).__name__
            with lock:
                times.append(time.perf_counter() - t)
                if kind:
                    bad[0] += 1
                    kinds[kind] = kinds.get(kind, 0) + 1

    threads = [threading.Thread(target=loop) for _ in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times.sort()
    took = time.monotonic() - started
    return {
        "rps": len(times) / took,
        "requests": len(times),
        "p50": f"{times[len(times) // 2] * 1000:.1f}ms" if times else "-",
        "p99": f"{times[int(len(times) * 0.99)] * 1000:.1f}ms" if times else "-",
        "bad": bad[0],
        "kinds": kinds,
    }


def main(argv: list[str] | None = None) -> int:
    from cluster import Cluster, add_server_arguments, free_port, wait_for
    from load import Browser, print_table

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--size-kb", type=int, default=512)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--https-port", type=int, default=None)
    parser.add_argument("--http-port", type=int, default=None)
    add_server_arguments(parser)
    args = parser.parse_args(argv)
    runner = run_wrk if shutil.which("wrk") else run_python
    tool = "wrk" if runner is run_wrk else "python threads"

    plain = "        location /plain/ {\n            alias %s/;\n        }"
    c = Cluster(
        redis_db=args.redis_db,
        workers=args.workers,
        hosts=1,
        storage="local",
        with_worker=False,
        applicants=1,
        quiet=False,
        https_port=args.https_port,
        http_port=args.http_port,
        pg_server=args.pg_server,
        redis_host=args.redis_host,
    )
    # The plain location: the same folder as /_protected/, no app in between.
    c.nginx_extra = plain % (c.tmp / "uploads")
    with c:
        host_port = c.host_ports["host-A"]
        hello_port = free_port()
        env = c.env(
            GUNICORN_BIND=f"127.0.0.1:{hello_port}",
            PYTHONPATH=os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
        )
        c._spawn(
            "hello",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "throughput:hello_app",
            ],
            env=env,
            log=c.tmp / "hello.log",
        )
        wait_for(
            lambda: urllib.request.urlopen(
                f"http://127.0.0.1:{hello_port}/hello",  # noqa: S310
                timeout=2,
            ),
            60,
            "hello app",
        )

        # One applicant's document, stored by the app's own storage backend.
        from portal.applications import services
        from portal.applications.models import Document
        from portal.auth.services import get_user_by_email
        from portal.catalogue.models import PermitCategory
        from portal.extensions import db
        from portal.storage import get_storage

        data = os.urandom(args.size_kb * 1024)
        with c.app().app_context():
            user = get_user_by_email("warga0@bench.test")
            category = db.session.scalar(
                db.select(PermitCategory).where(PermitCategory.slug == "bench-kecil")
            )
            application = services.start_application(user, category)
            stored = get_storage().save(io.BytesIO(data), key_prefix="documents/")
            doc = Document(
                application_id=application.id,
                requirement_key="ktp",
                storage_key=stored.key,
                original_name="ktp.pdf",
                size=stored.size,
                sha256=stored.sha256,
                content_type="application/pdf",
            )
            db.session.add(doc)
            db.session.commit()
            download = f"/applications/{application.id}/documents/{doc.id}/download"
            key = stored.key
        browser = Browser(c.base_url)
        browser.login("warga0@bench.test")
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        check = browser.get(download, "check")
        if check.content != data:
            print("the download through the app did not return the stored file")
            return 1

        nginx_pids = c.pids("nginx")[:1]  # roots: cpu_seconds adds their children
        runs = [
            (
                "hello world (gunicorn, same config)",
                f"http://127.0.0.1:{hello_port}/hello",
                {},
                c.pids("hello")[:1],
            ),
            (
                "catalogue /permits (gunicorn, no page cache)",
                f"http://127.0.0.1:{host_port}/permits",
                {},
                c.pids("host-A")[:1],
            ),
            (
                "catalogue /permits (nginx micro-cache, HTTPS)",
                c.base_url + "/permits",
                {},
                nginx_pids + c.pids("host-A")[:1],
            ),
            (
                f"document {args.size_kb} KB via app + X-Accel-Redirect (nginx HTTPS)",
                c.base_url + download,
                {"Cookie": cookie},
                nginx_pids + c.pids("host-A")[:1],
            ),
            ("same file from a plain nginx location (HTTPS)", c.base_url + f"/plain/{key}", {}, nginx_pids),
        ]
        import ssl

        context = ssl._create_unverified_context()  # noqa: S323 - our own self-signed certificate
        request = urllib.request.Request(c.base_url + "/permits", headers=BROWSER)  # noqa: S310
        for _ in range(2):  # the second is the cache's answer
            with urllib.request.urlopen(request, context=context, timeout=10) as answer:  # noqa: S310
                cache_status = answer.headers.get("X-Cache-Status")
        print(f"nginx micro-cache on the second visit to /permits: X-Cache-Status {cache_status}")

        print(
            f"\nWarm-up {args.warmup:.0f} s per target, then {args.rounds} rounds of {args.seconds:.0f} s "
            f"per target, interleaved; {args.connections} connections, {tool}; gunicorn workers per "
            f"app: {c.env().get('GUNICORN_WORKERS', 'config default')}; load average "
            f"{os.getloadavg()[0]:.1f}",
            flush=True,
        )
        for _label, url, extra, _pids in runs:
            if args.warmup > 0:
                runner(url, args.warmup, args.connections, {**BROWSER, **extra})
        rounds: dict[str, list[dict]] = {label: [] for label, *_ in runs}
        for n in range(args.rounds):
            order = runs[n % len(runs) :] + runs[: n % len(runs)]
            for label, url, extra, pids in order:
                print(f"  round {n + 1}: {label}", flush=True)
                before = cpu_seconds(pids)
                result = runner(url, args.seconds, args.connections, {**BROWSER, **extra})
                result["cpu_ms"] = (cpu_seconds(pids) - before) * 1000 / max(1, result["requests"])
                rounds[label].append(result)
        results = {}
        rows = []
        for label, measured in rounds.items():
            ordered = sorted(measured, key=lambda r: r["rps"])
            middle = ordered[len(ordered) // 2]
            results[label] = middle
            rows.append(
                [
                    label,
                    sum(r["requests"] for r in measured),
                    f"{middle['rps']:.1f}",
                    f"{ordered[0]['rps']:.0f}-{ordered[-1]['rps']:.0f}",
                    middle["p50"],
                    middle["p99"],
                    f"{statistics.median(r['cpu_ms'] for r in measured):.2f}",
                    sum(r["bad"] for r in measured),
                ]
            )
        print()
        print_table(
            rows,
            [
                "run",
                "requests",
                "req/s (median round)",
                "range",
                "p50",
                "p99",
                "server CPU ms/req",
                "errors/non-2xx",
            ],
        )
        for label, measured in rounds.items():
            kinds: dict[str, int] = {}
            for r in measured:
                for kind, n in r.get("kinds", {}).items():
                    kinds[kind] = kinds.get(kind, 0) + n
            if kinds:
                print(f"errors of {label}: {kinds}")
        labels = list(results)
        hello_rps = results[labels[0]]["rps"]
        r1 = results[labels[1]]["rps"] / hello_rps
        r2 = results[labels[2]]["rps"] / hello_rps
        r3 = results[labels[3]]["rps"] / results[labels[4]]["rps"]
        print(f"\ncatalogue (no page cache) / hello world = {r1:.3f}  (goal >= 0.20)")
        print(f"catalogue (nginx cache) / hello world   = {r2:.3f}  (goal >= 0.60)")
        print(f"X-Accel download / plain nginx          = {r3:.3f}")
        print(f"load average after {os.getloadavg()[0]:.1f}")
        bad = sum(r["bad"] for measured in rounds.values() for r in measured)
        return 1 if bad or cache_status != "HIT" else 0


if __name__ == "__main__":
    sys.exit(main())
