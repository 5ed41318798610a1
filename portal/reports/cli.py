"""``flask reports monthly``: write the month's (or a semester's) report files into a folder,
for a systemd timer on the first working day of the month (without ``--month``: last month)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.reports import services
from portal.reports.files import FORMATS, file_name, render

reports_cli = AppGroup("reports", help="The head of office's reports.")


@reports_cli.command("monthly")
@click.option("--month", "period_text", default=None, help="YYYY-MM or YYYY-S1/YYYY-S2; default: last month.")
@click.option(
    "--output",
    "output",
    required=True,
    type=click.Path(file_okay=False, dir_okay=True, writable=True, path_type=Path),
    help="Folder the files are written to (made if missing).",
)
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS), help="Default: every format.")
@click.option("--lang", default="id", type=click.Choice(["id", "en"]), show_default=True)
def monthly(period_text: str | None, output: Path, formats: tuple[str, ...], lang: str) -> None:
    """Write the report of one period (PDF and XLSX) into OUTPUT."""
    try:
        period = services.parse_period(period_text) if period_text is not None else services.default_period()
    except services.PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="--month") from None
    report = services.build_report(period)
    output.mkdir(parents=True, exist_ok=True)
    for fmt in formats or FORMATS:
        path = output / file_name(period, fmt, lang)
        path.write_bytes(render(report, fmt, lang))
        click.echo(f"{path} ({path.stat().st_size} bytes)")
