"""Start levels: where a `from_start` judge's metric settled in the person's start position.

MediaPipe reads some metrics with an offset that belongs to the person and the camera, not
to the pose: the lunge's hip shift over the back knee reads -0.04..+0.11 torso lengths on an
upright half-kneel depending on the view, while a correct ~12° lunge moves it by only ~0.12
(docs/ACCURACY.md). The same person's own upright start is the reference that offset cancels
against. A level is taken per side, before any hold, from a run of frames lasting
`settle_s` in which every other judge is in its band, this metric stays below its (widened)
enter edge and spreads by at most `still`: the level is that run's median. It then lowers the
judge's enter / leave edge to level + enter / leave when that is below the catalogue's own
edge, never above it: a person who starts already in position is judged as before.
"""

from __future__ import annotations

import math
from collections import deque

from posecheck.coach.catalog.schema import Judge, Stretch, resolve


class StartLevels:
    def __init__(self, stretch: Stretch):
        self.judges: list[Judge] = [j for j in stretch.judges if j.from_start is not None]
        self.level: dict[tuple[str, str | None], float] = {}
        self._runs: dict[tuple[str, str | None], deque[tuple[float, float]]] = {}

    def lows(self, side: str | None) -> dict[str, tuple[float, float]]:
        """Metric name -> (enter, leave) lower edges, for the judges with a level on this side."""
        out = {}
        for j in self.judges:
            level = self.level.get((j.metric, side))
            if level is not None:
                enter, leave, _ = j.bands(side)
                out[resolve(j.metric, side)] = (min(enter.lo, level + j.from_start.enter),
                                                min(leave.lo, level + j.from_start.leave))
        return out

    def push(self, t_s: float, side: str | None, judged, lows: dict[str, tuple[float, float]]) -> None:
        """One frame before any hold (`judged`: the evaluation's (name, value, band, ok) rows)."""
        for j in self.judges:
            name, rule, key = resolve(j.metric, side), j.from_start, (j.metric, side)
            value = next((v for n, v, _, _ in judged if n == name), math.nan)
            edge = lows[name][0] if name in lows else j.bands(side)[0].lo
            run = self._runs.setdefault(key, deque())
            if not (value < edge and all(ok for n, _, _, ok in judged if n != name)):
                run.clear()
                continue
            run.append((t_s, value))
            while t_s - run[0][0] > rule.settle_s + 1e-9:
                run.popleft()
            vals = sorted(v for _, v in run)
            if t_s - run[0][0] >= rule.settle_s - 1e-9 and vals[-1] - vals[0] <= rule.still:
                self.level[key] = vals[len(vals) // 2]
