"""The legs of a person lying on their back, one raised straight: which label is which.

MediaPipe tells a lying person's legs apart poorly when one is raised (seen side-on the
two hips project onto one point): it labels the raised leg as the other one, or puts the
resting leg's landmarks on or beside the raised one. These pure functions name the raised leg by label,
exchange the legs' labels (the rest of the body keeps its own) and mark a leg unseen.
Which leg *should* be raised is decided by run/people.py (the one the helper lifts).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from posecheck.pose.landmarks import INDEX, LANDMARKS, Pose

LEG_PARTS = ("hip", "knee", "ankle", "heel", "foot_index")
RAISED_HIP = 150.0     # deg: a hip flexed below this lifts its leg off the floor
STRAIGHT_KNEE = 140.0  # deg: a knee above this is straight (a raised leg, not a knee hug)
APART = 40.0           # deg of hip angle between a raised leg and a resting one
MIN_APART = 10.0       # deg between two raised legs for one to count as the higher

_SWAP = np.array([INDEX[n.replace("left", "@").replace("right", "left").replace("@", "right")]
                  if any(n.endswith(p) for p in LEG_PARTS) else i for i, n in enumerate(LANDMARKS)])


def legs_swapped(pose: Pose) -> Pose:
    """The pose with the two legs' labels exchanged; shoulders, arms and face as they were."""
    return replace(pose, xy=pose.xy[_SWAP], xy_norm=pose.xy_norm[_SWAP], world=pose.world[_SWAP],
                   visibility=pose.visibility[_SWAP], presence=pose.presence[_SWAP])


def leg_hidden(pose: Pose, side: str) -> Pose:
    """The pose with one leg below the hip unseen (visibility 0): its place is unknown."""
    vis = pose.visibility.copy()
    vis[[INDEX[f"{side}_{p}"] for p in LEG_PARTS[1:]]] = 0.0
    return replace(pose, visibility=vis)


def _angle(pose: Pose, a: str, b: str, c: str) -> float:
    # pose/ sits below measure/ (tests/test_layers.py), so not measure.geometry.angle_at
    u, v = pose.point(a) - pose.point(b), pose.point(c) - pose.point(b)
    cos = float(u @ v) / max(float(np.linalg.norm(u) * np.linalg.norm(v)), 1e-9)
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def _raised_straight(pose: Pose, side: str) -> bool:
    return (hip_angle(pose, side) < RAISED_HIP
            and _angle(pose, f"{side}_hip", f"{side}_knee", f"{side}_ankle") > STRAIGHT_KNEE)


def hip_angle(pose: Pose, side: str) -> float:
    """Shoulder-hip-knee angle in the picture, degrees (180: the leg in line with the trunk)."""
    return _angle(pose, f"{side}_shoulder", f"{side}_hip", f"{side}_knee")


def raised_label(pose: Pose) -> str | None:
    """The label of the leg raised straight and higher than the other (hip angles APART or
    more; with both raised, MIN_APART), None when neither is or they are level."""
    hips = {s: hip_angle(pose, s) for s in ("left", "right")}
    for side, other in (("left", "right"), ("right", "left")):
        both = hips[other] < RAISED_HIP
        if _raised_straight(pose, side) and hips[other] - hips[side] >= (MIN_APART if both else APART):
            return side
    return None


def straight_leg_up(pose: Pose) -> bool:
    """A leg raised straight (a straight-leg raise, not both knees hugged)."""
    return _raised_straight(pose, "left") or _raised_straight(pose, "right")


_LEG_IDX = np.array([INDEX[f"{s}_{p}"] for s in ("left", "right") for p in LEG_PARTS])


def first_sight_held(pose: Pose, before: np.ndarray | None, min_visibility: float = 0.5) -> Pose:
    """The pose with each leg landmark that was unseen on the frame before (`before`: that
    frame's visibility, None: no pose then) held unseen for this frame. Beside a helper
    MediaPipe puts a hidden far leg somewhere wrong for single frames; a leg that is
    really there is seen again on the next one."""
    if before is None:
        return pose
    new = (pose.visibility[_LEG_IDX] >= min_visibility) & (before[_LEG_IDX] < min_visibility)
    if not new.any():
        return pose
    vis = pose.visibility.copy()
    vis[_LEG_IDX[new]] = 0.0
    return replace(pose, visibility=vis)
