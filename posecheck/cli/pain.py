"""`posecheck pain LEVEL [--where TEXT] [--note TEXT]`: a pain diary entry (0-10) in the history."""

from __future__ import annotations

from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    app.command("pain")(pain_command)


def pain_command(
    level: str = typer.Argument(..., help="Pain now, 0 (none) to 10 (worst imaginable)."),
    where: Optional[str] = typer.Option(None, "--where", help='Where it hurts, e.g. "low back".'),
    note: Optional[str] = typer.Option(None, "--note", help='What triggered it, e.g. "after sitting".'),
) -> None:
    """Note your pain (0-10), where it is and what triggered it; shown beside your sessions."""
    from posecheck.errors import UsageError
    from posecheck.history.store import HistoryStore

    if not level.isdigit() or not 0 <= int(level) <= 10:
        raise UsageError(f"pain LEVEL must be a whole number from 0 to 10, got {level!r}")
    with HistoryStore() as store:
        store.add_pain(int(level), location=where or None, note=note or None)
        path = store.path
    typer.echo(f"pain {int(level)}/10 noted" + (f" ({where})" if where else "") + f" in {path}", err=True)
