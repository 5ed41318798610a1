"""Officer queue benchmark: 1,000,000 applications on PostgreSQL and 100,000 on SQLite, then
the median and p95 of the queue's first page and of a page deep in the list (keyset cursor),
next to the same deep page fetched with OFFSET in the same run, the SQL statements per page,
and the query plans (EXPLAIN) of the page and count queries.

    .venv/bin/python bench/bench_queue.py [--pg-applications 1000000] [--database NAME]
        [--sqlite-applications 100000] [--runs 20] [--only postgresql|sqlite]
        [--server postgresql+psycopg://postgres@127.0.0.1:5432] [--extra-index]

Scratch databases: --database (default bench_queue_<random>) on the PostgreSQL server
(created, dropped at the end) and a
SQLite file in a temporary folder. They are filled with bench/fill.py (COPY / executemany;
tables from the models, so the indexes measured are the ones the app declares), then ANALYZEd.
Measured three ways, each ``--runs`` times after two warm-up calls:

* GET /office/queue through the test client, logged in through the real login form as an
  officer: the whole request (session, queue, counts, template rendering);
* portal.backoffice.services.parse_filters + queue_page in a test_request_context with the
  officer logged in (flask_login.login_user): the queue's own work;
* the page's SELECT alone (keyset vs OFFSET) and the status-count SELECT alone.

The deep page starts at the middle of the waiting list (a cursor computed for that position);
its rows are checked to be the same with the cursor and with OFFSET. ``--extra-index`` adds
the index proposed in bench/README.md after the first measurement and measures again.
Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg  # noqa: E402
from benchlib import scratch_database  # noqa: E402
from second_step import second_step  # noqa: E402
from sqlalchemy import and_, event, or_, select, tuple_  # noqa: E402
from sqlalchemy.orm import joinedload  # noqa: E402

PASSWORD = "bench officer password 2026"  # noqa: S105 - a scratch database's officer
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
#: The index this benchmark suggests (see bench/README.md); added only with --extra-index.
EXTRA_INDEXES = {
    "ix_applications_due_id": "CREATE INDEX ix_applications_due_id ON applications (due_date, id)",
}


def say(message: str) -> None:
    print(message, flush=True)


class StatementCounter:
    """Counts (and keeps) the statements sent on an engine while ``active``."""

    def __init__(self, engine):
        self.active = False
        self.statements: list[tuple[str, object]] = []
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):
        # Transaction control (SQLite's explicit BEGIN) is not a query; PostgreSQL's is implicit.
        if self.active and not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            self.statements.append((statement, parameters))

    def __enter__(self):
        self.statements = []
        self.active = True
        return self

    def __exit__(self, *exc):
        self.active = False


def timed(fn, runs: int, counter: StatementCounter, budget: float) -> tuple:
    """Median and p95 in milliseconds, the statements of the last run, and the number of runs:
    ``runs`` after one warm-up call, fewer (at least 3) once ``budget`` seconds are spent."""
    fn()
    times: list[float] = []
    spent = time.perf_counter()
    while len(times) < runs and (len(times) < 3 or time.perf_counter() - spent < budget):
        with counter:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(len(times) * 0.95) - 1))]
    return statistics.median(times), p95, len(counter.statements), len(times)


def login(client, email: str) -> None:
    page = client.get("/login?lang=en").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    response = second_step(client, email, response)
    if response.status_code != 302:
        raise RuntimeError(f"login failed: {response.status_code}")


def page_statement(f, user, offset: int | None = None, row_value: bool = False):
    """The statement queue_page runs for its rows (same filters, order and eager loads), with
    the keyset condition from ``f.cursor`` or, for comparison, OFFSET ``offset``.
    ``row_value`` writes the keyset condition as (due_date, id) > (:key, :id), the form the
    README proposes, instead of queue_page's due_date > :key OR (due_date = :key AND id > :id).
    """
    from portal.applications.models import Application
    from portal.backoffice.services import queue

    column = Application.due_date if f.sort == "due" else Application.submitted_at
    stmt = queue._base_query(f, user).where(column.is_not(None))
    if offset is None and f.cursor:
        key, last_id = f.cursor
        if row_value:
            stmt = stmt.where(tuple_(column, Application.id) > tuple_(key, last_id))
        else:
            stmt = stmt.where(or_(column > key, and_(column == key, Application.id > last_id)))
    stmt = (
        stmt.options(joinedload(Application.applicant), joinedload(Application.category))
        .order_by(column, Application.id)
        .limit(f.size + 1)
    )
    return stmt.offset(offset) if offset is not None else stmt


def explain(conn, statement: str, parameters) -> str:
    if conn.dialect.name == "postgresql":
        prefix = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
        rows = conn.exec_driver_sql(prefix + statement, parameters)
        return "\n".join(r[0] for r in rows)
    rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    return "\n".join(f"{r[0]:>3} {r[1]:>3} {r[3]}" for r in rows)


def judge(plan: str) -> str:
    """A one-line verdict on a plan: does it read the page through an index in order?"""
    whole_table = re.search(r"Seq Scan on applications|SCAN applications\b(?! USING)", plan)
    sort = re.search(r"\bSort\b|USE TEMP B-TREE FOR ORDER BY", plan)
    index = re.findall(
        r"(?:Index(?: Only)? Scan|Bitmap Index Scan) (?:Backward )?(?:using|on) "
        r"(ix_applications\w*)|USING (?:COVERING )?INDEX (ix_applications\w*)",
        plan,
    )
    names = sorted({a or b for a, b in index})
    parts = []
    parts.append("index " + ", ".join(names) if names else "no applications index")
    if whole_table:
        parts.append("reads the whole applications table")
    if sort:
        parts.append("sorts")
    return "; ".join(parts)


def measure(app, label: str, n: int, runs: int, budget: float, results: list, plans: list) -> None:
    from flask_login import login_user

    from portal.applications.models import Application
    from portal.auth.models import User
    from portal.backoffice import services
    from portal.backoffice.services import WAITING, encode_cursor, parse_filters, queue_page
    from portal.extensions import db

    with app.app_context():
        engine = db.engine
        counter = StatementCounter(engine)
        officer_email = db.session.scalar(
            select(User.email).where(User.email.like("petugas%@bench.test")).order_by(User.id)
        )
        waiting = db.session.scalar(
            select(db.func.count())
            .select_from(Application)
            .where(Application.status.in_(WAITING), Application.due_date.is_not(None))
        )
        deep = waiting // 2
        due, last_id = db.session.execute(
            select(Application.due_date, Application.id)
            .where(Application.status.in_(WAITING), Application.due_date.is_not(None))
            .order_by(Application.due_date, Application.id)
            .offset(deep - 1)
            .limit(1)
        ).one()
        cursor = encode_cursor((due, last_id))
        db.session.rollback()
    say(f"[{label}] {waiting:,} applications waiting; deep page starts at row {deep + 1:,}")

    client = app.test_client()
    login(client, officer_email)

    def get(url: str):
        def run():
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return run

    def service(args: dict):
        def run():
            with app.test_request_context("/office/queue", query_string=args):
                user = db.session.scalar(select(User).where(User.email == officer_email))
                login_user(user)
                page = queue_page(parse_filters(args, user), user)
                assert page.rows
                db.session.rollback()

        return run

    def query(offset: int | None, args: dict, row_value: bool = False):
        """The page's SELECT alone (the officer and filters are read before timing)."""
        with app.test_request_context("/office/queue", query_string=args):
            user = db.session.scalar(select(User).where(User.email == officer_email))
            stmt = page_statement(parse_filters(args, user), user, offset, row_value)
            db.session.rollback()

        def run():
            with app.app_context():
                ids = [a.id for a in db.session.scalars(stmt).unique()]
                db.session.rollback()
                return ids

        return run

    def counts():
        with app.test_request_context("/office/queue"):
            user = db.session.scalar(select(User).where(User.email == officer_email))
            services.status_counts(parse_filters({}, user), user)
            db.session.rollback()

    def service_offset():
        with app.test_request_context("/office/queue"):
            user = db.session.scalar(select(User).where(User.email == officer_email))
            f = parse_filters({}, user)
            list(db.session.scalars(page_statement(f, user, deep)).unique())
            services.status_counts(f, user)
            db.session.rollback()

    # The same rows both ways, or the comparison means nothing.
    keyset_ids = query(None, {"cursor": cursor})()
    assert keyset_ids == query(deep, {})(), "keyset and OFFSET pages differ"
    assert keyset_ids == query(None, {"cursor": cursor}, row_value=True)()

    # No outer app context: each request and call gets its own, as in production (g is fresh).
    first, deep_args = {}, {"cursor": cursor}
    say(f"[{label}] HTTP ...")
    http_first = timed(get("/office/queue"), runs, counter, budget)
    http_deep = timed(get(f"/office/queue?cursor={cursor}"), runs, counter, budget)
    http_100 = timed(get("/office/queue?size=100"), max(3, runs // 4), counter, budget)
    say(f"[{label}] queue_page() ...")
    svc_first = timed(service(first), runs, counter, budget)
    svc_deep = timed(service(deep_args), runs, counter, budget)
    svc_offset = timed(service_offset, runs, counter, budget)
    svc_100 = timed(service({"size": "100"}), max(3, runs // 4), counter, budget)
    say(f"[{label}] SELECTs ...")
    q_first = timed(query(None, first), runs, counter, budget)
    q_deep = timed(query(None, deep_args), runs, counter, budget)
    q_offset = timed(query(deep, {}), runs, counter, budget)
    q_row_first = timed(query(None, first, row_value=True), runs, counter, budget)
    q_row_deep = timed(query(None, deep_args, row_value=True), runs, counter, budget)
    q_counts = timed(counts, runs, counter, budget)

    # Plans of the statements queue_page really sends (captured with their parameters).
    for name, args in (("first page", first), ("deep page (keyset)", deep_args)):
        with counter:
            service(args)()
        sent = [s for s in counter.statements if "FROM applications" in s[0]]
        page_sql = next(s for s in sent if "LIMIT" in s[0])
        count_sql = next(s for s in sent if "GROUP BY" in s[0])
        with engine.connect() as conn:
            plans.append((label, name, explain(conn, *page_sql)))
            if name == "first page":
                plans.append((label, "status counts", explain(conn, *count_sql)))
    for name, fn in (
        ("deep page (OFFSET)", query(deep, {})),
        ("deep page (row-value keyset, proposed)", query(None, deep_args, row_value=True)),
    ):
        with counter:
            fn()
        page_sql = next(s for s in counter.statements if "LIMIT" in s[0])
        with engine.connect() as conn:
            plans.append((label, name, explain(conn, *page_sql)))

    results.append(
        (
            label,
            n,
            [
                ("GET /office/queue (whole request)", http_first, http_deep, None, http_100),
                ("queue_page() (rows + counts)", svc_first, svc_deep, svc_offset, svc_100),
                ("page SELECT only", q_first, q_deep, q_offset, None),
                ("page SELECT only, row-value keyset (proposed)", q_row_first, q_row_deep, None, None),
                ("status counts SELECT only", q_counts, None, None, None),
            ],
        )
    )


def fill_and_measure(
    url: str,
    label: str,
    n: int,
    runs: int,
    budget: float,
    extra_index: bool,
    results: list,
    plans: list,
    instance: Path,
) -> None:
    from fill import fill

    from portal import create_app
    from portal.extensions import db

    app = create_app(
        "default",
        SQLALCHEMY_DATABASE_URI=url,
        SECRET_KEY="bench-queue",
        INSTANCE_DIR=instance,
        MAIL_DIR=instance / "mail",
        UPLOAD_ROOT=instance / "uploads",
        RATELIMIT_STORAGE_URI="memory://",
    )
    with app.app_context():
        db.create_all()
        say(f"[{label}] filling {n:,} applications ...")
        result = fill(n, officer_password=PASSWORD, progress=lambda m: say(f"[{label}] {m}"))
        say(
            f"[{label}] filled {result.users:,} users and {n:,} applications in "
            f"{result.seconds:.1f} s ({n / result.seconds:,.0f} applications/s)"
        )
    measure(app, label, n, runs, budget, results, plans)
    if extra_index:
        with app.app_context():
            for name, ddl in EXTRA_INDEXES.items():
                t0 = time.perf_counter()
                with db.engine.begin() as conn:
                    conn.exec_driver_sql(ddl)
                    conn.exec_driver_sql("ANALYZE applications")
                say(f"[{label}] added {name} in {time.perf_counter() - t0:.1f} s")
        measure(app, label + " + " + "+".join(EXTRA_INDEXES), n, runs, budget, results, plans)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def cell(figures) -> str:
    if figures is None:
        return "-"
    median, p95, _, n = figures
    return f"{median:,.1f} / {p95:,.1f}" + (f" (n={n})" if n < 10 else "")


def statements(*figures) -> str:
    return " / ".join(str(f[2]) for f in figures if f is not None)


def report(results: list, plans: list, runs: int) -> None:
    say(
        f"\nTimes in ms, median / p95 of up to {runs} runs (n= where fewer: slow calls stop "
        "at the time budget). Statements: first / deep keyset / deep OFFSET / first page of "
        "100 rows, per request or call, transaction control not counted.\n"
    )
    say(
        "| database | applications | measured | first page | deep page, keyset | "
        "deep page, OFFSET | first page, 100 rows | statements |"
    )
    say("|---|---:|---|---:|---:|---:|---:|---|")
    for label, n, rows in results:
        for name, first, deep, offset, hundred in rows:
            say(
                f"| {label} | {n:,} | {name} | {cell(first)} | {cell(deep)} | {cell(offset)} | "
                f"{cell(hundred)} | {statements(first, deep, offset, hundred)} |"
            )
    say("\nQuery plans (the statements queue_page sends):")
    for label, name, plan in plans:
        say(f"\n-- {label}: {name}: {judge(plan)}\n{plan}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-applications", type=int, default=1_000_000)
    parser.add_argument("--sqlite-applications", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--budget",
        type=float,
        default=8.0,
        help="seconds per measurement before stopping early (at least 3 runs)",
    )
    parser.add_argument("--only", choices=("postgresql", "sqlite"))
    parser.add_argument("--extra-index", action="store_true")
    parser.add_argument(
        "--server", default=os.environ.get("BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
    )
    parser.add_argument(
        "--database",
        default=None,
        help="scratch PostgreSQL database (made and dropped; default: a random "
        "bench_queue_<hex> name, after --server's database when it names one)",
    )
    args = parser.parse_args()
    args.server, name = scratch_database(args.server, args.database, "bench_queue")

    started = time.perf_counter()
    results: list = []
    plans: list = []
    tmp = Path(tempfile.mkdtemp(prefix="bench_queue_"))
    try:
        if args.only in (None, "sqlite"):
            fill_and_measure(
                f"sqlite:///{tmp / 'bench.db'}",
                "SQLite",
                args.sqlite_applications,
                args.runs,
                args.budget,
                args.extra_index,
                results,
                plans,
                tmp,
            )
        if args.only in (None, "postgresql"):
            admin = args.server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                fill_and_measure(
                    f"{args.server}/{name}",
                    "PostgreSQL",
                    args.pg_applications,
                    args.runs,
                    args.budget,
                    args.extra_index,
                    results,
                    plans,
                    tmp,
                )
            finally:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if results:
            report(results, plans, args.runs)
        say(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
