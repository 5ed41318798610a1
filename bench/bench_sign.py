"""Permit letter signing benchmark: median and p95, wall and CPU time, in process (issue 16:
render + sign p95 goal <= 150 ms on the project's machine).

    .venv/bin/python bench/bench_sign.py [--runs 50] [--database-url sqlite:///...|postgresql+psycopg://...]
        [--no-logo] [--versus OTHER_CHECKOUT [--versus-python OTHER_PYTHON] [--rounds 4]]

``--versus`` measures another checkout of the portal (the code before a change, with its own
virtualenv's python) side by side with this one: the two run this same script in turns,
``--rounds`` times each, so both meet the same load on a shared machine; the figures are
pooled per side. An office's coat of arms (a 800 x 800 PNG with transparency) is on the
letterhead unless --no-logo.

Builds a throwaway app (a temporary SQLite database unless --database-url names an empty
scratch database of your own; its tables are created and dropped), one category and one
approved application, with a demo PKCS#12 key made for the run. Then times, ``--runs`` times:
  render        : the Indonesian letter (letter_data + render_letter: layout, fonts, QR code)
  render+sign   : the same plus the PAdES signature (pyHanko, visible appearance, SHA-256)
  issue         : what an approval adds to its transaction: render + sign + the English
                  translation + sha256 (storage writes not included)
  verify        : the verification page's check of the stored letter (validate the signature)
  check-upload  : the check page's verdict on an uploaded copy (sha256 lookup + validation)
CPU time (time.process_time) is printed next to wall time: on a loaded machine the wall time
grows with the queue for the cores, the CPU time much less. Prints the figures; not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(os.environ.get("BENCH_PORTAL_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _coat_of_arms() -> bytes:
    """A stand-in coat of arms: 800 x 800 pixels with a transparent background."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (800, 800), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.polygon([(80, 60), (720, 60), (720, 420), (400, 760), (80, 420)], fill=(26, 61, 109, 255))
    draw.ellipse((250, 160, 550, 460), fill=(201, 162, 39, 255))
    draw.rectangle((370, 460, 430, 640), fill=(255, 255, 255, 255))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def measure(args: argparse.Namespace) -> tuple[dict[str, list[tuple[float, float]]], int]:
    """{step: [(wall seconds, CPU seconds), ...]} and the signed letter's size."""

    from portal import create_app
    from portal.applications import services, workflow
    from portal.applications.models import ApplicationStatus as S
    from portal.auth.models import Role, User
    from portal.catalogue.models import PermitCategory
    from portal.extensions import db
    from portal.permits import letter, letter_data, verify
    from portal.permits import services as permits
    from portal.permits.signing import keys, pades, signer_from_config
    from portal.storage import get_storage
    from tests.conftest import make_user
    from tests.wizard_helpers import make_category

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        key = tmp_path / "office.p12"
        key.write_bytes(keys.make_pkcs12("Kepala DPMPTSP", "DPMPTSP Kota Samarinda", "bench"))
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=args.database_url or f"sqlite:///{tmp_path / 'bench.db'}",
            UPLOAD_ROOT=tmp_path / "uploads",
            MAIL_DIR=tmp_path / "mail",
            INSTANCE_DIR=tmp_path,
            PERMIT_SIGNING_KEY=str(key),
            PERMIT_SIGNING_PASSPHRASE="bench",
            PERMIT_SIGNING_THROWAWAY_KEY=False,
        )
        with app.app_context(), app.test_request_context():
            db.create_all()
            try:
                category = make_category(validity_months=60)
                applicant = make_user(Role.APPLICANT, full_name="Siti Rahmawati")
                officer = make_user(Role.OFFICER)
                approver = make_user(Role.APPROVER, nip="197001011995032001", rank="Pembina (IV/a)")
                application = services.start_application(applicant, category)
                application.answers = {
                    "business_name": "Warung Sederhana Bu Siti",
                    "employees": 3,
                    "has_branch": "yes",
                    "branch_address": "Jl. Pahlawan No. 12, RT 04, Sungai Pinang",
                    "start_date": "2020-05-01",
                }
                db.session.commit()
                for to, actor in (
                    (S.SUBMITTED, applicant),
                    (S.IN_REVIEW, officer),
                    (S.RECOMMENDED, officer),
                    (S.APPROVED, approver),
                ):
                    workflow.transition(application, to, actor)
                db.session.commit()
                permit = permits.permit_for_application(application.id)
                category = db.session.get(PermitCategory, permit.category_id)
                holder = db.session.get(User, application.applicant_id)
                with get_storage().open(permit.pdf_key) as fh:
                    issued = fh.read()

                logo = None if args.no_logo else _coat_of_arms()

                def render(lang: str = "id"):
                    data = letter_data.letter_data(
                        permit, application, category, holder, approver, lang=lang, logo=logo
                    )
                    return letter.render_letter(data)

                def render_sign() -> bytes:
                    body, box = render()
                    return pades.sign_pdf(
                        body, signer_from_config(), box=box, reason="bench", location="Samarinda"
                    )

                def issue() -> None:
                    signed = render_sign()
                    hashlib.sha256(signed).hexdigest()
                    render("en")

                steps = {
                    "render": lambda: render(),
                    "render+sign": render_sign,
                    "issue": issue,
                    "verify": lambda: verify.stored_signature(permit),
                    "check-upload": lambda: verify.check_file(issued),
                }
                for step in steps.values():
                    step()  # warm up: fonts, key loading, imports
                timings: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
                for _ in range(args.runs):
                    for name, step in steps.items():
                        start, cpu = time.perf_counter(), time.process_time()
                        step()
                        timings[name].append((time.perf_counter() - start, time.process_time() - cpu))
                assert verify.check_file(issued).verdict == "issued"
            finally:
                db.session.remove()
                db.drop_all()
    return timings, len(issued)


def _line(name: str, values: list[tuple[float, float]]) -> str:
    wall = [w * 1000 for w, _c in values]
    cpu = [c * 1000 for _w, c in values]
    return (
        f"{name:13s} wall median {statistics.median(wall):6.1f} p95 {_p95(wall):6.1f} ms | "
        f"CPU median {statistics.median(cpu):6.1f} p95 {_p95(cpu):6.1f} ms"
    )


def _run_side(root: Path, python: str, args: argparse.Namespace) -> dict:
    command = [python, str(Path(__file__).resolve()), "--json", "--runs", str(args.runs)]
    if args.no_logo:
        command.append("--no-logo")
    env = {**os.environ, "BENCH_PORTAL_ROOT": str(root)}
    out = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def versus(args: argparse.Namespace) -> None:
    sides = {
        "before": (Path(args.versus).resolve(), args.versus_python or sys.executable),
        "after": (Path(__file__).resolve().parent.parent, sys.executable),
    }
    pooled: dict[str, dict[str, list[tuple[float, float]]]] = {side: {} for side in sides}
    size = {}
    for _ in range(args.rounds):
        for side, (root, python) in sides.items():
            result = _run_side(root, python, args)
            size[side] = result["size"]
            for name, values in result["timings"].items():
                pooled[side].setdefault(name, []).extend((w, c) for w, c in values)
    print(
        f"permit letter signing, before ({args.versus}) and after (this checkout) in turns, "
        f"{args.rounds} rounds x {args.runs} runs per side, coat of arms: {not args.no_logo}"
    )
    for name in pooled["after"]:
        for side in sides:
            if name in pooled[side]:
                print(f"  {side:6s} {_line(name, pooled[side][name])}")
        before = statistics.median(c for _w, c in pooled["before"][name])
        after = statistics.median(c for _w, c in pooled["after"][name])
        print(f"         {name}: CPU median after / before = {after / before:.2f}")
    print(f"  signed letter: before {size['before'] / 1024:.1f} KiB, after {size['after'] / 1024:.1f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--database-url", default=None, help="an empty scratch database (default: temporary SQLite)"
    )
    parser.add_argument("--no-logo", action="store_true", help="the placeholder shield, no coat of arms")
    parser.add_argument("--versus", default=None, help="another checkout, measured side by side")
    parser.add_argument("--versus-python", default=None, help="the python of --versus's virtualenv")
    parser.add_argument("--rounds", type=int, default=4, help="turns per side with --versus")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.versus:
        versus(args)
        return
    timings, size = measure(args)
    if args.json:
        print(json.dumps({"timings": timings, "size": size}))
        return
    print(f"permit letter signing, {args.runs} runs each, {size / 1024:.1f} KiB per signed letter")
    for name, values in timings.items():
        print(f"  {_line(name, values)}")


if __name__ == "__main__":
    main()
