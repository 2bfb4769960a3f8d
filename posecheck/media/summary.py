"""The session summary of interface.md: built from plain results, written atomically."""

from __future__ import annotations

import math
from dataclasses import asdict, is_dataclass
from pathlib import Path

import numpy as np


def _num(value, digits: int = 3):
    """JSON-safe number: nan/inf become null."""
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None


def angle_stats(series) -> dict | None:
    """min/median/max of a series, ignoring unknown values; None when all unknown."""
    arr = np.asarray(series, dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return None
    return {"min": _num(arr.min(), 1), "median": _num(np.median(arr), 1), "max": _num(arr.max(), 1)}


def hold_dict(hold) -> dict:
    return {
        "side": hold.side,
        "start_s": _num(hold.start_s),
        "end_s": _num(hold.end_s),
        "duration_s": _num(hold.duration_s),
        "target_s": _num(hold.target_s),
        "completed": bool(hold.completed),
        "peak": {k: _num(v, 1) for k, v in dict(hold.peak).items()},
    }


def build_summary(*, video: str, stretch: str | None, fps: float, frames: int, frames_with_pose: int,
                  duration_s: float, model, holds, reps, cues, angles: dict, extra: dict | None = None) -> dict:
    """The summary dict in interface.md's schema (keys in its order), plus `extra` keys."""
    summary = {
        "video": video,
        "stretch": stretch,
        "fps": _num(fps),
        "frames": int(frames),
        "frames_with_pose": int(frames_with_pose),
        "duration_s": _num(duration_s),
        "model": {"name": model.name, "sha256": model.sha256},
        "holds": [hold_dict(h) for h in holds],
        "reps": None if reps is None else int(reps),
        "cues": [{"t_s": _num(c.t_s), "id": c.id, "text": c.text} for c in cues],
        "angles": {name: stats for name, s in angles.items() if (stats := angle_stats(s)) is not None},
    }
    summary.update(extra or {})
    return summary


def _default(obj):
    if is_dataclass(obj):
        return asdict(obj)
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def write_json(path: str | Path, obj, share: bool = False) -> Path:
    """Write JSON atomically and privately (media.atomic), so a crash never leaves half a file."""
    from posecheck.media import atomic

    return atomic.write_json(path, obj, share, default=_default)
