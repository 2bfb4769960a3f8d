"""Judging one frame against a stretch's bands: which side, in position or not, and why.

Shared by the coach (every frame) and single photos (`judge_frame`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from posecheck.coach.catalog.schema import Band, Stretch, resolve

JudgedMetric = tuple[str, float, Band, bool]


@dataclass(frozen=True)
class Judgement:
    in_position: bool
    side: str | None
    failing: list[str]
    values: dict[str, float]
    unseen: list[str] = field(default_factory=list)


@dataclass
class Evaluation:
    judged: list[JudgedMetric]
    in_enter: bool = True
    in_leave: bool = True
    unseen: list[str] = field(default_factory=list)
    failing: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)


def evaluate(stretch: Stretch, values: dict, side: str | None, holding: bool = False,
             lows: dict[str, tuple[float, float]] | None = None, helper_hides: bool = False) -> Evaluation:
    """lows: metric -> (enter, leave) lower edges that replace the catalogue's (start levels).
    helper_hides: a helper in front covers joints; a `hidden_ok` judge unseen then is left out."""
    ev = Evaluation([])
    for judge in stretch.judges:
        enter, leave, safe = judge.bands(side)
        names = [resolve(m, side) for m in judge.metrics]
        if lows and names[0] in lows:
            enter, leave = Band(lows[names[0]][0], enter.hi), Band(lows[names[0]][1], leave.hi)
        known = [(n, values.get(n, math.nan)) for n in names]
        known = [(n, v) for n, v in known if not math.isnan(v)]
        if not known and judge.hidden_ok and helper_hides:
            continue
        if not known:
            ev.unseen.append(names[0])
            ev.in_enter = ev.in_leave = False
            continue
        for name, value in known:
            in_enter, in_leave = enter.contains(value), leave.contains(value)
            ev.judged.append((name, value, enter, in_leave if holding else in_enter))
            ev.in_enter &= in_enter
            ev.in_leave &= in_leave
            if safe is not None and not safe.contains(value):
                ev.unsafe.append(judge.cue_unsafe)
            elif not (in_leave if holding else in_enter):
                ev.failing.append(judge.cue_for(value, side) or name)
    return ev


def pick_side(stretch: Stretch, values: dict, preferred: str | None) -> str | None:
    """The side in position if one is; else the side rule's choice; else `preferred`."""
    if not stretch.sided:
        return None
    ruled = stretch.side_rule.choose(values) if stretch.side_rule else None
    order = list(dict.fromkeys(s for s in (ruled, preferred, "left", "right") if s))
    for side in order:
        if evaluate(stretch, values, side).in_enter:
            return side
    return order[0]


def judge_frame(stretch: Stretch, values: dict | None, side: str | None = None) -> Judgement:
    """Is this single frame (a photo) in position? Uses the enter bands."""
    if values is None:
        return Judgement(False, side, ["no-pose"], {}, ["pose"])
    if side is None:
        side = pick_side(stretch, values, None)
    ev = evaluate(stretch, values, side)
    ok = ev.in_enter and not ev.unseen and not ev.unsafe
    return Judgement(ok, side, list(dict.fromkeys(ev.unsafe + ev.failing)),
                     {n: v for n, v, _, _ in ev.judged}, ev.unseen)


def body_part(name: str) -> str:
    """A body part, in words, for a metric the camera cannot see."""
    side = next((s for s in ("left", "right") if s in name), "")
    for key, part in (("knee", "knee"), ("ankle", "foot"), ("foot", "foot"), ("heel", "foot"),
                      ("leg", "leg"), ("elbow", "arm"), ("shoulder", "shoulder"), ("nose", "head"),
                      ("neck", "head"), ("head", "head"), ("hip", "hip")):
        if key in name:
            return f"{side} {part}".strip()
    return "body"


