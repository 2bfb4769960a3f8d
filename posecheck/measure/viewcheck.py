"""Camera set-up check: is the whole body in frame, the face visible, the view right, the person big enough?

`check_view(pose, expected_view)` returns a `ViewCheck` whose problems are
(id, text) pairs phrased as what the user should do, most important first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from posecheck.measure.geometry import nanmid, norm
from posecheck.pose.landmarks import INDEX, Pose

VIEWS = ("side", "front", "any")

# Body parts that must be inside the picture, with how to name them to the user.
_PARTS = {
    "head": ("nose", "left_ear", "right_ear"),
    "shoulders": ("left_shoulder", "right_shoulder"),
    "hips": ("left_hip", "right_hip"),
    "knees": ("left_knee", "right_knee"),
    "feet": ("left_ankle", "right_ankle", "left_heel", "right_heel"),
}
_FACE = ("nose", "left_eye", "right_eye", "left_ear", "right_ear")


@dataclass(frozen=True)
class ViewLimits:
    margin: float = 0.01          # landmarks closer than this to an edge (fraction of the frame) are "out"
    min_visibility: float = 0.5
    min_size: float = 0.35        # body extent / frame extent along its long axis
    side_ratio: float = 0.35      # shoulder/hip width / torso length below this: side view
    front_ratio: float = 0.55     # ... above this: front view
    side_yaw_deg: float = 55.0    # world shoulder/hip axis this far out of the image plane: side view
    front_yaw_deg: float = 35.0


@dataclass
class ViewCheck:
    ok: bool
    problems: list[tuple[str, str]] = field(default_factory=list)
    view: str | None = None        # the view seen: "side", "front" or None (unclear)
    size: float = float("nan")     # body extent as a fraction of the frame


def check_view(pose: Pose, expected_view: str = "any", limits: ViewLimits = ViewLimits()) -> ViewCheck:
    """Judge the camera set-up from one pose."""
    if expected_view not in VIEWS:
        raise ValueError(f"expected_view must be one of {VIEWS}")
    problems = _out_of_frame(pose, limits)
    if not _face_seen(pose, limits.min_visibility):
        problems.append(("face_hidden", "Turn your face toward the camera for a moment: "
                                        "the pose detector needs to see it"))
    view = detect_view(pose, limits)
    if expected_view == "side" and view == "front":
        problems.append(("turn_side", "Turn sideways to the camera: this stretch is checked from the side"))
    elif expected_view == "front" and view == "side":
        problems.append(("turn_front", "Face the camera: this stretch is checked from the front"))
    size = body_size(pose)
    if np.isfinite(size) and size < limits.min_size and not any(p[0].endswith("_out") for p in problems):
        problems.append(("too_far", "Move closer to the camera: you look too small in the picture"))
    return ViewCheck(not problems, problems, view, size)


def _out_of_frame(pose: Pose, limits: ViewLimits) -> list[tuple[str, str]]:
    lo, hi = limits.margin, 1.0 - limits.margin
    problems = []
    for part, names in _PARTS.items():
        xy = pose.xy_norm[[INDEX[n] for n in names]]
        edges = set()
        edges |= {"left"} if (xy[:, 0] < lo).any() else set()
        edges |= {"right"} if (xy[:, 0] > hi).any() else set()
        edges |= {"top"} if (xy[:, 1] < lo).any() else set()
        edges |= {"bottom"} if (xy[:, 1] > hi).any() else set()
        if edges:
            where = " and ".join(sorted(edges))
            problems.append((f"{part}_out", f"Move back or re-aim the camera: your {part} "
                                            f"{'is' if part == 'head' else 'are'} out of frame ({where} edge)"))
    return problems


def _face_seen(pose: Pose, min_visibility: float) -> bool:
    vis = pose.visibility[[INDEX[n] for n in _FACE]]
    return bool(vis[0] >= min_visibility and (vis[1:] >= min_visibility).sum() >= 2)


STATURE_TORSOS = 3.0   # a body is at least ~3 shoulder-to-hip lengths tall (about 3.3 in adults)


def body_size(pose: Pose) -> float:
    """Extent of the body's landmarks along the frame's axes: the larger fraction (a lying
    person spans the width, a standing one the height). A person curled up in a stretch
    (figure-4, child's pose) spans less than their size: their torso's length still says
    it, so the larger of the two is kept."""
    xy = pose.xy_norm
    span = xy.max(axis=0) - xy.min(axis=0)
    return float(max(span[0], span[1], _torso_size(pose)))


def _torso_size(pose: Pose) -> float:
    """Stature from the torso, as a fraction of the frame's long side (0 when unseen)."""
    shoulders = (pose.point("left_shoulder") + pose.point("right_shoulder")) / 2
    hips = (pose.point("left_hip") + pose.point("right_hip")) / 2
    torso = float(np.linalg.norm(shoulders - hips))
    return STATURE_TORSOS * torso / max(pose.size) if np.isfinite(torso) else 0.0


def detect_view(pose: Pose, limits: ViewLimits = ViewLimits()) -> str | None:
    """"side", "front" or None, from the shoulder/hip width relative to the torso (2D)
    and, when the 2D ratio is in between, the world shoulder/hip axis' angle to the image plane."""
    ratio, yaw = width_ratio(pose), _axis_yaw(pose)
    if np.isfinite(ratio) and ratio <= limits.side_ratio:
        return "side"
    if np.isfinite(ratio) and ratio >= limits.front_ratio:
        return "front"
    if np.isfinite(yaw):
        if yaw >= limits.side_yaw_deg:
            return "side"
        if yaw <= limits.front_yaw_deg:
            return "front"
    return None


def width_ratio(pose: Pose) -> float:
    """Mean 2D shoulder and hip width over the torso length: ~0.1-0.3 side view, >0.5 front."""
    xy = pose.xy
    ls, rs, lh, rh = (xy[INDEX[n]] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"))
    torso = float(norm(nanmid(ls, rs) - nanmid(lh, rh)))
    if not torso > 0:
        return float("nan")
    width = (float(norm(ls - rs)) + float(norm(lh - rh))) / 2
    return width / torso


def _axis_yaw(pose: Pose) -> float:
    """Mean angle (degrees) of the world shoulder and hip axes out of the image plane (0 front, 90 side)."""
    w = pose.world
    yaws = []
    for a, b in (("left_shoulder", "right_shoulder"), ("left_hip", "right_hip")):
        d = w[INDEX[a]] - w[INDEX[b]]
        if np.isfinite(d).all() and np.hypot(d[0], d[2]) > 0:
            yaws.append(np.degrees(np.arctan2(abs(d[2]), abs(d[0]))))
    return float(np.mean(yaws)) if yaws else float("nan")
