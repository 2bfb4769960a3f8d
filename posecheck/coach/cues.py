"""Which cue to show: one at a time, by priority, with a cooldown and without flicker.

Rules (what a physio does: one correction at a time, not a barrage):
- the wanted cue of highest rank wins; rank = (safety, priority), so safety cues always win;
- a shown cue stays while it is wanted and for `release_s` after, so a value hovering at a
  threshold does not make the cue blink;
- a new announcement within `cooldown_s` of the previous one is held back unless it
  outranks the previously announced cue (a safety cue always does);
- the same cue is never announced twice within `cooldown_s`.
"""

from __future__ import annotations

from typing import Iterable

from posecheck.coach.catalog.schema import Cue


def rank(cue: Cue) -> tuple[bool, int]:
    return (cue.safety, cue.priority)


class CueSelector:
    def __init__(self, cooldown_s: float = 3.0, release_s: float = 0.5):
        self.cooldown_s = cooldown_s
        self.release_s = release_s
        self.current: Cue | None = None
        self._last_wanted: dict[str, float] = {}
        self._announced_at: dict[str, float] = {}
        self._last: tuple[float, Cue] | None = None  # (time, cue) of the last announcement

    def update(self, t_s: float, wanted: Iterable[Cue]) -> tuple[Cue | None, bool]:
        """(the cue to show now, True when it is announced at this instant)."""
        wanted = list(wanted)
        for cue in wanted:
            self._last_wanted[cue.id] = t_s
        if self.current is not None and not self._still_valid(t_s):
            self.current = None
        best = max(wanted, key=rank, default=None)
        if best is None:
            return self.current, False
        if self.current is not None:
            if best.id == self.current.id:
                self.current = best  # same cue, maybe fresher text
                return self.current, False
            if rank(best) <= rank(self.current):
                return self.current, False
        if not self._may_announce(t_s, best):
            return self.current, False
        self.current = best
        self._announced_at[best.id] = t_s
        self._last = (t_s, best)
        return best, True

    def _still_valid(self, t_s: float) -> bool:
        seen = self._last_wanted.get(self.current.id, -1e18)
        return t_s - seen <= self.release_s

    def _may_announce(self, t_s: float, cue: Cue) -> bool:
        again = self._announced_at.get(cue.id)
        if again is not None and t_s - again < self.cooldown_s and not cue.safety:
            return False
        if self._last is None:
            return True
        last_t, last_cue = self._last
        return t_s - last_t >= self.cooldown_s or rank(cue) > rank(last_cue)

    def clear(self) -> None:
        """A new phase starts (hold begun, side done): drop the shown cue and let the next
        one speak at once; the same-cue cooldown is kept."""
        self.current = None
        self._last = None
