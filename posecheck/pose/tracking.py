"""Choose the coached person among several detections and stay on them.

Pure logic over candidate poses. Alone in frame: the largest, most central person at the
start, then whoever is nearest to where that person was. With several people (a partner
stretch's helper, a bystander): the person whose posture fits the stretch (a `scorer`
passed in by run/, since pose/ knows nothing of stretches) is chosen, then followed by
landmark continuity, never by size, so a larger standing helper who leans over them or
crosses their limbs is not taken instead. Never jumps to someone else while the coached
person is merely lost for a moment; but alone in frame, one person steadily in view elsewhere
who fits the stretch is the coached person having moved faster than a frame's step (a low
frame rate, a cut in the video), not a passer-by, and is taken after NEWCOMER_S.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from posecheck.pose.landmarks import MIRROR, Pose

Scorer = Callable[[Pose], float]   # how well a candidate's posture fits the stretch, 0..1
FITS = 0.5        # a posture fit at or above this locks the choice among several people
UNFIT = 0.1       # a standing person fitting the stretch less than this is not coached
CROWD_S = 10.0    # after a second person was seen, this long the stricter continuity applies
NEWCOMER_S = 1.0  # alone: one person seen this long elsewhere, fitting the stretch, is coached


def _centre(pose: Pose) -> np.ndarray:
    x0, y0, x1, y1 = pose.bbox()
    return np.array([(x0 + x1) / 2, (y0 + y1) / 2])


def _scale(pose: Pose) -> float:
    x0, y0, x1, y1 = pose.bbox()
    return max(float(np.hypot(x1 - x0, y1 - y0)), 1.0)


def _jump(pose: Pose, before: Pose) -> float:
    """How far a person's centre moved, in units of their size before."""
    return float(np.linalg.norm(_centre(pose) - _centre(before))) / _scale(before)


def start_score(pose: Pose) -> float:
    """Bigger and nearer the image centre is more likely the person being coached."""
    w, h = pose.size
    off = np.linalg.norm((_centre(pose) - (w / 2, h / 2)) / (w, h))
    return _scale(pose) / np.hypot(w, h) - 0.5 * off


def standing(pose: Pose) -> bool:
    """Upright on straight legs: ankles far below the hips, shoulders above them (pixels)."""
    y = {n: pose.point(n)[1] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip",
                                       "left_ankle", "right_ankle")}
    hip = (y["left_hip"] + y["right_hip"]) / 2
    torso = hip - (y["left_shoulder"] + y["right_shoulder"]) / 2
    return torso > 0 and min(y["left_ankle"], y["right_ankle"]) - hip > 1.3 * torso


def shape_distance(a: Pose, b: Pose) -> float:
    """Mean landmark distance between two poses in units of b's size; a left/right swap of
    a's labels (frequent in side views) does not count as a difference."""
    d = np.linalg.norm(a.xy - b.xy, axis=1).mean()
    d_swapped = np.linalg.norm(a.xy[MIRROR] - b.xy, axis=1).mean()
    return float(min(d, d_swapped)) / _scale(b)


@dataclass
class PersonTracker:
    """Keeps one identity across frames.

    max_jump: largest move per frame, as a fraction of the person's size, still taken as
    the same person. reacquire_s: how long the coached person may be missing before the
    tracker picks a new person (someone else walking through the frame meanwhile is
    ignored). scorer: posture fit of a candidate (None: size and centre decide).
    helper: a helper is expected (partner stretch): someone standing alone is not coached
    in a floor stretch; solo, they are (and told to get into position), never dropped.
    `others` holds the people of the last frame who are not the coached person.
    """

    max_jump: float = 0.5
    reacquire_s: float = 10.0
    scorer: Scorer | None = None
    helper: bool = False   # a partner stretch: a standing person alone may be the helper
    others: list[Pose] = field(default_factory=list)
    _last: Pose | None = None
    _locked: bool = False
    _crowd_t: float = -np.inf
    _unfit_calls: int = 0
    _new: Pose | None = None      # alone: the one person in view away from the coached one
    _new_since: float = 0.0

    def choose(self, candidates: list[Pose], t_s: float) -> Pose | None:
        self.others = []
        if not candidates:
            return None
        if len(candidates) > 1:
            self._crowd_t = t_s
        crowd = t_s - self._crowd_t <= CROWD_S
        if self._last is None or t_s - self._last.t_s > self.reacquire_s:
            self._locked = False
        if not crowd:  # alone in frame: as a single-person tracker always did
            chosen = self._first(candidates) if self._last is None or not self._recent(t_s) \
                else self._nearest(candidates, t_s) or self._newcomer(candidates, t_s)
            self._refit(chosen)
        elif not self._locked and len(candidates) > 1:
            chosen = self._first(candidates)
        elif self._last is None or not self._recent(t_s):
            chosen = self._first(candidates)
        else:
            chosen = self._continuing(candidates, t_s)
        if chosen is not None and self._standing_unfit(chosen):
            chosen, self._last = None, None   # a standing helper is never the person stretched
        if chosen is not None:
            self._last, self._new = chosen, None
            self.others = [p for p in candidates if p is not chosen]
        else:
            self.others = list(candidates)
        return chosen

    @property
    def locked(self) -> bool:
        """The coached person is chosen and fits the stretch (or no posture is asked for)."""
        return self._last is not None and self._locked

    def _recent(self, t_s: float) -> bool:
        return t_s - self._last.t_s <= self.reacquire_s

    def _standing_unfit(self, pose: Pose) -> bool:
        """Someone standing upright while the stretch is done on the floor (fit < UNFIT):
        the helper, with the person being stretched not (yet) detected by MediaPipe."""
        if not self.helper or self.scorer is None or self._locked or not standing(pose):
            return False
        return self.scorer(pose) < UNFIT

    def _refit(self, chosen: Pose | None) -> None:
        """Alone and not yet fitting the stretch: look again now and then (the posture
        score costs about a millisecond, so not every frame)."""
        self._unfit_calls += 1
        if chosen is not None and not self._locked and self.scorer and self._unfit_calls % 10 == 0:
            self._locked = self.scorer(chosen) >= FITS

    def _first(self, candidates: list[Pose]) -> Pose:
        """A new choice: the best posture fit (then size and centre); it locks once it fits."""
        if self.scorer is None or len(candidates) == 1:
            chosen = max(candidates, key=start_score)
            self._locked = self.scorer is None or self.scorer(chosen) >= FITS
            return chosen
        fits = [self.scorer(p) for p in candidates]
        best = max(range(len(candidates)), key=lambda i: (round(fits[i], 1), start_score(candidates[i])))
        self._locked = fits[best] >= FITS
        return candidates[best]

    def _limit(self, t_s: float) -> float:
        # a little more room after a short gap (the person kept moving while unseen),
        # never more than one body size: beyond that it is someone else
        gap = min(max(t_s - self._last.t_s, 0.0), 1.0)
        return self.max_jump + 0.5 * gap

    def _nearest(self, candidates: list[Pose], t_s: float) -> Pose | None:
        dists = [_jump(p, self._last) for p in candidates]
        best = int(np.argmin(dists))
        return candidates[best] if dists[best] <= self._limit(t_s) else None

    def _newcomer(self, candidates: list[Pose], t_s: float) -> Pose | None:
        """Alone, the coached person not where they were: the one person in view instead,
        once followed for NEWCOMER_S and fitting the stretch's posture (no posture asked:
        only after reacquire_s, as before)."""
        pose = candidates[0] if len(candidates) == 1 else None
        if pose is None or self.scorer is None:
            self._new = None
            return None
        if self._new is None or _jump(pose, self._new) > self.max_jump:
            self._new, self._new_since = pose, t_s
            return None
        self._new = pose
        if t_s - self._new_since < NEWCOMER_S or self.scorer(pose) < FITS:
            return None
        self._new, self._locked = None, True
        return pose

    def _continuing(self, candidates: list[Pose], t_s: float) -> Pose | None:
        """With others around: the candidate whose landmarks are nearest the coached
        person's last ones (a helper's centre can sit right over a lying patient's)."""
        dists = [shape_distance(p, self._last) for p in candidates]
        best = int(np.argmin(dists))
        return candidates[best] if dists[best] <= 0.5 * self._limit(t_s) else None

    def reset(self) -> None:
        self._last = self._new = None
        self._locked = False
        self._crowd_t = -np.inf
        self.others = []
