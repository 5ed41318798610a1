"""Command-line tools: ``flask --app portal users ...`` and ``flask --app portal seed ...``."""

from __future__ import annotations

import os

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.applications import counts, rollup, waiting
from portal.auth.models import Role
from portal.auth.services import AccountError, create_staff, get_user_by_email, set_roles
from portal.backoffice.cli import office_cli
from portal.calendar.seed import seed_holidays
from portal.catalogue.search import rebuild_index
from portal.catalogue.seed_finder import seed_finder
from portal.extensions import db
from portal.maintenance.cli import backup_cli, storage_cli
from portal.permits.cli import ensure_demo_key, permits_cli
from portal.privacy.cli import privacy_cli
from portal.reports.cli import reports_cli
from portal.seed import seed_demo as run

users_cli = AppGroup("users", help="Manage staff accounts and roles.")
seed_cli = AppGroup("seed", help="Load demo data (never in production).")

ROLE_CHOICES = click.Choice([r.value for r in Role])


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", default=None, help="Full name (defaults to the email).")
@click.option(
    "--role", "roles", multiple=True, type=ROLE_CHOICES, required=True, help="Repeat for several roles."
)
@click.option(
    "--password",
    envvar="PORTAL_NEW_PASSWORD",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for when not given.",
)
def create_user(email: str, full_name: str | None, roles: tuple[str, ...], password: str) -> None:
    """Create a staff account (officer, approver, helpdesk, admin); one person may hold several."""
    try:
        user = create_staff(email, full_name or email, [Role(r) for r in roles], password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()  # the command's one commit (services flush)
    click.echo(f"Created {user.email} with roles {', '.join(sorted(user.role_set))}.")


@users_cli.command("roles")
@click.option("--email", required=True)
@click.option("--role", "roles", multiple=True, type=ROLE_CHOICES, required=True)
def set_user_roles(email: str, roles: tuple[str, ...]) -> None:
    """Replace a user's roles (the last admin keeps theirs)."""
    user = get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with email {email}.")
    try:
        # The CLI acts as the system, not as an admin of the portal.
        set_roles(user, {Role(r) for r in roles}, acting=_SystemActor())
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"{user.email} now has roles {', '.join(sorted(user.role_set))}.")


class _SystemActor:
    id = 0


@seed_cli.command("demo")
def seed_demo() -> None:
    """Demo accounts and reference data; safe to run again (nothing is duplicated)."""
    if current_app.config.get("PREFERRED_URL_SCHEME") == "https" and not os.environ.get("PORTAL_ALLOW_DEMO"):
        raise click.ClickException("Refusing to seed demo data in production.")
    for line in run():
        click.echo(line)
    made = ensure_demo_key()  # so that the demo's approvals sign
    if made:
        click.echo(made)


@seed_cli.command("holidays")
def seed_holidays_command() -> None:
    """The national holidays and joint leave days the service-level clock skips (safe in
    production; admins add local holidays in the admin pages)."""
    for line in seed_holidays():
        click.echo(line)


@seed_cli.command("finder")
def seed_finder_command() -> None:
    """The finder's words, other offices' permits (PIRT, NIB) and questions, where none exist
    yet (safe in production: nothing an admin changed is touched); rebuilds the search index."""
    for line in seed_finder():
        click.echo(line)


search_cli = AppGroup("search", help="The permit search index.")


@search_cli.command("reindex")
def search_reindex() -> None:
    """Rebuild the search index of permits, other offices' permits and video guides."""
    count = rebuild_index()
    db.session.commit()
    click.echo(f"search index rebuilt: {count} entries")


counts_cli = AppGroup("counts", help="The running counts of applications per status.")


@counts_cli.command("rebuild")
def rebuild_counts() -> None:
    """Count the applications again (after rows were written outside the workflow)."""
    counts.rebuild()
    rollup.rebuild()
    waiting.rebuild()
    db.session.commit()
    click.echo("application counts, the statistics' daily figures and the officers' workload rebuilt")


def register_cli(app: Flask) -> None:
    app.cli.add_command(counts_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(storage_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(permits_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(office_cli)
