"""When a helper stands between the camera and the coached person, their body hides joints.

MediaPipe still returns a landmark for a hidden joint (a guess, or the helper's own limb),
often with a high visibility. `hide_covered` marks such landmarks unseen (visibility 0) so
every metric that needs them is unknown rather than a wrong angle. Only a helper in front
counts: the floor rises in the picture with distance, so a helper whose feet are lower in
the image than the person's hips and shoulders stands nearer the camera. The helper's
forearms and hands are not counted as cover (holding an ankle does not hide where it is).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from posecheck.pose.landmarks import INDEX, Pose

# helper body segments (landmark pairs) and their half-widths in helper torso lengths
COVER = (
    (("mid_shoulder", "mid_hip"), 0.35),
    (("left_shoulder", "left_elbow"), 0.15), (("right_shoulder", "right_elbow"), 0.15),
    (("left_hip", "left_knee"), 0.2), (("right_hip", "right_knee"), 0.2),
    (("left_knee", "left_ankle"), 0.17), (("right_knee", "right_ankle"), 0.17),
    (("nose", "nose"), 0.3),
)
GAP = (("mid_hip", "mid_knee"), 0.2)   # between the thighs: covered only while they touch
FRONT_MARGIN = 0.25   # torso lengths the helper's feet must be below the person's body line


def _point(pose: Pose, name: str) -> np.ndarray:
    if name.startswith("mid_"):
        part = name[4:]
        return (pose.point(f"left_{part}") + pose.point(f"right_{part}")) / 2
    return pose.point(name)


def front_margin(person: Pose, helper: Pose) -> float:
    """How far the helper's lowest foot is below the person's body line (hips and
    shoulders) in the image, in the person's torso lengths: the nearer the camera the
    helper stands, the larger (measured on the partner clips: 0.01-0.08 behind the mat,
    0.26-0.33 at the feet a step toward the camera, 0.45-0.50 between camera and mat)."""
    feet = max(helper.point(n)[1] for n in ("left_ankle", "right_ankle", "left_heel", "right_heel"))
    body = float(np.mean([person.point(n)[1] for n in ("left_hip", "right_hip",
                                                        "left_shoulder", "right_shoulder")]))
    return (feet - body) / max(person.torso_px(), 1.0)


def in_front(person: Pose, helper: Pose) -> bool:
    """Does the helper stand nearer the camera than the person (feet lower in the image)?"""
    return front_margin(person, helper) > FRONT_MARGIN


def _segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    u = np.clip(((p - a) @ ab) / max(float(ab @ ab), 1e-9), 0.0, 1.0)
    return np.linalg.norm(p - (a + u[:, None] * ab), axis=1)


def covered(person: Pose, helper: Pose) -> np.ndarray:
    """(33,) bool: the person's landmarks inside the helper's body outline, helper in front."""
    if not in_front(person, helper):
        return np.zeros(len(person.xy), dtype=bool)
    scale = max(helper.torso_px(), 1.0)
    hit = np.zeros(len(person.xy), dtype=bool)
    knees = float(np.linalg.norm(helper.point("left_knee") - helper.point("right_knee")))
    thighs_touch = knees <= 2 * GAP[1] * scale   # apart, the picture shows what is between them
    for (a, b), half in COVER + ((GAP,) if thighs_touch else ()):
        hit |= _segment_distance(person.xy, _point(helper, a), _point(helper, b)) <= half * scale
    return hit


def hide_covered(person: Pose, helpers: list[Pose]) -> tuple[Pose, list[str]]:
    """The person with landmarks hidden by any helper marked unseen, and their names."""
    hit = np.zeros(len(person.xy), dtype=bool)
    for helper in helpers:
        hit |= covered(person, helper)
    if not hit.any():
        return person, []
    names = [n for n, i in INDEX.items() if hit[i]]
    return replace(person, visibility=np.where(hit, 0.0, person.visibility)), names
