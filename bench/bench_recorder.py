"""Benchmark: record one category's whole video guide (issue 14; goal: SKDU under 3 minutes on
the 2-core machine), and the first-frame time of its 240p version on an emulated 400 kbps line.

Runs in a scratch instance folder (its own SQLite database seeded with the demo categories,
uploads and mail): nothing of a live portal is read or written. Printed: wall time of the
recording (filming + encoding), the video's length, peak memory (this process, which runs the
scratch portal, and its children: Chromium, ffmpeg, espeak-ng), the size of every output, and
the time from a page asking for the 240p video to its first decoded frame over a line
throttled with Chromium's DevTools protocol (400 kbit/s down, 150 ms latency).

Usage:  .venv/bin/python bench/bench_recorder.py [--category surat-keterangan-domisili-usaha]
            [--demo-quality] [--kbps 400] [--latency-ms 150] [--port 0]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def first_frame_seconds(video: Path, *, kbps: int, latency_ms: int, port: int) -> float:
    """Serve ``video`` and a page playing it on 127.0.0.1; time from navigation to the first
    frame (requestVideoFrameCallback) with the network throttled."""
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from playwright.sync_api import sync_playwright

    from portal.recorder.driver import CHROMIUM_FLAGS, chromium_path

    folder = Path(tempfile.mkdtemp(prefix="sp-bench-ff-"))
    shutil.copyfile(video, folder / "small.mp4")
    (folder / "index.html").write_text(
        "<!doctype html><video id=v src='small.mp4' muted playsinline preload=auto></video>"
    )

    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            page = browser.new_page()
            cdp = page.context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send(
                "Network.emulateNetworkConditions",
                {
                    "offline": False,
                    "latency": latency_ms,
                    "downloadThroughput": kbps * 1000 / 8,
                    "uploadThroughput": 150 * 1000 / 8,
                },
            )
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            started = time.monotonic()
            page.goto(f"http://127.0.0.1:{server.server_port}/index.html", wait_until="commit")
            page.wait_for_function(
                "() => { const v = document.getElementById('v'); if (!v) return false;"
                " if (!v._asked) { v._asked = true; v.requestVideoFrameCallback(() => v._frame = true);"
                " v.play().catch(() => {}); } return v._frame === true; }",
                timeout=120_000,
                polling=50,
            )
            elapsed = time.monotonic() - started
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--category", default="surat-keterangan-domisili-usaha")
    parser.add_argument("--demo-quality", action="store_true", help="the committed demo's settings")
    parser.add_argument("--kbps", type=int, default=400)
    parser.add_argument("--latency-ms", type=int, default=150)
    parser.add_argument("--port", type=int, default=0, help="for the first-frame page (0: a free one)")
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="sp-bench-recorder-"))
    os.environ["PORTAL_INSTANCE_DIR"] = str(instance)
    from portal import create_app
    from portal.calendar.seed import seed_holidays
    from portal.catalogue.seed import seed_categories
    from portal.extensions import db
    from portal.recorder.encode import DEMO_QUALITY, Quality
    from portal.recorder.record import record_guide

    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'bench.db'}",
        UPLOAD_ROOT=instance / "uploads",
        MAIL_DIR=instance / "mail",
        INSTANCE_DIR=instance,
    )
    out = instance / "out"
    try:
        with app.app_context():
            db.create_all()
            list(seed_holidays())
            list(seed_categories())
            started = time.monotonic()
            result = record_guide(
                args.category,
                publish=False,
                keep_dir=out,
                quality=DEMO_QUALITY if args.demo_quality else Quality(),
            )
            wall = time.monotonic() - started
        own, children = _peak_mb()
        print(f"category           {args.category} ({'demo' if args.demo_quality else 'default'} quality)")
        print(f"recording time     {wall:.0f} s (goal for SKDU: under 180 s)")
        print(
            f"video length       {result.duration:.0f} s, {len(result.chapters)} chapters, "
            f"{sum(len(c.steps) for c in result.chapters)} steps"
        )
        print(
            f"peak memory        {own:.0f} MB (portal + driver), {children:.0f} MB (largest child: "
            f"Chromium, ffmpeg or espeak-ng)"
        )
        total = 0
        for path in sorted(out.iterdir()):
            size = path.stat().st_size
            total += size
            if path.suffix in (".mp4", ".m4a"):
                print(f"  {path.name:58s} {size / 1e6:6.2f} MB")
        print(f"all outputs        {total / 1e6:.2f} MB ({len(list(out.iterdir()))} files)")
        small = next(out.glob("*-240p.mp4"))
        ff = first_frame_seconds(small, kbps=args.kbps, latency_ms=args.latency_ms, port=args.port)
        print(f"240p first frame   {ff:.2f} s at {args.kbps} kbit/s, {args.latency_ms} ms latency")
    finally:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
