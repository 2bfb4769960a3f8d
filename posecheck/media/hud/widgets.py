"""Shapes the panel is built from: boxes, progress bars, band gauges and the status mark
(colour AND shape, so in/out of band reads without colour vision: a ring with a tick in
band, a triangle just outside it, a square with a cross further out)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from posecheck.media.hud.layout import Rect

GREEN = (80, 200, 60)
AMBER = (0, 170, 255)
RED = (40, 40, 230)
CYAN = (230, 200, 0)
WHITE = (255, 255, 255)
GREY = (150, 150, 150)
PANEL = (38, 34, 32)
TRACK = (80, 76, 72)


def fill(img: np.ndarray, r: Rect, colour) -> None:
    cv2.rectangle(img, (r.x, r.y), (r.x1 - 1, r.y1 - 1), colour, -1)


def progress(img: np.ndarray, r: Rect, frac: float, colour) -> None:
    """A thick horizontal bar, filled to `frac`."""
    fill(img, r, TRACK)
    frac = min(max(frac, 0.0), 1.0) if math.isfinite(frac) else 0.0
    if frac > 0:
        fill(img, Rect(r.x, r.y, max(int(r.w * frac), 1), r.h), colour)


def mark(img: np.ndarray, centre, size: int, colour) -> None:
    """The status mark for a band colour: ring + tick, triangle, or square + cross."""
    cx, cy, s = int(centre[0]), int(centre[1]), max(int(size) // 2, 4)
    t = max(s // 4, 2)
    if colour == GREEN:
        cv2.circle(img, (cx, cy), s, colour, -1, cv2.LINE_AA)
        pts = np.array([(cx - s // 2, cy), (cx - s // 8, cy + s // 2 - t // 2), (cx + s // 2, cy - s // 2 + t)])
        cv2.polylines(img, [pts], False, (20, 20, 20), t, cv2.LINE_AA)
    elif colour == AMBER:
        pts = np.array([(cx, cy - s), (cx + s, cy + s - s // 4), (cx - s, cy + s - s // 4)])
        cv2.fillPoly(img, [pts], colour, cv2.LINE_AA)
        cv2.line(img, (cx, cy - s // 3), (cx, cy + s // 4), (20, 20, 20), t, cv2.LINE_AA)
    elif colour == RED:
        cv2.rectangle(img, (cx - s, cy - s), (cx + s, cy + s), colour, -1)
        d = s // 2
        cv2.line(img, (cx - d, cy - d), (cx + d, cy + d), WHITE, t, cv2.LINE_AA)
        cv2.line(img, (cx - d, cy + d), (cx + d, cy - d), WHITE, t, cv2.LINE_AA)
    else:
        cv2.circle(img, (cx, cy), s, colour, max(t // 2, 1), cv2.LINE_AA)


def band_gauge(img: np.ndarray, r: Rect, value: float, lo: float, hi: float, pad: float, colour) -> None:
    """The band as a green stretch of a track, the value as a marker of its status shape."""
    span_lo, span_hi = (lo - max(hi - lo, pad), hi + max(hi - lo, pad)) if math.isfinite(lo) and \
        math.isfinite(hi) else (0.0, 180.0)

    def at(v: float) -> int:
        return r.x + int((min(max(v, span_lo), span_hi) - span_lo) / (span_hi - span_lo) * r.w)

    bar = Rect(r.x, r.y + r.h // 3, r.w, max(r.h // 3, 2))
    fill(img, bar, TRACK)
    if math.isfinite(lo) and math.isfinite(hi):
        fill(img, Rect(at(lo), bar.y, max(at(hi) - at(lo), 2), bar.h), (60, 120, 40))
    if value is not None and math.isfinite(value):
        mark(img, (at(value), r.y + r.h // 2), r.h, colour)
