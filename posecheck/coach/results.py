"""What the coach hands out: per-frame `Feedback`, finished `Hold`s, cue events, the
session's `CoachResult`, and the left/right comparison of the holds' peaks. Plain data."""

from __future__ import annotations

from dataclasses import dataclass

from posecheck.coach.catalog.schema import Cue, Stretch, resolve
from posecheck.coach.judging import JudgedMetric


@dataclass(frozen=True)
class Hold:
    side: str | None
    start_s: float
    end_s: float
    duration_s: float
    target_s: float
    completed: bool
    peak: dict


@dataclass(frozen=True)
class CueEvent:
    t_s: float
    id: str
    text: str


@dataclass(frozen=True)
class CoachResult:
    stretch: str
    holds: list[Hold]
    reps: int | None
    cues: list[CueEvent]
    pain_stops: list[float]
    asymmetry: dict | None
    sets_done: int = 0
    done: bool = False


@dataclass(frozen=True)
class Feedback:
    t_s: float
    state: str
    side: str | None
    hold_s: float
    target_s: float
    reps_done: int
    sets_done: int
    cue: Cue | None
    judged: tuple[JudgedMetric, ...]
    rest_left_s: float = 0.0
    holds_done: int = 0


def asymmetry(stretch: Stretch, holds: list[Hold]) -> dict | None:
    """Left vs right: the deepest peak of each judged metric over each side's holds."""
    if not stretch.sided:
        return None
    out = {}
    for judge in stretch.judges:
        per_side = {}
        for side in stretch.sides:
            name = resolve(judge.metric, side)
            vals = [h.peak[name] for h in holds if h.side == side and name in h.peak]
            if vals:
                enter = judge.bands(side)[0]
                mid = (enter.lo + enter.hi) / 2
                per_side[side] = max(vals, key=lambda v: abs(v - mid))
        if len(per_side) == 2:
            out[judge.metric] = {**per_side, "diff": per_side["left"] - per_side["right"]}
    return out
