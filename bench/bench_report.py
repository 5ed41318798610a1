"""The head of office's monthly report at scale: seconds to gather the figures and to write the
PDF and the XLSX, and the statements sent, for last month, this month and the semester, over a
database filled by bench/fill.py with N applications plus survey answers (one per approved
application, scores 1-4 at random) and complaints and information requests (one per 20
applications, most answered within 1-12 working days).

    .venv/bin/python bench/bench_report.py --database NAME [--server URL] [--applications 100000]
        [--runs 3] [--keep]
    .venv/bin/python bench/bench_report.py --sqlite PATH [--applications 100000] [--runs 3]

``--database``: a scratch PostgreSQL database on ``--server`` (made, filled, dropped unless
``--keep``); ``--sqlite``: a new SQLite file. Prints the figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg  # noqa: E402
from benchlib import scratch_database  # noqa: E402
from sqlalchemy import event, insert, select  # noqa: E402

from bench.fill import fill  # noqa: E402
from portal import create_app  # noqa: E402
from portal.applications.models import Application, ApplicationStatus  # noqa: E402
from portal.calendar import clock  # noqa: E402
from portal.calendar.seed import seed_holidays  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.public.models import SKM_ELEMENTS, CaseKind, CaseStatus, Complaint, ComplaintTopic, SurveyResponse  # noqa: E402
from portal.reports import services  # noqa: E402
from portal.reports.files import render  # noqa: E402


def say(text: str) -> None:
    print(text, flush=True)


def add_surveys_and_cases(n_applications: int, seed: int = 19) -> tuple[int, int]:
    """Survey answers for the approved applications and n/20 cases, with Core inserts."""
    rng = random.Random(seed)
    rows = db.session.execute(
        select(Application.id, Application.category_id, Application.decided_at).where(
            Application.status == ApplicationStatus.APPROVED, Application.decided_at.is_not(None)
        )
    ).all()
    surveys = []
    for app_id, category_id, decided in rows:
        day = clock.office_today(decided)
        surveys.append(
            {
                "application_id": app_id,
                "category_id": category_id,
                "year": day.year,
                "month": day.month,
                "suggestion": "",
                "created_at": decided,
                **{u: rng.choice((2, 3, 3, 4, 4)) for u in SKM_ELEMENTS},
            }
        )
    for start in range(0, len(surveys), 10_000):
        db.session.execute(insert(SurveyResponse), surveys[start : start + 10_000])
    now = datetime.now(UTC)
    topics = [t for t in ComplaintTopic if t is not ComplaintTopic.INFORMATION]
    cases = []
    for n in range(max(1, n_applications // 20)):
        kind = CaseKind.INFORMATION if n % 4 == 0 else CaseKind.COMPLAINT
        filed = now - timedelta(days=rng.uniform(0, 180))
        answered = filed + timedelta(days=rng.uniform(0.2, 16)) if rng.random() < 0.85 else None
        if answered is not None and answered > now:
            answered = None
        cases.append(
            {
                "number": f"BENCH-{n:08d}",
                "kind": kind,
                "token_hash": hashlib.sha256(f"bench-{n}".encode()).hexdigest(),
                "name": "Warga",
                "email": f"warga{n}@bench.test",
                "locale": "id",
                "topic": ComplaintTopic.INFORMATION if kind is CaseKind.INFORMATION else rng.choice(topics),
                "text": "Bench case.",
                "status": CaseStatus.ANSWERED if answered else CaseStatus.RECEIVED,
                "due_date": clock.add_working_days(clock.office_today(filed), 5),
                "created_at": filed,
                "updated_at": answered or filed,
                "answered_at": answered,
            }
        )
    for start in range(0, len(cases), 10_000):
        db.session.execute(insert(Complaint), cases[start : start + 10_000])
    db.session.commit()
    return len(surveys), len(cases)


def measure(label: str, period: services.Period, runs: int) -> None:
    engine = db.engine
    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    times: dict[str, list[float]] = {"figures": [], "pdf": [], "xlsx": []}
    sizes: dict[str, int] = {}
    for _ in range(runs):
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        report = services.build_report(period)
        times["figures"].append(time.perf_counter() - started)
        event.remove(engine, "before_cursor_execute", count)
        for fmt in ("pdf", "xlsx"):
            started = time.perf_counter()
            body = render(report, fmt, "id")
            times[fmt].append(time.perf_counter() - started)
            sizes[fmt] = len(body)
        db.session.rollback()
    say(
        f"  {label:<22} {period.key:<8} submitted {report.submitted:>7}  decided {report.decided:>6}  "
        f"statements {len(statements):>2}  "
        + "  ".join(f"{k} {statistics.median(v) * 1000:7.0f} ms" for k, v in times.items())
        + f"  (pdf {sizes['pdf'] // 1024} KiB, xlsx {sizes['xlsx'] // 1024} KiB)"
    )


def run(url: str, n_applications: int, runs: int) -> None:
    app = create_app("default", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        db.create_all()
        list(seed_holidays())
        db.session.commit()
        started = time.perf_counter()
        fill(n_applications, progress=None)
        surveys, cases = add_surveys_and_cases(n_applications)
        say(
            f"{url.split('://')[0]}: filled {n_applications} applications, {surveys} survey answers, "
            f"{cases} cases in {time.perf_counter() - started:.0f} s"
        )
        today = clock.office_today()
        last = services.default_period(today)
        this = services.Period("month", today.year, today.month)
        semester = services.Period("semester", today.year, 1 if today.month <= 6 else 2)
        say(f"  median of {runs} runs (figures: the aggregate queries; pdf / xlsx: writing the file)")
        for label, period in (("last month", last), ("this month so far", this), ("this semester", semester)):
            measure(label, period, runs)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--database", help="scratch PostgreSQL database name (made and dropped)")
    where.add_argument("--sqlite", type=Path, help="a new SQLite file")
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    if args.sqlite is not None:
        if args.sqlite.exists():
            parser.error(f"{args.sqlite} exists: name a new file")
        run(f"sqlite:///{args.sqlite.resolve()}", args.applications, args.runs)
        return
    server, name = scratch_database(args.server, args.database, "bench_report")
    admin = server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        run(f"{server}/{name}", args.applications, args.runs)
    finally:
        if not args.keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
