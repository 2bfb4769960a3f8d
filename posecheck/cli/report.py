"""`posecheck report [--out report.html] [--since DATE]`: the self-contained progress report."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)


def report_command(
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="The HTML file to write (0600)."),
    since: Optional[str] = typer.Option(None, "--since", help="Only sessions from this date (YYYY-MM-DD)."),
) -> None:
    """Write one HTML file of your progress: range per side, balance, time held, pain, calendar."""
    from posecheck.coach.catalog import load_catalog
    from posecheck.history.store import HistoryStore
    from posecheck.report.html import write_report

    with HistoryStore() as store:
        sessions, pains = store.sessions(since=since), store.pains(since=since)
    path = write_report(out, sessions, pains, load_catalog())
    typer.echo(f"report of {len(sessions)} sessions written to {path} (opens offline; nothing is loaded "
               f"from outside)", err=True)
