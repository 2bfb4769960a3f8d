"""Key poses as data: joint angles (degrees, see skeleton.py) and floor contacts to solve.

Sided poses are written for the LEFT side: the stretched side for holds (side-bend too: it
bends AWAY from the stretched side), the kneeling leg for the hip-flexor lunge;
`keypose(name, "right")` mirrors.
`contacts` lists (angles moved together, segments that must touch the floor): the angles get
a common offset, found by bisection, that brings those segments down to the floor.
"""

from __future__ import annotations

from posecheck.errors import UsageError

SUPINE = {"pitch": -90.0, "shoulder_abd_l": 12.0, "shoulder_abd_r": 12.0}
HOOK_LEGS = {"hip_flex_l": 45.0, "knee_flex_l": 90.0, "ankle_flex_l": 45.0,
             "hip_flex_r": 45.0, "knee_flex_r": 90.0, "ankle_flex_r": 45.0}
FEET_DOWN = [(("hip_flex_l",), ("foot_l",)), (("hip_flex_r",), ("foot_r",))]
QUAD = {"pitch": 90.0, "hip_flex_l": 90.0, "hip_flex_r": 90.0, "knee_flex_l": 90.0,
        "knee_flex_r": 90.0, "ankle_flex_l": -80.0, "ankle_flex_r": -80.0,
        "shoulder_flex_l": 90.0, "shoulder_flex_r": 90.0}
HANDS_DOWN = [(("pitch",), ("hand_l", "hand_r"))]
HUG = {"shoulder_flex_l": 45.0, "shoulder_flex_r": 45.0, "elbow_flex_l": 80.0, "elbow_flex_r": 80.0}
CHILD = {"pitch": 35.0, "trunk_flex": 60.0, "neck_flex": 15.0,
         "hip_flex_l": 100.0, "hip_flex_r": 100.0, "knee_flex_l": 155.0,
         "knee_flex_r": 155.0, "ankle_flex_l": -85.0, "ankle_flex_r": -85.0,
         "shoulder_flex_l": 175.0, "shoulder_flex_r": 175.0,
         "elbow_flex_l": 5.0, "elbow_flex_r": 5.0}
ARMS_DOWN = [(("pitch",), ("hand_l", "hand_r", "farm_l", "farm_r"))]
STAND = {"shoulder_abd_l": 8.0, "shoulder_abd_r": 8.0, "elbow_flex_l": 8.0, "elbow_flex_r": 8.0}


def _p(*parts: dict, contacts=()) -> dict:
    angles: dict = {}
    for part in parts:
        angles.update(part)
    return {"angles": angles, "contacts": list(contacts)}


POSES: dict[str, dict] = {
    "standing": _p(STAND),
    "standing-arms-crossed": _p(STAND, {"shoulder_flex_l": 35.0, "shoulder_flex_r": 35.0,
                                        "shoulder_abd_l": 20.0, "shoulder_abd_r": 20.0,
                                        "elbow_flex_l": 115.0, "elbow_flex_r": 115.0}),
    "standing-shift": _p(STAND, {"roll": 4.0, "trunk_side": -4.0, "hip_abd_l": 4.0,
                                 "knee_flex_r": 12.0, "hip_flex_r": 8.0, "neck_turn": 20.0}),
    "supine": _p(SUPINE),
    "hook-lying": _p(SUPINE, HOOK_LEGS, contacts=FEET_DOWN),
    "knee-to-chest": _p(SUPINE, HOOK_LEGS, HUG, {"hip_flex_l": 125.0, "knee_flex_l": 115.0,
                                                 "ankle_flex_l": 10.0},
                        contacts=FEET_DOWN[1:]),
    "knee-to-chest-other-leg-lifted": _p(SUPINE, HOOK_LEGS, HUG, {
        "hip_flex_l": 125.0, "knee_flex_l": 115.0, "ankle_flex_l": 10.0,
        "hip_flex_r": 80.0, "knee_flex_r": 85.0, "ankle_flex_r": 10.0}),
    "double-knee-to-chest": _p(SUPINE, HUG, {
        "hip_flex_l": 120.0, "knee_flex_l": 120.0, "hip_flex_r": 120.0, "knee_flex_r": 120.0,
        "ankle_flex_l": 10.0, "ankle_flex_r": 10.0, "neck_flex": 10.0}),
    "supine-hamstring": _p(SUPINE, {"hip_flex_l": 80.0, "ankle_flex_l": 10.0,
                                    "shoulder_flex_l": 35.0, "shoulder_flex_r": 35.0,
                                    "elbow_flex_l": 10.0, "elbow_flex_r": 10.0}),
    "supine-hamstring-bent-knee": _p(SUPINE, {"hip_flex_l": 65.0, "knee_flex_l": 50.0,
                                              "ankle_flex_l": 10.0,
                                              "shoulder_flex_l": 45.0, "shoulder_flex_r": 45.0,
                                              "elbow_flex_l": 15.0, "elbow_flex_r": 15.0}),
    "half-kneeling": _p({"hip_flex_l": 0.0, "knee_flex_l": 90.0, "ankle_flex_l": -60.0,
                         "hip_flex_r": 90.0, "knee_flex_r": 90.0,
                         "shoulder_flex_l": 25.0, "shoulder_flex_r": 25.0,
                         "elbow_flex_l": 20.0, "elbow_flex_r": 20.0},
                        contacts=[(("hip_flex_r",), ("foot_r",))]),
    "hip-flexor-lunge": _p({"hip_flex_l": -25.0, "knee_flex_l": 65.0, "ankle_flex_l": -60.0,
                            "hip_flex_r": 80.0, "knee_flex_r": 85.0, "ankle_flex_r": 5.0,
                            "shoulder_flex_l": 30.0, "shoulder_flex_r": 30.0,
                            "elbow_flex_l": 25.0, "elbow_flex_r": 25.0},
                           contacts=[(("hip_flex_r",), ("foot_r",))]),
    "hip-flexor-lunge-shallow": _p({"hip_flex_l": -15.0, "knee_flex_l": 75.0, "ankle_flex_l": -60.0,
                                    "hip_flex_r": 85.0, "knee_flex_r": 88.0, "ankle_flex_r": 5.0,
                                    "shoulder_flex_l": 30.0, "shoulder_flex_r": 30.0,
                                    "elbow_flex_l": 25.0, "elbow_flex_r": 25.0},
                                   contacts=[(("hip_flex_r",), ("foot_r",))]),
    # the fault: trunk pitched ~38° forward; the back hip keeps ~10° of extension (a lean that
    # flexed it past the trunk line gave a spurious ease-off instead of trunk-upright)
    "hip-flexor-lunge-leaning": _p({"pitch": 25.0, "trunk_flex": 25.0, "hip_flex_l": -25.0,
                                    "knee_flex_l": 65.0, "ankle_flex_l": -60.0,
                                    "hip_flex_r": 100.0, "knee_flex_r": 85.0, "ankle_flex_r": 5.0,
                                    "shoulder_flex_l": 60.0, "shoulder_flex_r": 60.0,
                                    "elbow_flex_l": 15.0, "elbow_flex_r": 15.0},
                                   contacts=[(("hip_flex_r",), ("foot_r",))]),
    "spinal-twist": _p(SUPINE, {"hip_flex_l": 75.0, "knee_flex_l": 95.0, "hip_flex_r": 75.0,
                                "knee_flex_r": 95.0, "spin": 80.0, "trunk_twist": -80.0,
                                "shoulder_abd_l": 85.0, "shoulder_abd_r": 85.0},
                       contacts=[(("spin", "trunk_twist"), ("chest", "uarm_l", "uarm_r"))]),
    "quadruped": _p(QUAD, contacts=HANDS_DOWN),
    "cat": _p(QUAD, {"trunk_flex": 30.0, "neck_flex": 40.0, "shoulder_flex_l": 115.0,
                     "shoulder_flex_r": 115.0}, contacts=HANDS_DOWN),
    "cow": _p(QUAD, {"trunk_flex": -25.0, "neck_flex": -40.0, "shoulder_flex_l": 70.0,
                     "shoulder_flex_r": 70.0}, contacts=HANDS_DOWN),
    # real people move less: a mild cat, and a cow that never lifts the head above the
    # shoulders (the belly sinks a little, the head stays level)
    "cat-mild": _p(QUAD, {"trunk_flex": 15.0, "neck_flex": 20.0, "shoulder_flex_l": 100.0,
                          "shoulder_flex_r": 100.0}, contacts=HANDS_DOWN),
    "cow-mild": _p(QUAD, {"trunk_flex": -6.0, "neck_flex": 5.0, "shoulder_flex_l": 85.0,
                          "shoulder_flex_r": 85.0}, contacts=HANDS_DOWN),
    # figure-4: the left ankle rests across the front of the right thigh just above the knee
    # (angles fitted so the ankle lands there; the hip is flexed, abducted, externally rotated)
    "piriformis": _p(SUPINE, {"hip_flex_r": 100.0, "knee_flex_r": 90.0, "ankle_flex_r": 10.0,
                              "hip_flex_l": 110.0, "hip_abd_l": 32.0, "hip_rot_l": -80.0,
                              "knee_flex_l": 120.0,
                              "shoulder_flex_l": 55.0, "shoulder_flex_r": 55.0,
                              "elbow_flex_l": 40.0, "elbow_flex_r": 40.0}),
    "childs-pose": _p(CHILD, contacts=ARMS_DOWN),
    # not all the way back: hips well off the heels, trunk less folded
    "childs-pose-partial": _p(CHILD, {"pitch": 45.0, "trunk_flex": 45.0, "hip_flex_l": 95.0,
                                      "hip_flex_r": 95.0, "knee_flex_l": 130.0, "knee_flex_r": 130.0,
                                      "shoulder_flex_l": 165.0, "shoulder_flex_r": 165.0},
                              contacts=ARMS_DOWN),
    "bridge": _p(SUPINE, {"pitch": -115.0, "knee_flex_l": 95.0, "knee_flex_r": 95.0,
                          "ankle_flex_l": 10.0, "ankle_flex_r": 10.0},
                 contacts=[(("pitch",), ("foot_l", "foot_r"))]),
    "forearm-kneeling": _p({"pitch": 75.0, "hip_flex_l": 40.0, "hip_flex_r": 40.0,
                            "knee_flex_l": 90.0, "knee_flex_r": 90.0,
                            "ankle_flex_l": -60.0, "ankle_flex_r": -60.0,
                            "shoulder_flex_l": 75.0, "shoulder_flex_r": 75.0,
                            "elbow_flex_l": 90.0, "elbow_flex_r": 90.0},
                           contacts=[(("pitch",), ("farm_l", "farm_r", "hand_l", "hand_r"))]),
    "plank": _p({"pitch": 80.0, "shoulder_flex_l": 80.0, "shoulder_flex_r": 80.0,
                 "elbow_flex_l": 90.0, "elbow_flex_r": 90.0, "neck_flex": -10.0},
                contacts=[(("pitch",), ("farm_l", "farm_r", "hand_l", "hand_r"))]),
    "plank-sagging": _p({"pitch": 80.0, "hip_flex_l": -22.0, "hip_flex_r": -22.0,
                         "trunk_flex": -8.0,
                         "shoulder_flex_l": 80.0, "shoulder_flex_r": 80.0,
                         "elbow_flex_l": 90.0, "elbow_flex_r": 90.0, "neck_flex": -10.0},
                        contacts=[(("pitch",), ("farm_l", "farm_r", "hand_l", "hand_r"))]),
    "standing-hamstring": _p({"pitch": 35.0, "neck_flex": -15.0,
                              "hip_flex_l": 65.0, "ankle_flex_l": 25.0,
                              "hip_flex_r": 45.0, "knee_flex_r": 30.0, "ankle_flex_r": 20.0,
                              "shoulder_flex_l": 65.0, "shoulder_flex_r": 65.0,
                              "elbow_flex_l": 10.0, "elbow_flex_r": 10.0},
                             contacts=[(("knee_flex_r",), ("foot_l",))]),
    "long-sitting": _p({"hip_flex_l": 90.0, "hip_flex_r": 90.0, "pitch": -5.0,
                        "shoulder_flex_l": 20.0, "shoulder_flex_r": 20.0}),
    "butterfly": _p({"pitch": -5.0, "hip_flex_l": 70.0, "hip_flex_r": 70.0, "hip_abd_l": 45.0,
                     "hip_abd_r": 45.0, "hip_rot_l": -75.0, "hip_rot_r": -75.0,
                     "knee_flex_l": 135.0, "knee_flex_r": 135.0,
                     "shoulder_flex_l": 40.0, "shoulder_flex_r": 40.0,
                     "elbow_flex_l": 25.0, "elbow_flex_r": 25.0}),
    # partner stretches (seeds 000/001): the patient's arms rest on the floor; the helper's
    # arms are solved at render time to reach the patient (synth/helper.py)
    "supine-hamstring-assisted": _p(SUPINE, {"hip_flex_l": 80.0, "ankle_flex_l": 10.0}),
    "double-knee-to-chest-assisted": _p(SUPINE, {
        "hip_flex_l": 120.0, "knee_flex_l": 120.0, "hip_flex_r": 120.0, "knee_flex_r": 120.0,
        "ankle_flex_l": 10.0, "ankle_flex_r": 10.0}),
    "helper-stoop": _p(STAND, {"pitch": 20.0, "hip_flex_l": 25.0, "hip_flex_r": 25.0,
                               "knee_flex_l": 10.0, "knee_flex_r": 10.0, "neck_flex": 10.0}),
    "helper-stoop-low": _p(STAND, {"pitch": 45.0, "hip_flex_l": 70.0, "hip_flex_r": 70.0,
                                   "knee_flex_l": 45.0, "knee_flex_r": 45.0, "ankle_flex_l": 20.0,
                                   "ankle_flex_r": 20.0, "neck_flex": 15.0}),
    # kneeling on both knees at the patient's legs, leaning in from the hips (thighs vertical:
    # hip_flex = pitch): low enough to brace the lower back of a patient lying on the floor
    "helper-kneel": _p({"pitch": 50.0, "hip_flex_l": 50.0, "hip_flex_r": 50.0,
                        "knee_flex_l": 90.0, "knee_flex_r": 90.0, "ankle_flex_l": -60.0,
                        "ankle_flex_r": -60.0, "neck_flex": 10.0,
                        "shoulder_flex_l": 40.0, "shoulder_flex_r": 40.0}),
    # left side stretched: left arm overhead, trunk bent toward the right (away from it)
    "side-bend": _p(STAND, {"trunk_side": 30.0, "shoulder_abd_l": 165.0, "elbow_flex_l": 15.0,
                            "shoulder_abd_r": 5.0, "neck_flex": 0.0}),
}


def _swap(name: str) -> str:
    if name.endswith("_l"):
        return name[:-2] + "_r"
    if name.endswith("_r"):
        return name[:-2] + "_l"
    return name


# angles that change sign in a left/right mirror image
_ODD = {"yaw", "roll", "spin", "trunk_side", "trunk_twist", "neck_turn"}


def mirror(pose: dict) -> dict:
    """The same pose done on the other side (sagittal-plane mirror image)."""
    angles = {_swap(k): (-v if k in _ODD else v) for k, v in pose["angles"].items()}
    contacts = [(tuple(_swap(a) for a in names), tuple(_swap(s) for s in segs))
                for names, segs in pose["contacts"]]
    return {"angles": angles, "contacts": contacts}


def keypose(name: str, side: str | None = None) -> dict:
    """The named pose for `side` ("left" = as written, "right" = mirrored, None = as written)."""
    if name not in POSES:
        raise UsageError(f"unknown pose {name!r}; known: {', '.join(sorted(POSES))}")
    pose = POSES[name]
    return mirror(pose) if side == "right" else {"angles": dict(pose["angles"]),
                                                 "contacts": list(pose["contacts"])}
