"""Throughput ratios, in one run and with the same gunicorn settings (deploy/gunicorn.conf.py):

1. the public catalogue page (/permits) against a bare hello-world Flask endpoint (``hello_app``
   below, a separate WSGI app served by gunicorn with the same config file), each straight to
   its gunicorn;
2. a document download through the app and X-Accel-Redirect (local storage,
   X_ACCEL_REDIRECT_PREFIX=/_protected/: the app checks the session and access, nginx sends the
   file) against nginx serving the same file from a plain location, both over nginx's HTTPS.

    .venv/bin/python bench/throughput.py [--seconds 10] [--connections 16] [--size-kb 512]

Uses ``wrk`` when installed (apt-get install -y wrk), else a threaded Python client. Only
127.0.0.1. Exit status 1 if a run saw errors or non-2xx answers.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import threading
import time
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
    }


def run_python(url: str, seconds: float, connections: int, headers: dict[str, str]) -> dict:
    import requests
    import urllib3

    urllib3.disable_warnings()
    lock = threading.Lock()
    times: list[float] = []
    bad = [0]
    until = time.monotonic() + seconds

    def loop():
        s = requests.Session()
        s.trust_env = False
        while time.monotonic() < until:
            t = time.perf_counter()
            try:
                r = s.get(url, headers=headers, verify=False, timeout=10)
                ok = r.status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                times.append(time.perf_counter() - t)
                bad[0] += not ok

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
    }


def main(argv: list[str] | None = None) -> int:
    from cluster import Cluster, free_port, wait_for
    from load import Browser, print_table

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--size-kb", type=int, default=512)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--redis-db", type=int, default=12)
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
        import urllib.request

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

        print(
            f"\nEach run: {args.seconds:.0f} s, {args.connections} connections, {tool}; "
            f"gunicorn workers per app: {c.env().get('GUNICORN_WORKERS', 'config default')}"
        )
        runs = [
            ("catalogue page /permits (gunicorn)", f"http://127.0.0.1:{host_port}/permits", {}),
            ("hello world (gunicorn, same config)", f"http://127.0.0.1:{hello_port}/hello", {}),
            (
                f"document {args.size_kb} KB via app + X-Accel-Redirect (nginx HTTPS)",
                c.base_url + download,
                {"Cookie": cookie},
            ),
            ("same file from a plain nginx location (HTTPS)", c.base_url + f"/plain/{key}", {}),
        ]
        results = {}
        for label, url, headers in runs:
            print(f"  running: {label}", flush=True)
            results[label] = runner(url, args.seconds, args.connections, headers)
        rows = [
            [label, r["requests"], f"{r['rps']:.1f}", r["p50"], r["p99"], r["bad"]]
            for label, r in results.items()
        ]
        print()
        print_table(rows, ["run", "requests", "req/s", "p50", "p99", "errors/non-2xx"])
        labels = list(results)
        r1 = results[labels[0]]["rps"] / results[labels[1]]["rps"]
        r2 = results[labels[2]]["rps"] / results[labels[3]]["rps"]
        print(f"\ncatalogue / hello world        = {r1:.3f}  (hello world is {1 / r1:.1f}x faster)")
        print(f"X-Accel download / plain nginx = {r2:.3f}  (plain nginx is {1 / r2:.1f}x faster)")
        bad = sum(r["bad"] for r in results.values())
        return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
