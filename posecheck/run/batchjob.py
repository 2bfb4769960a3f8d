"""One video of a batch: the job a worker runs, whichever engine runs it.

A job is plain data (picklable, no open files). The worker analyses the video with
`analyze` (the same per-video job as `posecheck analyze`) into a scratch folder and
hands back the output files' bytes; the driver writes them (run/batch.py), so the
files are the same whether local processes or a Ray cluster ran the job. When the
worker is on another machine the job carries the video's bytes (`data`); on this
machine only its path.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path


OUTPUT_KINDS = ("summary.json", "frames.csv", "annotated.mp4", "angles.png")


@dataclass(frozen=True)
class BatchSettings:
    """The analyse options of a batch; part of each video's resume key."""

    stretch: str = "auto"
    model: str | None = None
    catalog_dirs: tuple[str, ...] = ()
    profile: str | None = None
    annotate: bool = True
    plot: bool = True
    people: int = 1
    stride: int | None = 1

    def key(self) -> dict:
        return {**asdict(self), "catalog_dirs": list(self.catalog_dirs), "posecheck": _version()}


@dataclass
class Job:
    name: str                  # the video's output folder under --out
    video: str                 # the path as the user gave it (only its name goes to a remote worker)
    digest: str                # sha256 of the video's bytes
    settings: BatchSettings
    data: bytes | None = None  # the video itself, only for workers on other machines
    attempt: int = 0


@dataclass
class JobResult:
    name: str
    summary: dict | None = None
    files: dict[str, bytes] = field(default_factory=dict)   # output file name -> bytes
    error: str | None = None       # a user error (bad video): not retried
    crashed: bool = False          # the worker failed: retried


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("posecheck")
    except PackageNotFoundError:
        return "unknown"


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def marker(job: Job) -> dict:
    """What `job.json` holds: enough to skip the video when nothing changed."""
    return {"video": job.video, "input_sha256": job.digest, "settings": job.settings.key()}


def run_job(job: Job) -> JobResult:
    """Analyse one video into a scratch folder; return its outputs (never raises for bad input)."""
    from posecheck.errors import UserError
    from posecheck.run.analyze import analyze

    s = job.settings
    with tempfile.TemporaryDirectory(prefix="posecheck-batch-") as tmp:
        video = Path(job.video)
        if job.data is not None:       # a remote worker: the video came with the job
            video = Path(tmp) / "in" / Path(job.video).name
            video.parent.mkdir()
            video.write_bytes(job.data)
        out = Path(tmp) / "out"
        try:
            summary = dict(analyze(video, s.stretch, out_dir=out, model=s.model, catalog_dirs=s.catalog_dirs,
                                   profile=s.profile, annotate=s.annotate, plot=s.plot, people=s.people,
                                   stride=s.stride))
        except UserError as err:
            return JobResult(job.name, error=str(err))
        files = {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}
    return JobResult(job.name, summary=summary, files=files)


def read_marker(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "job.json").read_text())
    except (OSError, ValueError):
        return None
