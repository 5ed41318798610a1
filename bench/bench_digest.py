"""Daily deadline digest benchmark: how long ``digest_for`` takes per officer (and for one
approver, who sees every waiting application), how many applications it lists and counts, and
the whole ``send_deadline_digests`` run (queries, rendering, outbox rows), all in a transaction
rolled back at the end: the database is left as it was.

    .venv/bin/python bench/bench_digest.py --database-url URL [--fill 200000]
        [--app-root OTHER_CHECKOUT] [--day 2026-12-02]

``URL`` is a scratch database (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/sp_me);
``--fill N`` first creates the tables and fills it with bench/fill.py (N applications).
``--app-root`` imports the portal from another checkout (the code before a change), so the
same data is measured before and after. Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from benchlib import ROOT, demo_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--fill", type=int, default=0, help="create the tables and fill N applications first")
    parser.add_argument("--app-root", type=Path, default=ROOT)
    parser.add_argument(
        "--day", type=date.fromisoformat, default=None, help="the digest's day (default today)"
    )
    args = parser.parse_args()

    app, _tmp = demo_app(args.database_url, "bench-digest-", app_root=args.app_root)
    sys.path.insert(1, str(ROOT / "bench"))
    from fill import fill
    from sqlalchemy import select

    from portal.auth.models import Role, User, UserRole
    from portal.backoffice.digest import send_deadline_digests
    from portal.backoffice.services.workload import digest_for
    from portal.calendar import clock
    from portal.extensions import db

    with app.app_context():
        if args.fill:
            db.create_all()
            fill(args.fill, None, progress=lambda message: print(message, flush=True))
        today = args.day or clock.office_today()
        while not clock.is_working_day(today, clock.holidays()):
            today = clock.add_working_days(today, 1)
        officers = list(
            db.session.scalars(
                select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == Role.OFFICER)
            )
        )
        approver = User(
            email="bench-digest-approver@bench.test",
            full_name="Bench Approver",
            locale="id",
            password_hash="!",
        )
        db.session.add(approver)
        db.session.flush()
        db.session.add(UserRole(user_id=approver.id, role=Role.APPROVER))
        db.session.flush()
        db.session.refresh(approver)
        where = app.config["SQLALCHEMY_DATABASE_URI"].split("@")[-1]
        print(f"digest of {today} on {where} (code: {args.app_root.resolve().name})")
        started = time.perf_counter()
        for user in [*officers, approver]:
            t0 = time.perf_counter()
            digest = digest_for(user, today)
            seconds = time.perf_counter() - t0
            totals = (
                f"of {getattr(digest, 'overdue_total', len(digest.overdue)):,} overdue, "
                f"{getattr(digest, 'due_soon_total', len(digest.due_soon)):,} due soon"
            )
            print(
                f"  {user.email:<40} {seconds * 1000:9.1f} ms  lists {len(digest.overdue):,} overdue and "
                f"{len(digest.due_soon):,} due soon {totals}"
            )
        print(f"digest_for, every recipient: {time.perf_counter() - started:.2f} s")
        t0 = time.perf_counter()
        report = send_deadline_digests(today)
        print(f"send_deadline_digests: {report.sent} emails in {time.perf_counter() - t0:.2f} s")
        db.session.rollback()


if __name__ == "__main__":
    main()
