"""Hold edges as a physio marks them: from the moment the person has settled to the moment
they start to leave, not from the first to the last in-band frame.

Speed is the slope of a judged metric over the last `WINDOW_S` (a window, not frame to
frame, so pose jitter does not read as movement), in the metric's unit per second; below
`STILL` it is still. A hold starts at the beginning of the first still window once in the
band, judged on the metrics that were moving into the band (the ones out of it just
before); it ends at the end of the last window in which the metric that left was not yet
moving toward the edge it left by. Both are found after the fact (a start when the dwell
ends, an end when the grace runs out) from a few seconds of history, so a live timer
jumps to the settled time instead of counting the arrival. Figures: docs/ACCURACY.md.
"""

from __future__ import annotations

import math
from collections import deque

from posecheck.coach.catalog.schema import Band
from posecheck.measure.metrics import METRICS

WINDOW_S = 0.3
STILL = {"deg": 15.0, "torso": 0.25, "px": 30.0}  # per second
SETTLE_MAX_S = 2.0   # never settled this long after the dwell: start at the stillest moment
HISTORY_S = 4.0


def still_limit(name: str) -> float:
    info = METRICS.get(name)
    if info is not None and info.still_per_s is not None:
        return info.still_per_s
    return STILL.get(info.unit if info else "deg", STILL["deg"])


class Edges:
    """Recent (t, values, counted seconds) of one attempt at a hold."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.hist: deque[tuple[float, dict, float]] = deque()
        self.moving: tuple[str, ...] = ()   # metrics that were out of the band before entering
        self._run_from: float | None = None  # start of the current still run
        self._best = (math.inf, None)        # (speed, window start) of the stillest window

    def push(self, t_s: float, values: dict[str, float], counted_s: float) -> None:
        self.hist.append((t_s, dict(values), counted_s))
        while self.hist and t_s - self.hist[0][0] > HISTORY_S:
            self.hist.popleft()

    def _slope(self, k: int, name: str) -> tuple[float, float]:
        """(slope per second over the window ending at entry k, the window's start time)."""
        t_k, vals_k, _ = self.hist[k]
        j = k
        while j > 0 and t_k - self.hist[j - 1][0] <= WINDOW_S + 1e-9:
            j -= 1
        t_j, vals_j, _ = self.hist[j]
        if j == k:
            return math.nan, t_j
        a, b = vals_j.get(name, math.nan), vals_k.get(name, math.nan)
        return (b - a) / (t_k - t_j), t_j

    def settled(self, since_s: float, now_s: float, dwell_end: bool) -> float | None:
        """After the latest push: the settled moment (>= since_s) once known, else None.
        `dwell_end`: the dwell is over, so a start may be reported."""
        if not self.hist:
            return None
        seen = tuple(self.hist[-1][1])
        names = tuple(n for n in self.moving if n in seen) or seen  # the side may have changed
        k = len(self.hist) - 1
        speeds, start = [], since_s
        for name in names:
            slope, start = self._slope(k, name)
            if not math.isnan(slope):
                speeds.append(abs(slope) / still_limit(name))
        if not speeds or start < since_s - 1e-9:
            self._run_from = None
        else:
            worst = max(speeds)
            if worst < self._best[0]:
                self._best = (worst, start)
            if worst < 1.0 and self._run_from is None:
                self._run_from = start
            elif worst >= 1.0:
                self._run_from = None
        if not dwell_end:
            return None
        if self._run_from is not None:
            return self._run_from
        if now_s - since_s > SETTLE_MAX_S and self._best[1] is not None:
            return self._best[1]
        return None

    def _movers(self, now: dict[str, float], exits: set[str]) -> list[str]:
        """Judged metrics that moved by a still limit's second or more between the last
        in-band second and `now` (the person leaving moves them, not only the exit one)."""
        if not self.hist:
            return []
        t_last = self.hist[-1][0]
        ref = next((v for t, v, _ in self.hist if t >= t_last - 1.0), self.hist[-1][1])
        return [n for n, v in now.items() if n not in exits and n in ref
                and abs(v - ref[n]) >= still_limit(n)]

    def departure(self, last_in_s: float, exit: list[tuple[str, int, Band]],
                  now: dict[str, float]) -> tuple[float, float] | None:
        """(end time, counted seconds then): the end of the last window, up to last_in_s, in
        which every exit metric was inside its enter band and not moving toward the edge it
        left by (+1 above, -1 below), and the metrics that moved into the pose were still;
        the wobbles just before leaving are part of leaving."""
        ks = [k for k in range(len(self.hist)) if self.hist[k][0] <= last_in_s + 1e-9]
        others = self._movers(now, {name for name, _, _ in exit})
        for k in reversed(ks):
            vals = self.hist[k][1]
            toward = [d * self._slope(k, name)[0] / still_limit(name) for name, d, _ in exit]
            toward += [abs(self._slope(k, name)[0]) / still_limit(name) for name in others if name in vals]
            inside = all(band.contains(vals.get(name, math.nan)) for name, _, band in exit)
            if inside and all(not math.isnan(s) and s < 1.0 for s in toward):
                return self.hist[k][0], self.hist[k][2]
        if ks:
            return self.hist[ks[0]][0], self.hist[ks[0]][2]
        return None
