"""``flask tutorials record`` and ``flask tutorials check``: the recorded guides from the
command line (an admin's shell, a timer, CI)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from portal.catalogue.models import PermitCategory
from portal.extensions import db
from portal.recorder import check, queue, record
from portal.recorder.encode import DEMO_QUALITY, Quality

tutorials_cli = AppGroup("tutorials", help="Video guides recorded from the portal itself.")

LANGS = click.Choice(["id", "en"])
VIEWPORTS = click.Choice(["phone", "desktop"])


def _slugs(category: str | None, all_: bool) -> list[str]:
    if bool(category) == bool(all_):
        raise click.UsageError("Give --category SLUG or --all.")
    if all_:
        return list(
            db.session.scalars(
                select(PermitCategory.slug)
                .where(PermitCategory.active.is_(True), PermitCategory.current_version_id.is_not(None))
                .order_by(PermitCategory.slug)
            )
        )
    if db.session.scalar(select(PermitCategory.id).where(PermitCategory.slug == category)) is None:
        raise click.ClickException(f"No permit category with the slug {category!r}.")
    return [str(category)]


@tutorials_cli.command("record")
@click.option("--category", "category", metavar="SLUG", help="The category to film.")
@click.option("--all", "all_", is_flag=True, help="Every active category with a published form.")
@click.option("--lang", type=LANGS, default="id", show_default=True, help="The language of the pages filmed.")
@click.option("--viewport", type=VIEWPORTS, default="phone", show_default=True)
@click.option(
    "--export",
    "export_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the files and their manifest entry to this folder (the demo's guides).",
)
@click.option("--demo-quality", is_flag=True, help="Smaller files (the guides committed for the demo).")
@click.option("--no-publish", is_flag=True, help="Film and encode only; the live guide is not changed.")
def record_command(category, all_, lang, viewport, export_dir, demo_quality, no_publish) -> None:
    """Film the portal as a sample applicant of a category (on a scratch copy of the data) and
    publish the recording as the category's guide, replacing the old one in one swap."""
    failures = 0
    for slug in _slugs(category, all_):
        click.echo(f"Recording {slug} ({lang}, {viewport}) ...")
        try:
            result = record.record_guide(
                slug,
                lang=lang,
                viewport=viewport,
                publish=not no_publish,
                quality=DEMO_QUALITY if demo_quality else Quality(),
                keep_dir=export_dir,
            )
        except Exception as exc:  # noqa: BLE001 - report and go on with the next category
            failures += 1
            click.echo(f"  failed: {exc}", err=True)
            continue
        size = sum(result.sizes.values())
        click.echo(
            f"  {len(result.chapters)} chapters, {result.duration:.0f} s of video, "
            f"{size / 1e6:.1f} MB, recorded in {result.seconds_taken:.0f} s"
            + (f"; guide {result.tutorial_id}" if result.tutorial_id else "")
        )
    if failures:
        raise click.ClickException(f"{failures} recording(s) failed; the old guides stay live.")


@tutorials_cli.command("check")
@click.option("--category", "category", metavar="SLUG", help="Check only this category's guides.")
@click.option("--queue", "queue_stale", is_flag=True, help="Queue a new recording of every stale guide.")
def check_command(category, queue_stale) -> None:
    """Walk the pages again and fail when a recorded guide names, in quotation marks, a label
    its page no longer shows (or was recorded from an older form version)."""
    guides = check.recorded_guides(category)
    if not guides:
        click.echo("No recorded guides to check.")
        return
    bad = 0
    for tutorial in guides:
        result = check.check_guide(tutorial)
        if result.outdated_version:
            click.echo(f"{result.tutorial_slug}: recorded from an older form version (being updated)")
        for stale in result.stale:
            click.echo(
                f"{result.tutorial_slug}: {stale.stage}: \u201c{stale.label}\u201d is not on the page "
                f"any more ({stale.text})"
            )
        if result.ok and not result.outdated_version:
            click.echo(f"{result.tutorial_slug}: every quoted label is on its page")
        else:
            bad += 1
            if queue_stale:
                queue.request_recording(int(tutorial.category_id or 0), reason="labels changed")
    if queue_stale:
        db.session.commit()  # the jobs are handed to the queue after this commit
    if bad:
        raise click.ClickException(f"{bad} guide(s) are stale.")


@tutorials_cli.command("record-pending")
def record_pending_command() -> None:
    """Run the waiting re-recordings now (for a timer when no worker runs them)."""
    outcomes = queue.run_pending()
    click.echo(f"{len(outcomes)} recording(s): " + (", ".join(outcomes) or "none waiting"))


def init_app(app) -> None:
    app.cli.add_command(tutorials_cli)
