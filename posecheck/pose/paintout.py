"""Find the person MediaPipe misses behind or below a standing helper (or follows
someone else instead of).

With a helper standing over a person lying on the mat, MediaPipe's person detector finds
the helper only (num_poses=2 or 3 too): the lying person's detection is dropped in favour
of the overlapping standing one. Painting the helper's body out of the frame (thick
strokes of the background's colour along their torso, head and limbs) and detecting
again finds the lying person. The helper's forearms and hands are left in the picture:
they rest on the person's ankle or knees, which must stay visible. The same finds a
coached person MediaPipe lost to a passer-by: with the passer-by painted out the detector
sees them again.
"""

from __future__ import annotations

import cv2
import numpy as np

from posecheck.pose.landmarks import Pose

# helper segments painted out, and their stroke widths in helper torso lengths
STROKES = (
    (("left_shoulder", "right_shoulder"), 0.35), (("left_hip", "right_hip"), 0.35),
    (("left_shoulder", "left_hip"), 0.35), (("right_shoulder", "right_hip"), 0.35),
    (("left_shoulder", "left_elbow"), 0.25), (("right_shoulder", "right_elbow"), 0.25),
    (("left_hip", "left_knee"), 0.35), (("right_hip", "right_knee"), 0.35),
    (("left_knee", "left_ankle"), 0.3), (("right_knee", "right_ankle"), 0.3),
    (("left_ankle", "left_foot_index"), 0.25), (("right_ankle", "right_foot_index"), 0.25),
    (("nose", "nose"), 0.6),
)


def paint_out(image_bgr: np.ndarray, helper: Pose) -> np.ndarray:
    """A copy of the frame with the helper's body painted over (their hands kept), each
    row in that row's median colour: wall above the floor line, floor below it, so no
    shape is left behind for the detector to take for a body."""
    mask = np.zeros(image_bgr.shape[:2], np.uint8)
    torso = max(helper.torso_px(), 4.0)
    for (a, b), width in STROKES:
        pa = tuple(int(v) for v in np.round(helper.point(a)))
        pb = tuple(int(v) for v in np.round(helper.point(b)))
        cv2.line(mask, pa, pb, 255, max(int(width * torso), 2))
    rows = np.median(image_bgr[:, ::4], axis=1).astype(np.uint8)     # (H, 3)
    out = image_bgr.copy()
    ys, xs = np.nonzero(mask)
    out[ys, xs] = rows[ys]
    return out


class PaintedOut:
    """A second landmarker (VIDEO mode, one person) fed frames with the helper painted out,
    used only on frames where the coached person was not found beside someone else (made
    on the first such frame: a clip with one person never loads it)."""

    def __init__(self) -> None:
        self.frames = 0          # frames looked at again (for the benchmark and tests)
        self._engine = self._landmarker = None

    def open(self, engine) -> None:
        self._engine = engine

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def detect(self, image_bgr: np.ndarray, helper: Pose, ts_ms: int, to_image):
        """MediaPipe's result on the frame without the helper (`to_image`: BGR -> mp.Image)."""
        self.frames += 1
        if self._landmarker is None:
            self._landmarker = self._engine._create("video", 1)
        return self._landmarker.detect_for_video(to_image(paint_out(image_bgr, helper)), ts_ms)
