"""Counting a dynamic stretch's cycles relative to the person, not to fixed heights.

The rule's signals (e.g. the head's height and the trunk's tilt in cat-cow) are combined
into one number in units of "excursions": each signal divided by the swing that alone
would count (a signed excursion says which way it moves with the main one). A swing is
an extreme reached once the combined value has moved at least `H` from the previous
extreme (hysteresis), where H is one excursion, or a share of the person's own last swing
when that is larger (so a wobble at the end of a deep cow is not a new cat). One cycle =
one extreme then the other, within `max_cycle_s`; swings quicker than half of
`min_cycle_s` wait. A swing that turns back short (at least HALF of H but under H) asks
for more range instead of passing in silence. The safety limit is absolute and lives in
the machine.
"""

from __future__ import annotations

import math

from posecheck.coach.catalog.schema import RepsRule

RANGE_SHARE = 0.4   # H is at least this share of the last full swing
SHORT_SHARE = 0.5   # a swing of at least this share of H that turns back asks for more
TURN_BACK = 0.3     # excursions back from the furthest point that make a turn


def combined(rule: RepsRule, values: dict) -> float:
    """The signals in excursion units (nan when any signal is unseen)."""
    total = 0.0
    for sig in rule.signals:
        v = values.get(sig.metric, math.nan)
        if v is None or math.isnan(v):
            return math.nan
        total += v / sig.excursion
    return total


class RepCounter:
    """Fed one frame at a time; `cycles` full cycles so far, `short` the cue id of a swing
    that stopped short on the last update (or None)."""

    def __init__(self, rule: RepsRule):
        self.rule = rule
        self.cycles = 0
        self.short: str | None = None
        self._dir = 0                 # +1 after a high extreme, -1 after a low one, 0 none yet
        self._hi = self._lo = math.nan
        self._swing = 0.0             # size of the last full swing (excursions)
        self._last_t = -math.inf      # when the last extreme was reached
        self._pending = False         # an extreme waits for its opposite
        self._far = math.nan          # furthest point of the swing now under way
        self._asked = False

    def _threshold(self, t_s: float) -> float:
        fresh = t_s - self._last_t <= self.rule.max_cycle_s / 2
        return max(1.0, RANGE_SHARE * self._swing if fresh else 1.0)

    def update(self, t_s: float, values: dict) -> int:
        self.short = None
        c = combined(self.rule, values)
        if math.isnan(c):
            return self.cycles
        if math.isnan(self._hi):
            self._hi = self._lo = self._far = c
            return self.cycles
        if self._dir >= 0:
            self._hi = max(self._hi, c)
        if self._dir <= 0:
            self._lo = min(self._lo, c)
        h = self._threshold(t_s)
        soon = t_s - self._last_t < self.rule.min_cycle_s / 2
        if self._dir >= 0 and c <= self._hi - h and not soon:
            self._reach(t_s, -1, c)
        elif self._dir <= 0 and c >= self._lo + h and not soon:
            self._reach(t_s, +1, c)
        else:
            self._watch_short(c, h)
        return self.cycles

    def _reach(self, t_s: float, direction: int, c: float) -> None:
        """An extreme: low (direction -1) or high (+1)."""
        if self._dir != 0:
            self._swing = self._hi - self._lo
        if self._pending and t_s - self._last_t <= self.rule.max_cycle_s:
            self.cycles += 1
            self._pending = False
        else:
            self._pending = True
        self._dir, self._last_t, self._far, self._asked = direction, t_s, c, False
        if direction < 0:
            self._lo = c
        else:
            self._hi = c

    def _watch_short(self, c: float, h: float) -> None:
        """A swing away from the last extreme that turns back before it counts."""
        if self._dir == 0:
            return
        ref = self._hi if self._dir > 0 else self._lo
        toward = -self._dir  # the way the next swing goes
        if (c - self._far) * toward > 0:
            self._far = c
            return
        reached = (self._far - ref) * toward
        if (not self._asked and SHORT_SHARE * h <= reached < h
                and (self._far - c) * toward >= TURN_BACK):
            self.short = self.rule.cue_low if toward < 0 else self.rule.cue_high
            self._asked = True
        if (self._far - c) * toward >= TURN_BACK:
            self._far, self._asked = c, False  # turned back: the next try starts here
