"""(4) Our own per-frame cost, in isolation, on poses recorded from the clip.

The poses (and MediaPipe's raw results) are recorded once; then each stage `analyze`
runs per frame is timed call by call, in the order analyze runs them: the engine
wrapper (BGR->RGB + mp.Image, result -> Pose, person tracker), left/right swap
correction, metrics.measure, the DelayLine's centred smoothing, coach.update, the CSV
row, and overlay.draw_overlay at the clip's size and upscaled to 640x480.

    python bench/own_cost.py [--reps 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

try:
    from bench import common
    from bench.limit import bare, model_path, mp_images
except ImportError:  # run as a script from bench/
    import common
    from limit import bare, model_path, mp_images

TARGET_SIZE = (640, 480)
# the brief's "own cost": geometry + smoothing + coach + overlay drawing (at 640x480)
OWN = ("metrics.measure", "DelayLine smoothing", "coach.update", "overlay 640x480")


@dataclasses.dataclass
class Recording:
    frames: list[np.ndarray]
    times: list[float]
    results: list            # MediaPipe PoseLandmarkerResult per frame
    poses: list              # posecheck Pose | None per frame (wrapper + tracker + swap applied)


def record(clip: common.Clip, model: str = "full") -> Recording:
    from posecheck.pose.engine import _to_poses
    from posecheck.measure.sides import SwapCorrector
    from posecheck.pose.tracking import PersonTracker

    frames = common.decode(clip.path)
    fps = common.video_fps(clip.path)
    times = [i / fps for i in range(len(frames))]
    results = bare(model_path(model), mp_images(frames), fps, keep=True)["results"]
    tracker, swap, poses = PersonTracker(), SwapCorrector(), []
    for img, t, r in zip(frames, times, results):
        pose = tracker.choose(_to_poses(r, (img.shape[1], img.shape[0]), t), t)
        poses.append(swap.correct(pose) if pose is not None else None)
    return Recording(frames, times, results, poses)


def scaled(pose, size: tuple[int, int]):
    """The same pose on a frame resized to `size`."""
    if pose is None:
        return None
    sx, sy = size[0] / pose.size[0], size[1] / pose.size[1]
    return dataclasses.replace(pose, xy=pose.xy * (sx, sy), size=size)


class Blocks:
    """Each stage runs over every frame as one timed block (two clock reads per stage, so
    the timer costs nothing per frame): wall time, and CPU time of this thread — what the
    stage costs on an idle core, without the waits for a core on a loaded machine."""

    def __init__(self, n: int):
        self.n = n
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def run(self, name: str, fn, items) -> list:
        w, c = time.perf_counter(), time.thread_time()
        out = [fn(x) for x in items]
        self.wall[name] = self.wall.get(name, 0.0) + (time.perf_counter() - w) * 1000 / self.n
        self.cpu[name] = self.cpu.get(name, 0.0) + (time.thread_time() - c) * 1000 / self.n
        return out


def one_pass(rec: Recording, stretch_id: str) -> tuple[dict[str, float], dict[str, float]]:
    """Mean (wall, CPU) ms per frame of each stage over the whole recording (one pass)."""
    from posecheck.measure import metrics
    from posecheck.run.analyze import SMOOTH_HALF_S, SMOOTH_SIGMA_S, stretch_columns
    from posecheck.coach.catalog import get_stretch
    from posecheck.coach.machine import Coach
    from posecheck.pose.engine import _mp_image, _to_poses
    from posecheck.media.framelog import FrameLog
    from posecheck.measure.lookahead import DelayLine, Item
    from posecheck.media.overlay import draw_overlay
    from posecheck.measure.sides import SwapCorrector
    from posecheck.pose.tracking import PersonTracker

    stretch = get_stretch(stretch_id)
    names = list(metrics.METRICS)
    fps = 1.0 / (rec.times[1] - rec.times[0])
    line = DelayLine(round(SMOOTH_HALF_S * fps), SMOOTH_SIGMA_S * fps)
    coach, tracker, swap = Coach(stretch), PersonTracker(), SwapCorrector()
    tmp = tempfile.TemporaryDirectory()
    log = FrameLog(Path(tmp.name) / "f.csv", [*metrics.STANDARD_ANGLES, *stretch_columns(stretch)])
    b = Blocks(len(rec.frames))

    def wrap(x):
        img, t, result = x
        _mp_image(img)
        return tracker.choose(_to_poses(result, (img.shape[1], img.shape[0]), t), t)

    def vector(pose):
        if pose is None:
            return np.full(len(names), np.nan)
        values = metrics.measure(pose)
        return np.array([values.get(n, math.nan) for n in names], dtype=float)

    def update(item):
        values = dict(zip(names, item.smooth.tolist()))
        return values, coach.update(item.t_s, values if item.pose is not None else None)

    frames = list(zip(rec.frames, rec.times, rec.results))
    poses = b.run("engine wrapper", wrap, frames)
    poses = b.run("swap correction", lambda p: swap.correct(p) if p is not None else None, poses)
    raws = b.run(OWN[0], vector, poses)
    items = [Item(i, t, img, p, r) for i, (img, t, p, r) in enumerate(zip(rec.frames, rec.times, poses, raws))]
    released = sum(b.run(OWN[1], line.push, items), []) + b.run(OWN[1], lambda _: line.flush(), [0])[0]
    fbs = b.run(OWN[2], update, released)
    b.run("CSV row", lambda x: log.add(x[0].index, x[0].t_s, x[0].pose is not None, x[1][0], x[1][1].state,
                                        x[1][1].cue.id if x[1][1].cue else None), list(zip(released, fbs)))
    jobs = [(it.image, it.pose, fb) for it, (_, fb) in zip(released, fbs)]
    b.run("overlay clip size", lambda j: draw_overlay(j[0], j[1], j[2], stretch), jobs)
    for k in range(0, len(jobs), 30):    # upscaled in chunks, untimed: a camera would give this size
        big = [(cv2.resize(img, TARGET_SIZE), scaled(p, TARGET_SIZE), fb) for img, p, fb in jobs[k:k + 30]]
        # in place, as analyze's writer draws on the decoded frame it owns
        b.run(OWN[3], lambda j: draw_overlay(j[0], j[1], j[2], stretch, in_place=True), big)
    log.close()
    tmp.cleanup()
    return b.wall, b.cpu


def codec_costs(clip: common.Clip, reps: int = 3) -> dict[str, tuple[float, float]]:
    """Not ours but on every frame's path: OpenCV decoding and mp4v encoding, (wall, CPU)
    ms/frame (process CPU: FFmpeg may use threads of its own)."""
    frames = common.decode(clip.path)
    size, fps, n = common.video_size(clip.path), common.video_fps(clip.path), len(frames)
    dec, enc = [], []
    for _ in range(reps):
        with common.timed() as t:
            common.decode(clip.path)
        dec.append(t)
        with common.timed() as t:
            common.write_video(common.TMP / "encode-bench.mp4", frames, fps, size)
        enc.append(t)
    return {f"decode {size[0]}x{size[1]} (OpenCV)": (common.median(x.wall_s * 1000 / n for x in dec),
                                                     common.median(x.cpu_s * 1000 / n for x in dec)),
            f"encode {size[0]}x{size[1]} (mp4v)": (common.median(x.wall_s * 1000 / n for x in enc),
                                                   common.median(x.cpu_s * 1000 / n for x in enc))}


def measure(rec: Recording, stretch_id: str, reps: int) -> dict[str, tuple[float, float]]:
    """stage -> (wall, CPU) ms/frame, medians over passes, plus the brief's own-cost sum."""
    passes = [one_pass(rec, stretch_id) for _ in range(reps)]
    out = {}
    for k in passes[0][0]:
        out[k] = (common.median(p[0][k] for p in passes), common.median(p[1][k] for p in passes))
    out["own total"] = tuple(common.median(sum(p[i][k] for k in OWN) for p in passes) for i in (0, 1))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    common.quiet_mediapipe()
    clip = common.sample_clip()
    res = measure(record(clip), clip.stretch, args.reps)
    res.update(codec_costs(clip))
    print(common.table(["stage", "wall ms/frame", "CPU ms/frame"], [[k, *v] for k, v in res.items()]))


if __name__ == "__main__":
    main()
