"""The model's poses over a video, run once and cached; then replayed through measure + smoothing.

Recognition evaluation runs the recogniser over many clips many times while it is tuned;
the pose model is the only slow stage, so its output (the tracked pose per frame, before
the side-swap correction, which is replayed) is stored as one .npz per video, keyed by the
file's content hash and the model. `replay_values` then gives the same smoothed metric
values `analyze` feeds the coach, in a few milliseconds per frame.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np

from posecheck.measure import metrics
from posecheck.measure.lookahead import DelayLine, Item
from posecheck.measure.spikes import median_mask, slack_vector
from posecheck.measure.sides import SwapCorrector
from posecheck.pose.landmarks import N_LANDMARKS, Pose

_FIELDS = ("xy", "xy_norm", "world", "visibility", "presence")


def file_key(path: Path, model_name: str) -> str:
    h = hashlib.sha1(model_name.encode())
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def detect_video(path: Path, model: str | None = None, people: int = 1) -> dict:
    """Run the pose model over every frame: arrays t_s (n,), found (n,) and the Pose fields."""
    from posecheck.media.videoio import VideoReader
    from posecheck.pose.engine import PoseEngine

    reader = VideoReader(path)
    rows: dict[str, list] = {"t_s": [], "found": [], **{f: [] for f in _FIELDS}}
    blank = {"xy": (N_LANDMARKS, 2), "xy_norm": (N_LANDMARKS, 2), "world": (N_LANDMARKS, 3),
             "visibility": (N_LANDMARKS,), "presence": (N_LANDMARKS,)}
    with PoseEngine(model, mode="video", num_poses=people) as engine:
        for frame in reader:
            pose = engine.detect(frame.image, frame.t_s)
            rows["t_s"].append(frame.t_s)
            rows["found"].append(pose is not None)
            for f in _FIELDS:
                rows[f].append(getattr(pose, f) if pose is not None else np.full(blank[f], np.nan))
    info = reader.info
    out = {k: np.asarray(v, float if k != "found" else bool) for k, v in rows.items()}
    out["size"] = np.array([info.width, info.height])
    out["fps"] = np.array(info.fps if info.fps > 0 else 30.0)
    return out


def cached_poses(path: Path, cache_dir: Path, model: str | None = None) -> dict:
    """detect_video's arrays, from cache_dir when this file (and model) was seen before."""
    from posecheck.pose.modelstore import resolve_model

    name = resolve_model(model).path.name
    cache = cache_dir / f"{path.stem}.{file_key(path, name)}.npz"
    if cache.exists():
        with np.load(cache) as data:
            return {k: data[k] for k in data.files}
    out = detect_video(path, model)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **out)
    tmp.replace(cache)
    return out


def poses_of(data: dict) -> list[Pose | None]:
    size = tuple(int(x) for x in data["size"])
    return [Pose(t_s=float(t), size=size, **{f: data[f][i] for f in _FIELDS}) if found else None
            for i, (t, found) in enumerate(zip(data["t_s"], data["found"]))]


def replay_values(data: dict, smooth_half_s: float = 0.4, sigma_s: float = 0.12):
    """(t_s, values or None) per frame: side-swap correction, metrics, zero-phase smoothing,
    as `analyze` does (its SMOOTH_HALF_S / SMOOTH_SIGMA_S are the defaults)."""
    fps = float(data["fps"])
    names = list(metrics.METRICS)
    line = DelayLine(round(smooth_half_s * fps), sigma_s * fps, slack_vector(names), median_mask(names))
    swap = SwapCorrector()
    out = []

    def take(items):
        for it in items:
            out.append((it.t_s, dict(zip(names, it.smooth.tolist())) if it.pose is not None else None))

    for i, pose in enumerate(poses_of(data)):
        if pose is not None:
            pose = swap.correct(pose)
            values = metrics.measure(pose)
            raw = np.array([values.get(n, math.nan) for n in names], float)
        else:
            raw = np.full(len(names), np.nan)
        take(line.push(Item(i, float(data["t_s"][i]), None, pose, raw)))
    take(line.flush())
    return out
