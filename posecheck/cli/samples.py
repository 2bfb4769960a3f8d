"""`posecheck samples render`: re-create the sample clips and their ground truth from timelines."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

samples_app = typer.Typer(help="Sample clips with ground truth (rendered mannequin).", no_args_is_help=True)


@samples_app.command("render")
def render_cmd(
    names: Optional[List[str]] = typer.Argument(None, help="Timeline names or .toml paths (default: all)."),
    samples_dir: Path = typer.Option(Path("samples"), "--dir", help="Folder holding the *.toml timelines."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output folder (default: next to each timeline)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Clips rendered in parallel (processes)."),
) -> None:
    """Render timelines to <name>.mp4 + <name>.truth.json (same timeline + seed -> same frames)."""
    from posecheck.synth.clip import samples_render

    for video in samples_render(names or (), out, samples_dir, jobs):
        typer.echo(str(video))


def register(app: typer.Typer) -> None:
    app.add_typer(samples_app, name="samples")
