"""CPU per request of the catalogue page against a bare hello-world Flask app, side by side in
one process (interleaved, after a warm-up), through the WSGI stack without a network: what the
app itself costs per page, which is what limits a gunicorn worker.

    .venv/bin/python bench/bench_cpu.py [--database-url URL] [--runs 300] [--warmup 30]
        [--paths /permits,/] [--app-root PATH]

Without --database-url a scratch SQLite file is made and seeded with `flask seed demo`'s data.
Prints CPU ms per request (time.process_time, median and p95 over rounds of 10) for each path
and for hello-world, and the ratio hello-world / page (1.0 = as cheap as hello-world), with
the load average. --app-root imports the portal from another checkout (before/after).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--paths", default="/permits,/")
    parser.add_argument("--app-root", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    from benchlib import demo_app
    from flask import Flask

    app, _tmp = demo_app(args.database_url, "satupintu-cpu-", args.app_root)

    hello = Flask("hello")

    @hello.get("/")
    def _hello():
        return "Hello, world!"

    targets = [(p, app.test_client(), p) for p in args.paths.split(",")]
    targets.append(("hello-world", hello.test_client(), "/"))
    headers = {"Accept-Encoding": "gzip, deflate, br", "Accept-Language": "id-ID,id;q=0.9"}
    samples: dict[str, list[float]] = {name: [] for name, _c, _p in targets}
    rounds = max(1, args.runs // 10)
    for i in range(rounds + max(1, args.warmup // 10)):
        for name, client, path in targets:  # interleaved: the same load for every target
            t0 = time.process_time()
            for _ in range(10):
                response = client.get(path, headers=headers)
                response.get_data()
            took = (time.process_time() - t0) / 10
            if response.status_code != 200:
                print(f"{name}: HTTP {response.status_code}")
                return 1
            if i >= max(1, args.warmup // 10):
                samples[name].append(took)
    load = os.getloadavg()[0]
    base = statistics.median(samples["hello-world"])
    print(
        f"code from {args.app_root.resolve()}; {rounds * 10} requests each, interleaved; "
        f"load average {load:.1f}"
    )
    print(f"{'target':<14} {'CPU ms p50':>10} {'p95':>8} {'ratio hello/page':>17}")
    for name, values in samples.items():
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * (len(ordered) - 1)))]
        print(
            f"{name:<14} {statistics.median(values) * 1000:10.2f} {p95 * 1000:8.2f} "
            f"{base / statistics.median(values):17.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
