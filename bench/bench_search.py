"""Permit search benchmark: N permit types (10,000 by default), each with a name, summary,
description and a dozen keywords drawn from the words citizens use, plus the eight demo
permits, the signposts and their keywords; then the median and p95 of
portal.catalogue.search.search() over a mix of queries (the issue's five phrasings, typos,
affixed words, long and empty-result queries), on SQLite and on PostgreSQL (pg_trgm index as
the migration makes it). Prints figures; not a test.

    .venv/bin/python bench/bench_search.py [--only sqlite|postgresql] [--permits 10000]
        [--queries 400] [--host 127.0.0.1] [--port 5432] [--user postgres]
        [--database bench_search_<pid>] [--keep]

The PostgreSQL database is created (and dropped at the end unless --keep); the SQLite one is a
temporary file. Tables come from the models (create_all) plus the migration-only trigram index.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402

_WORD_TEXT = (
    "warung toko katering makanan minuman kue bangunan rumah gedung renovasi spanduk baliho "
    "reklame papan nama praktik dokter apotek klinik penelitian skripsi homestay penginapan "
    "usaha bengkel laundry salon pasar kios gudang pabrik sekolah kursus pelatihan tambang "
    "perikanan peternakan pertanian kebun hutan sungai jalan parkir angkutan travel kapal "
    "hotel restoran kafe hiburan olahraga kesenian budaya keagamaan yayasan koperasi "
    "perdagangan industri kerajinan tekstil konveksi percetakan fotokopi komputer ponsel "
    "listrik air limbah sampah lingkungan kesehatan kecantikan pijat spa farmasi obat"
)
WORDS = _WORD_TEXT.split()

QUERIES = [
    "izin usaha makanan rumahan",
    "PIRT",
    "buka warung",
    "pasang spanduk toko",
    "bangun rumah",
    "wareng",
    "spandukk",
    "pembangunan gedung",
    "pemasangan reklame",
    "praktik dokter gigi",
    "izin penelitian skripsi mahasiswa",
    "homestay",
    "klinik kecantikan",
    "kapal nelayan",
    "saya mau buka usaha laundry di rumah",
    "'; DROP TABLE users; --",
    "😀 warung",
    "!!!",
    "x" * 2000,
    "perizinan berusaha berbasis risiko untuk usaha mikro kecil",
]


def _fill(session, n: int, rng: random.Random) -> None:
    from portal.catalogue.models import CategoryKeywords, PermitCategory, Sector
    from portal.catalogue.search import rebuild_index
    from portal.catalogue.seed import seed_categories
    from portal.catalogue.seed_finder import seed_finder

    list(seed_categories())
    list(seed_finder())
    sectors = [s.value for s in Sector]
    rows, kw = [], []
    for i in range(n):
        words = rng.sample(WORDS, 6)
        rows.append(
            {
                "id": 100_000 + i,
                "slug": f"bench-{i}",
                "code": f"B{i}",
                "name_id": f"Izin {words[0]} {words[1]} {i}",
                "name_en": f"Permit {words[0]} {i}",
                "summary_id": f"Izin untuk {words[2]} dan {words[3]}",
                "summary_en": "",
                "description_id": " ".join(rng.sample(WORDS, 25)),
                "description_en": "",
                "sector": rng.choice(sectors),
                "time_limit_days": 5,
                "cost_rupiah": 0,
                "cost_note_id": "",
                "cost_note_en": "",
                "legal_basis": "",
                "output_id": "",
                "output_en": "",
                "validity_months": None,
                "permit_number_pattern": "503/{code}/{year}/{seq:05}",
                "active": True,
                "popularity": 0,
            }
        )
        kw.append(
            {
                "category_id": 100_000 + i,
                "keywords": "\n".join(" ".join(rng.sample(WORDS, rng.choice((1, 2)))) for _ in range(12)),
            }
        )
    conn = session.connection()
    for start in range(0, n, 2000):  # core inserts: the index is built once, below
        conn.execute(insert(PermitCategory.__table__), rows[start : start + 2000])
        conn.execute(insert(CategoryKeywords.__table__), kw[start : start + 2000])
    t0 = time.perf_counter()
    count = rebuild_index()
    session.commit()
    print(f"  indexed {count} entries in {time.perf_counter() - t0:.1f} s")


def _run(url: str, permits: int, queries: int, label: str) -> None:
    from portal import create_app
    from portal.catalogue.models import SearchTerm
    from portal.catalogue.search import search
    from portal.extensions import db

    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        if url.startswith("postgresql"):
            db.session.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            db.session.execute(
                text(
                    "CREATE INDEX IF NOT EXISTS ix_search_terms_term_trgm "
                    "ON search_terms USING gin (term gin_trgm_ops)"
                )
            )
            db.session.commit()
        rng = random.Random(15)
        t0 = time.perf_counter()
        _fill(db.session, permits, rng)
        if url.startswith("postgresql"):
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        terms = db.session.query(SearchTerm).count()
        print(f"{label}: {permits} permits, {terms} index rows, filled in {time.perf_counter() - t0:.1f} s")
        for q in QUERIES:  # warm the stemmer cache and the database pages
            search(q)
            db.session.rollback()
        times, per_query = [], {}
        for i in range(queries):
            q = QUERIES[i % len(QUERIES)]
            t = time.perf_counter()
            results = search(q)
            elapsed = (time.perf_counter() - t) * 1000
            db.session.rollback()
            times.append(elapsed)
            per_query.setdefault(q, []).append((elapsed, len(results.permits)))
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"{label}: {queries} searches: median {statistics.median(times):.1f} ms, "
            f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms"
        )
        for q, runs in per_query.items():
            ms = sorted(r[0] for r in runs)
            print(f"  {q[:40]!r:44} median {statistics.median(ms):6.1f} ms  {runs[0][1]:3d} hits")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--permits", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5432)
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--database", default=f"bench_search_{os.getpid()}")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()

    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            _run(f"sqlite:///{tmp}/search.db", args.permits, args.queries, "SQLite")
    if args.only in (None, "postgresql"):
        server = f"postgresql+psycopg://{args.user}@{args.host}:{args.port}"
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{args.database}"')
        try:
            _run(f"{server}/{args.database}", args.permits, args.queries, "PostgreSQL")
        finally:
            if not args.keep:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            admin.dispose()


if __name__ == "__main__":
    main()
