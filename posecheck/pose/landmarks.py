"""The per-frame pose of the one person being coached: plain numpy arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# MediaPipe's 33 landmark names, index = position in the arrays.
LANDMARKS = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner",
    "right_eye", "right_eye_outer", "left_ear", "right_ear", "mouth_left",
    "mouth_right", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index",
    "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
)
INDEX = {name: i for i, name in enumerate(LANDMARKS)}
N_LANDMARKS = len(LANDMARKS)

# Skeleton edges for drawing, as landmark index pairs.
SKELETON = tuple(
    (INDEX[a], INDEX[b])
    for a, b in (
        ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"),
        ("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"),
        ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
        ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"),
        ("left_hip", "left_knee"), ("left_knee", "left_ankle"),
        ("right_hip", "right_knee"), ("right_knee", "right_ankle"),
        ("left_ankle", "left_heel"), ("left_heel", "left_foot_index"),
        ("right_ankle", "right_heel"), ("right_heel", "right_foot_index"),
        ("nose", "left_ear"), ("nose", "right_ear"),
    )
)

# Index permutation that exchanges every left landmark with its right twin.
MIRROR = np.array(
    [INDEX[n.replace("left", "@").replace("right", "left").replace("@", "right")]
     for n in LANDMARKS]
)


@dataclass(frozen=True)
class Pose:
    """One person's landmarks in one frame.

    xy: (33,2) pixels; xy_norm: (33,2) in [0,1] of the image; world: (33,3) metres,
    hip-centred; visibility/presence: (33,) in [0,1]; t_s: frame time in seconds;
    size: (width, height) of the frame in pixels.
    """

    t_s: float
    xy: np.ndarray
    xy_norm: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    size: tuple[int, int]

    def point(self, name: str) -> np.ndarray:
        return self.xy[INDEX[name]]

    def vis(self, name: str) -> float:
        return float(self.visibility[INDEX[name]])

    def torso_px(self) -> float:
        """Mid-shoulder to mid-hip distance in pixels: the unit of lengths in the picture."""
        mid = lambda part: (self.point(f"left_{part}") + self.point(f"right_{part}")) / 2  # noqa: E731
        return float(np.linalg.norm(mid("shoulder") - mid("hip")))

    def mirrored(self) -> "Pose":
        """The same pose with left/right labels exchanged (positions unchanged)."""
        return Pose(self.t_s, self.xy[MIRROR], self.xy_norm[MIRROR], self.world[MIRROR],
                    self.visibility[MIRROR], self.presence[MIRROR], self.size)

    def bbox(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) in pixels around the landmarks."""
        x0, y0 = self.xy.min(axis=0)
        x1, y1 = self.xy.max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)
