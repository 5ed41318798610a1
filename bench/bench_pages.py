"""Whole-page times of the pages that read big tables: the officer queue, the home page,
/statistics and the catalogue, through the real views (Flask test client, the real login
form), on a database filled by bench/fill.py (1,000,000 applications for the issue's goals).

    .venv/bin/python bench/bench_pages.py --database-url URL [--runs 30] [--warmup 3]
        [--officer petugas1@bench.test] [--password PW] [--app-root PATH]
        [--pages queue,queue-deep,home,statistics,statistics-after-change,catalogue]
        [--redis-url URL] [--top N]

``statistics-after-change`` is /statistics with the cache dropped before each visit as a
status change drops it when it commits (the figures' scope of portal.cache): the first visit
after a change.

Per page: p50 and p95 of the whole request (routing, queries, template), the same for the
app's own CPU time (time.process_time: what a loaded machine inflates least; the database's
work is in the statements' times), the number of
statements, and the slowest statement's median with its first words (for the queue that is
the statement the app actually sends for the page, and the counts); --top N lists the N slowest
statements under each page, with the median of all statements' time together. Prints the load average
beside the figures. --app-root imports the portal from another checkout (before/after with
one script); the database is only read (the login writes its session row).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from second_step import second_step  # noqa: E402


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--officer", default="petugas1@bench.test")
    parser.add_argument("--password", default="Bench-Officer-2026!")
    parser.add_argument("--app-root", type=Path, default=ROOT)
    parser.add_argument(
        "--pages", default="queue,queue-deep,home,statistics,statistics-after-change,catalogue"
    )
    parser.add_argument(
        "--redis-url", default=None, help="REDIS_URL for the app (cache, limiter); default: none"
    )
    parser.add_argument(
        "--top", type=int, default=1, help="list this many slowest statements per page (default: the slowest)"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.app_root.resolve()))
    os.environ.pop("REDIS_URL", None)
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url

    from sqlalchemy import event

    from portal import cache, create_app
    from portal.extensions import db

    app = create_app(
        "default",
        SQLALCHEMY_DATABASE_URI=args.database_url,
        RATELIMIT_STORAGE_URI="memory://",
        REDIS_URL=args.redis_url,
    )
    statements: list[tuple[str, float]] = []
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn, cursor, statement, params, context, executemany):
            conn.info.setdefault("t0", []).append(time.perf_counter())

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn, cursor, statement, params, context, executemany):
            started = conn.info["t0"].pop()
            statements.append((" ".join(statement.split())[:90], time.perf_counter() - started))

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"csrf_token": token, "email": args.officer, "password": args.password}
    )
    response = second_step(client, args.officer, response)
    if response.status_code != 302:
        print("login refused for", args.officer)
        return 1
    deep = None
    html = client.get("/office/queue").get_data(as_text=True)
    for _ in range(5):  # a few pages in, by the page's own "next" link (keyset cursor)
        found = re.search(r'href="(/office/queue\?[^"]*cursor=[^"]+)"', html)
        if not found:
            break
        deep = found.group(1).replace("&amp;", "&")
        html = client.get(deep).get_data(as_text=True)
    targets = {
        "queue": "/office/queue",
        "queue-deep": deep,
        "home": "/",
        "statistics": "/statistics",
        "statistics-after-change": "/statistics",
        "catalogue": "/permits",
    }
    figures_scope = (cache.FIGURES,) if hasattr(cache, "FIGURES") else ()
    load = os.getloadavg()[0]
    print(
        f"code from {args.app_root.resolve()}; runs {args.runs} (+{args.warmup} warm-up); "
        f"load average {load:.1f}"
    )
    print(
        f"{'page':<12} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'CPU p95':>8} {'stmts':>6}  "
        "slowest statement (median ms)"
    )
    for name in args.pages.split(","):
        path = targets[name]
        if path is None:
            print(f"{name:<12} (no next page)")
            continue
        anon = name in ("home", "statistics", "statistics-after-change", "catalogue")
        c = app.test_client() if anon else client
        times, cpu, per_statement, n_statements, in_db = [], [], {}, [], []
        for i in range(args.warmup + args.runs):
            if name == "statistics-after-change":
                # what a status change does once it commits (older checkouts drop everything)
                cache.invalidate(*figures_scope)
            statements.clear()
            t0, c0 = time.perf_counter(), time.process_time()
            r = c.get(path)
            took, cpu_took = time.perf_counter() - t0, time.process_time() - c0
            if r.status_code != 200:
                print(f"{name}: HTTP {r.status_code}")
                return 1
            if i < args.warmup:
                continue
            times.append(took)
            cpu.append(cpu_took)
            n_statements.append(len(statements))
            in_db.append(sum(seconds for _, seconds in statements))
            for text, seconds in statements:
                per_statement.setdefault(text, []).append(seconds)
        slowest = max(per_statement.items(), key=lambda kv: statistics.median(kv[1]), default=("-", [0.0]))
        print(
            f"{name:<12} {pct(times, 50) * 1000:8.1f} {pct(times, 95) * 1000:8.1f} "
            f"{pct(cpu, 50) * 1000:8.1f} {pct(cpu, 95) * 1000:8.1f} "
            f"{statistics.median(n_statements):6.0f}  "
            f"{statistics.median(slowest[1]) * 1000:.1f}: {slowest[0]}"
        )
        if args.top > 1:
            ranked = sorted(per_statement.items(), key=lambda kv: -statistics.median(kv[1]))
            print(f"{'':<12} all statements together: median {statistics.median(in_db) * 1000:.1f} ms")
            for text, seconds in ranked[: args.top]:
                per_view = len(seconds) / args.runs
                print(f"{'':<12} {statistics.median(seconds) * 1000:7.1f} ms  x{per_view:.0f}  {text}")
    print(f"load average after {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
