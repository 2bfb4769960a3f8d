"""`posecheck batch DIR|MANIFEST.csv --out DIR [--engine local|ray] [--address ADDR]`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from posecheck.errors import UsageError


def register(app: typer.Typer) -> None:
    app.command("batch")(batch_command)


def batch_command(
    source: Path = typer.Argument(..., help="A folder of videos, or a manifest .csv with a 'video' column "
                                  "(optional 'stretch' and 'name' columns)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the outputs: OUT/<name>/ per video."),
    engine: str = typer.Option("local", "--engine", help="local (processes on this machine) or ray."),
    address: Optional[str] = typer.Option(None, "--address", help="A running Ray cluster (host:port or "
                                          "ray://host:port); default: a private one on this machine."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Workers (default: the cores)."),
    stretch: str = typer.Option("auto", "--stretch", "-s", help="Catalogue id or 'auto' (a manifest's "
                                "stretch column wins)."),
    model: Optional[str] = typer.Option(None, "--model", help="lite, full, heavy or a .task path."),
    catalog: List[Path] = typer.Option([], "--catalog", help="Extra folder of stretch files."),
    profile: Optional[str] = typer.Option(None, "--profile", help="e.g. 'stenosis': narrower bands."),
    annotate: bool = typer.Option(True, "--video/--no-video", help="Write <stem>.annotated.mp4."),
    plot: bool = typer.Option(True, "--plot/--no-plot", help="Write <stem>.angles.png."),
    stride: str = typer.Option("1", "--stride", help="1, N or auto (see `posecheck analyze --help`)."),
    retries: int = typer.Option(2, "--retries", min=0, help="Times a failed worker's video is retried."),
    force: bool = typer.Option(False, "--force", help="Re-run videos whose outputs are up to date."),
    share: bool = typer.Option(False, "--share-outputs", help="Make the outputs group-readable "
                               "(default: only you can read them)."),
) -> None:
    """Analyse many videos (the same job as `analyze`, one per worker); resumable."""
    from posecheck.coach.catalog import get_stretch, load_catalog
    from posecheck.run.batch import read_inputs, run_batch
    from posecheck.run.batchjob import BatchSettings
    from posecheck.run.stride import parse_stride

    if engine not in ("local", "ray"):
        raise UsageError(f"--engine must be local or ray, not {engine!r}")
    if address and engine != "ray":
        raise UsageError("--address needs --engine ray")
    items = read_inputs(source)
    cat = load_catalog(extra_dirs=tuple(catalog), profile=profile)
    for sid in {stretch, *(it.stretch for it in items if it.stretch)} - {"auto"}:
        get_stretch(sid, catalog=cat)  # an unknown id: exit 2 before any work
    settings = BatchSettings(stretch, model, tuple(map(str, catalog)), profile, annotate, plot, 1,
                             parse_stride(stride))
    with _engine(engine, jobs, address) as eng, _Progress(len(items)) as bar:
        rows = run_batch(items, settings, out, eng, retries=retries, force=force, share=share,
                         progress=bar.update)
    _table(rows, out)
    if any(r.status == "failed" for r in rows):
        raise typer.Exit(1)


def _engine(name: str, jobs: int | None, address: str | None):
    import os

    if name == "ray":
        from posecheck.run.batch_ray import RayEngine

        return RayEngine(workers=jobs, address=address)
    from posecheck.run.batch_local import LocalEngine

    return LocalEngine(jobs or os.cpu_count() or 1)


class _Progress:
    """A rich progress bar on a terminal; nothing otherwise."""

    def __init__(self, total: int):
        self.total, self.bar = total, None

    def __enter__(self) -> "_Progress":
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("batch"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                TextColumn("{task.description}"), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("", total=self.total)
        return self

    def update(self, row, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done, description=f"{row.name}: {row.status}")

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def _table(rows, out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("video", "status", "stretch", "pose frames", "holds", "reps", "tries", title=f"posecheck batch -> {out}")
    for col in table.columns:
        col.overflow = "fold"  # a narrow terminal wraps names and errors instead of cutting them
    colour = {"done": "green", "skipped": "cyan", "failed": "red"}
    for r in rows:
        s = r.summary or {}
        holds = ", ".join(f"{h['side'] or '-'} {h['duration_s']:.1f}s" for h in s.get("holds", [])) or "none"
        status = f"[{colour[r.status]}]{r.status}" + (f": {r.error}" if r.error else "")
        table.add_row(Path(r.video).name, status, str(s.get("stretch") or ""),
                      f"{s['frames_with_pose']}/{s['frames']}" if s else "", holds if s else "",
                      "" if s.get("reps") is None else str(s["reps"]), str(r.attempts))
    Console().print(table)
    counts = {k: sum(r.status == k for r in rows) for k in ("done", "skipped", "failed")}
    Console().print(f"{counts['done']} analysed, {counts['skipped']} up to date, {counts['failed']} failed")
