"""What a partner stretch's helper is doing, measured against the patient: `helper_metrics`.

Distances from the helper's nearest hand (wrist or index finger, whichever is seen) to the
patient's landmarks, in the patient's torso lengths. Unknown (nan) when there is no helper,
or the hand or the target landmark is not seen: a missing helper is never a fault. Each is
only measured while the helper should be holding there (LIFTED: the ankle, or both feet
for the knee and hip metrics, above the hips), not while the patient rests between holds.
"""

from __future__ import annotations

import math

import numpy as np

from posecheck.pose.landmarks import INDEX, Pose

HANDS = ("left_wrist", "right_wrist", "left_index", "right_index")
TARGETS = {  # metric name: (the patient's landmarks the hand may be at, ankles that must be up)
    "helper_hand_ankle_left": (("left_ankle", "left_heel"), ("left_ankle",)),
    "helper_hand_ankle_right": (("right_ankle", "right_heel"), ("right_ankle",)),
    "helper_hand_knees": (("left_knee", "right_knee"), ("left_ankle", "right_ankle")),
    "helper_hand_hips": (("left_hip", "right_hip"), ("left_ankle", "right_ankle")),
}
LIFTED = 0.3   # torso lengths an ankle must be above the mid-hip (foot_lift's enter band)
DESCRIPTIONS = {
    "helper_hand_ankle_left": "partner stretches: the helper's nearest hand to the patient's left ankle or heel",
    "helper_hand_ankle_right": "partner stretches: the helper's nearest hand to the patient's right ankle or heel",
    "helper_hand_knees": "partner stretches: the helper's nearest hand to either of the patient's knees",
    "helper_hand_hips": "partner stretches: the helper's nearest hand to either of the patient's hips "
                        "(the bracing hand at the lower back)",
}


def _seen(pose: Pose, names, min_visibility: float) -> np.ndarray:
    idx = [INDEX[n] for n in names if pose.visibility[INDEX[n]] >= min_visibility]
    return pose.xy[idx] if idx else np.empty((0, 2))


def _torso(pose: Pose, min_visibility: float) -> float:
    sh = _seen(pose, ("left_shoulder", "right_shoulder"), min_visibility)
    hip = _seen(pose, ("left_hip", "right_hip"), min_visibility)
    if not len(sh) or not len(hip):
        return math.nan
    return float(np.linalg.norm(sh.mean(0) - hip.mean(0)))


def helper_metrics(patient: Pose | None, helper: Pose | None, min_visibility: float = 0.5) -> dict[str, float]:
    """Every TARGETS metric (nan when unknown)."""
    out = dict.fromkeys(TARGETS, math.nan)
    if patient is None or helper is None:
        return out
    torso = _torso(patient, min_visibility)
    hands = _seen(helper, HANDS, min_visibility)
    if not len(hands) or not torso > 0:
        return out
    hips = _seen(patient, ("left_hip", "right_hip"), min_visibility)
    for name, (targets, raised) in TARGETS.items():
        pts, feet = _seen(patient, targets, min_visibility), _seen(patient, raised, min_visibility)
        lifted = len(hips) and len(feet) and (hips[:, 1].mean() - feet[:, 1]).min() >= LIFTED * torso
        if len(pts) and lifted:
            d = np.linalg.norm(hands[:, None, :] - pts[None, :, :], axis=2).min()
            out[name] = float(d) / torso
    return out
