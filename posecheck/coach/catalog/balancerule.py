"""The catalogue's `[balance]` table: the range metric compared left vs right and its noise
floor (degrees within which the two sides are not told apart).

Called by the loader with its `_File` (typed access, one-line errors)."""

from __future__ import annotations

from typing import Any

from posecheck.coach.catalog.dynamic import _num
from posecheck.coach.catalog.schema import BALANCE_BETTER, BalanceRule

BALANCE_KEYS = {"metric", "noise_floor_deg", "better"}


def parse_balance(f, t: Any, sided: bool) -> BalanceRule:
    if not isinstance(t, dict):
        raise f.fail("balance", "must be a table", "write it as a [balance] section")
    if not sided:
        raise f.fail("balance", "needs a sided stretch", 'remove [balance] or set sides = ["left", "right"]')
    f.keys(t, BALANCE_KEYS, "balance.")
    metric = f.get(t, "metric", lambda v: isinstance(v, str) and "{side}" in v, 'a metric name with "{side}"',
                   "balance.", example='"leg_raise_{side}"')
    floor = f.get(t, "noise_floor_deg", lambda v: _num(v) and v >= 0, "a number >= 0", "balance.",
                  example="6")
    better = f.get(t, "better", lambda v: v in BALANCE_BETTER, f"one of {', '.join(BALANCE_BETTER)}",
                   "balance.", default="higher", example='"higher"')
    return BalanceRule(metric=metric, noise_floor=float(floor), better=better)
