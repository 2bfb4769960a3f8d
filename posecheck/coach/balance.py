"""Left vs right range of one stretch: the catalogue's range metric, best of each side's holds.

Pure: holds in (Hold objects or summary hold dicts), the summary's `balance` block out.
`tighter` is the side with less range, and only when the difference exceeds the metric's
noise floor (its measured repeatability): inside it the two sides are not told apart.
"""

from __future__ import annotations

import math

from posecheck.coach.catalog.schema import Stretch, resolve


def _side_and_peak(hold) -> tuple[str | None, dict]:
    if isinstance(hold, dict):
        return hold.get("side"), hold.get("peak") or {}
    return hold.side, dict(hold.peak)


def best_per_side(stretch: Stretch, holds) -> dict[str, float]:
    """{side: best value of the range metric over that side's holds} (sides without one left out)."""
    rule = stretch.balance
    pick = max if rule.better == "higher" else min
    out: dict[str, float] = {}
    for side in ("left", "right"):
        name = resolve(rule.metric, side)
        vals = []
        for hold in holds:
            h_side, peak = _side_and_peak(hold)
            v = peak.get(name)
            if h_side == side and v is not None and math.isfinite(float(v)):
                vals.append(float(v))
        if vals:
            out[side] = pick(vals)
    return out


def compare(stretch_metric: str, left: float, right: float, noise_floor: float,
            better: str = "higher") -> dict:
    """The balance block for two figures: difference = |left - right|, tighter beyond the floor."""
    diff = abs(left - right)
    tighter = None
    if diff > noise_floor:
        lower = "left" if left < right else "right"
        tighter = lower if better == "higher" else ("right" if lower == "left" else "left")
    return {"metric": stretch_metric, "left": round(left, 1), "right": round(right, 1),
            "difference": round(diff, 1), "tighter": tighter, "noise_floor": float(noise_floor)}


def balance(stretch: Stretch | None, holds) -> dict | None:
    """The summary's `balance` block, or None (unsided stretch, no range metric, a side not held)."""
    if stretch is None or not stretch.sided or stretch.balance is None:
        return None
    best = best_per_side(stretch, holds)
    if len(best) < 2:
        return None
    rule = stretch.balance
    return compare(rule.metric, best["left"], best["right"], rule.noise_floor, rule.better)
