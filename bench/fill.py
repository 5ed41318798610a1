"""Fill a database with many applications quickly, for benchmarks.

    .venv/bin/python bench/fill.py --database-url URL --applications N [--users M]
        [--officers 10] [--create-tables] [--seed 2026]

Adds applicants (unique email, NIK and phone), a few officers and N submitted applications
spread over the demo categories (seeded first with portal.catalogue.seed.seed_categories, in
proportion to their popularity) and over the statuses the office sees (mostly submitted and
in review, some needing correction, recommended, approved, rejected, withdrawn), submitted over
the last 90 days, with due dates in working days and unique tracking numbers SP-<year>-nnnnnn
that continue the app's own counter (which is moved past them, so later real submissions do
not collide). Rows go in with Core: executemany in chunks on SQLite, COPY on PostgreSQL.
Documents, audit events and notifications are not made: the queue does not read them.

``fill()`` works on the current ``db.session`` connection, so the smoke test
(tests/test_bench_fill.py) can run it inside its rolled-back transaction. Not a flask command:
a plain script keeps bench code out of the app.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import current_app  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from portal.applications import counts, rollup, waiting  # noqa: E402

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

#: Share of each status among the filled applications (the office's usual mix).
STATUS_WEIGHTS = {
    "submitted": 40,
    "in_review": 30,
    "resubmitted": 4,
    "needs_correction": 8,
    "recommended": 7,
    "approved": 7,
    "rejected": 3,
    "withdrawn": 1,
}
ASSIGNED = {"in_review", "resubmitted", "needs_correction", "recommended", "approved", "rejected"}
DECIDED = {"approved", "rejected"}
UNUSABLE_PASSWORD = "!bench-no-login"  # noqa: S105 - not a hash: no password matches it
BIRTH_DAYS = 18_000  # about fifty years of birth dates for the NIKs


@dataclass
class FillResult:
    users: int = 0
    applications: int = 0
    officer_emails: list[str] = field(default_factory=list)
    seconds: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)


def nik_for(k: int) -> str:
    """A NIK with the Dukcapil structure (Samarinda, 64 72), unique for every k."""
    birth = date(1960, 1, 1) + timedelta(days=k % BIRTH_DAYS)
    rest = k // BIRTH_DAYS
    serial, district = rest % 9999 + 1, rest // 9999 % 9 + 1
    day = birth.day + (40 if k % 2 else 0)
    return f"6472{district:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def phone_for(k: int) -> str:
    return f"+6281{k:09d}"


def _user_row(
    uid: int, now: datetime, password_hash: str, email: str | None = None, name: str | None = None
) -> dict:
    return {
        "id": uid,
        "email": email or f"warga{uid}@bench.test",
        "full_name": name or f"{FIRST[uid % 20]} {LAST[(uid // 20) % 20]}",
        "nik": nik_for(uid),
        "phone": phone_for(uid),
        "password_hash": password_hash,
        "email_verified_at": now,
        "locale": "id",
        "is_active_account": True,
        "password_changed_at": now,
        "created_at": now,
        "updated_at": now,
    }


def _answers(fields: list[dict]) -> str:
    """A plausible answers document for a category: its first text-like fields filled in."""
    values = {}
    for spec in fields:
        if spec.get("type") in ("text", "textarea"):
            values[spec["key"]] = "Contoh isian untuk uji beban"
        elif spec.get("type") == "number":
            values[spec["key"]] = 100
        if len(values) >= 8:
            break
    return json.dumps(values)


def fill(
    n_applications: int,
    n_users: int | None = None,
    *,
    n_officers: int = 10,
    officer_password: str | None = None,
    seed: int = 2026,
    chunk: int = 10_000,
    analyze: bool = True,
    defer_indexes: bool | None = None,
    progress: Callable[[str], None] | None = None,
) -> FillResult:
    """Add ``n_applications`` applications from ``n_users`` applicants (default: half as many)
    and ``n_officers`` officers, in the current db.session transaction, then commit.

    Officers get ``officer_password`` (hashed once) so a benchmark can log in as one;
    applicants cannot log in. Needs an app context with the tables created."""
    from bench.second_step import BENCH_TOTP_SECRET
    from portal.applications.models import Application
    from portal.auth.models import User, UserRole
    from portal.auth.second_factor_models import SecondFactor
    from portal.calendar import clock
    from portal.catalogue.models import PermitCategory
    from portal.catalogue.seed import seed_categories
    from portal.extensions import db
    from portal.sequences import SequenceCounter

    say = progress or (lambda message: None)
    started = time.perf_counter()
    rng = random.Random(seed)
    n_users = max(1, n_applications // 2) if n_users is None else max(1, n_users)
    for line in seed_categories():
        say(f"seeded {line}")

    categories = list(
        db.session.scalars(
            select(PermitCategory)
            .where(PermitCategory.current_version_id.is_not(None))
            .order_by(PermitCategory.id)
        )
    )
    if not categories:
        raise RuntimeError("no published permit category to fill with")
    versions = {c.id: c.current_version for c in categories}
    answers = {c.id: _answers(versions[c.id].fields) for c in categories}
    weights = [max(c.popularity or 0, 1) for c in categories]
    closed = clock.holidays()
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    now = datetime.now(UTC)

    conn = db.session.connection()
    postgres = conn.dialect.name == "postgresql"
    user_table, role_table = User.__table__, UserRole.__table__
    app_table = Application.__table__

    def write(table, rows: Iterator[dict], total: int, label: str) -> None:
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return
        rows = itertools.chain([first], rows)
        columns = [c.name for c in table.columns if c.name in first]
        done, t0 = 0, time.perf_counter()
        if postgres:
            cursor = conn.connection.driver_connection.cursor()
            names = ", ".join(columns)
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:  # noqa: S608
                for row in rows:
                    copy.write_row([row.get(c) for c in columns])
                    done += 1
                    if done % 100_000 == 0:
                        say(
                            f"  {label}: {done:,}/{total:,} ({done / (time.perf_counter() - t0):,.0f} rows/s)"
                        )
        else:
            batch: list[dict] = []
            for row in rows:
                batch.append({c: row.get(c) for c in columns})
                if len(batch) >= chunk:
                    conn.execute(table.insert(), batch)
                    done += len(batch)
                    batch = []
                    if done % 100_000 < chunk:
                        say(
                            f"  {label}: {done:,}/{total:,} ({done / (time.perf_counter() - t0):,.0f} rows/s)"
                        )
            if batch:
                conn.execute(table.insert(), batch)
                done += len(batch)
        say(f"{label}: {done:,} rows in {time.perf_counter() - t0:.1f} s")

    # -- people ---------------------------------------------------------------------------
    first_uid = (conn.scalar(select(func.max(User.id))) or 0) + 1
    officer_ids = list(range(first_uid, first_uid + n_officers))
    applicant_ids = range(first_uid + n_officers, first_uid + n_officers + n_users)
    officer_hash = UNUSABLE_PASSWORD
    if officer_password:
        from portal.auth.passwords import hash_password

        officer_hash = hash_password(officer_password)
    officer_emails = [f"petugas{uid}@bench.test" for uid in officer_ids]

    def users() -> Iterator[dict]:
        for uid, email in zip(officer_ids, officer_emails, strict=True):
            yield _user_row(uid, now, officer_hash, email, f"Petugas {uid}")
        for uid in applicant_ids:
            yield _user_row(uid, now, UNUSABLE_PASSWORD)

    def roles() -> Iterator[dict]:
        for uid in officer_ids:
            yield {"user_id": uid, "role": "officer"}
        for uid in applicant_ids:
            yield {"user_id": uid, "role": "applicant"}

    write(user_table, users(), n_officers + n_users, "users")
    write(role_table, roles(), n_officers + n_users, "user roles")
    if officer_password:
        # staff log in in two steps: the officers a benchmark logs in as have an authenticator
        # (BENCH_TOTP_SECRET; bench/second_step.py types its code)
        factor_table = SecondFactor.__table__
        write(
            factor_table,
            (
                {
                    "user_id": uid,
                    "secret": BENCH_TOTP_SECRET,
                    "enrolled_at": now,
                    "failed_count": 0,
                    "version": 1,
                    "created_at": now,
                }
                for uid in officer_ids
            ),
            n_officers,
            "officer authenticators",
        )

    # -- applications --------------------------------------------------------------------
    first_aid = (conn.scalar(select(func.max(Application.id))) or 0) + 1
    counters = {
        row.name: row.value
        for row in db.session.scalars(select(SequenceCounter).where(SequenceCounter.name.like("tracking:%")))
    }
    next_number = dict(counters)
    due_cache: dict[tuple[date, int], date] = {}
    by_status: dict[str, int] = dict.fromkeys(STATUS_WEIGHTS, 0)
    status_names, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    window = 90 * 86400

    def applications() -> Iterator[dict]:
        aid = first_aid
        remaining = n_applications
        while remaining:
            k = min(chunk, remaining)
            remaining -= k
            statuses = rng.choices(status_names, status_weights, k=k)
            picks = rng.choices(categories, weights, k=k)
            for status, category in zip(statuses, picks, strict=True):
                submitted = now - timedelta(seconds=rng.random() * window)
                day = submitted.astimezone(tz).date()
                key = (day, category.time_limit_days)
                due = due_cache.get(key)
                if due is None:
                    due = due_cache[key] = clock.add_working_days(day, category.time_limit_days, closed)
                counter = f"tracking:{day.year}"
                number = next_number[counter] = next_number.get(counter, 0) + 1
                assigned = (
                    rng.choice(officer_ids)
                    if officer_ids and (status in ASSIGNED or rng.random() < 0.3)
                    else None
                )
                later = min(submitted + timedelta(hours=rng.randint(2, 200)), now)
                by_status[status] += 1
                yield {
                    "id": aid,
                    "tracking_number": f"SP-{day.year}-{number:06d}",
                    "applicant_id": applicant_ids[rng.randrange(n_users)],
                    "category_id": category.id,
                    "form_version_id": category.current_version_id,
                    "status": status,
                    "answers": answers[category.id],
                    "completed_pages": "[]",
                    "stage": "review_submit",
                    "declaration_accepted_at": submitted,
                    "version": 2,
                    "submitted_at": submitted,
                    "due_date": due,
                    "sla_paused_at": later if status == "needs_correction" else None,
                    "decided_at": later if status in DECIDED else None,
                    "assigned_officer_id": assigned,
                    "decision_reason": ("Persyaratan tidak lengkap" if status == "rejected" else None),
                    "recommendation": "approve" if status in ("recommended", "approved") else None,
                    "recommendation_reason": None,
                    "created_at": submitted,
                    "updated_at": later,
                }
                aid += 1

    if postgres:
        # Big fills: drop the plain (non-unique) indexes for the COPY and build them after,
        # which is several times faster than keeping them up to date row by row.
        deferred = (
            [i for i in app_table.indexes if not i.unique]
            if defer_indexes or (defer_indexes is None and n_applications >= 200_000)
            else []
        )
        for index in deferred:
            conn.execute(text(f'DROP INDEX IF EXISTS "{index.name}"'))
        write(app_table, applications(), n_applications, "applications")
        t0 = time.perf_counter()
        for index in deferred:
            index.create(conn)
        if deferred:
            say(f"rebuilt {len(deferred)} indexes in {time.perf_counter() - t0:.1f} s")
    else:
        # executemany through the table's types: the JSON columns take Python objects there.
        def decoded() -> Iterator[dict]:
            for row in applications():
                row["answers"] = json.loads(row["answers"])
                row["completed_pages"] = []
                yield row

        write(app_table, decoded(), n_applications, "applications")

    # -- counters and sequences ----------------------------------------------------------
    for name, value in next_number.items():
        if name in counters:
            conn.execute(
                SequenceCounter.__table__.update().where(SequenceCounter.name == name).values(value=value)
            )
        else:
            conn.execute(SequenceCounter.__table__.insert().values(name=name, value=value))
    if postgres:
        for table in (user_table, role_table, app_table):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table.name}))"
                )
            )
    # The rows went in outside the workflow: count them again (status counts, most requested,
    # the statistics' daily figures, the officers' workload).
    counts.rebuild()
    rollup.rebuild()
    waiting.rebuild()
    db.session.commit()
    if analyze:
        t0 = time.perf_counter()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        say(f"ANALYZE in {time.perf_counter() - t0:.1f} s")
    return FillResult(
        users=n_officers + n_users,
        applications=n_applications,
        officer_emails=officer_emails,
        seconds=time.perf_counter() - started,
        by_status={k: v for k, v in by_status.items() if v},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        required=True,
        help="e.g. sqlite:////tmp/bench.db or postgresql+psycopg://postgres@127.0.0.1:5432/bench",
    )
    parser.add_argument("--applications", type=int, required=True)
    parser.add_argument("--users", type=int, default=None, help="applicants (default: half the applications)")
    parser.add_argument("--officers", type=int, default=10)
    parser.add_argument("--officer-password", default=None, help="let the officers log in with this password")
    parser.add_argument(
        "--create-tables",
        action="store_true",
        help="create missing tables from the models first (scratch databases)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    from portal import create_app
    from portal.extensions import db

    app = create_app("default", SQLALCHEMY_DATABASE_URI=args.database_url)
    with app.app_context():
        if args.create_tables:
            db.create_all()
        result = fill(
            args.applications,
            args.users,
            n_officers=args.officers,
            officer_password=args.officer_password,
            seed=args.seed,
            progress=lambda message: print(message, flush=True),
        )
    print(
        f"filled {result.users:,} users and {result.applications:,} applications in "
        f"{result.seconds:.1f} s ({result.applications / result.seconds:,.0f} applications/s)"
    )
    print("by status: " + ", ".join(f"{k} {v:,}" for k, v in result.by_status.items()))
    print(
        "officers: "
        + ", ".join(result.officer_emails[:3])
        + (" ..." if len(result.officer_emails) > 3 else "")
    )


if __name__ == "__main__":
    main()
