"""Certificate PDF benchmark: median and p95 time to make one permit certificate, in process.

    .venv/bin/python bench/bench_permit_pdf.py [--runs 50]

Builds a throwaway app (temporary SQLite database and UPLOAD_ROOT), one category and one
approved application with its answers, then times, each ``--runs`` times:
  render : pdf.render_certificate only (layout, fonts, QR code, PDF bytes)
  data   : services.certificate_data + render (what issuing does before storing)
  store  : the same plus get_storage().save of the bytes (written, fsynced, moved into place)
Prints the figures and the size of one certificate; not a test.
"""

from __future__ import annotations

import argparse
import io
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
    args = parser.parse_args()

    from portal import create_app
    from portal.applications import services, workflow
    from portal.applications.models import ApplicationStatus as S
    from portal.auth.models import Role, User
    from portal.catalogue.models import PermitCategory
    from portal.extensions import db
    from portal.permits import pdf
    from portal.permits import services as permits
    from portal.storage import get_storage
    from tests.conftest import make_user
    from tests.wizard_helpers import make_category

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'bench.db'}",
            UPLOAD_ROOT=tmp_path / "uploads",
            MAIL_DIR=tmp_path / "mail",
            INSTANCE_DIR=tmp_path,
        )
        with app.app_context():
            db.create_all()
            category = make_category(validity_months=60)
            applicant = make_user(Role.APPLICANT, full_name="Siti Rahmawati")
            officer, approver = make_user(Role.OFFICER), make_user(Role.APPROVER)
            application = services.start_application(applicant, category)
            application.answers = {
                "business_name": "Warung Sederhana Bu Siti",
                "employees": 3,
                "has_branch": "yes",
                "branch_address": "Jl. Pahlawan No. 12, RT 04, Sungai Pinang",
                "start_date": "2020-05-01",
                "capital": 150000000,
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
            data = permits.certificate_data(permit, application, category, holder, approver)
            storage = get_storage()
            pdf.render_certificate(data)  # warm up: font registration happens once per process

            timings: dict[str, list[float]] = {"render": [], "data": [], "store": []}
            size = 0
            for _ in range(args.runs):
                start = time.perf_counter()
                body = pdf.render_certificate(data)
                timings["render"].append(time.perf_counter() - start)
                size = len(body)

                start = time.perf_counter()
                fresh = permits.certificate_data(permit, application, category, holder, approver)
                pdf.render_certificate(fresh)
                timings["data"].append(time.perf_counter() - start)

                start = time.perf_counter()
                fresh = permits.certificate_data(permit, application, category, holder, approver)
                stored = storage.save(io.BytesIO(pdf.render_certificate(fresh)), key_prefix="permits/")
                timings["store"].append(time.perf_counter() - start)
                storage.delete(stored.key)

        print(
            f"certificate PDF, {args.runs} runs each, font {pdf.fonts()[0]}, "
            f"{size / 1024:.1f} KiB per certificate"
        )
        for name, values in timings.items():
            print(
                f"  {name:7s} median {statistics.median(values) * 1000:7.1f} ms   "
                f"p95 {_p95(values) * 1000:7.1f} ms"
            )


if __name__ == "__main__":
    main()
