"""Wizard: median and p95 time to save one form page of 50 fields, through the real view
(CSRF, login, validation, draft save, validation-event rows), on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_wizard.py [--runs 200] [--only sqlite|postgresql]
        [--server URL] [--database NAME]
        [--server postgresql+psycopg://postgres@127.0.0.1:5432]

Prints a table; it is a benchmark, not a test. The PostgreSQL run uses a scratch database it
creates and drops.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchlib import scratch_database  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

TYPES = [
    ("text", "Toko Maju Jaya"),
    ("textarea", "Jl. Merdeka No. 1\nSamarinda"),
    ("number", "12"),
    ("decimal", "1,5"),
    ("rupiah", "Rp 1.500.000"),
    ("date", "2020-05-01"),
    ("email", "warga@example.com"),
    ("phone", "0812 3456 7890"),
    ("nik", "6472014507900001"),
    ("npwp", "01.234.567.8-901.000"),
]


def fields() -> list[dict]:
    out = []
    for i in range(50):
        kind, _value = TYPES[i % len(TYPES)]
        out.append(
            {
                "key": f"f{i:02d}",
                "type": kind,
                "label_id": f"Isian {i}",
                "label_en": f"Field {i}",
                "required": True,
                "page": "all",
                "page_title_id": "Semua",
                "page_title_en": "Everything",
                "order": i,
            }
        )
    return out


def form_data() -> dict:
    return {f"f{i:02d}": TYPES[i % len(TYPES)][1] for i in range(50)}


def run(url: str, runs: int, tmp: Path) -> tuple[float, float, float]:
    from portal import create_app
    from portal.auth.models import Role, User, UserRole
    from portal.auth.passwords import hash_password
    from portal.catalogue.models import PermitCategory, Sector
    from portal.catalogue.services import publish_new_version
    from portal.db import utcnow
    from portal.extensions import db

    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=url,
        INSTANCE_DIR=tmp,
        MAIL_DIR=tmp / "mail",
        UPLOAD_ROOT=tmp / "uploads",
        ARGON2_TIME_COST=1,
    )
    with app.app_context():
        db.create_all()
        user = User(
            email="bench@example.com",
            full_name="Bench",
            nik="6472014507900002",
            phone="+6281200000000",
            password_hash=hash_password("a long bench password"),
            email_verified_at=utcnow(),
        )
        user.roles = [UserRole(role=Role.APPLICANT)]
        db.session.add(user)
        category = PermitCategory(
            slug="bench", code="BN", name_id="Bench", name_en="Bench", sector=Sector.TRADE, time_limit_days=5
        )
        publish_new_version(category, fields(), [])
        db.session.commit()
    client = app.test_client()
    token = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True)
    ).group(1)
    assert (
        client.post(
            "/login",
            data={"csrf_token": token, "email": "bench@example.com", "password": "a long bench password"},
        ).status_code
        == 302
    )
    page = client.get("/permits/bench").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    location = client.post("/permits/bench/apply", data={"csrf_token": token}).headers["Location"]
    app_id = re.search(r"/applications/(\d+)/", location).group(1)
    data = {"csrf_token": token, "action": "continue", **form_data()}
    times = []
    for i in range(runs + 10):
        start = time.perf_counter()
        response = client.post(f"/applications/{app_id}/form/all", data=data)
        elapsed = time.perf_counter() - start
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        if i >= 10:  # warm-up
            times.append(elapsed * 1000)
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--database",
        default=None,
        help="scratch PostgreSQL database (made and dropped; default: a random bench_wizard_<hex> "
        "name, after --server's database when it names one)",
    )
    args = parser.parse_args()
    args.server, name = scratch_database(args.server, args.database, "bench_wizard")
    rows = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        if args.only in (None, "sqlite"):
            rows.append(("SQLite (file, WAL)", *run(f"sqlite:///{tmp / 'bench.db'}", args.runs, tmp)))
        if args.only in (None, "postgresql"):
            base = make_url(args.server + "/postgres")
            admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            try:
                url = base.set(database=name).render_as_string(hide_password=False)
                rows.append(("PostgreSQL", *run(url, args.runs, tmp)))
            finally:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.dispose()
    print(f"\nSave one wizard page of 50 fields (POST, validation, draft save), {args.runs} runs")
    print(f"{'database':<22}{'median ms':>12}{'p95 ms':>12}{'runs':>8}")
    for name, median, p95, n in rows:
        print(f"{name:<22}{median:>12.1f}{p95:>12.1f}{n:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
