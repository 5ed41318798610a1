"""API list endpoint benchmark: GET /api/v1/partner/applications under gunicorn on a
PostgreSQL database filled with bench/fill.py (1,000,000 applications by default), with a
partner token that reads every category and one that reads one category.

    .venv/bin/python bench/bench_api.py --database NAME [--fill 1000000] [--port 8731]
        [--workers 2] [--runs 200] [--server postgresql+psycopg://postgres@127.0.0.1:5432]

``--database`` names a scratch database on the server: with ``--fill N`` it is created and
filled first (and dropped at the end); without, it must already hold a filled database
(bench/fill.py --create-tables) and is left as it is. Two tokens are issued in it (and revoked
at the end). gunicorn runs ``portal:create_app()`` on 127.0.0.1:--port with --workers sync
workers (the deployed configuration's class); each figure is --runs sequential requests after
ten warm-up requests, over keep-alive-less HTTP from this process. Measured: the first page
(50 rows), a page deep in the list (``after`` = the middle id: keyset, no OFFSET), a status
filter, a one-category token's first page and deep page, a rare status (withdrawn), and the
rarest category's token with that status. Prints p50, p95 and max in ms; not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from portal import create_app  # noqa: E402
from portal.api import tokens  # noqa: E402
from portal.applications.models import Application  # noqa: E402
from portal.catalogue.models import PermitCategory  # noqa: E402
from portal.extensions import db  # noqa: E402


def say(message: str) -> None:
    print(message, flush=True)


def get(url: str, secret: str) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {secret}", "Accept-Encoding": "identity"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - 127.0.0.1 only
        return response.status, response.read()


def measure(url: str, secret: str, runs: int) -> tuple[list[float], int]:
    for _ in range(10):
        get(url, secret)
    times, rows = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        status, body = get(url, secret)
        times.append((time.perf_counter() - started) * 1000)
        assert status == 200, status
        rows = len(json.loads(body)["items"])
    return times, rows


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--fill", type=int, default=0)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    url = f"{args.server}/{args.database}"
    if args.fill:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", args.database], check=True)
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench/fill.py"),
                "--database-url",
                url,
                "--applications",
                str(args.fill),
                "--users",
                str(max(1000, args.fill // 10)),
                "--create-tables",
            ],
            check=True,
        )
    app = create_app("default", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()  # the API's tables, when the database was filled before they existed
        total = db.session.scalar(select(func.count()).select_from(Application))
        middle = db.session.scalar(
            select(Application.id).order_by(Application.id).offset(total // 2).limit(1)
        )
        busiest = db.session.execute(
            select(PermitCategory.slug, func.count())
            .join(Application, Application.category_id == PermitCategory.id)
            .group_by(PermitCategory.slug)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        rarest = db.session.execute(
            select(PermitCategory.slug, func.count())
            .join(Application, Application.category_id == PermitCategory.id)
            .group_by(PermitCategory.slug)
            .order_by(func.count().asc())
            .limit(1)
        ).one()
        every = tokens.issue("bench all", scopes=[tokens.READ_ALL], admin=None, rate_limit_per_minute=10_000)
        one = tokens.issue(
            "bench one", scopes=[tokens.scope_for(busiest[0])], admin=None, rate_limit_per_minute=10_000
        )
        rare = tokens.issue(
            "bench rare", scopes=[tokens.scope_for(rarest[0])], admin=None, rate_limit_per_minute=10_000
        )
        db.session.commit()
        token_ids = [every.token.id, one.token.id, rare.token.id]
    say(f"database {args.database}: {total:,} applications; busiest category {busiest[0]} ({busiest[1]:,})")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "GUNICORN_WORKERS": str(args.workers),
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "deploy/gunicorn.conf.py")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}/api/v1/partner/applications"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                get(base + "?limit=1", every.secret)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.5)
        say(f"gunicorn: {args.workers} sync workers on 127.0.0.1:{args.port}; {args.runs} requests each")
        say(f"{'case':44} {'rows':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for label, query, secret in [
            ("first page, every category", "", every.secret),
            ("deep page (after = middle id)", f"?after={middle}", every.secret),
            ("status=approved, first page", "?status=approved", every.secret),
            (f"one-category token ({busiest[0]})", "", one.secret),
            ("one-category token, deep page", f"?after={middle}", one.secret),
            ("status=withdrawn (about 1%), first page", "?status=withdrawn", every.secret),
            (f"rarest category ({rarest[0]}), status=withdrawn", "?status=withdrawn", rare.secret),
        ]:
            times, rows = measure(base + query, secret, args.runs)
            median, p95 = statistics.median(times), p(times, 0.95)
            say(f"{label:44} {rows:>5} {median:8.1f} {p95:8.1f} {max(times):8.1f}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        with app.app_context():
            for token_id in token_ids:
                tokens.revoke(token_id, None)
            db.session.commit()
            db.engine.dispose()
        if args.fill:
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", args.database], check=False)


if __name__ == "__main__":
    main()
