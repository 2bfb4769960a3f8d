"""Hand-built `Pose` objects for the geometry, metrics, sides and view-check tests."""

from __future__ import annotations

import math

import numpy as np

from posecheck.pose.landmarks import INDEX, N_LANDMARKS, Pose

SIZE = (640, 480)
WORLD_SCALE = 1 / 260  # metres per pixel for the default world coordinates

# A person standing, facing the camera (front view): the person's left is image right.
FRONT = {
    "nose": (320, 100), "left_eye_inner": (325, 92), "left_eye": (330, 92), "left_eye_outer": (335, 92),
    "right_eye_inner": (315, 92), "right_eye": (310, 92), "right_eye_outer": (305, 92),
    "left_ear": (340, 100), "right_ear": (300, 100), "mouth_left": (328, 112), "mouth_right": (312, 112),
    "left_shoulder": (360, 150), "right_shoulder": (280, 150),
    "left_elbow": (370, 220), "right_elbow": (270, 220),
    "left_wrist": (375, 290), "right_wrist": (265, 290),
    "left_pinky": (378, 300), "right_pinky": (262, 300), "left_index": (376, 302),
    "right_index": (264, 302), "left_thumb": (372, 298), "right_thumb": (268, 298),
    "left_hip": (345, 280), "right_hip": (295, 280),
    "left_knee": (345, 370), "right_knee": (295, 370),
    "left_ankle": (345, 450), "right_ankle": (295, 450),
    "left_heel": (345, 460), "right_heel": (295, 460),
    "left_foot_index": (350, 465), "right_foot_index": (290, 465),
}


def make_pose(points: dict | None = None, *, base: dict = FRONT, world: dict | None = None,
              z: dict | None = None, vis: dict | None = None, t_s: float = 0.0,
              size: tuple[int, int] = SIZE) -> Pose:
    """A Pose from `base` pixel positions overridden by `points`.

    World coordinates default to the pixels scaled to metres about the frame centre with
    z = 0; `z` sets single z values, `world` whole world points. `vis` sets visibilities
    (default 1).
    """
    pts = dict(base) | (points or {})
    xy = np.array([pts[name] for name in INDEX], dtype=float)
    w, h = size
    wxyz = np.zeros((N_LANDMARKS, 3))
    wxyz[:, :2] = (xy - (w / 2, h / 2)) * WORLD_SCALE
    for name, value in (z or {}).items():
        wxyz[INDEX[name], 2] = value
    for name, value in (world or {}).items():
        wxyz[INDEX[name]] = value
    visibility = np.ones(N_LANDMARKS)
    for name, value in (vis or {}).items():
        visibility[INDEX[name]] = value
    return Pose(t_s=t_s, xy=xy, xy_norm=xy / (w, h), world=wxyz, visibility=visibility,
                presence=np.ones(N_LANDMARKS), size=size)


def flip_x(points: dict, width: int = SIZE[0]) -> dict:
    """The same scene mirrored in the image (x -> width - x): the person faces the other way."""
    return {k: (width - x, y) for k, (x, y) in points.items()}


def side_view(facing: int = 1) -> dict:
    """A person standing in profile, facing image right (+1) or left (-1), legs together."""
    pts = {
        "nose": (330, 110), "left_eye_inner": (326, 102), "left_eye": (325, 102), "left_eye_outer": (322, 102),
        "right_eye_inner": (326, 103), "right_eye": (325, 103), "right_eye_outer": (322, 103),
        "left_ear": (305, 108), "right_ear": (306, 109), "mouth_left": (326, 120), "mouth_right": (326, 121),
        "left_shoulder": (300, 150), "right_shoulder": (302, 151),
        "left_elbow": (302, 220), "right_elbow": (304, 221), "left_wrist": (305, 290), "right_wrist": (306, 291),
        "left_pinky": (306, 300), "right_pinky": (307, 301), "left_index": (307, 302),
        "right_index": (308, 303), "left_thumb": (305, 298), "right_thumb": (306, 299),
        "left_hip": (300, 280), "right_hip": (302, 281), "left_knee": (300, 370), "right_knee": (302, 371),
        "left_ankle": (300, 450), "right_ankle": (302, 451), "left_heel": (295, 460), "right_heel": (297, 461),
        "left_foot_index": (320, 462), "right_foot_index": (322, 463),
    }
    return pts if facing > 0 else flip_x(pts)


def at(origin, deg: float, r: float) -> tuple[float, float]:
    """Point at `deg` counter-clockwise ON SCREEN from +x, distance r from origin (pixels)."""
    return (origin[0] + r * math.cos(math.radians(deg)), origin[1] - r * math.sin(math.radians(deg)))


def lunge(facing: int, back_deg: float = 20.0, front_deg: float = 90.0) -> dict:
    """Half-kneeling in profile, facing image right (+1) or left (-1): left leg forward.

    Front (left) thigh `front_deg` ahead of the vertical trunk (90 = horizontal) with the
    shin vertical; back (right) thigh `back_deg` behind the vertical, shin on the floor.
    """
    mid_hip = (301.0, 280.5)  # of side_view(): hip_ext measures each thigh from the mid-hip
    front_knee = at(mid_hip, -90 + front_deg, 90)
    back_knee = at(mid_hip, -90 - back_deg, 90)
    fk, bk = front_knee, back_knee
    pts = side_view(1) | {
        "left_knee": fk, "left_ankle": (fk[0], fk[1] + 90), "left_heel": (fk[0] - 5, fk[1] + 95),
        "left_foot_index": (fk[0] + 20, fk[1] + 95),
        "right_knee": bk, "right_ankle": (bk[0] - 90, bk[1] + 5), "right_heel": (bk[0] - 95, bk[1]),
        "right_foot_index": (bk[0] - 100, bk[1] + 8),
    }
    return pts if facing > 0 else flip_x(pts)
