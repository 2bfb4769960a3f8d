"""Several people in frame: who is coached (posture fit), who helps, what the helper hides.

The tracker in pose/ cannot import the coach, so the posture fit is built here and handed
to it as a scorer. `Helpers` follows the other person (a partner stretch's helper) frame by
frame: their pose for the overlay and the helper metrics, and how long one was present.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from posecheck.coach.posture import memberships, posture_of
from posecheck.measure import metrics
from posecheck.measure.sides import near_side_from_face
from posecheck.pose.landmarks import Pose
from posecheck.pose.legs import (FIRST_FRAME, RAISED_HIP, LegTrust, hip_angle, leg_hidden, leg_holds, legs_swapped,
                                 raised_label, straight_leg_up)
from posecheck.pose.occlusion import front_margin, hide_covered
from posecheck.pose.tracking import Scorer

FRONT_S = 5.0       # s of frames whose median says whether the helper stands in front of the mat
LIFT_FRONT = 0.15   # that median's front_margin above this: in front (behind 0.01-0.08, front 0.26+)
RESIGHT_S = 0.8     # s the far leg, unseen beside a helper, must be seen again before it counts
JUMP_S = 0.15       # s a leg landmark that jumped beside a helper must stay put before it counts
FLOOR_BONUS = 0.4   # auto: standing fits count this much less than floor postures
# Look for a second person on solo stretches too (pose/second.py): its probe runs on a thread
# of its own, so one person alone runs at 0.95-1.04 of one-person tracking's fps (CPU time
# 2-9% more, on the second core; BENCHMARKS.md (8)). bench/people_cost.py switches it per run.
SOLO_LOOK = True


def posture_scorer(stretches) -> Scorer | None:
    """A candidate's fit to the posture of the stretch (or, for `--stretch auto`, of any
    catalogue stretch). With auto, someone on the floor outranks someone standing: when
    one person lies or kneels and another stands over them, the standing one helps."""
    wanted = {p for s in stretches if (p := posture_of(s)) is not None}
    if not wanted:
        return None
    many = len(stretches) > 1

    def fit(pose: Pose) -> float:
        m = memberships(metrics.measure(pose))
        return max(m[p] - (FLOOR_BONUS if many and p == "standing" else 0.0) for p in wanted)

    return fit


class Helpers:
    """The helper of each frame (the other person nearest the coached one) and its time.
    Where the helper stands (in front of the mat or behind it) is the median of the last
    FRONT_S: one frame's feet say little when the helper stands close to the body line.
    Once a helper was seen, a leg landmark seen again after being unseen counts from the
    next frame, the far leg's after RESIGHT_S, one that jumped after JUMP_S (`LegTrust`),
    with or without the helper in that frame: a near leg the helper lifts into view is
    really there."""

    def __init__(self) -> None:
        self.frames = 0
        self._legs = LegTrust(JUMP_S)   # used once a helper was seen
        self._front: deque[tuple[float, bool]] = deque()

    def split(self, pose: Pose | None, others: list[Pose]) -> tuple[Pose | None, Pose | None, list[str]]:
        """(coached pose with hidden landmarks unseen, helper or None, hidden landmark names)."""
        helper = max(others, key=lambda p: _area(p)) if others else None
        self.frames += helper is not None
        hidden: list[str] = []
        front = self._in_front(pose, helper) if pose is not None else None
        if front is not None:       # a helper missed for a frame or two has not moved away
            pose = lifted_leg_kept(pose, front)
        if pose is not None and self.frames:
            pose = self._legs.apply(pose, _holds(pose))
        else:
            self._legs.reset()
        if pose is not None and helper is not None:
            pose, hidden = hide_covered(pose, [helper])
        return pose, helper, hidden

    def _in_front(self, patient: Pose, helper: Pose | None) -> bool | None:
        """Does the helper stand in front of the mat (None: no helper in the last FRONT_S)?"""
        if helper is not None:
            self._front.append((patient.t_s, front_margin(patient, helper)))
        while self._front and self._front[0][0] < patient.t_s - FRONT_S:
            self._front.popleft()
        if not self._front:
            return None
        return float(np.median([m for _, m in self._front])) > LIFT_FRONT

    def summary(self, fps: float) -> dict:
        return {"present_s": round(self.frames / fps, 3) if fps > 0 else 0.0}


def lifted_side(patient: Pose, front: bool) -> str | None:
    """The patient's side whose leg the helper lifts: the leg closest to them (the seeds'
    partner hamstring stretch), so the side facing the camera (read from the face, which
    no leg label touches) when the helper stands in front of the mat, else the other."""
    near = near_side_from_face(patient)
    if near is None:
        return None
    return near if front else ("right" if near == "left" else "left")


def lifted_leg_kept(patient: Pose, front: bool) -> Pose:
    """One leg raised straight beside a helper (`front`: standing in front of the mat): the
    labels MediaPipe gave it put right (it often calls the raised leg the other one). With
    the helper in front, the resting leg is the far one, behind the raised leg and the
    helper: MediaPipe puts it anywhere (on the raised leg, half raised), so unless it lies
    flat it is unseen, not raised."""
    if not straight_leg_up(patient):
        return patient
    side = lifted_side(patient, front)
    if side is None:
        return patient
    label = raised_label(patient)
    if label is not None and label != side:
        patient = legs_swapped(patient)
    other = "right" if side == "left" else "left"
    if front and hip_angle(patient, other) < RAISED_HIP:
        return leg_hidden(patient, other)
    return patient


def _holds(patient: Pose) -> np.ndarray:
    near = near_side_from_face(patient)
    return leg_holds(*(FIRST_FRAME if near == side else RESIGHT_S for side in ("left", "right")))


def _area(p: Pose) -> float:
    x0, y0, x1, y1 = p.bbox()
    return (x1 - x0) * (y1 - y0)
