"""How the body is oriented: lying face up / face down / on the side, kneeling, on hands and
knees, seated or standing.

A person tells these apart first, before looking at any limb, from where the face and the
chest point and how steep the trunk is. MediaPipe's world landmarks (metres, hip-centred,
y pointing down like the image for a level camera) give those directly, whatever the
camera's side or yaw:

- facing_up: where the face (ears -> nose) and the chest (the normal of the shoulder axis
  and the spine) point, as the mean of their upward components: +1 face up, -1 face down,
  ~0 upright or on the side. The nose alone does not depend on the left/right labels; the
  chest normal flips with them, so the nose decides when the two disagree.
- trunk_rise: the spine (mid-hip -> mid-shoulder) above the horizontal, degrees: 90 upright,
  0 lying, negative with the head below the hips (bridge, child's pose); trunk_bend_forward /
  trunk_bend_side split an upright trunk's tilt into a hinge and a side bend.

`memberships(values)` scores every orientation in [0, 1] from these and the floor heights
of `metrics` (a soft band per feature, the weakest one counts). Pure numpy.
"""

from __future__ import annotations

import math

import numpy as np

from posecheck.pose.landmarks import INDEX, Pose

# Soft bands per orientation: feature -> (lo, hi); membership falls to 0 at TOL outside.
# knee_low: the lower knee's height above the floor (torso lengths); knee_max: the
# straighter knee's angle (degrees).
ORIENTATIONS: dict[str, dict[str, tuple[float, float]]] = {
    "face-up": {"facing_up": (0.45, 1.0), "trunk_rise": (-50.0, 35.0)},
    "face-down": {"facing_up": (-1.0, -0.45), "trunk_rise": (-50.0, 35.0), "knee_max": (140.0, 180.0)},
    "side-lying": {"facing_up": (-0.3, 0.3), "trunk_rise": (-30.0, 30.0), "shoulder_floor": (-9.0, 0.6)},
    "kneeling": {"facing_up": (-1.0, 0.35), "knee_low": (-9.0, 0.35), "knee_max": (0.0, 125.0),
                 "hip_floor": (0.2, 9.0)},
    "hands-and-knees": {"facing_up": (-1.0, 0.35), "trunk_rise": (-30.0, 35.0),
                        "knee_max": (65.0, 135.0), "hip_floor": (0.75, 1.9)},
    "seated": {"trunk_rise": (30.0, 100.0), "hip_floor": (-9.0, 0.55), "shoulder_floor": (0.8, 2.4)},
    "standing": {"hip_floor": (1.3, 9.0), "knee_max": (145.0, 180.0), "trunk_rise": (30.0, 100.0)},
}
# kneeling with the trunk level and the hips high is on hands and knees, with the hips on
# the floor and the trunk up it is sitting: "kneeling" is scored as neither of those too
# (child's pose keeps its hips low, on the heels, but the trunk down)
NOT = {"kneeling": ("hands-and-knees", "seated")}
TOL = {"facing_up": 0.3, "trunk_rise": 15.0, "knee_max": 15.0, "knee_low": 0.15,
       "hip_floor": 0.15, "shoulder_floor": 0.15}
UNSEEN = 0.5   # membership of a feature that cannot be measured: not evidence either way


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 and np.isfinite(n) else np.full(3, np.nan)


def features(pose: Pose) -> dict[str, float]:
    """facing_up (-1..1), face_up, chest_up (its two parts) and trunk_rise (degrees) from the
    world landmarks; nan when they are not finite."""
    w = pose.world

    def mid(part: str) -> np.ndarray:
        return (w[INDEX[f"left_{part}"]] + w[INDEX[f"right_{part}"]]) / 2

    spine = _unit(mid("shoulder") - mid("hip"))
    face = _unit(w[INDEX["nose"]] - mid("ear"))
    chest = _unit(np.cross(w[INDEX["left_shoulder"]] - w[INDEX["right_shoulder"]], spine))
    face_up, chest_up = -float(face[1]), -float(chest[1])
    rise = math.degrees(math.asin(float(np.clip(-spine[1], -1, 1)))) if np.isfinite(spine).all() else math.nan
    # the trunk's bend split into forward (a hinge) and sideways (a side bend): the spine
    # against the pelvis's own axes, unsigned (the labels may swap), 0 upright
    lateral = _unit(w[INDEX["left_hip"]] - w[INDEX["right_hip"]])
    fwd = _unit(np.cross(lateral, [0.0, -1.0, 0.0]))
    up = -float(spine[1])
    bend = {"trunk_bend_forward": abs(math.degrees(math.atan2(float(spine @ fwd), up))),
            "trunk_bend_side": abs(math.degrees(math.atan2(float(spine @ lateral), up)))}
    return {"facing_up": facing(face_up, chest_up), "face_up": face_up, "chest_up": chest_up,
            "trunk_rise": rise, **bend}


def facing(face_up: float, chest_up: float) -> float:
    """The mean of the two, unless they disagree in sign (a left/right label swap flips the
    chest): then the face alone."""
    if math.isnan(chest_up):
        return face_up
    if math.isnan(face_up):
        return chest_up
    if face_up * chest_up < 0 and abs(face_up) > 0.3:
        return face_up
    return (face_up + chest_up) / 2


def soft(value: float, lo: float, hi: float, tol: float) -> float:
    """1 inside [lo, hi], falling linearly to 0 at `tol` outside; nan stays nan."""
    d = max(lo - value, value - hi, 0.0)
    return min(max(1.0 - d / tol, 0.0), 1.0) if not math.isnan(value) else math.nan


def orientation_features(values: dict) -> dict[str, float]:
    """The features ORIENTATIONS reads, from a metrics dict."""
    get = values.get
    kl, kr = get("knee_floor_left", math.nan), get("knee_floor_right", math.nan)
    knees = [k for k in (kl, kr) if not math.isnan(k)]
    angles = [a for a in (get("knee_left", math.nan), get("knee_right", math.nan)) if not math.isnan(a)]
    return {"facing_up": get("facing_up", math.nan), "trunk_rise": get("trunk_rise", math.nan),
            "knee_low": min(knees) if knees else math.nan, "knee_max": max(angles) if angles else math.nan,
            "hip_floor": get("hip_floor", math.nan), "shoulder_floor": get("shoulder_floor", math.nan)}


def memberships(values: dict) -> dict[str, float]:
    """Every orientation's membership in [0, 1] for one frame's metrics."""
    feats = orientation_features(values)
    out = {}
    for name, bands in ORIENTATIONS.items():
        worst = 1.0
        for f, (lo, hi) in bands.items():
            m = soft(feats[f], lo, hi, TOL[f])
            worst = min(worst, UNSEEN if math.isnan(m) else m)
        out[name] = worst
    for name, others in NOT.items():
        out[name] = min(out[name], *(1.0 - out[o] for o in others))
    return out


def orientation(values: dict) -> tuple[str | None, float]:
    """The best orientation and its membership (None when nothing reaches 0.5)."""
    m = memberships(values)
    best = max(m, key=m.get)
    return (best if m[best] >= 0.5 else None), m[best]
