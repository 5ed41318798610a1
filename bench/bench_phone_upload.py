"""Phone upload benchmark (issue 15): seconds to upload a 4 MB camera photo for the KTP slot
over an emulated 400 kbps line (Chromium's CDP network throttling, 150 ms latency), with the
documents page's script (the photo is made smaller in the browser, long side 2000 px, before
it is sent) and without JavaScript (the whole photo goes with the form's Upload button).

    .venv/bin/python bench/bench_phone_upload.py [--port 0] [--kbps 400] [--runs 1]
        [--chromium /usr/bin/chromium]

The portal runs in this process under Werkzeug's threaded server on 127.0.0.1 (port 0: a free
one), with a temporary SQLite database, uploads folder and the demo categories. Timing runs from
choosing the file to the card showing it uploaded (script) or the page coming back (no script).
Prints figures and the bytes the server stored; not a test.
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from portal import create_app  # noqa: E402
from portal.applications.models import Document  # noqa: E402
from portal.auth.models import Role, User, UserRole  # noqa: E402
from portal.auth.passwords import hash_password  # noqa: E402
from portal.calendar.seed import seed_holidays  # noqa: E402
from portal.catalogue.seed import seed_categories  # noqa: E402
from portal.db import utcnow  # noqa: E402
from portal.extensions import db  # noqa: E402

logging.getLogger("werkzeug").setLevel(logging.WARNING)

SLUG = "surat-keterangan-domisili-usaha"
PASSWORD = "bench phone upload pass"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def camera_photo() -> bytes:
    """A 3000 x 4000 JPEG of photo-like noise, about 4 MB."""
    small = Image.effect_noise((375, 500), 80).convert("RGB")
    out = io.BytesIO()
    small.resize((3000, 4000), Image.BICUBIC).save(out, format="JPEG", quality=96)
    return out.getvalue()


def serve(tmp: Path, port: int):
    app = create_app(
        "default",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'bench.db'}",
        UPLOAD_ROOT=tmp / "uploads",
        INSTANCE_DIR=tmp,
        MAIL_DIR=tmp / "mail",
        SECRET_KEY="bench-only-" + "x" * 40,
        RATELIMIT_ENABLED=False,
        UPLOAD_LIMIT_PER_ACCOUNT="1000 per minute",
    )
    with app.app_context():
        db.create_all()
        list(seed_categories())
        list(seed_holidays())
        db.session.commit()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server


def make_applicant(app, n: int) -> str:
    with app.app_context():
        user = User(
            email=f"bench-{n}@example.com",
            full_name="Siti Bench",
            nik=f"647201450790{n:04d}",
            phone="+6281200000000",
            password_hash=hash_password(PASSWORD),
            email_verified_at=utcnow(),
            locale="id",
        )
        user.roles = [UserRole(role=Role.APPLICANT)]
        db.session.add(user)
        db.session.commit()
        return user.email


def one_run(browser, app, base: str, photo: Path, *, script: bool, kbps: int, n: int) -> tuple[float, int]:
    email = make_applicant(app, n)
    context = browser.new_context(
        base_url=base, java_script_enabled=script, locale="id-ID", viewport={"width": 360, "height": 740}
    )
    context.set_default_timeout(600_000)  # the whole photo takes minutes at 400 kbps
    page = context.new_page()
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator('main form button[type="submit"]').first.click()
    page.goto(f"/permits/{SLUG}")
    with page.expect_navigation():
        page.locator('main form[action$="/apply"] button').first.click()
    application_id = int(page.url.split("/applications/")[1].split("/")[0])
    page.goto(f"/applications/{application_id}/documents")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 150,
            "downloadThroughput": kbps * 1000 / 8,
            "uploadThroughput": kbps * 1000 / 8,
        },
    )
    card = page.locator('section.document-slot[aria-labelledby="doc-ktp-title"]')
    started = time.perf_counter()
    card.locator("#file-ktp").set_input_files(str(photo))
    if script:
        card.locator("a", has_text=photo.name).wait_for(timeout=600_000)
    else:
        with page.expect_navigation(timeout=600_000):
            card.locator('button[name="upload"]').click(no_wait_after=True)
        page.locator('section.document-slot[aria-labelledby="doc-ktp-title"]').locator(
            "a", has_text=photo.name
        ).wait_for()
    elapsed = time.perf_counter() - started
    context.close()
    with app.app_context():
        stored = db.session.scalar(db.select(Document.size).where(Document.application_id == application_id))
    return elapsed, stored or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--kbps", type=int, default=400)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        app, server = serve(tmp, args.port)
        base = f"http://127.0.0.1:{server.server_port}"
        photo = tmp / "IMG_20261201_101500.jpg"
        photo.write_bytes(camera_photo())
        print(
            f"photo: {photo.stat().st_size / 1e6:.1f} MB, 3000 x 4000; line: {args.kbps} kbps, "
            f"150 ms latency; server {base}"
        )
        n = 0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=FLAGS)
            for script in (True, False):
                for _ in range(args.runs):
                    n += 1
                    seconds, stored = one_run(browser, app, base, photo, script=script, kbps=args.kbps, n=n)
                    label = (
                        "with in-browser downscaling (script)"
                        if script
                        else "without (no script, whole photo)"
                    )
                    print(f"{label:40s} {seconds:7.1f} s   stored {stored / 1e6:.2f} MB")
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
