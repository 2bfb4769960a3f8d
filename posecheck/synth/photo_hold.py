"""Real-person test material: a still photo held for N seconds as a video.

rest photo (rest_s) -> hold photo (seconds) -> rest photo (rest_s), each frame with a
small camera shake, sensor noise and a slow brightness drift, so the truth (when the
hold starts and ends) is known by construction. Built at test time only; nothing made
from third-party photos is committed.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from posecheck.errors import InputError


@dataclass(frozen=True)
class PhotoHoldClip:
    path: Path
    fps: float
    frames: int
    hold_start_s: float
    hold_end_s: float

    @property
    def duration_s(self) -> float:
        return self.frames / self.fps


def _read(path: str | Path, size: tuple[int, int] | None) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise InputError(f"cannot read {path} as an image")
    if size is not None and (img.shape[1], img.shape[0]) != size:
        img = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    return img


def _shaken(img: np.ndarray, t: float, rng: np.random.Generator, drift: np.ndarray) -> np.ndarray:
    """One frame: smooth hand-held shake (px, deg), brightness drift, Gaussian noise."""
    h, w = img.shape[:2]
    dx, dy, rot = 3.0 * np.sin(drift[0] * t + drift[1]), 3.0 * np.sin(drift[2] * t + drift[3]), \
        0.6 * np.sin(drift[4] * t)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rot, 1.0 + 0.008 * np.sin(drift[5] * t))
    m[:, 2] += (dx + rng.normal(0, 0.5), dy + rng.normal(0, 0.5))
    out = cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REFLECT).astype(np.float32)
    gain = 1.0 + 0.08 * np.sin(0.4 * t + drift[1])
    out = out * gain + rng.normal(0, 3.0, out.shape).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def photo_hold_clip(photo: str | Path, seconds: float, fps: float = 10.0, seed: int = 0,
                    rest_photo: str | Path | None = None, rest_s: float = 3.0,
                    out: str | Path | None = None, max_width: int = 640) -> PhotoHoldClip:
    """Write the clip (mp4v) to `out` (a temporary file when None) and return its truth."""
    hold = _read(photo, None)
    if hold.shape[1] > max_width:
        k = max_width / hold.shape[1]
        size = (max_width, int(round(hold.shape[0] * k)) // 2 * 2)
        hold = cv2.resize(hold, size, interpolation=cv2.INTER_AREA)
    size = (hold.shape[1], hold.shape[0])
    rest = _read(rest_photo, size) if rest_photo is not None else None
    lead = rest_s if rest is not None else 0.0
    plan = [(rest, lead), (hold, seconds), (rest, lead)] if rest is not None else [(hold, seconds)]
    path = Path(out) if out is not None else Path(tempfile.mkstemp(suffix=".mp4")[1])
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    if not writer.isOpened():
        raise InputError(f"cannot write {path}")
    rng = np.random.default_rng(seed)
    drift = rng.uniform(0.3, 1.2, 6)
    n = 0
    try:
        for img, dur in plan:
            for _ in range(int(round(dur * fps))):
                writer.write(_shaken(img, n / fps, rng, drift))
                n += 1
    finally:
        writer.release()
    start = int(round(lead * fps)) / fps
    return PhotoHoldClip(path, fps, n, start, start + int(round(seconds * fps)) / fps)
