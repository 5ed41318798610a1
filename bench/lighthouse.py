"""Lighthouse scores (accessibility, best practices, performance, SEO) and page weights, mobile
profile, for the home page, the catalogue, a permit page, the office profile, a wizard page and the
video guide library.

    cd bench && npm install && cd ..          # Lighthouse from the npm registry, into bench/
    .venv/bin/python bench/lighthouse.py      # CHROME_PATH defaults to /usr/bin/chromium

The script starts its own portal (create_app with a temporary SQLite database seeded by
portal.seed.seed_demo) on 127.0.0.1, logs the demo applicant in for the wizard page (the session
cookie goes to Lighthouse with --extra-headers), runs Lighthouse once per page with the system
Chromium (--headless=new --no-sandbox; Lighthouse's default mobile emulation and simulated slow
4G), and prints a table. JSON reports are kept in bench/out/lighthouse/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

CATEGORIES = ("accessibility", "best-practices", "performance", "seo")


def start_portal(tmp: Path):
    from werkzeug.serving import make_server

    from portal import create_app
    from portal.extensions import db
    from portal.seed import seed_demo

    app = create_app(
        "default",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'portal.db'}",
        UPLOAD_ROOT=tmp / "uploads",
        MAIL_DIR=tmp / "mail",
        INSTANCE_DIR=tmp,
        SECRET_KEY="lighthouse-bench-only",
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_ENABLED=False,
    )
    with app.app_context():
        db.create_all()
        for _ in seed_demo():
            pass
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server, url


def applicant_session(app) -> tuple[str, str]:
    """Log the demo applicant in through the login form; start a draft. Returns the Cookie
    header and the draft's first form page."""
    from portal.seed import DEMO_PASSWORD

    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post(
        "/login", data={"csrf_token": token, "email": "applicant@demo.test", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302, "the demo applicant could not log in"
    html = client.get("/permits/surat-keterangan-domisili-usaha").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post("/permits/surat-keterangan-domisili-usaha/apply", data={"csrf_token": token})
    requirements = response.headers["Location"]
    html = client.get(requirements).get_data(as_text=True)
    form_page = re.search(r'href="(/applications/\d+/form/[^"]+)"', html).group(1)
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    return f"{name}={cookie.value}", form_page


def run_lighthouse(url: str, out: Path, headers: dict | None, chrome: str) -> dict:
    binary = HERE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        sys.exit("Lighthouse is not installed: cd bench && npm install")
    command = [
        str(binary),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
    ]
    if headers:
        command.append("--extra-headers=" + json.dumps(headers))
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": chrome})
    return json.loads(out.read_text())


def summarize(report: dict) -> dict:
    audits = report["audits"]
    items = audits.get("network-requests", {}).get("details", {}).get("items", [])

    def kind(item):
        return item.get("resourceType", "")

    counted = [i for i in items if kind(i) in ("Document", "Stylesheet", "Script", "Font")]
    failing = [
        a["id"]
        for a in audits.values()
        if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"
    ]
    return {
        **{c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES},
        "total_kb": audits["total-byte-weight"]["numericValue"] / 1024,
        "html_css_js_kb": sum(i.get("transferSize", 0) for i in counted) / 1024,
        "requests": len(items),
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "failing": failing,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    args = parser.parse_args()
    out_dir = HERE / "out" / "lighthouse"
    out_dir.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        app, server, base = start_portal(Path(tmp))
        try:
            cookie, form_page = applicant_session(app)
            pages = [
                ("home", "/", None),
                ("catalogue", "/permits", None),
                ("permit page", "/permits/surat-keterangan-domisili-usaha", None),
                ("office profile", "/profile/vision-mission", None),
                ("wizard page", form_page, {"Cookie": cookie}),
                ("video guides", "/tutorials", None),
            ]
            rows = []
            for name, path, headers in pages:
                slug = re.sub(r"\W+", "-", name)
                report = run_lighthouse(base + path, out_dir / f"{slug}.json", headers, args.chrome)
                rows.append((name, path, summarize(report)))
        finally:
            server.shutdown()

    print(
        "\n| page | path | accessibility | best practices | performance | SEO | LCP (s) "
        "| HTML+CSS+JS+fonts (KB) | all bytes (KB) | requests |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, path, s in rows:
        print(
            f"| {name} | {path} | {s['accessibility']} | {s['best-practices']} | "
            f"{s['performance']} | {s['seo']} | {s['lcp_s']:.1f} | {s['html_css_js_kb']:.0f} | "
            f"{s['total_kb']:.0f} | {s['requests']} |"
        )
    for name, _, s in rows:
        if s["failing"]:
            print(f"{name}: audits not passed: {', '.join(s['failing'])}")


if __name__ == "__main__":
    main()
