"""Account branches benchmark: the median time of each branch of registration and password
reset through the real views, with the embedded tier's argon2 parameters (time 3, 64 MiB), so
you can see that no branch answers faster than the others (issue 12, item 2).

    .venv/bin/python bench/bench_account_branches.py [--rounds 30] [--only sqlite|postgresql]
        [--group register|reset] [--server postgresql+psycopg://postgres@127.0.0.1:5432]
        [--database bench_account_<pid>]

Branches are run interleaved, round after round, so a slow moment of the machine hits all of
them alike. Emails go through the outbox and are sent in-process to the mail folder (a
temporary directory), as in the embedded tier. Rate limits and per-account caps are switched
off, so every request takes its branch's full path. On PostgreSQL a scratch database is made
on ``--server`` and dropped at the end. Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

PASSWORD = "a long bench password for everyone"  # noqa: S105 - scratch data only


def _nik(n: int) -> str:
    # 64 72 01 (Samarinda), birth date 01-01-90, serial n (0001-9999) — a valid structure.
    return f"647201010190{n % 9999 + 1:04d}"


def run(database_url: str, rounds: int, tmp: Path, group: str | None = None) -> dict[str, list[float]]:
    from portal import create_app
    from portal.auth.models import Role, User, UserRole
    from portal.auth.passwords import hash_password
    from portal.db import utcnow
    from portal.extensions import db

    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=database_url,
        TESTING=False,
        ARGON2_TIME_COST=3,
        ARGON2_MEMORY_COST=65536,
        WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=False,
        RESET_EMAIL_LIMIT_PER_ACCOUNT=None,
        REGISTER_EMAIL_LIMIT_PER_ACCOUNT=None,
        MAIL_DIR=tmp / "mail",
        UPLOAD_ROOT=tmp / "uploads",
        INSTANCE_DIR=tmp,
    )
    app.logger.setLevel(logging.WARNING)  # not a line per email written
    with app.app_context():
        db.drop_all()
        db.create_all()
        password_hash = hash_password(PASSWORD)
        for i, (email, verified, active) in enumerate(
            [
                ("owner@bench.test", True, True),
                ("unverified@bench.test", False, True),
                ("closed@bench.test", True, False),
            ]
        ):
            user = User(
                email=email,
                full_name="Bench Owner",
                nik=_nik(9000 + i),
                phone="+6281200000000",
                password_hash=password_hash,
                email_verified_at=utcnow() if verified else None,
                is_active_account=active,
            )
            user.roles = [UserRole(role=Role.APPLICANT)]
            db.session.add(user)
        db.session.commit()

    fresh = itertools.count(1)

    def register(email: str, nik: str) -> dict:
        return {
            "full_name": "Bench Person",
            "email": email,
            "nik": nik,
            "phone": "0812 3456 7890",
            "password": PASSWORD,
        }

    def new_account():
        n = next(fresh)
        return "/register", register(f"new{n}@bench.test", _nik(n))

    branches = {
        "register: new account": new_account,
        "register: email taken": lambda: ("/register", register("owner@bench.test", _nik(8000))),
        "register: email taken (unverified)": lambda: (
            "/register",
            register("unverified@bench.test", _nik(8001)),
        ),
        "register: NIK taken": lambda: ("/register", register(f"other{next(fresh)}@bench.test", _nik(9000))),
        "reset: verified account": lambda: ("/forgot-password", {"email": "owner@bench.test"}),
        "reset: unverified account": lambda: ("/forgot-password", {"email": "unverified@bench.test"}),
        "reset: deactivated account": lambda: ("/forgot-password", {"email": "closed@bench.test"}),
        "reset: no account": lambda: ("/forgot-password", {"email": "nobody@bench.test"}),
    }
    if group:
        branches = {name: make for name, make in branches.items() if name.startswith(group)}
    times: dict[str, list[float]] = {name: [] for name in branches}
    for round_ in range(rounds + 3):
        for name, make in branches.items():
            url, data = make()
            client = app.test_client()
            start = time.perf_counter()
            response = client.post(url, data=data)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code not in (200, 302):
                raise SystemExit(f"{name}: HTTP {response.status_code}")
            if round_ >= 3:  # warm-up
                times[name].append(elapsed)
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    return times


def report(title: str, times: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    print(f"{'branch':<38}{'median ms':>11}{'p95 ms':>10}{'runs':>6}")
    medians = []
    for name, values in times.items():
        values = sorted(values)
        median = statistics.median(values)
        medians.append((name.split(":")[0], median))
        p95 = values[max(0, int(len(values) * 0.95) - 1)]
        print(f"{name:<38}{median:>11.1f}{p95:>10.1f}{len(values):>6}")
    for group in ("register", "reset"):
        group_medians = [m for g, m in medians if g == group]
        if not group_medians:
            continue
        print(f"{group}: slowest / fastest branch median = {max(group_medians) / min(group_medians):.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default=f"bench_account_{os.getpid()}")
    parser.add_argument("--group", choices=["register", "reset"], help="only these branches")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        if args.only in (None, "sqlite"):
            report(
                f"SQLite (file, WAL), {args.rounds} rounds",
                run(f"sqlite:///{tmp / 'bench.db'}", args.rounds, tmp, args.group),
            )
        if args.only in (None, "postgresql"):
            base = make_url(args.server + "/postgres")
            admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{args.database}"')
            try:
                url = base.set(database=args.database).render_as_string(hide_password=False)
                report(f"PostgreSQL, {args.rounds} rounds", run(url, args.rounds, tmp, args.group))
            finally:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
                admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
