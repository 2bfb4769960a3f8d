"""The true value of each check-up trial in a rendered clip, from the 3D skeleton of its
held key pose (the body the renderer drew, before the small sway): the anatomical angle
each check-up test measures, independent of the camera."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from posecheck.pose.landmarks import INDEX
from posecheck.synth.skeleton import pose_skeleton
from posecheck.synth.timeline import PoseTrack, load_timeline


BOTH_KNEES = ("adductors",)   # unsided tests: a value per knee in each trial


def _angle(u: np.ndarray, v: np.ndarray) -> float:
    c = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))
    return math.degrees(math.acos(max(-1.0, min(1.0, c))))


def _truth(test_id: str, lm: np.ndarray, side: str) -> float:
    P = lambda name: lm[INDEX[name]]  # noqa: E731
    mid = lambda part: (P(f"left_{part}") + P(f"right_{part}")) / 2  # noqa: E731
    if test_id == "hamstrings":          # the straight leg above the floor
        v = P(f"{side}_ankle") - P(f"{side}_hip")
        return math.degrees(math.atan2(v[1], math.hypot(v[0], v[2])))
    if test_id == "hip-flexors":         # back thigh behind the trunk line
        return _angle(mid("hip") - mid("shoulder"), P(f"{side}_knee") - P(f"{side}_hip"))
    if test_id == "knee-to-chest":       # thigh from the trunk line
        return 180.0 - _angle(P(f"{side}_shoulder") - P(f"{side}_hip"), P(f"{side}_knee") - P(f"{side}_hip"))
    if test_id == "side-bend":           # trunk line from vertical
        return _angle(mid("shoulder") - mid("hip"), np.array([0.0, 1.0, 0.0]))
    other = "right" if side == "left" else "left"
    if test_id == "piriformis":          # the supporting (other) thigh from the trunk line
        return 180.0 - _angle(P(f"{other}_shoulder") - P(f"{other}_hip"), P(f"{other}_knee") - P(f"{other}_hip"))
    if test_id == "adductors":           # knee height above the floor (lowest point), torso lengths
        floor = float(lm[:, 1].min())
        return (P(f"{side}_knee")[1] - floor) / float(np.linalg.norm(mid("shoulder") - mid("hip")))
    raise ValueError(f"no 3D truth for check-up test {test_id!r}")


def trial_truths(timeline: str | Path, test_id: str) -> list[dict]:
    """[{start_s, end_s, side, value}] for every held key of the timeline (both sides, one
    row each, for a test measured on both knees at once)."""
    tl = load_timeline(timeline)
    track = PoseTrack(tl)
    out, t = [], 0.0
    for key, angles in zip(tl.keys, track.settled):
        t += key.move_s
        if key.phase == "hold":
            lm = pose_skeleton(angles).landmarks
            for side in ("left", "right") if test_id in BOTH_KNEES else (key.side,):
                out.append({"start_s": round(t, 3), "end_s": round(t + key.hold_s, 3), "side": side,
                            "value": round(_truth(test_id, lm, side), 2 if test_id not in BOTH_KNEES else 3),
                            "set": dict(key.overrides)})
        t += key.hold_s
    return out


def match(trial_start: float, trial_end: float, truths: list[dict]) -> dict | None:
    """The truth interval a measured trial overlaps most (None: no overlap)."""
    def overlap(tr: dict) -> float:
        return min(trial_end, tr["end_s"]) - max(trial_start, tr["start_s"])
    best = max(truths, key=overlap, default=None)
    return best if best is not None and overlap(best) > 0 else None
