"""What "Show me on this page" costs a stage page: the time to build its steps from the rendered
page (portal.recorder.walkthrough.build_steps: reading the HTML back, matching the recorded
guide's steps, writing the sentences), the number of steps, and the bytes the steps add.

    .venv/bin/python bench/bench_walkthrough.py [--database-url URL] [--runs 50]

Without --database-url a scratch SQLite file is made and seeded with `flask seed demo`'s data
(the SKDU guide is a recording). The demo applicant starts an SKDU application; each stage
page is fetched once through the app, then its steps are built --runs times. Prints, per page:
the page's size, the steps' attribute size, the step count, how many carry the recorded voice,
and build time (CPU ms, median and p95).
"""

from __future__ import annotations

import argparse
import html as htmllib
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    from benchlib import demo_app

    app, _tmp = demo_app(args.database_url, "satupintu-walk-")

    from portal.recorder import walkthrough

    anonymous = app.test_client()
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True))
    assert token
    client.post(
        "/login",
        data={"email": "applicant@demo.test", "password": "Demo-Portal-2026!", "csrf_token": token.group(1)},
    )
    detail = client.get("/permits/surat-keterangan-domisili-usaha?lang=id").get_data(as_text=True)
    token = CSRF.search(detail)
    action = re.search(r'<form[^>]*action="([^"]*/apply)"', detail)
    assert token
    assert action
    started = client.post(action.group(1), data={"csrf_token": token.group(1)})
    app_id = re.search(r"/applications/(\d+)", started.headers["Location"]).group(1)
    first = client.get(f"/applications/{app_id}/requirements")
    form_link = re.search(r'href="(/applications/\d+/form/[\w-]+)"', first.get_data(as_text=True))
    paths = [
        "/register",
        "/login",
        "/permits",
        "/permits/surat-keterangan-domisili-usaha",
        f"/applications/{app_id}/requirements",
        form_link.group(1) if form_link else f"/applications/{app_id}/form",
        f"/applications/{app_id}/documents",
        f"/applications/{app_id}/review",
    ]
    print(f"{'page':<46} {'page kB':>8} {'steps kB':>8} {'steps':>5} {'voiced':>6} {'ms p50':>7} {'p95':>6}")
    for path in paths:
        who = anonymous if path in ("/register", "/login") else client
        body = who.get(path + ("&" if "?" in path else "?") + "lang=id").get_data(as_text=True)
        match = re.search(r'data-walkthrough="([^"]*)"', body)
        if not match:
            print(f"{path:<46} (no walkthrough)")
            continue
        data = json.loads(htmllib.unescape(match.group(1)))
        raw = body.replace(match.group(1), walkthrough.PLACEHOLDER)
        times = []
        with app.test_request_context(path + "?lang=id"):
            stage = _stage_of(body) or "register"
            for _ in range(args.runs):
                t0 = time.process_time()
                walkthrough.walkthrough_data(raw, stage, _category_of(app, path))
                times.append(time.process_time() - t0)
        ordered = sorted(times)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * (len(ordered) - 1)))]
        voiced = sum(1 for s in data["steps"] if "start" in s)
        print(
            f"{path:<46} {len(body.encode()) / 1024:8.1f} {len(match.group(1).encode()) / 1024:8.1f} "
            f"{len(data['steps']):5d} {voiced:6d} {statistics.median(times) * 1000:7.2f} {p95 * 1000:6.2f}"
        )
    print(f"load average {os.getloadavg()[0]:.1f}; {args.runs} builds per page")
    return 0


def _stage_of(body: str) -> str | None:
    match = re.search(r'data-stage="([a-z_]+)"', body)
    return match.group(1) if match else None


def _category_of(app, path: str) -> int | None:
    from sqlalchemy import select

    from portal.catalogue.models import PermitCategory
    from portal.extensions import db

    if path.startswith(("/permits/", "/applications/")):
        return db.session.scalar(
            select(PermitCategory.id).where(PermitCategory.slug == "surat-keterangan-domisili-usaha")
        )
    return None


if __name__ == "__main__":
    sys.exit(main())
