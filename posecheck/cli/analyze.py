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
    jobs: int = typer.Option(1, "--jobs", "-j", min=1,
                             help="Processes: several videos run one per process; one video is split "
                             "into overlapping chunks, merged before the coach."),
    stride: str = typer.Option("1", "--stride",
                               help="Run the model on every frame (1), every N-th frame, or 'auto': "
                               "every 2nd-3rd frame at 30 fps while the body is still, every frame "
                               "when it moves (landmarks in between interpolated)."),
    people: Optional[int] = typer.Option(None, "--people", min=1, max=4,
                                         help="Persons to follow: 1 = one only (fastest), 2 = two on every "
                                              "frame; default: one, and two while a helper is in frame."),
    style: Optional[str] = typer.Option(None, "--style",
                                        help="'reps': a stretch with a rep style (bridge) done as repetitions."),
    share: bool = typer.Option(False, "--share-outputs",
                               help="Make the outputs group-readable (default: only you can read them)."),
    history: bool = typer.Option(True, "--history/--no-history", help="Record the session in the local history."),
) -> None:
    """Coach recorded videos: summary JSON, per-frame CSV, annotated video and plot for each."""
    from posecheck.coach.catalog import get_stretch, load_catalog
    from posecheck.run.stride import parse_stride

    cat = load_catalog(extra_dirs=tuple(catalog), profile=profile)
    if stretch != "auto":
        from posecheck.coach.catalog.schema import with_style

        with_style(get_stretch(stretch, catalog=cat), style)  # unknown id/style: exit 2 before any work
    from posecheck.media.atomic import check_folder
    from posecheck.run.interrupt import exit_code, stop_line
    from posecheck.run.stems import unique_stems

    check_folder(out, "--out", share)   # before any work
    kwargs = dict(stretch=stretch, out_dir=str(out), model=model,
                  catalog_dirs=tuple(map(str, catalog)), profile=profile, annotate=annotate, plot=plot, people=people,
                  style=style, stride=parse_stride(stride), share=share,
                  history=history)
    quiet = as_json or not sys.stderr.isatty()
    stems = unique_stems(videos)
    if jobs > 1 and len(videos) > 1:
        results = _parallel(videos, stems, kwargs, jobs)
    else:
        kwargs["jobs"] = jobs  # one video: split over the processes
        results = []
        for v, st in zip(videos, stems):
            results.append(_one(v, {**kwargs, "stem": st}, quiet))
            if exit_code() is not None:
                break        # interrupted: the rest are not started
    failed = [r for r in results if "error" in r]
    if as_json:
        print(json.dumps([r.get("summary", {"video": r["video"], "error": r.get("error")})
                          for r in results], indent=2))
    else:
        _table(results)
        _where(results)
    stopped = [r for r in results if r.get("summary", {}).get("end_reason") == "interrupted"]
    if stopped:
        typer.echo(f"{stop_line()}: what was measured is in {stopped[-1]['summary_path']}", err=True)
        raise typer.Exit(exit_code() or 130)
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
        where = "" if str(video) in str(err) else f"{video}: "   # the path said once
        print(f"error: {where}{err}", file=sys.stderr)
        return {"video": str(video), "error": str(err)}
    for note in summary.get("notes", []):
        print(f"warning: {video}: {note}", file=sys.stderr)
    files = {k: str(v) for k, v in (getattr(summary, "files", None) or {}).items()}
    return {"video": str(video), "summary": dict(summary), "summary_path": str(summary.files["summary"]),
            "files": files}


def _worker(args) -> dict:
    video, kwargs = args
    return _one(Path(video), kwargs)


def _parallel(videos, stems, kwargs, jobs) -> list[dict]:
    # spawn: MediaPipe's threads must not be forked mid-flight
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        return list(pool.map(_worker, [(str(v), {**kwargs, "stem": st}) for v, st in zip(videos, stems)]))


def _with_progress(video: Path, kwargs: dict, analyze):
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task(video.name, total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        return analyze(video, progress=progress, **kwargs)


OUTPUT_NAMES = {"summary": "summary", "frames": "per-frame angles", "annotated": "annotated video",
                "plot": "angle plot"}


def _where(results: list[dict]) -> None:
    """One line per output written, so the user knows where to look."""
    for r in results:
        for kind, path in r.get("files", {}).items():
            print(f"{Path(r['video']).name}: {OUTPUT_NAMES.get(kind, kind)} written to {path}")


def _table(results: list[dict]) -> None:
    """One row per video; notes and errors go below the table, whole, so a narrow terminal
    folds names instead of cutting them."""
    from rich.console import Console
    from rich.table import Table

    table = Table("video", "stretch", "frames with pose", "holds", "reps", "cues", "result")
    for col in table.columns:
        col.overflow = "fold"
    below = []
    for r in results:
        name, s = Path(r["video"]).name, r.get("summary")
        if s is None:
            table.add_row(name, "", "", "", "", "", "[red]failed")
            below.append(f"[red]{name}: {r['error']}")
            continue
        holds = "\n".join(f"{h['side'] or '-'} {h['duration_s']:.1f}s{'✓' if h['completed'] else ''}"
                          for h in s["holds"]) or "none"
        notes = s.get("notes") or []
        below += [f"[yellow]{name}: {n}" for n in notes]
        table.add_row(name, str(s["stretch"]), f"{s['frames_with_pose']}/{s['frames']}", holds,
                      "" if s["reps"] is None else str(s["reps"]), str(len(s["cues"])),
                      "[yellow]see note" if notes else "[green]ok")
    console = Console(stderr=False)
    console.print(table)
    for line in below:
        console.print(line, highlight=False)
