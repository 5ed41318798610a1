"""``flask office deadline-digest``: the officers' and approvers' daily deadline digest (a
systemd timer, deploy/systemd/satupintu-deadlines.timer)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.backoffice.digest import send_deadline_digests
from portal.extensions import db
from portal.notifications.services import dispatch_queued

office_cli = AppGroup("office", help="The back office's daily jobs.")


@office_cli.command("deadline-digest")
def deadline_digest() -> None:
    """Email each officer and approver the applications due within 2 working days and the
    overdue ones (once a day; nothing on weekends and holidays)."""
    report = send_deadline_digests()
    db.session.commit()
    dispatch_queued()
    if report.skipped_day:
        click.echo("deadline digest: not a working day, nothing sent")
    else:
        click.echo(f"deadline digest: {report.sent} sent")
