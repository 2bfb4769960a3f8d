"""`posecheck batch`: many videos, one job each, on local processes or a Ray cluster.

The inputs are a folder of videos or a manifest CSV (a `video` column, paths relative
to the manifest; optional `stretch` and `name` columns). Each video's outputs go to
OUT/<name>/ (the files `analyze` writes, plus job.json), written into a hidden scratch
folder and renamed into place, so a folder is never half-written. A video whose
job.json records the same input digest and settings is skipped, so an interrupted
batch resumes where it stopped. A worker that fails is retried `retries` times.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator, Protocol

from posecheck.errors import UsageError
from posecheck.media.atomic import dir_mode, make_dirs, write_bytes
from posecheck.media.summary import write_json
from posecheck.run.batchjob import BatchSettings, Job, JobResult, file_sha256, marker, read_marker

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")


@dataclass(frozen=True)
class Item:
    video: Path
    name: str
    stretch: str | None = None   # the manifest's stretch for this video, if any


@dataclass
class Row:
    """One video's line in the final table."""

    name: str
    video: str
    status: str                  # "done", "skipped" (outputs up to date) or "failed"
    summary: dict | None = None
    error: str | None = None
    attempts: int = 1


class Engine(Protocol):
    def run(self, jobs: list[Job]) -> Iterator[tuple[Job, JobResult]]: ...


# -- inputs ------------------------------------------------------------------------------------

def read_inputs(source: str | Path) -> list[Item]:
    """The videos of a folder (sorted) or of a manifest CSV."""
    source = Path(source)
    if source.is_dir():
        videos = sorted(p for p in source.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES and p.is_file())
        if not videos:
            raise UsageError(f"no videos ({', '.join(VIDEO_SUFFIXES)}) in {source}")
        return _unique([Item(v, v.stem) for v in videos])
    if source.suffix.lower() == ".csv" and source.is_file():
        return _manifest(source)
    raise UsageError(f"{source}: pass a folder of videos or a manifest .csv with a 'video' column")


def _manifest(path: Path) -> list[Item]:
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or "video" not in rows[0]:
        raise UsageError(f"{path}: a manifest needs a header row with a 'video' column")
    items = []
    for row in rows:
        if not (row.get("video") or "").strip():
            continue
        video = path.parent / row["video"].strip()
        name = (row.get("name") or "").strip() or video.stem
        if Path(name).name != name or name.startswith("."):
            raise UsageError(f"{path}: name {name!r} must be a plain folder name")
        items.append(Item(video, name, (row.get("stretch") or "").strip() or None))
    return _unique(items)


def _unique(items: list[Item]) -> list[Item]:
    """Two videos with the same stem get name, name-2, ..."""
    seen: dict[str, int] = {}
    out = []
    for it in items:
        n = seen.get(it.name, 0) + 1
        seen[it.name] = n
        out.append(it if n == 1 else replace(it, name=f"{it.name}-{n}"))
    return out


# -- resume and outputs ------------------------------------------------------------------------

def plan(items: list[Item], settings: BatchSettings, out: Path, force: bool = False
         ) -> tuple[list[Job], list[Row]]:
    """Jobs still to run, and rows for the videos skipped (up to date) or unreadable."""
    jobs, rows = [], []
    for it in items:
        s = replace(settings, stretch=it.stretch) if it.stretch else settings
        try:
            digest = file_sha256(it.video)
        except OSError as err:
            rows.append(Row(it.name, str(it.video), "failed", error=f"cannot read {it.video}: {err.strerror}"))
            continue
        job = Job(it.name, str(it.video), digest, s)
        done = read_marker(out / it.name)
        if not force and done is not None and {k: done.get(k) for k in ("input_sha256", "settings")} == \
                {k: marker(job)[k] for k in ("input_sha256", "settings")}:
            rows.append(Row(it.name, str(it.video), "skipped", summary=done.get("summary")))
            continue
        jobs.append(job)
    return jobs, rows


def write_outputs(out: Path, job: Job, result: JobResult, share: bool = False) -> Path:
    """OUT/<name>/ replaced as a whole: files into a scratch folder, then a rename. Private
    (0700 folders, 0600 files) unless `share` (0750/0640), as `analyze --share-outputs`."""
    make_dirs(out, share)
    scratch = Path(tempfile.mkdtemp(dir=out, prefix=f".{job.name}.", suffix=".partial"))  # 0700
    os.chmod(scratch, dir_mode(share))
    for fname, data in result.files.items():
        write_bytes(scratch / fname, data, share)
    if result.summary is not None:  # the user's path, whatever path the worker read
        result.summary["video"] = job.video
        write_json(scratch / f"{Path(job.video).stem}.summary.json", result.summary, share)
    write_json(scratch / "job.json", {**marker(job), "summary": result.summary}, share)
    final = out / job.name
    if final.exists():
        old = out / f".{job.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
        os.replace(scratch, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(scratch, final)
    return final


# -- the run -------------------------------------------------------------------------------------

def run_batch(items: list[Item], settings: BatchSettings, out: str | Path, engine: Engine, *,
              retries: int = 2, force: bool = False, share: bool = False,
              progress: Callable[[Row, int, int], None] | None = None) -> list[Row]:
    """Every video of `items` through `engine`; rows in input order (share: group-readable outputs)."""
    out = Path(out)
    jobs, rows = plan(items, settings, out, force)
    total, finished = len(items), len(rows)
    by_name = {r.name: r for r in rows}
    for r in rows:
        if progress:
            progress(r, finished, total)
    pending = jobs
    while pending:
        again = []
        for job, result in engine.run(pending):
            if result.crashed and job.attempt < retries:
                job.attempt += 1
                again.append(job)
                continue
            row = _finish(out, job, result, share)
            by_name[row.name] = row
            finished += 1
            if progress:
                progress(row, finished, total)
        pending = again
    return [by_name[it.name] for it in items if it.name in by_name]


def _finish(out: Path, job: Job, result: JobResult, share: bool) -> Row:
    if result.error or result.crashed:
        return Row(job.name, job.video, "failed", error=result.error or "worker failed", attempts=job.attempt + 1)
    write_outputs(out, job, result, share)
    return Row(job.name, job.video, "done", summary=result.summary, attempts=job.attempt + 1)

