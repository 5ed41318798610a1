"""``flask permits signing-key create``: the demo signing key of the embedded tier;
``flask permits expiry-reminders``: the daily expiry reminders (deploy/systemd/satupintu-expiry.timer)."""

from __future__ import annotations

import secrets

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.notifications.services import dispatch_queued
from portal.permits.expiry import THRESHOLDS, send_expiry_reminders
from portal.permits.signing import configured_passphrase, key_path, keys, passphrase_path

permits_cli = AppGroup("permits", help="Issued permits.")
signing_key_cli = AppGroup("signing-key", help="The office's key that signs permit letters.")
permits_cli.add_command(signing_key_cli)


def create_demo_key(*, days: int = 3 * 365, force: bool = False) -> str:
    """Write a self-signed demo key where PERMIT_SIGNING_KEY points (instance/signing/office.p12
    by default). Its passphrase is PERMIT_SIGNING_PASSPHRASE when set, else a random one
    written next to it (office.pass, owner-only). Returns a line saying what was done."""
    config = current_app.config
    if not config.get("PERMIT_DEMO_SIGNING_KEYS", True):
        raise click.ClickException(
            "This configuration does not sign with demo keys: install the office's certificate "
            "(a PKCS#12 file) and set PERMIT_SIGNING_KEY and PERMIT_SIGNING_PASSPHRASE."
        )
    path = key_path(config)
    if path.exists() and not force:
        return f"signing key {path} exists (use --force to replace it)"
    given = config.get("PERMIT_SIGNING_PASSPHRASE")
    passphrase = str(given) if given else secrets.token_urlsafe(24)
    name = config.get("OFFICE_HEAD_TITLE") or config["OFFICE_NAME"]
    data = keys.make_pkcs12(name, config["OFFICE_NAME"], passphrase, days=days)
    keys.write_key_file(path, data, passphrase, passphrase_file=None if given else passphrase_path(config))
    return f"demo signing key written to {path} (self-signed, valid {days} days)"


def ensure_demo_key() -> str | None:
    """For `make run`: make the demo key when none is there (and demo keys are allowed)."""
    config = current_app.config
    if (
        not config.get("PERMIT_DEMO_SIGNING_KEYS", True)
        or (config.get("PERMIT_SIGNER") or "local") != "local"
    ):
        return None
    if key_path(config).exists() and configured_passphrase(config) is not None:
        return None
    return create_demo_key(force=True)


@signing_key_cli.command("create")
@click.option("--days", default=3 * 365, show_default=True, help="How long the certificate is valid.")
@click.option("--force", is_flag=True, help="Replace an existing key (permits signed with it stay valid).")
def create_command(days: int, force: bool) -> None:
    """Make a self-signed signing key for a demo (refused under the production config)."""
    click.echo(create_demo_key(days=days, force=force))


@permits_cli.command("expiry-reminders")
def expiry_reminders_command() -> None:
    """Email and notify holders whose permits expire in 60, 30 or 7 days (each reminder once;
    safe to run more than once a day)."""
    report = send_expiry_reminders()
    db.session.commit()
    dispatch_queued()  # the reminders, now that they are committed
    click.echo(
        "expiry reminders: "
        + ", ".join(f"{report.sent[days]} at {days} days" for days in THRESHOLDS)
        + f" ({report.total} sent)"
    )
