"""The helper of a partner stretch on the picture: a muted skeleton and a "helper" label.

Drawn beside the coached person's overlay (which stays as it is), so the user sees at once
who is coached and that the other person was recognised as the helper, not measured.
"""

from __future__ import annotations

import cv2
import numpy as np

from posecheck.pose.landmarks import INDEX, SKELETON, Pose

MUTED = (150, 150, 150)   # BGR grey: clearly not the coached person's colours
MIN_VIS = 0.5
LABEL = "helper"


def draw_helper(img: np.ndarray, helper: Pose | None, mirrored: bool = False) -> np.ndarray:
    """Draw the helper's skeleton (thin, grey) and label on img, in place; returns img."""
    if helper is None or img is None:   # no helper, or nothing drawn (no window, no record)
        return img
    h, w = img.shape[:2]
    xy = np.asarray(helper.xy, dtype=float).copy()
    if mirrored:
        xy[:, 0] = (w - 1) - xy[:, 0]
    seen = (np.isfinite(xy).all(axis=1) & (np.asarray(helper.visibility) >= MIN_VIS)).tolist()
    pts = [tuple(p) for p in np.rint(np.nan_to_num(xy)).astype(int).tolist()]
    thick = max(int(round(min(w, h) / 480)), 1)
    for a, b in SKELETON:
        if seen[a] and seen[b]:
            cv2.line(img, pts[a], pts[b], MUTED, thick)
    top = xy[[i for i, ok in enumerate(seen) if ok] or [INDEX["nose"]]]
    x, y = int(np.median(top[:, 0])), int(max(top[:, 1].min() - 8, 12))
    scale = max(min(w, h) / 900, 0.4)
    cv2.putText(img, LABEL, (max(x - 20, 2), y), cv2.FONT_HERSHEY_SIMPLEX, scale, (40, 40, 40), 3, cv2.LINE_AA)
    cv2.putText(img, LABEL, (max(x - 20, 2), y), cv2.FONT_HERSHEY_SIMPLEX, scale, MUTED, 1, cv2.LINE_AA)
    return img
