"""A pinhole camera on the floor-to-knee line, aimed at the figure; projects world points to pixels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Camera:
    """azimuth_deg: where the camera stands around the subject's root (yaw 0 subject):
    0 = on the subject's RIGHT side, 90 = in front, 180 = on the LEFT side, 270 = behind.
    """

    azimuth_deg: float = 0.0
    distance_m: float = 2.6
    height_m: float = 0.45
    target: tuple = (0.0, 0.45, 0.0)
    hfov_deg: float = 62.0
    width: int = 640
    height: int = 480

    @property
    def position(self) -> np.ndarray:
        a = np.radians(self.azimuth_deg)
        t = np.asarray(self.target, float)
        return np.array([t[0] + self.distance_m * np.sin(a), self.height_m,
                         t[2] + self.distance_m * np.cos(a)])

    @property
    def focal_px(self) -> float:
        return 0.5 * self.width / np.tan(np.radians(self.hfov_deg) / 2)

    def basis(self) -> np.ndarray:
        """Rows: right, down, forward (camera axes in world coordinates)."""
        fwd = np.asarray(self.target, float) - self.position
        fwd /= np.linalg.norm(fwd)
        right = np.cross(fwd, [0.0, 1.0, 0.0])
        right /= np.linalg.norm(right)
        down = np.cross(fwd, right)
        return np.stack([right, down, fwd])

    def project(self, points: np.ndarray) -> np.ndarray:
        """World points (N,3) -> pixel coordinates (N,2) (pixel centres at +0.5)."""
        cam = (np.asarray(points, float) - self.position) @ self.basis().T
        z = np.maximum(cam[:, 2], 1e-6)
        f = self.focal_px
        return np.stack([self.width / 2 + f * cam[:, 0] / z, self.height / 2 + f * cam[:, 1] / z], 1)

    def rays(self, scale: float = 1.0) -> np.ndarray:
        """Unit ray directions (h, w, 3) for an image `scale` times the camera's size."""
        w, h = int(round(self.width * scale)), int(round(self.height * scale))
        f = self.focal_px * scale
        u = (np.arange(w) + 0.5 - w / 2) / f
        v = (np.arange(h) + 0.5 - h / 2) / f
        uu, vv = np.meshgrid(u, v)
        d = np.stack([uu, vv, np.ones_like(uu)], -1) @ self.basis()
        return d / np.linalg.norm(d, axis=-1, keepdims=True)
