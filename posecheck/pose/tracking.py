"""Choose the coached person among several detections and stay on them.

Pure logic over candidate poses: the largest, most central person at the start,
then whoever is nearest to where that person was. Never jumps to someone else
while the coached person is merely lost for a moment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posecheck.pose.landmarks import Pose


def _centre(pose: Pose) -> np.ndarray:
    x0, y0, x1, y1 = pose.bbox()
    return np.array([(x0 + x1) / 2, (y0 + y1) / 2])


def _scale(pose: Pose) -> float:
    x0, y0, x1, y1 = pose.bbox()
    return max(float(np.hypot(x1 - x0, y1 - y0)), 1.0)


def start_score(pose: Pose) -> float:
    """Bigger and nearer the image centre is more likely the person being coached."""
    w, h = pose.size
    off = np.linalg.norm((_centre(pose) - (w / 2, h / 2)) / (w, h))
    return _scale(pose) / np.hypot(w, h) - 0.5 * off


@dataclass
class PersonTracker:
    """Keeps one identity across frames.

    max_jump: largest centre move per frame, as a fraction of the person's size,
    still taken as the same person. reacquire_s: how long the coached person may be
    missing before the tracker picks a new person by start_score (someone else walking
    through the frame meanwhile is ignored).
    """

    max_jump: float = 0.5
    reacquire_s: float = 10.0
    _last: Pose | None = None

    def choose(self, candidates: list[Pose], t_s: float) -> Pose | None:
        if not candidates:
            return None
        if self._last is None or t_s - self._last.t_s > self.reacquire_s:
            chosen = max(candidates, key=start_score)
        else:
            chosen = self._nearest(candidates, t_s)
        if chosen is not None:
            self._last = chosen
        return chosen

    def _nearest(self, candidates: list[Pose], t_s: float) -> Pose | None:
        prev_c, prev_s = _centre(self._last), _scale(self._last)
        # a little more room after a short gap (the person kept moving while unseen),
        # never more than one body size: beyond that it is someone else
        gap = min(max(t_s - self._last.t_s, 0.0), 1.0)
        limit = prev_s * (self.max_jump + 0.5 * gap)
        dists = [float(np.linalg.norm(_centre(p) - prev_c)) for p in candidates]
        best = int(np.argmin(dists))
        return candidates[best] if dists[best] <= limit else None

    def reset(self) -> None:
        self._last = None
