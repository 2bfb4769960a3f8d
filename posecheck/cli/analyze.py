"""`posecheck analyze VIDEO...`: each video on its own, a table at the end."""

from __future__ import annotations

import json
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import List, Optional

import typer

from posecheck.errors import UserError


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze_command)


def analyze_command(
    videos: List[Path] = typer.Argument(..., help="Video files to analyse."),
    stretch: str = typer.Option("auto", "--stretch", "-s",
                                help="Catalogue id (see `posecheck list`) or 'auto' to recognise it."),
    out: Path = typer.Option(Path("posecheck-out"), "--out", "-o", help="Folder for the outputs."),
    model: Optional[str] = typer.Option(None, "--model", help="lite, full, heavy or a .task path."),
    as_json: bool = typer.Option(False, "--json", help="Print the summaries as a JSON list, nothing else."),
    catalog: List[Path] = typer.Option([], "--catalog", help="Extra folder of stretch files."),
    profile: Optional[str] = typer.Option(None, "--profile", help="e.g. 'stenosis': narrower bands."),
    annotate: bool = typer.Option(True, "--video/--no-video", help="Write <stem>.annotated.mp4."),
    plot: bool = typer.Option(True, "--plot/--no-plot", help="Write <stem>.angles.png."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Videos analysed in parallel (processes)."),
    people: Optional[int] = typer.Option(None, "--people", min=1, max=4,
                                         help="Persons to follow: 1 = one only (fastest), 2 = two on every "
                                              "frame; default: one, and two while a helper is in frame."),
) -> None:
    """Coach recorded videos: summary JSON, per-frame CSV, annotated video and plot for each."""
    from posecheck.coach.catalog import get_stretch, load_catalog

    cat = load_catalog(extra_dirs=tuple(catalog), profile=profile)
    if stretch != "auto":
        get_stretch(stretch, catalog=cat)  # unknown id: exit 2 before any work
    kwargs = dict(stretch=stretch, out_dir=str(out), model=model,
                  catalog_dirs=tuple(map(str, catalog)), profile=profile, annotate=annotate, plot=plot, people=people)
    quiet = as_json or not sys.stderr.isatty()
    if jobs > 1 and len(videos) > 1:
        results = _parallel(videos, kwargs, jobs)
    else:
        results = [_one(v, kwargs, quiet) for v in videos]
    failed = [r for r in results if "error" in r]
    if as_json:
        print(json.dumps([r.get("summary", {"video": r["video"], "error": r.get("error")})
                          for r in results], indent=2))
    else:
        _table(results)
    if failed:
        raise typer.Exit(1)


def _one(video: Path, kwargs: dict, quiet: bool = True) -> dict:
    """Analyse one video; a user error becomes a row, not an exception."""
    from posecheck.run.analyze import analyze

    try:
        if quiet:
            summary = analyze(video, **kwargs)
        else:
            summary = _with_progress(video, kwargs, analyze)
    except UserError as err:
        print(f"error: {video}: {err}", file=sys.stderr)
        return {"video": str(video), "error": str(err)}
    for note in summary.get("notes", []):
        print(f"warning: {video}: {note}", file=sys.stderr)
    return {"video": str(video), "summary": dict(summary)}


def _worker(args) -> dict:
    video, kwargs = args
    return _one(Path(video), kwargs)


def _parallel(videos, kwargs, jobs) -> list[dict]:
    # spawn: MediaPipe's threads must not be forked mid-flight
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        return list(pool.map(_worker, [(str(v), kwargs) for v in videos]))


def _with_progress(video: Path, kwargs: dict, analyze):
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task(video.name, total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        return analyze(video, progress=progress, **kwargs)


def _table(results: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("video", "stretch", "pose frames", "holds", "reps", "cues", "result")
    for r in results:
        s = r.get("summary")
        if s is None:
            table.add_row(Path(r["video"]).name, "", "", "", "", "", f"[red]failed: {r['error']}")
            continue
        holds = ", ".join(f"{h['side'] or '-'} {h['duration_s']:.1f}s{'✓' if h['completed'] else ''}"
                          for h in s["holds"]) or "none"
        table.add_row(Path(r["video"]).name, str(s["stretch"]), f"{s['frames_with_pose']}/{s['frames']}",
                      holds, "" if s["reps"] is None else str(s["reps"]), str(len(s["cues"])),
                      "[yellow]" + "; ".join(s["notes"]) if s.get("notes") else "[green]ok")
    Console(stderr=False).print(table)
