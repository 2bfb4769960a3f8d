"""Sides: which leg is nearest the camera, which side is stretched, and left/right swaps.

Anatomical sides throughout: "left" is the person's left. MediaPipe sometimes labels
the legs the wrong way round (a lunge seen from the back-leg side); `SwapCorrector`
detects that from continuity over time and from the face direction, and mirrors the
labels back, recording every change in `.events` so it never happens silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from posecheck.measure.geometry import cross2, nanmid, norm
from posecheck.pose.landmarks import INDEX, MIRROR, Pose
from posecheck.measure.viewcheck import width_ratio

Side = str  # "left" | "right"

_PAIRS = ("shoulder", "hip", "knee", "ankle")
# Landmarks whose labels a swap exchanges and whose motion continuity judges.
_LIMBS = np.array([INDEX[f"{s}_{p}"] for p in ("shoulder", "elbow", "wrist", "hip", "knee",
                                               "ankle", "heel", "foot_index")
                   for s in ("left", "right")])


def _pt(pose: Pose, name: str, min_visibility: float) -> np.ndarray:
    i = INDEX[name]
    return pose.xy[i] if pose.visibility[i] >= min_visibility else np.full(2, np.nan)


def _mid(pose: Pose, part: str, min_visibility: float) -> np.ndarray:
    return nanmid(_pt(pose, f"left_{part}", min_visibility), _pt(pose, f"right_{part}", min_visibility))


def torso_px(pose: Pose, min_visibility: float = 0.5) -> float:
    """Mid-shoulder to mid-hip distance in pixels (nan if unseen)."""
    return float(norm(_mid(pose, "shoulder", min_visibility) - _mid(pose, "hip", min_visibility)))


def face_vector(pose: Pose, min_visibility: float = 0.5) -> np.ndarray:
    """Image vector from the ears' midpoint to the nose (where the face points), nan if unseen.

    Label-invariant: it uses the nose and the MIDPOINT of the ears, so a left/right
    label swap does not change it.
    """
    nose = _pt(pose, "nose", min_visibility)
    ears = _mid(pose, "ear", min_visibility)
    return nose - ears


def facing_x(pose: Pose, min_visibility: float = 0.5, min_frac: float = 0.08) -> int:
    """+1 when the person faces image right (+x), -1 image left, 0 unknown.

    Needs the ear-to-nose offset along x to be at least `min_frac` torso lengths (a
    profile face); a face turned to the camera gives 0.
    """
    fx = float(face_vector(pose, min_visibility)[0])
    torso = torso_px(pose, min_visibility)
    if not np.isfinite(fx) or not np.isfinite(torso) or abs(fx) < min_frac * torso:
        return 0
    return 1 if fx > 0 else -1


_LI = np.array([INDEX[f"left_{p}"] for p in _PAIRS])
_RI = np.array([INDEX[f"right_{p}"] for p in _PAIRS])
_LEG = {s: [INDEX[f"{s}_{p}"] for p in ("hip", "knee", "ankle")] for s in ("left", "right")}


def near_side(pose: Pose, min_visibility: float = 0.5) -> Side | None:
    """The side (by label) whose leg is nearest the camera, or None when it is unclear
    (|near_side_score| <= 1). `min_visibility` is accepted for symmetry with the other
    measures; visibility itself is one of the votes."""
    score = near_side_score(pose)
    if score > 1.0:
        return "left"
    if score < -1.0:
        return "right"
    return None


def near_side_score(pose: Pose) -> float:
    """+ when the left side is nearer the camera, - the right; about 0 in a front view.

    Votes, each clipped to +-2 and summed: world z (MediaPipe: smaller = nearer; 8 cm
    difference = one vote), visibility (0.15 mean difference = one vote), apparent leg
    length in pixels (nearer looks bigger; 4 % = half a vote).
    """
    score = 0.0
    dz = pose.world[_RI, 2] - pose.world[_LI, 2]
    dz = dz[np.isfinite(dz)]
    if dz.size:
        score += min(2.0, max(-2.0, float(dz.mean()) / 0.08))
    dv = float((pose.visibility[_LI] - pose.visibility[_RI]).mean())
    score += min(2.0, max(-2.0, dv / 0.15))
    legs = [_leg_px(pose, s) for s in ("left", "right")]
    total = legs[0] + legs[1]
    if np.isfinite(total) and total > 0:
        score += 0.5 * min(2.0, max(-2.0, (legs[0] - legs[1]) / total / 0.04))
    return score


def _leg_px(pose: Pose, side: str) -> float:
    d = np.diff(pose.xy[_LEG[side]], axis=0)
    return float(np.sqrt((d * d).sum(-1)).sum())


def near_side_from_face(pose: Pose, min_visibility: float = 0.5) -> Side | None:
    """The anatomical side facing the camera, from label-invariant cues only.

    The body's up axis b (mid-hip -> mid-shoulder) and the face direction f (ears -> nose)
    fix the person's left as b x f; its depth sign says which side faces the camera
    (image x right, y down, z away: z < 0 = toward the camera). None unless the face is
    in profile and roughly perpendicular to the body axis (|sin| >= 0.5).
    """
    b = _mid(pose, "shoulder", min_visibility) - _mid(pose, "hip", min_visibility)
    f = face_vector(pose, min_visibility)
    nb, nf = float(norm(b)), float(norm(f))
    if not (np.isfinite(nb) and np.isfinite(nf)) or nb <= 0 or nf < 0.08 * nb:
        return None
    s = float(cross2(b, f)) / (nb * nf)
    if abs(s) < 0.5:
        return None
    return "left" if s < 0 else "right"


def stretched_side(values_left, values_right, pick: str = "min", margin: float = 0.0) -> Side | None:
    """The side whose value is smaller (pick='min') or larger ('max'), None if unclear.

    Values may be scalars or sequences (compared by their nan-mean); a difference not
    larger than `margin`, or a side with no known value, gives None.
    """
    if pick not in ("min", "max"):
        raise ValueError("pick must be 'min' or 'max'")
    a, b = (_nanmean(v) for v in (values_left, values_right))
    if not (np.isfinite(a) and np.isfinite(b)) or abs(a - b) <= margin:
        return None
    left_wins = a < b if pick == "min" else a > b
    return "left" if left_wins else "right"


def _nanmean(values) -> float:
    arr = np.asarray(values, dtype=float).ravel()
    arr = arr[np.isfinite(arr)]
    return float(arr.mean()) if arr.size else float("nan")


@dataclass
class SwapEvent:
    t_s: float
    swapped: bool  # the state after the event: True = labels now mirrored
    reason: str    # "continuity" or "face"


@dataclass
class SwapCorrector:
    """Undo MediaPipe left/right label swaps: `pose = corrector.correct(pose)` per frame.

    Continuity: the pose (with the current correction) is compared with the last
    corrected pose, as labelled and mirrored (mean limb-landmark distance in torso
    lengths). The labels flipped when the mirrored labelling matches the last pose
    closely (<= `max_match`: the body barely moved) while the labelling as given is
    off by `min_jump` or more and by more than 1/`ratio` times as much: a leg
    "teleported". The correction then toggles at once. A fast genuine movement does
    not match closely either way and overlapping legs match both ways, so neither
    gives evidence. After a side-view frame whose mirrored labelling is much the closer
    but not close (a swap in doubt), a flip of the next frame against it also needs the
    frame before it not to say "keep". After a gap longer than `max_gap_s` continuity is
    not used.
    Face: in a clear side view (2D shoulder/hip width <= `side_width` torso lengths),
    the side facing the camera by label (world z, visibility, size; |score| >=
    `min_near_score`) versus the one implied by the face direction (label-invariant);
    a disagreement on `face_frames` consecutive frames (hysteresis; frames without a
    verdict neither add nor reset) toggles too. `swapped` is True while output labels
    are mirrored; `events` logs every toggle.
    """

    ratio: float = 0.5
    min_jump: float = 0.15
    max_match: float = 0.1
    side_width: float = 0.35
    min_near_score: float = 1.5
    max_gap_s: float = 0.5
    face_frames: int = 8
    min_visibility: float = 0.3
    use_face: bool = True
    swapped: bool = False
    events: list[SwapEvent] = field(default_factory=list)
    _ref: Pose | None = field(default=None, repr=False)
    _before: Pose | None = field(default=None, repr=False)   # the reference before a swap in doubt
    _face_run: int = field(default=0, repr=False)

    def reset(self) -> None:
        self.swapped, self._ref, self._before, self._face_run = False, None, None, 0

    def correct(self, pose: Pose) -> Pose:
        cand = pose.mirrored() if self.swapped else pose
        verdict = self._continuity(cand, self._ref)
        if verdict == "flip" and self._before is not None and self._continuity(cand, self._before) == "keep":
            verdict = None      # back as before a swap in doubt: that frame was the odd one
        if verdict == "flip":
            cand = self._toggle(pose, "continuity")
        elif self.use_face:
            cand = self._face_check(pose, cand)
        self._before = self._ref if verdict == "doubt" else None
        self._ref = cand
        return cand

    # -- evidence ----------------------------------------------------------------
    def _continuity(self, cand: Pose, ref: Pose | None) -> str | None:
        if ref is None or cand.t_s - ref.t_s > self.max_gap_s:
            return None
        scale = torso_px(ref, self.min_visibility)
        if not np.isfinite(scale) or scale <= 0:
            return None
        ok = (cand.visibility[_LIMBS] >= self.min_visibility) & (ref.visibility[_LIMBS] >= self.min_visibility)
        ok_m = (cand.visibility[MIRROR][_LIMBS] >= self.min_visibility) & (ref.visibility[_LIMBS] >= self.min_visibility)
        if ok.sum() < 4 or ok_m.sum() < 4:
            return None
        keep = float(np.mean(norm(cand.xy[_LIMBS] - ref.xy[_LIMBS])[ok])) / scale
        flip = float(np.mean(norm(cand.xy[MIRROR][_LIMBS] - ref.xy[_LIMBS])[ok_m])) / scale
        if flip <= self.max_match and flip < self.ratio * keep and keep - flip >= self.min_jump:
            return "flip"
        if keep < self.ratio * flip and flip - keep >= self.min_jump:
            return "keep"
        # the legs jumped to about where the other leg was, not closely enough to be sure
        # it is a swap: the next frame is compared with the frame before this one too (a
        # one-frame swap the model undoes reads as a swap back against this frame alone:
        # a lunge's knees traded for 0.13 s)
        if flip < self.ratio * keep and keep - flip >= self.min_jump and width_ratio(cand) <= self.side_width:
            return "doubt"     # in side views only: a front view's legs lie close to their mirror
        return None

    def _face_check(self, pose: Pose, cand: Pose) -> Pose:
        if not width_ratio(cand) <= self.side_width:  # 3/4 and front views: face cue unreliable
            return cand
        score = near_side_score(cand)
        labelled = "left" if score >= self.min_near_score else "right" if score <= -self.min_near_score else None
        anatomical = near_side_from_face(cand, self.min_visibility)
        if labelled is None or anatomical is None:
            return cand
        if labelled == anatomical:
            self._face_run = 0
            return cand
        self._face_run += 1
        if self._face_run >= self.face_frames:
            return self._toggle(pose, "face")
        return cand

    def _toggle(self, pose: Pose, reason: str) -> Pose:
        self.swapped = not self.swapped
        self._face_run = 0
        self.events.append(SwapEvent(pose.t_s, self.swapped, reason))
        return pose.mirrored() if self.swapped else pose
