"""Posture: is the person lying face up, seated, half-kneeling, on hands and knees, standing...?

Shared by recognition (the posture gate of `--stretch auto`) and the set-up check of `live`
(is the person in the stretch's starting position before any timing starts). Two layers:

- orientation (`measure.orientation`): which way the face and chest point and how steep the
  trunk is; every catalogue stretch declares it (`orientation = "face-up"`, ...);
- posture: finer soft bands on the floor heights, the trunk's lean and the knees (half-kneeling
  is not child's pose, though both kneel), named by the catalogue's `position` text.

A stretch's fit is the weaker of the two.
"""

from __future__ import annotations

import math

import numpy as np

from posecheck.coach.catalog.schema import Stretch
from posecheck.measure import orientation as orient

# Postures: soft bands on posture features (torso lengths above the floor, degrees).
# knee_low / knee_gap: the lower knee's height and how much higher the other one is.
POSTURES: dict[str, dict[str, tuple[float, float]]] = {
    "lying": {"shoulder_floor": (-9, 0.4), "trunk_lean": (50, 130)},
    "seated": {"hip_floor": (-9, 0.7), "shoulder_floor": (0.8, 2.2), "trunk_lean": (0, 60)},
    "half-kneeling": {"trunk_lean": (0, 45), "hip_floor": (0.4, 1.4), "shoulder_floor": (1.1, 2.6),
                      "knee_low": (-9, 0.5), "knee_gap": (0.35, 9)},
    "hands-and-knees": {"trunk_lean": (50, 130), "hip_floor": (0.6, 1.8), "shoulder_floor": (0.85, 1.9)},
    "forearms-and-toes": {"trunk_lean": (50, 130), "hip_floor": (0.15, 1.2), "shoulder_floor": (0.45, 1.4)},
    "kneeling-folded": {"trunk_lean": (55, 180), "hip_floor": (0.25, 1.2), "shoulder_floor": (-9, 0.9)},
    "standing": {"hip_floor": (1.3, 9), "knee_max": (150, 180)},
}
# `position` text -> posture, first match wins ("half-kneeling" before "kneeling")
POSTURE_WORDS = (("half-kneeling", "half-kneeling"), ("hands and knees", "hands-and-knees"),
                 ("forearms", "forearms-and-toes"), ("folded", "kneeling-folded"),
                 ("lying", "lying"), ("seated", "seated"), ("sitting", "seated"),
                 ("standing", "standing"))
POSTURE_TOL = {"deg": 15.0, "torso": 0.15}
FEATURES = ("shoulder_floor", "hip_floor", "trunk_lean", "knee_low", "knee_gap", "knee_max")
# the orientation a posture implies, for a stretch file that declares none
ORIENTATION_OF = {"lying": "face-up", "seated": "seated", "half-kneeling": "kneeling",
                  "hands-and-knees": "hands-and-knees", "forearms-and-toes": "face-down",
                  "kneeling-folded": "kneeling", "standing": "standing"}

# What to say when the person is not in the stretch's starting position.
PROMPTS = {
    "lying": "Lie on your back",
    "seated": "Sit on the floor",
    "half-kneeling": "Kneel on one knee, the other foot forward",
    "hands-and-knees": "Get on your hands and knees",
    "forearms-and-toes": "Get on your forearms and toes",
    "kneeling-folded": "Kneel and sit back on your heels",
    "standing": "Stand up, feet hip-width apart",
}
ORIENTATION_PROMPTS = {
    "face-up": "Lie on your back, face up",
    "face-down": "Turn face down",
    "side-lying": "Lie on your side",
    "kneeling": "Kneel down",
    "hands-and-knees": "Get on your hands and knees",
    "seated": "Sit on the floor",
    "standing": "Stand up, feet hip-width apart",
}
IN_POSTURE = 0.5   # membership at or above which the person counts as in the posture
CLEAR_ORIENTATION = 0.9   # an orientation this sure (not 0.5 "unseen") needs no floor bands


def posture_of(stretch: Stretch) -> str | None:
    """The stretch's posture from its catalogue `position` text (None: not gated)."""
    text = stretch.position.lower()
    return next((p for word, p in POSTURE_WORDS if word in text), None)


def orientation_of(stretch: Stretch) -> str | None:
    """The catalogue's `orientation`, else the one its posture implies (None: not gated)."""
    return stretch.orientation or ORIENTATION_OF.get(posture_of(stretch) or "")


def soft(value: np.ndarray, lo: np.ndarray, hi: np.ndarray, tol: np.ndarray) -> np.ndarray:
    """1 inside [lo, hi], falling linearly to 0 at `tol` outside; nan stays nan."""
    d = np.maximum(np.maximum(lo - value, value - hi), 0.0)
    return np.clip(1.0 - d / tol, 0.0, 1.0)


def memberships(values: dict) -> dict[str, float]:
    """Membership in [0, 1] of every posture; an unseen feature counts 0.5 (not evidence)."""
    get = values.get
    kl, kr = get("knee_floor_left", math.nan), get("knee_floor_right", math.nan)
    low = min(kl, kr) if not (math.isnan(kl) or math.isnan(kr)) else math.nan
    knee = max(get("knee_left", math.nan), get("knee_right", math.nan))
    feats = {"shoulder_floor": get("shoulder_floor", math.nan), "hip_floor": get("hip_floor", math.nan),
             "trunk_lean": get("trunk_lean", math.nan), "knee_low": low, "knee_gap": abs(kl - kr),
             "knee_max": knee}
    out = {}
    for name, bands in POSTURES.items():
        worst = 1.0
        for f, (lo, hi) in bands.items():
            tol = POSTURE_TOL["deg" if f in ("trunk_lean", "knee_max") else "torso"]
            m = orient.soft(feats[f], lo, hi, tol)
            worst = min(worst, 0.5 if math.isnan(m) else m)
        out[name] = worst
    return out


def gates_of(stretches: list[Stretch]) -> list[tuple[str | None, str | None]]:
    """(posture, orientation) of each stretch, as `fits` reads them."""
    return [(posture_of(s), orientation_of(s)) for s in stretches]


def fits(values: dict, gates: list[tuple[str | None, str | None]]) -> np.ndarray:
    """Each stretch's fit in [0, 1] (gates: `gates_of`): the weaker of its posture's and its
    orientation's membership (1 for what a stretch does not declare)."""
    post, ori = memberships(values), orient.memberships(values)
    return np.array([_fit(post, ori, p, o) for p, o in gates])


def _fit(post: dict, ori: dict, want: str | None, facing: str | None) -> float:
    """As `posture_problem` reads them: a clear orientation that the posture does not refine
    settles it (face up *is* lying: the floor-height bands misread a camera off the side)."""
    faced = ori[facing] if facing else 1.0
    if want is None or (faced >= CLEAR_ORIENTATION and not refines(want, facing)):
        return faced
    return min(post[want], faced)


def posture_problem(values: dict | None, stretch: Stretch) -> str | None:
    """None when the person is in the stretch's starting position, else what to do about it:
    the orientation first (face up, kneeling...), then the finer posture."""
    want, facing = posture_of(stretch), orientation_of(stretch)
    if want is None and facing is None:
        return None
    if values is None:
        return PROMPTS[want] if want else ORIENTATION_PROMPTS[facing]
    faced = orient.memberships(values)[facing] if facing is not None else 0.0
    if facing is not None and faced < IN_POSTURE:
        return ORIENTATION_PROMPTS[facing]
    settled = faced >= CLEAR_ORIENTATION and not refines(want, facing)
    if want is not None and not settled and memberships(values)[want] < IN_POSTURE:
        return PROMPTS[want]
    return None


def refines(posture: str | None, facing: str | None) -> bool:
    """Does the posture say more than the orientation met? Only where two postures share
    it (half-kneeling vs folded, both "kneeling"): face up *is* lying, and the floor-height
    bands misread a person lying with knees bent when the camera looks down at the mat."""
    if facing is None or ORIENTATION_OF.get(posture) != facing:
        return True
    return sum(1 for o in ORIENTATION_OF.values() if o == facing) > 1
