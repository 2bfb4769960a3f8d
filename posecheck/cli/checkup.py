"""`posecheck checkup`: range-of-motion tests on both sides -> findings -> your routine."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer


def register(app: typer.Typer) -> None:
    app.command("checkup")(checkup_command)


def checkup_command(
    video: List[str] = typer.Option([], "--video", help="A recording of one test: TEST=FILE, or a file "
                                    "named after its test (hamstrings-left.mp4). Repeat for each."),
    source: str = typer.Option("0", "--source", help="Live: camera index, video file or stream URL."),
    tests: List[str] = typer.Option([], "--test", "-t", help="Live: only these tests (default: all)."),
    out: Path = typer.Option(Path("posecheck-checkup"), "--out", help="Folder for checkup.json."),
    routines: Optional[Path] = typer.Option(None, "--routine-dir",
                                            help="Where the routine file goes (default: your routine folder)."),
    model: Optional[str] = typer.Option(None, "--model", help="lite, full, heavy or a .task path."),
    no_window: bool = typer.Option(False, "--no-window", help="Live: no window (servers, CI)."),
    speak: bool = typer.Option(False, "--speak", help="Live: speak the instructions."),
    max_seconds: Optional[float] = typer.Option(None, "--max-seconds", min=0.0, help="Live: stop after this long."),
    realtime: bool = typer.Option(True, "--realtime/--every-frame",
                                  help="Live from a file: play at its own rate, or hand over every frame."),
    record: Optional[Path] = typer.Option(None, "--record", help="Live: write the screen to this .mp4."),
    no_history: bool = typer.Option(False, "--no-history", help="Do not store the result in the history."),
    as_json: bool = typer.Option(False, "--json", help="Print the result JSON."),
) -> None:
    """Check your flexibility on both sides: each test filmed from the side being measured
    (turn around between sides), 2-3 trials each, the best valid one kept. Writes the
    findings and a routine that `posecheck live --routine checkup` runs."""
    import json

    from posecheck.run.checkup import CheckupOptions, checkup_videos, report_lines

    opts = CheckupOptions(out_dir=out, model=model, routine_dir=routines, history=not no_history)
    if video:
        result = checkup_videos(list(video), opts, echo=lambda m: typer.echo(m, err=True))
    else:
        from posecheck.run.checkup_live import LiveCheckup

        result = LiveCheckup(opts, source=source, only=tuple(tests), window=not no_window, speak=speak,
                             max_seconds=max_seconds, realtime=realtime, record=record).run()
    if as_json:
        typer.echo(json.dumps(result, indent=1))
    else:
        typer.echo("\n".join(report_lines(result)))
    typer.echo(f"result written to {out / 'checkup.json'}", err=True)
