"""Trials in a recording: each rise of the test's value above its start (a lift, a lunge, a
bend) is one trial; its value is the held peak, and its rules say whether it counts.

Pure functions over per-frame records (time, metrics, near side), the same in `checkup
--video` and live.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from posecheck.coach.catalog.schema import SIDES, other_side, resolve
from posecheck.coach.checkup.schema import CheckupTest
from posecheck.coach.judging import body_part

GAP_S = 0.3              # a dip below start this short does not split a trial
PLATEAU = 0.15           # the held peak: values within this share of (peak - start) of the peak
SIDE_ON_WIDTH = 0.45     # body_width (torso lengths) above this is not side-on (side views <= 0.35)
MIN_SEEN = 0.5           # share of the peak frames a rule's metric must be seen in


@dataclass(frozen=True)
class Record:
    """One frame: its time, smoothed metrics (None: no pose) and the side nearer the camera."""

    t_s: float
    values: dict | None
    near: str | None = None


@dataclass
class Trial:
    side: str | None          # None: both sides at once (a test with sided = false)
    start_s: float
    end_s: float
    values: dict[str, float]  # side -> the held peak value
    valid: bool = True
    reason: str = ""
    peak_frames: int = 0
    extra: dict = field(default_factory=dict)

    def value(self, side: str) -> float:
        return self.values.get(side, math.nan)


def side_value(test: CheckupTest, values: dict, side: str) -> float:
    """The test's value for this side (signed metrics flipped for the mirrored side)."""
    v = values.get(resolve(test.metric.name, side), math.nan)
    if test.metric.signed is not None and side != test.metric.signed:
        v = -v
    return v


def _score(test: CheckupTest, v: float) -> float:
    """Value in 'more is further' terms (lower-is-better metrics negated)."""
    return v if test.metric.higher_is_better else -v


def frame_side(test: CheckupTest, values: dict) -> str | None:
    if not test.sided:
        return None
    if test.side_rule is not None:
        return test.side_rule.choose(values)
    scores = {s: _score(test, side_value(test, values, s)) for s in SIDES}
    finite = {s: v for s, v in scores.items() if np.isfinite(v)}
    return max(finite, key=finite.get) if finite else None


def _frame_level(test: CheckupTest, rec: Record) -> tuple[float, str | None]:
    """(how far past start this frame is, its side); nan when unseen."""
    if rec.values is None:
        return math.nan, None
    side = frame_side(test, rec.values)
    if test.metric.trial_by:      # trials found by another metric than the one measured
        return rec.values.get(test.metric.trial_by, math.nan) - test.metric.trial_start, side
    if test.sided:
        v = side_value(test, rec.values, side) if side else math.nan
    else:
        vs = [side_value(test, rec.values, s) for s in SIDES]
        vs = [x for x in vs if np.isfinite(x)]
        v = float(np.mean(vs)) if vs else math.nan
    return _score(test, v) - _score(test, test.metric.start), side


def _segments(levels: np.ndarray, times: np.ndarray, min_s: float) -> list[tuple[int, int]]:
    """[i, j) runs of frames above start, gaps up to GAP_S bridged, at least min_s long."""
    above = np.nan_to_num(levels, nan=-1.0) > 0
    runs, i, n = [], 0, len(levels)
    while i < n:
        if not above[i]:
            i += 1
            continue
        j = i
        while j < n:
            k = j
            while k < n and above[k]:
                k += 1
            gap = k
            while gap < n and not above[gap] and times[gap] - times[k - 1] <= GAP_S:
                gap += 1
            if gap < n and above[gap]:
                j = gap
                continue
            j = k
            break
        if times[j - 1] - times[i] >= min_s:
            runs.append((i, j))
        i = j
    return runs


def find_trials(test: CheckupTest, records: list[Record]) -> list[Trial]:
    """Every trial in the records, in time order, each judged by the test's rules."""
    if not records:
        return []
    lv = [_frame_level(test, r) for r in records]
    levels = np.array([x for x, _ in lv], float)
    times = np.array([r.t_s for r in records], float)
    trials = []
    for i, j in _segments(levels, times, test.metric.min_s):
        sides = [s for _, s in lv[i:j] if s]
        side = max(set(sides), key=sides.count) if sides else None
        seg = levels[i:j]
        top = float(np.nanpercentile(seg, 90))
        peak = [i + k for k in range(j - i) if seg[k] >= top * (1 - PLATEAU)]
        trials.append(_judge(test, [records[k] for k in peak], side, times[i], times[j - 1]))
    return trials or _misread(test, records)


def _misread(test: CheckupTest, records: list[Record]) -> list[Trial]:
    """No trial found: when the skeleton itself was misread throughout (a skeleton rule broken
    in the recording's frames), one invalid trial saying so, not a silent "no trial"."""
    seen = [r for r in records if r.values]
    reason = _broken([r for r in test.rules if r.skeleton], seen, [SIDES[0]] if seen else [])
    if not reason or reason.startswith("low confidence"):
        return []
    values = {s: math.nan for s in (SIDES if not test.sided else ())}
    return [Trial(None, round(seen[0].t_s, 2), round(seen[-1].t_s, 2), values, False, reason)]


def _median(recs: list[Record], name: str) -> tuple[float, float]:
    """(median of the seen values, share of frames seen)."""
    vals = np.array([r.values.get(name, math.nan) for r in recs if r.values], float)
    seen = np.isfinite(vals)
    return (float(np.median(vals[seen])) if seen.any() else math.nan), float(seen.mean()) if len(vals) else 0.0


def _judge(test: CheckupTest, peak: list[Record], side: str | None, t0: float, t1: float) -> Trial:
    sides = [side] if test.sided else list(SIDES)
    values = {}
    for s in sides:
        vals = np.array([side_value(test, r.values, s) for r in peak], float)
        vals = vals[np.isfinite(vals)]
        digits = 1 if test.metric.unit == "deg" else 2
        values[s] = round(float(np.median(vals)), digits) if len(vals) else math.nan
    trial = Trial(side if test.sided else None, round(float(t0), 2), round(float(t1), 2), values,
                  peak_frames=len(peak))
    trial.valid, trial.reason = _validity(test, peak, side, sides)
    return trial


def _validity(test: CheckupTest, peak: list[Record], side: str | None, sides: list[str]) -> tuple[bool, str]:
    if test.sided and side is None:
        return False, "low confidence: could not tell which side this was"
    metric = resolve(test.metric.name, side if test.sided else "left")
    seen = _median(peak, metric)[1]
    if seen < MIN_SEEN:
        return False, f"low confidence: the camera could not see your {body_part(metric)} well"
    first = [r for r in test.rules if r.skeleton]
    problem = (_broken(first, peak, sides) or _view_problem(test, peak, side)
               or _broken([r for r in test.rules if not r.skeleton], peak, sides))
    return (False, problem) if problem else (True, "")


def _broken(rules, peak: list[Record], sides: list[str]) -> str:
    """The reason of the first rule the peak frames break ("" when none)."""
    for s in sides:
        for rule in rules:
            name = resolve(rule.metric, s)
            value, seen = _median(peak, name)
            if seen < MIN_SEEN:
                return f"low confidence: the camera could not see your {body_part(name)} well"
            if rule.broken(value):
                return rule.reason
    return ""


def _view_problem(test: CheckupTest, peak: list[Record], side: str | None) -> str:
    width = _median(peak, "body_width")[0]
    if test.view == "front":
        if np.isfinite(width) and width < SIDE_ON_WIDTH:
            return "not facing the camera (face it squarely)"
        return ""
    if np.isfinite(width) and width > SIDE_ON_WIDTH:
        return "not side-on to the camera (turn so it sees your side)"
    nears = [r.near for r in peak if r.near]
    near = max(set(nears), key=nears.count) if nears else None
    if side and near and near != side:
        return (f"filmed from your {near} side: the camera must see the {side} side being measured "
                f"(turn around)")
    return ""


def best(test: CheckupTest, trials: list[Trial], side: str) -> Trial | None:
    """The best valid trial for this side (None when no trial counts)."""
    ok = [t for t in trials if t.valid and (t.side == side or t.side is None) and np.isfinite(t.value(side))]
    return max(ok, key=lambda t: _score(test, t.value(side))) if ok else None


__all__ = ["Record", "Trial", "best", "find_trials", "frame_side", "other_side", "side_value"]
