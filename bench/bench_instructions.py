"""Machine instructions per request of public pages against a bare hello-world Flask app,
counted by valgrind (callgrind) in one process through the WSGI stack: the same figure on a
busy or a quiet machine (CPU time is not: other work inflates it), so a change to the
catalogue's cost can be compared before and after while other work runs.

    .venv/bin/python bench/bench_instructions.py [--paths /permits,/] [--requests 40]
        [--warmup 30] [--app-root PATH]

Each target runs in its own process under ``valgrind --tool=callgrind --instr-atstart=no``:
the app is made and seeded (a scratch SQLite file with `flask seed demo`'s data, as
bench_cpu.py), warmed up, then counting is switched on (callgrind_control) for --requests
requests only. Prints instructions per request for each target and hello-world, and the
ratio hello-world / page. --app-root imports the portal from another checkout (before/after).
Needs valgrind (apt-get install -y valgrind). Takes about a minute per target.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADERS = {"Accept-Encoding": "gzip, deflate, br", "Accept-Language": "id-ID,id;q=0.9"}


def _measure_here(app_root: Path, path: str, requests: int, warmup: int) -> None:
    """Inside valgrind: make the app, warm up, count ``requests`` requests."""
    sys.path.insert(0, str(ROOT / "bench"))
    from benchlib import demo_app
    from flask import Flask

    if path == "hello-world":
        hello = Flask("hello")

        @hello.get("/")
        def _hello():
            return "Hello, world!"

        client, url = hello.test_client(), "/"
    else:
        app, _tmp = demo_app(None, "satupintu-instr-", app_root)
        client, url = app.test_client(), path
    for _ in range(warmup):
        response = client.get(url, headers=HEADERS)
        response.get_data()
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
    control = ["callgrind_control", "-i"]
    subprocess.run([*control, "on", str(os.getpid())], check=True, capture_output=True)
    for _ in range(requests):
        client.get(url, headers=HEADERS).get_data()
    subprocess.run([*control, "off", str(os.getpid())], check=True, capture_output=True)


def _count(app_root: Path, path: str, requests: int, warmup: int) -> int:
    with tempfile.TemporaryDirectory(prefix="satupintu-callgrind-") as folder:
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={folder}/out.%p",
                sys.executable,
                __file__,
                "--inside",
                path,
                "--requests",
                str(requests),
                "--warmup",
                str(warmup),
                "--app-root",
                str(app_root),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    match = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode != 0 or not match:
        raise SystemExit(f"{path}: valgrind failed\n{result.stderr[-2000:]}")
    return int(match.group(1)) // requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paths", default="/permits,/")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--app-root", type=Path, default=ROOT)
    parser.add_argument("--inside", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside:
        _measure_here(args.app_root, args.inside, args.requests, args.warmup)
        return 0
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        print("valgrind is not installed (apt-get install -y valgrind)")
        return 1
    targets = [*args.paths.split(","), "hello-world"]
    counts = {target: _count(args.app_root, target, args.requests, args.warmup) for target in targets}
    print(f"code from {args.app_root.resolve()}; {args.requests} requests each, counted by callgrind")
    print(f"{'target':<14} {'instructions/request':>21} {'ratio hello/page':>17}")
    for target, count in counts.items():
        print(f"{target:<14} {count:>21,} {counts['hello-world'] / count:17.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
