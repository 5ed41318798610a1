"""What the page-view beacon (portal.visits, GET /v.gif) costs, under gunicorn with
deploy/gunicorn.conf.py, on a scratch SQLite instance (the embedded default, seeded with the demo
data) or a scratch PostgreSQL database it creates and drops.

    .venv/bin/python bench/bench_visits.py [--port 0] [--workers 2] [--seconds 10]
        [--connections 8] [--pg-server postgresql+psycopg://postgres@127.0.0.1:5432/sp_me]

Four targets, one after the other, each --seconds long with --connections clients, every
request with a browser's headers:

1. ``beacon, every view written``: the limits out of reach (VISITS_PER_CLIENT and
   VISITS_PER_PAGE at 100,000,000 a minute), so each request is one upsert in a short write transaction (BEGIN
   IMMEDIATE on SQLite): the worst case of a busy site;
2. ``beacon, a flood capped``: the default limits (20 per client per minute, 120 per page per
   minute): all requests come from 127.0.0.1, so after the first ones only the checks run;
3. ``beacon, a bot``: a crawler's User-Agent, refused before any limit or write;
4. ``the page itself`` (/faq, rendered by the app each time: no nginx here) for scale.

Per target: req/s, p50/p99, non-200 answers; after target 1, the views stored against the
requests made (a lost write or a "database is locked" would show here) and the number of such
errors in gunicorn's log. Uses ``wrk`` when installed, else threads of ``requests``. Only
127.0.0.1; everything it makes is removed at the end (--keep keeps the folder).
"""

from __future__ import annotations

import argparse
import html
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from benchlib import scratch_database  # noqa: E402
from cluster import free_port, wait_for  # noqa: E402
from throughput import run_python, run_wrk  # noqa: E402

BROWSER = {
    "User-Agent": (
        "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36"
    ),
    "Accept": "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
    "Accept-Language": "id-ID,id;q=0.9",
    "Accept-Encoding": "gzip, deflate, br",
    "Sec-Fetch-Site": "same-origin",
    "Sec-Fetch-Dest": "image",
}
BOT = {**BROWSER, "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}
#: The limits "switched off" for target 1 (an empty value means the default).
UNLIMITED = "100000000 per minute"
PAGE = {**BROWSER, "Accept": "text/html", "Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "none"}


def _stored_views(env: dict[str, str]) -> int:
    code = (
        "from portal import create_app\nfrom portal.extensions import db\n"
        "from portal.visits.models import PageViewDay\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    print(db.session.scalar(db.select(db.func.coalesce(db.func.sum(PageViewDay.views), 0))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def _serve(env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "a") as out:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (0: a free one)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--pg-server", default=None, help="PostgreSQL server URL: a scratch database on it")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)

    import requests
    from sqlalchemy import create_engine

    runner = run_wrk if shutil.which("wrk") else run_python
    tool = "wrk" if runner is run_wrk else "python threads"
    tmp = Path(tempfile.mkdtemp(prefix="satupintu-bench-visits-"))
    (tmp / "instance").mkdir()
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    pg_admin = pg_name = None
    if args.pg_server:
        server_url, pg_name = scratch_database(args.pg_server, None, "visits")
        pg_admin = create_engine(server_url + "/postgres", isolation_level="AUTOCOMMIT")
        with pg_admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{pg_name}"')
        database_url = f"{server_url}/{pg_name}"
    else:
        database_url = f"sqlite:///{tmp / 'instance' / 'portal.db'}"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "RATELIMIT_STORAGE_URI", "PORTAL_CONFIG", "STORAGE_BACKEND")
    }
    env.update(
        PORTAL_CONFIG="default",
        PORTAL_INSTANCE_DIR=str(tmp / "instance"),
        DATABASE_URL=database_url,
        UPLOAD_ROOT=str(tmp / "uploads"),
        SECRET_KEY=secrets.token_urlsafe(32),
        BASE_URL=base,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(args.workers),
        GUNICORN_ACCESS_LOG="/dev/null",
        PYTHONPATH=str(ROOT),
    )
    log = tmp / "gunicorn.log"
    rows = []
    server = None
    try:
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "portal", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "portal", "seed", "demo"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )

        def start(**overrides: str) -> subprocess.Popen:
            started = _serve({**env, **overrides}, log)
            wait_for(lambda: requests.get(base + "/healthz", timeout=2).ok, 90, "gunicorn")
            return started

        server = start(VISITS_PER_CLIENT=UNLIMITED, VISITS_PER_PAGE=UNLIMITED)
        body = requests.get(base + "/faq", headers=PAGE, timeout=10).text
        found = re.search(r'<img class="visit-beacon" src="([^"]+)"', body)
        if not found:
            print("the page carries no beacon", file=sys.stderr)
            return 1
        beacon = base + html.unescape(found.group(1))
        before = _stored_views(env)
        written = runner(beacon, args.seconds, args.connections, BROWSER)
        stored = _stored_views(env) - before
        rows.append(("beacon, every view written (limits off)", written))
        _stop(server)

        server = start()
        rows.append(
            (
                "beacon, a flood capped (default limits)",
                runner(beacon, args.seconds, args.connections, BROWSER),
            )
        )
        rows.append(("beacon, a bot (refused)", runner(beacon, args.seconds, args.connections, BOT)))
        rows.append(
            ("the page itself (/faq, rendered)", runner(base + "/faq", args.seconds, args.connections, PAGE))
        )
        capped = _stored_views(env) - before - stored
        _stop(server)
        server = None

        locked = log.read_text().count("database is locked")
        load = os.getloadavg()
        kind = "PostgreSQL" if args.pg_server else "SQLite (WAL)"
        print(
            f"GET /v.gif under gunicorn ({args.workers} workers, deploy/gunicorn.conf.py, {kind}) "
            "on 127.0.0.1; "
            f"{args.connections} connections, {args.seconds:g} s per target, {tool}; "
            f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
        print(f"{'target':45} {'req/s':>9} {'p50':>9} {'p99':>9} {'requests':>9} {'bad':>5}")
        for name, r in rows:
            print(f"{name:45} {r['rps']:9.1f} {r['p50']:>9} {r['p99']:>9} {r['requests']:9d} {r['bad']:5d}")
        print(f"views stored by target 1: {stored} of {written['requests']} requests")
        print(f"views stored by targets 2-4 (capped flood, bot, page loads): {capped}")
        print(f'"database is locked" in the log: {locked}')
        bad = sum(r["bad"] for _n, r in rows)
        return 1 if bad or locked or stored < written["requests"] - args.connections else 0
    finally:
        if server is not None:
            _stop(server)
        if pg_admin is not None:
            with pg_admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            pg_admin.dispose()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
