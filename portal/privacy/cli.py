"""``flask --app portal privacy retention``: the retention rules, every night (a systemd timer,
deploy/systemd/satupintu-retention.timer)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.notifications.services import dispatch_queued
from portal.privacy.retention import run_retention

privacy_cli = AppGroup("privacy", help="Personal data: the retention rules.")


@privacy_cli.command("retention")
def retention() -> None:
    """Email reminders for old drafts, delete drafts past their reminder, delete the documents
    of long-closed rejected or withdrawn applications."""
    report = run_retention()
    db.session.commit()
    dispatch_queued()  # the reminders, now that they are committed
    click.echo(
        f"retention: {report.reminders_sent} reminders sent, {report.drafts_deleted} drafts deleted, "
        f"{report.documents_deleted} documents deleted"
    )
