"""Shared bits of the benchmarks: clips, decoding, timing, the machine's description, tables.

Benchmarks are scripts, not tests: they print what they measured and never assert.
Times are wall-clock medians over interleaved repetitions; CPU times (all threads of the
process) are given beside them because the machine may be shared and loaded.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
REAL = REPO.parent / "shared" / "data" / "real"
LARGE_CLIP = REAL / "commons_forward_lunge_training.webm"
BENCHMARKS_MD = REPO / "BENCHMARKS.md"
TMP = Path(os.environ.get("POSECHECK_BENCH_TMP", "/tmp/posecheck-bench"))

# the sample used for the single-clip benchmarks, and the batch (copied to TMP at first use)
CLIP = "knee-to-chest-left"
BATCH = ["knee-to-chest-left", "knee-to-chest-right", "supine-hamstring-left", "bridge",
         "piriformis-left", "cat-cow"]
MODELS = ("lite", "full", "heavy")
# the CLI in a fresh interpreter (the package has no __main__)
POSECHECK = [sys.executable, "-c", "from posecheck.cli.app import main; main()"]


@dataclass(frozen=True)
class Clip:
    """A video to benchmark on and the stretch it shows (for `analyze(..., stretch)`)."""

    path: Path
    stretch: str
    label: str


def _readable(path: Path) -> bool:
    cap = cv2.VideoCapture(str(path))
    ok = cap.isOpened() and cap.read()[0]
    cap.release()
    return bool(ok)


def snapshot(name: str) -> Path:
    """A stable copy of samples/<name>.mp4 (+ truth) in TMP: the samples may be re-rendered
    while a run goes on. Taken from the working tree when readable, else from git HEAD."""
    dst = TMP / "samples" / f"{name}.mp4"
    if dst.is_file() and dst.with_suffix(".truth.json").is_file():
        return dst
    dst.parent.mkdir(parents=True, exist_ok=True)
    src = SAMPLES / f"{name}.mp4"
    for suffix in (".mp4", ".truth.json"):
        out = dst.with_suffix(suffix)
        if suffix == ".mp4" and _readable(src):
            out.write_bytes(src.read_bytes())
        elif suffix == ".truth.json" and src.with_suffix(suffix).is_file() and _readable(src):
            out.write_bytes(src.with_suffix(suffix).read_bytes())
        else:
            blob = subprocess.run(["git", "show", f"HEAD:samples/{name}{suffix}"], cwd=REPO,
                                  capture_output=True, check=True).stdout
            out.write_bytes(blob)
    return dst


def sample_clip(name: str | Path = CLIP) -> Clip:
    path = snapshot(Path(name).stem)
    truth = json.loads(path.with_suffix(".truth.json").read_text())
    return Clip(path, truth["expect"]["stretch"], f"{path.name} (480x360)")


def large_clip(frames: int) -> Clip | None:
    """The first `frames` frames of the real 854x480 lunge video, re-encoded (mp4v) into TMP
    so that every case reads the same frames; None when ../shared/data/real is absent."""
    if not LARGE_CLIP.is_file():
        return None
    out = TMP / f"lunge-{frames}.mp4"
    if not out.is_file():
        cap = cv2.VideoCapture(str(LARGE_CLIP))
        fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
        size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        write_video(out, (img for _, img in zip(range(frames), _frames(cap))), fps, size)
    w, h = video_size(out)
    return Clip(out, "hip-flexor-lunge", f"lunge {frames} frames ({w}x{h})")


def _frames(cap: cv2.VideoCapture):
    while True:
        ok, img = cap.read()
        if not ok:
            cap.release()
            return
        yield img


def decode(path: Path, limit: int | None = None) -> list[np.ndarray]:
    """All (or the first `limit`) frames of a video, BGR."""
    cap = cv2.VideoCapture(str(path))
    return [img for _, img in zip(range(limit or 10**9), _frames(cap))]


def video_size(path: Path) -> tuple[int, int]:
    cap = cv2.VideoCapture(str(path))
    size = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    cap.release()
    return size


def video_fps(path: Path) -> float:
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    cap.release()
    return fps


def write_video(path: Path, frames, fps: float, size: tuple[int, int]) -> Path:
    """Write BGR frames as mp4v (generated inputs live in TMP only, never in the repo)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".part.mp4")
    out = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    for img in frames:
        out.write(img)
    out.release()
    tmp.replace(path)
    return path


def looped_video(clip: Path, minutes: float) -> Path:
    """`clip` repeated to last `minutes`, written once into TMP."""
    out = TMP / f"loop-{clip.stem}-{minutes:g}min.mp4"
    if out.is_file():
        return out
    frames, fps = decode(clip), video_fps(clip)
    n = int(round(minutes * 60 * fps))
    return write_video(out, (frames[i % len(frames)] for i in range(n)), fps, video_size(clip))


# -- timing ---------------------------------------------------------------------------------
def cpu_s() -> float:
    """CPU seconds used so far by this process, all threads."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def children_cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


@dataclass
class Timing:
    wall_s: float = 0.0
    cpu_s: float = 0.0


@contextmanager
def timed():
    """`with timed() as t: ...` then t.wall_s, t.cpu_s."""
    t = Timing()
    w0, c0 = time.perf_counter(), cpu_s()
    try:
        yield t
    finally:
        t.wall_s, t.cpu_s = time.perf_counter() - w0, cpu_s() - c0


def median(values) -> float:
    values = [v for v in values if v is not None and np.isfinite(v)]
    return statistics.median(values) if values else float("nan")


def run_json(cmd: list[str], timeout: float | None = None) -> dict:
    """Run a child that prints one JSON object as its last stdout line."""
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}... failed ({proc.returncode}): {last_error(proc.stderr)}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def last_error(stderr: str) -> str:
    """The last meaningful stderr line (MediaPipe's glog lines are skipped)."""
    lines = [ln for ln in stderr.strip().splitlines()
             if ln.strip() and not ln[:5] in ("W0000", "I0000", "E0000") and not ln.startswith(("INFO:", "WARNING:"))]
    return (lines or ["no message"])[-1][:300]


def quiet_mediapipe() -> None:
    """MediaPipe's C++ logging is noise in a benchmark table."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


# -- the machine --------------------------------------------------------------------------------
def machine() -> dict[str, str]:
    import mediapipe

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()
    return {
        "date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": f"{cpu}, {os.cpu_count()} logical cores",
        "ram": f"{ram:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "mediapipe": mediapipe.__version__,
        "opencv": cv2.__version__,
        "numpy": np.__version__,
        "load average at start (1/5/15 min)": " / ".join(f"{x:.1f}" for x in load),
        "cores this run got (1 / 2 busy processes)": " / ".join(f"{x:.2f}" for x in cores_available()),
    }


def _burn(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def cores_available(seconds: float = 2.0) -> tuple[float, float]:
    """CPU cores this run actually gets: (1 busy process, 2 busy processes) in CPU s / wall s.
    On a shared machine the scheduler's fair share (e.g. Linux autogroup per session) can cap
    a run below the core count, which hides any gain from threads or worker processes."""
    import multiprocessing

    out = []
    for n in (1, 2):
        c0, t0 = children_cpu_s(), time.perf_counter()
        procs = [multiprocessing.get_context("fork").Process(target=_burn, args=(seconds,)) for _ in range(n)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        out.append((children_cpu_s() - c0) / (time.perf_counter() - t0))
    return out[0], out[1]


# -- tables -------------------------------------------------------------------------------------
def table(headers: list[str], rows: list[list]) -> str:
    """A GitHub markdown table; floats keep what the caller formatted."""
    def cell(v):
        if v is None:
            return "-"
        if isinstance(v, float):
            return "-" if not np.isfinite(v) else f"{v:.3g}" if abs(v) < 10 else f"{v:.0f}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def append_report(markdown: str, path: Path = BENCHMARKS_MD) -> None:
    """Append one run's section to BENCHMARKS.md (created with a short header)."""
    if not path.exists():
        path.write_text("# posecheck benchmarks\n\nGenerated by `python bench/run_all.py` (see bench/README.md); "
                        "each run appends a section. Newest last.\n")
    with open(path, "a") as fh:
        fh.write("\n" + markdown.rstrip() + "\n")


def echo(*args) -> None:
    print(*args, file=sys.stderr, flush=True)
