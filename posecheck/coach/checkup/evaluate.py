"""A check-up's result: per test and side the best valid value, the usual range, the
left/right difference against the test's noise floor, and a finding in plain words
(a comparison, never a diagnosis). A later check-up's result compared with an earlier one
gives the change.
"""

from __future__ import annotations

import math

from posecheck.coach.catalog.schema import SIDES, other_side
from posecheck.coach.checkup.schema import CheckupTest
from posecheck.coach.checkup.trials import Trial, best

NOT_A_DIAGNOSIS = ("A check-up compares your range with usual ranges and your two sides with each "
                   "other; it is not a diagnosis. Stop any test that hurts.")


def _unit(test: CheckupTest) -> str:
    return "°" if test.metric.unit == "deg" else f" {test.metric.unit}"


def _about(test: CheckupTest, d: float) -> str:
    """A difference as said aloud: ~20° (degrees to 5 above 10), or ~0.15 torso."""
    if test.metric.unit == "deg":
        return f"~{(5 * round(d / 5)) if d >= 10 else round(d):g}°"
    return f"~{d:.2f}{_unit(test)}"


def _tighter(test: CheckupTest, values: dict[str, float]) -> tuple[str, float] | None:
    """(tighter side, difference) when both sides were measured."""
    left, right = values.get("left", math.nan), values.get("right", math.nan)
    if not (math.isfinite(left) and math.isfinite(right)):
        return None
    sign = 1 if test.metric.higher_is_better else -1
    tight = "left" if sign * (left - right) < 0 else "right"
    return tight, abs(left - right)


def _range_words(test: CheckupTest, values: dict[str, float]) -> str:
    ref = test.reference
    if ref is None:
        return "no published usual range for this test: your sides are compared with each other only"
    short = [s for s, v in values.items() if math.isfinite(v) and _below(test, v)]
    seen = [s for s, v in values.items() if math.isfinite(v)]
    if not seen:
        return ""
    where = f"the usual range ({ref.words(test.metric.unit)})"
    if len(short) == len(seen) == 2:
        return f"both below {where}"
    if short:
        return f"{short[0]} below {where}" + ("" if len(seen) == 1 else f", {other_side(short[0])} within it")
    return f"{'both' if len(seen) == 2 else seen[0]} within or above {where}"


def _below(test: CheckupTest, v: float) -> bool:
    ref = test.reference
    return ref is not None and (v < ref.low if test.metric.higher_is_better else v > ref.high)


def evaluate_test(test: CheckupTest, trials: list[Trial]) -> dict:
    """The result block of one test (JSON-ready)."""
    sides: dict[str, dict] = {}
    values: dict[str, float] = {}
    for side in SIDES:
        mine = [t for t in trials if t.side in (side, None)]
        top = best(test, trials, side)
        values[side] = top.value(side) if top else math.nan
        sides[side] = {
            "value": None if top is None else top.value(side),
            "trials": [{"start_s": t.start_s, "end_s": t.end_s, "value": _num(t.value(side)),
                        "valid": t.valid, "reason": t.reason or None} for t in mine],
            "below_range": None if top is None or test.reference is None else _below(test, values[side]),
        }
    tight = _tighter(test, values)
    noise = test.metric.noise
    diff = None if tight is None else round(tight[1], 2)
    imbalance = tight is not None and tight[1] > noise
    return {
        "test": test.id, "name": test.name, "unit": test.metric.unit,
        "reference": None if test.reference is None else {
            "low": test.reference.low, "high": test.reference.high, "source": test.reference.source},
        "sides": sides, "difference": diff, "noise": noise,
        "tighter_side": tight[0] if imbalance else None,
        "finding": finding(test, values, tight, sides),
    }


def _num(v: float):
    return None if not math.isfinite(v) else v


def finding(test: CheckupTest, values: dict, tight, sides: dict) -> str:
    muscle = test.muscle
    missing = [s for s in SIDES if not math.isfinite(values[s])]
    parts = []
    if tight is not None and tight[1] > test.metric.noise:
        t = tight[0]
        parts.append(f"{t.capitalize()} {muscle} tighter than the {other_side(t)} by {_about(test, tight[1])}")
    elif tight is not None:
        parts.append(f"{muscle.capitalize()}: no left/right difference beyond the measurement noise "
                     f"(±{test.metric.noise:g}{_unit(test)})")
    for s in missing:
        reasons = sorted({tr["reason"] for tr in sides[s]["trials"] if tr["reason"]})
        why = f" ({'; '.join(reasons)})" if reasons else " (no trial found)"
        parts.append(f"{s} {muscle} not measured: no valid trial{why}")
    rng = _range_words(test, {s: v for s, v in values.items() if math.isfinite(v)})
    if rng:
        parts.append(rng)
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def compare(previous: dict | None, current: dict) -> list[str]:
    """Lines saying how each test and side changed since an earlier check-up result."""
    if not previous:
        return []
    before = {r["test"]: r for r in previous.get("tests", [])}
    lines = []
    for r in current.get("tests", []):
        old = before.get(r["test"])
        if not old:
            continue
        for s in SIDES:
            a, b = old["sides"][s]["value"], r["sides"][s]["value"]
            if a is None or b is None:
                continue
            d, unit = b - a, "°" if r["unit"] == "deg" else f" {r['unit']}"
            change = "no change beyond the noise" if abs(d) <= r["noise"] else f"{d:+.0f}{unit}" \
                if r["unit"] == "deg" else f"{d:+.2f}{unit}"
            lines.append(f"{r['name']}, {s}: {a:g} -> {b:g}{unit} ({change})")
    return lines
