"""Help desk lookup benchmark: 1,000,000 applicants on PostgreSQL, then the median and p95 of
the console's own search (portal.helpdesk.services.search_applicants) by email, NIK, phone
and tracking number, and by part of a name, with EXPLAIN ANALYZE of each query showing
which index it uses.

    .venv/bin/python bench/bench_helpdesk_lookup.py [--users 1000000] [--lookups 300]
        [--server postgresql+psycopg://postgres@127.0.0.1:5432]

A scratch database (bench_helpdesk_<pid>) is created, filled with INSERT ... SELECT from
generate_series (about half a minute for a million users), and dropped at the end. Tables come
from the models (create_all), so the indexes measured are the ones the app declares. For the
name search a pg_trgm GIN index on lower(full_name) is added halfway, to show the difference
it makes (it is not in the models: see the report). Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402

FIRST = [
    "Budi",
    "Siti",
    "Agus",
    "Dewi",
    "Rina",
    "Made",
    "Ayu",
    "Andi",
    "Nur",
    "Putri",
    "Joko",
    "Wayan",
    "Fitri",
    "Hendra",
    "Yuli",
    "Bambang",
    "Sri",
    "Dian",
    "Rudi",
    "Lestari",
]
LAST = [
    "Santoso",
    "Wijaya",
    "Aminah",
    "Hasibuan",
    "Siregar",
    "Pratama",
    "Saputra",
    "Kusuma",
    "Nugroho",
    "Hidayat",
    "Lubis",
    "Simanjuntak",
    "Gunawan",
    "Rahman",
    "Setiawan",
    "Purnomo",
    "Utami",
    "Wibowo",
    "Susanto",
    "Halim",
]


def _array(values: list[str]) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


def _name_part(g: int) -> str:
    """The end of user g's generated name, as a help desk person would type part of it."""
    return f"{LAST[(g // 20) % 20].upper()} {g}"


def fill(engine, users: int, applications: int) -> None:
    from portal.catalogue.models import PermitCategory, Sector
    from portal.catalogue.services import publish_new_version
    from portal.extensions import db

    category = PermitCategory(
        slug="bench", code="BEN", name_id="Izin Uji", name_en="Bench", sector=Sector.TRADE, time_limit_days=5
    )
    publish_new_version(
        category,
        [
            {
                "key": "name",
                "type": "text",
                "label_id": "Nama",
                "label_en": "Name",
                "required": True,
                "page": "details",
            }
        ],
        [],
    )
    db.session.commit()
    with engine.begin() as conn:
        conn.execute(
            text(f"""
            INSERT INTO users (email, full_name, nik, phone, password_hash, locale,
                               is_active_account, created_at, updated_at, password_changed_at)
            SELECT 'warga' || g || '@bench.test',
                   ({_array(FIRST)})[1 + g % 20] || ' ' || ({_array(LAST)})[1 + (g / 20) % 20]
                       || ' ' || g,
                   '647201' || lpad(g::text, 10, '0'),
                   '+62812' || lpad(g::text, 8, '0'),
                   'x', 'id', true, now(), now(), now()
            FROM generate_series(1, :n) AS g"""),
            {"n": users},
        )
        conn.execute(text("INSERT INTO user_roles (user_id, role) SELECT id, 'applicant' FROM users"))
        conn.execute(
            text("""
            INSERT INTO applications (tracking_number, applicant_id, category_id, form_version_id,
                                      status, answers, completed_pages, stage, version,
                                      created_at, updated_at, submitted_at)
            SELECT 'SP-2026-' || lpad(g::text, 6, '0'), (SELECT min(id) FROM users) + (g * 4) % :users,
                   :category, :version, 'submitted', '{}', '[]', 'review_submit', 1,
                   now(), now(), now()
            FROM generate_series(1, :n) AS g"""),
            {
                "n": applications,
                "users": users,
                "category": category.id,
                "version": category.current_version_id,
            },
        )
        conn.execute(text("ANALYZE"))


def measure(app, kind: str, samples: list[str]) -> tuple[float, float, int]:
    from portal.extensions import db
    from portal.helpdesk import services

    timings, found = [], 0
    for q in samples:
        start = time.perf_counter()
        result = services.search_applicants(q, kind)
        timings.append((time.perf_counter() - start) * 1000)
        found += bool(result.users)
        db.session.rollback()
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], found


def explain(kind: str, sample: str) -> str:
    from portal.extensions import db
    from portal.helpdesk import services

    text_value = sample
    stmt = services.search_statement(text_value, kind)
    compiled = stmt.compile(dialect=db.engine.dialect)
    rows = db.session.connection().exec_driver_sql(
        "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + str(compiled), compiled.params
    )
    return "\n".join(row[0] for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument(
        "--server", default=os.environ.get("BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args()

    name = f"bench_helpdesk_{os.getpid()}"
    admin_dsn = args.server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        from portal import create_app
        from portal.extensions import db

        app = create_app("test", SQLALCHEMY_DATABASE_URI=f"{args.server}/{name}")
        with app.app_context(), app.test_request_context():
            db.create_all()
            started = time.perf_counter()
            fill(db.engine, args.users, args.applications)
            print(
                f"filled {args.users:,} users and {args.applications:,} applications in "
                f"{time.perf_counter() - started:.1f} s"
            )
            rng = random.Random(6)
            n = args.users

            def pick() -> int:
                return rng.randint(1, n)

            kinds = {
                "email": [f"Warga{pick()}@Bench.test" for _ in range(args.lookups)],
                "nik": [f"647201{pick():010d}" for _ in range(args.lookups)],
                "phone": [f"0812-{pick():08d}" for _ in range(args.lookups)],
                "tracking": [f"sp-2026-{rng.randint(1, args.applications):06d}" for _ in range(args.lookups)],
                # part of one person's name (a rare match: the worst case without an index)
                "name": [_name_part(pick()) for _ in range(min(args.lookups, 50))],
            }
            print(f"\n{'lookup':<22}{'median ms':>10}{'p95 ms':>10}{'found':>8}")
            for kind, samples in kinds.items():
                median, p95, found = measure(app, kind, samples)
                print(f"{kind:<22}{median:>10.2f}{p95:>10.2f}{found:>5}/{len(samples)}")
            trigram = False
            try:
                with db.engine.begin() as conn:
                    conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
                    conn.execute(
                        text(
                            "CREATE INDEX ix_users_full_name_trgm ON users "
                            "USING gin (lower(full_name) gin_trgm_ops)"
                        )
                    )
                    conn.execute(text("ANALYZE users"))
                trigram = True
            except Exception as exc:  # the extension is not installed on this server
                print(f"(pg_trgm not available: {exc.__class__.__name__})")
            if trigram:
                median, p95, found = measure(app, "name", kinds["name"])
                print(
                    f"{'name + pg_trgm index':<22}{median:>10.2f}{p95:>10.2f}{found:>5}/{len(kinds['name'])}"
                )
            print()
            for kind, samples in kinds.items():
                plan = explain(kind, samples[0] if kind != "tracking" else samples[0].upper())
                uses_index = "Index" in plan
                print(f"-- EXPLAIN {kind} ({'index used' if uses_index else 'NO INDEX'}):")
                print(plan)
                print()
            db.session.remove()
            db.engine.dispose()
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
