"""A judge's `from_start` table: its lower edge relative to the person's own start position.

    from_start = { enter = 0.07, leave = 0.05, still = 0.06, settle_s = 1.0 }

Called by the loader with its `_File` (typed access, one-line errors)."""

from __future__ import annotations

from typing import Any

from posecheck.coach.catalog.dynamic import _num
from posecheck.coach.catalog.schema import FromStart

FROM_START_KEYS = {"enter", "leave", "still", "settle_s"}


def parse_from_start(f, t: Any, where: str) -> FromStart:
    key = f"{where}from_start"
    if not isinstance(t, dict):
        raise f.fail(key, "must be a table", "write from_start = {enter = 0.07, leave = 0.05, still = 0.06}")
    f.keys(t, FROM_START_KEYS, f"{key}.")
    pos = (lambda v: _num(v) and v > 0, "a number > 0")
    enter = f.get(t, "enter", *pos, f"{key}.", example="0.07")
    leave = f.get(t, "leave", *pos, f"{key}.", default=enter, example="0.05")
    if leave > enter:
        raise f.fail(f"{key}.leave", f"{leave:g} is above enter {enter:g}",
                     "make leave at most enter (it is the hysteresis band)")
    still = f.get(t, "still", *pos, f"{key}.", example="0.06")
    settle = f.get(t, "settle_s", lambda v: _num(v) and 0.2 <= v <= 10, "0.2-10 seconds", f"{key}.",
                   default=1.0, example="1.0")
    return FromStart(float(enter), float(leave), float(still), float(settle))
