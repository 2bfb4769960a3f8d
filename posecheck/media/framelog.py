"""Per-frame records of a session: the frames.csv sink and the compact series kept for plots.

Series are float32 rows in preallocated blocks, 4 bytes per metric per frame (about
100 bytes a frame, 3.6 MB an hour of live at 10 fps), so memory stays small even for
long sessions (the video frames themselves are never kept).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from posecheck.media.atomic import Pending, WriteError, explain


def _cell(value: float) -> str:
    return "" if value is None or not math.isfinite(value) else f"{value:.2f}"


class FrameLog:
    """Writes one CSV row per frame and keeps the numbers for the summary and plot."""

    def __init__(self, path: str | Path | None, columns: list[str], extra_columns: tuple[str, ...] = (),
                 share: bool = False):
        self.columns = list(columns)
        self.extra_columns = tuple(extra_columns)
        self._rows = _Blocks(len(self.columns), np.float32)   # time kept apart, in float64
        self._t = _Blocks(1, np.float64)
        self._fh = None
        self.pending: Pending | None = None
        if path is not None:   # written under a hidden name: `close()` publishes it, `discard()` drops it
            self.pending = Pending(path, share)
            self._fh = self.pending.open("w", newline="")
            self._csv = csv.writer(self._fh)
            self._row(["frame", "t_s", "pose", *self.columns, *self.extra_columns, "state", "cue"])

    def _row(self, cells: list) -> None:
        try:
            self._csv.writerow(cells)
        except OSError as err:
            raise WriteError(explain(err, self.pending.final)) from None

    def add(self, index: int, t_s: float, has_pose: bool, values: dict[str, float],
            state: str, cue: str | None, extra: dict[str, str] | None = None) -> None:
        row = np.array([values.get(c, math.nan) for c in self.columns], dtype=np.float32)
        self._rows.add(row)
        self._t.add(t_s)
        if self._fh is not None:
            extra = extra or {}
            self._row([index, f"{t_s:.3f}", int(has_pose), *(_cell(v) for v in row),
                       *(extra.get(c, "") for c in self.extra_columns), state, cue or ""])

    def times(self) -> np.ndarray:
        return self._t.column(0).astype(float)

    def series(self, name: str) -> np.ndarray:
        return self._rows.column(self.columns.index(name)).astype(float)

    def close(self) -> Path | None:
        """Finish the CSV and publish it under its name (None when not writing one)."""
        if self._fh is None:
            return self.pending.final if self.pending and self.pending.done else None
        fh, self._fh = self._fh, None
        try:
            fh.close()
        except OSError as err:
            self.pending.discard()
            raise WriteError(explain(err, self.pending.final)) from None
        return self.pending.commit()

    def discard(self) -> None:
        """Drop the CSV (a failed run leaves nothing that looks like an output)."""
        if self._fh is not None:
            try:
                self._fh.close()
            except OSError:
                pass
            self._fh = None
        if self.pending is not None and not self.pending.done:
            self.pending.discard()


class _Blocks:
    """Rows of `width` numbers appended into fixed-size numpy blocks (no per-row objects)."""

    SIZE = 4096

    def __init__(self, width: int, dtype):
        self.width, self.dtype = width, dtype
        self._full: list[np.ndarray] = []
        self._cur = np.empty((self.SIZE, width), dtype)
        self._n = 0

    def add(self, row) -> None:
        if self._n == self.SIZE:
            self._full.append(self._cur)
            self._cur = np.empty((self.SIZE, self.width), self.dtype)
            self._n = 0
        self._cur[self._n] = row
        self._n += 1

    def column(self, j: int) -> np.ndarray:
        parts = [b[:, j] for b in self._full] + [self._cur[: self._n, j]]
        return np.concatenate(parts)
