"""Per-frame records of a session: the frames.csv sink and the compact series kept for plots.

Series are float32 rows in a list, a few dozen bytes a frame, so memory stays
small even for long videos (the video frames themselves are never kept).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np


def _cell(value: float) -> str:
    return "" if value is None or not math.isfinite(value) else f"{value:.2f}"


class FrameLog:
    """Writes one CSV row per frame and keeps the numbers for the summary and plot."""

    def __init__(self, path: str | Path | None, columns: list[str], extra_columns: tuple[str, ...] = ()):
        self.columns = list(columns)
        self.extra_columns = tuple(extra_columns)
        self._rows: list[np.ndarray] = []
        self._t: list[float] = []
        self._fh = None
        if path is not None:
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(path, "w", newline="")
            self._csv = csv.writer(self._fh)
            self._csv.writerow(["frame", "t_s", "pose", *self.columns, *self.extra_columns, "state", "cue"])

    def add(self, index: int, t_s: float, has_pose: bool, values: dict[str, float],
            state: str, cue: str | None, extra: dict[str, str] | None = None) -> None:
        row = np.array([values.get(c, math.nan) for c in self.columns], dtype=np.float32)
        self._rows.append(row)
        self._t.append(t_s)
        if self._fh is not None:
            extra = extra or {}
            self._csv.writerow([index, f"{t_s:.3f}", int(has_pose), *(_cell(v) for v in row),
                                *(extra.get(c, "") for c in self.extra_columns), state, cue or ""])

    def times(self) -> np.ndarray:
        return np.asarray(self._t, dtype=float)

    def series(self, name: str) -> np.ndarray:
        j = self.columns.index(name)
        if not self._rows:
            return np.empty(0)
        return np.array([r[j] for r in self._rows], dtype=float)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
