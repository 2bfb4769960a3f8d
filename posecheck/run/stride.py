"""Adaptive frame stride: run the landmarker on every k-th frame while the body is still.

`--stride 1` runs the model on every frame. `--stride N` on every N-th frame.
`--stride auto` runs it on every frame while the body moves, a landmark is poorly
seen or the track is lost, and on every k-th frame (k up to `max_gap_s` * fps, so
3 at 30 fps and 1 at 10 fps) once the body has been still for `settle_s`. Landmarks
of the frames in between are interpolated linearly on the container timestamps,
so the coach still sees every frame. The planner only looks back (VIDEO mode needs
increasing timestamps), so a movement that starts inside a gap is caught at the
gap's end: at most `max_gap_s` late, and the interpolation covers its first frames.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import numpy as np

from posecheck.errors import UsageError
from posecheck.pose.landmarks import INDEX, Pose

# The landmarks the stretches' angles are made of (shoulders to ankles).
_BODY = np.array([INDEX[f"{s}_{p}"] for s in ("left", "right")
                  for p in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")])


def parse_stride(text: str | int) -> int | None:
    """'auto' -> None (adaptive), 'N' -> N >= 1; anything else is a usage error."""
    if str(text).strip().lower() == "auto":
        return None
    try:
        value = int(str(text))
    except ValueError:
        value = 0
    if value < 1:
        raise UsageError(f"--stride must be 'auto' or a whole number >= 1, not {text!r}")
    return value


@dataclass
class StridePolicy:
    """When 'auto' may skip frames. Speeds are in torso lengths per second."""

    max_gap_s: float = 0.1       # longest interval between two model runs (k <= 3 at 30 fps)
    still_speed: float = 0.35    # fastest body landmark slower than this: still
    baseline_s: float = 0.2      # speed measured against the detection this long ago: the
                                 # landmarks' frame-to-frame jitter would read as motion
    settle_s: float = 0.3        # still for this long before frames are skipped
    min_visibility: float = 0.5  # median visibility of the body landmarks needed to skip

    def max_stride(self, fps: float) -> int:
        return max(1, int(self.max_gap_s * fps + 1e-6))


def body_speed(a: Pose, b: Pose, min_visibility: float = 0.5) -> float:
    """Fastest well-seen body landmark from a to b, torso lengths per second (inf: unknown)."""
    dt = b.t_s - a.t_s
    ok = (a.visibility[_BODY] >= min_visibility) & (b.visibility[_BODY] >= min_visibility)
    if dt <= 0 or ok.sum() < 4:
        return float("inf")
    torso = b.torso_px()
    if not np.isfinite(torso) or torso <= 0:
        return float("inf")
    moved = np.linalg.norm(b.xy[_BODY] - a.xy[_BODY], axis=1)[ok]
    return float(moved.max() / torso / dt)


class StridePlanner:
    """Decides, frame by frame, whether the model runs; learns from each detection."""

    def __init__(self, stride: int | None, fps: float, policy: StridePolicy | None = None):
        self.fixed = stride
        self.policy = policy or StridePolicy()
        self.k_max = self.policy.max_stride(fps if fps > 0 else 30.0)
        self.k = 1 if stride is None else stride
        self._since = 0              # frames since the last detection
        self._recent: deque[Pose] = deque()   # detections of the last baseline_s
        self._still_since: float | None = None
        self.detected = 0

    def wants(self) -> bool:
        """Run the model on the next frame?"""
        self._since += 1
        return self.detected == 0 or self._since >= self.k

    def observe(self, t_s: float, pose: Pose | None) -> None:
        """A detection happened on the frame at t_s; set the stride for what follows."""
        self._since = 0
        self.detected += 1
        if self.fixed is not None:
            return
        self.k = self._auto_stride(t_s, pose)
        if pose is None:
            self._recent.clear()
            return
        self._recent.append(pose)
        while len(self._recent) > 2 and t_s - self._recent[1].t_s >= self.policy.baseline_s:
            self._recent.popleft()

    def _auto_stride(self, t_s: float, pose: Pose | None) -> int:
        p = self.policy
        ref = self._recent[0] if self._recent else None
        if (pose is None or ref is None or np.median(pose.visibility[_BODY]) < p.min_visibility
                or body_speed(ref, pose, p.min_visibility) > p.still_speed):
            self._still_since = None
            return 1
        if self._still_since is None:
            self._still_since = ref.t_s
        return self.k_max if t_s - self._still_since >= p.settle_s else 1


def interpolate(a: Pose, b: Pose, t_s: float) -> Pose:
    """The pose at t_s between two detections, linear in time (a.t_s <= t_s <= b.t_s)."""
    span = b.t_s - a.t_s
    w = 0.0 if span <= 0 else min(1.0, max(0.0, (t_s - a.t_s) / span))

    def mix(x, y):
        return (1.0 - w) * x + w * y

    return Pose(t_s, mix(a.xy, b.xy), mix(a.xy_norm, b.xy_norm), mix(a.world, b.world),
                mix(a.visibility, b.visibility), mix(a.presence, b.presence), b.size)


def _between(a: Pose | None, b: Pose | None, t_s: float) -> Pose | None:
    if a is not None and b is not None:
        return interpolate(a, b, t_s)
    near = a if b is None or (a is not None and t_s - a.t_s < b.t_s - t_s) else b
    return None if near is None else interpolate(near, near, t_s)


def strided_poses(frames: Iterable, detect: Callable[[object], Pose | None],
                  planner: StridePlanner) -> Iterator[tuple[object, Pose | None]]:
    """(frame, pose) for every frame, in order: detected or interpolated between detections.

    `detect(frame)` runs the model (frames need `.t_s`). A stream never ends on a
    skipped frame: its last frame is always detected."""
    pending: list = []
    last: Pose | None = None
    for frame in frames:
        if not planner.wants():
            pending.append(frame)
            continue
        pose = detect(frame)
        planner.observe(frame.t_s, pose)
        yield from ((f, _between(last, pose, f.t_s)) for f in pending)
        pending = []
        last = pose
        yield frame, pose
    if pending:
        tail = pending.pop()
        pose = detect(tail)
        planner.observe(tail.t_s, pose)
        yield from ((f, _between(last, pose, f.t_s)) for f in pending)
        yield tail, pose
