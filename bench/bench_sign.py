"""Permit letter signing benchmark: median and p95, in process (issue 16: render + sign p95
goal <= 150 ms on the project's machine).

    .venv/bin/python bench/bench_sign.py [--runs 50] [--database-url sqlite:///...|postgresql+psycopg://...]

Builds a throwaway app (a temporary SQLite database unless --database-url names an empty
scratch database of your own; its tables are created and dropped), one category and one
approved application, with a demo PKCS#12 key made for the run. Then times, ``--runs`` times:
  render        : the Indonesian letter (letter_data + render_letter: layout, fonts, QR code)
  render+sign   : the same plus the PAdES signature (pyHanko, visible appearance, SHA-256)
  issue         : what an approval adds to its transaction: render + sign + the English
                  translation + sha256 (storage writes not included)
  verify        : the verification page's check of the stored letter (validate the signature)
  check-upload  : the check page's verdict on an uploaded copy (sha256 lookup + validation)
Prints the figures; not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--database-url", default=None, help="an empty scratch database (default: temporary SQLite)"
    )
    args = parser.parse_args()

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

                def render(lang: str = "id"):
                    data = letter_data.letter_data(permit, application, category, holder, approver, lang=lang)
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
                timings: dict[str, list[float]] = {name: [] for name in steps}
                for _ in range(args.runs):
                    for name, step in steps.items():
                        start = time.perf_counter()
                        step()
                        timings[name].append(time.perf_counter() - start)
                assert verify.check_file(issued).verdict == "issued"
            finally:
                db.session.remove()
                db.drop_all()

        print(f"permit letter signing, {args.runs} runs each, {len(issued) / 1024:.1f} KiB per signed letter")
        for name, values in timings.items():
            print(
                f"  {name:13s} median {statistics.median(values) * 1000:7.1f} ms   "
                f"p95 {_p95(values) * 1000:7.1f} ms"
            )


if __name__ == "__main__":
    main()
