"""`--stretch auto`: which catalogue stretch a video shows, as segments over time.

Every frame each stretch is judged "in position" or not; a sliding window turns
those votes into a label with hysteresis, so one stray frame never starts a
segment and a short release never ends one.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from .coach import judge_frame

WINDOW_S = 1.5     # votes are counted over this window
ENTER_FRAC = 0.6   # a stretch takes over when in position this often in the window
KEEP_S = 3.0       # a segment outlives its last in-position frame by this long


@dataclass
class Segment:
    stretch: str
    side: str | None
    start_s: float
    end_s: float
    votes: int = 0
    frames: int = 0

    def as_dict(self) -> dict:
        conf = self.votes / self.frames if self.frames else 0.0
        return {"stretch": self.stretch, "side": self.side, "start_s": round(self.start_s, 3),
                "end_s": round(self.end_s, 3), "confidence": round(conf, 3)}


class Recognizer:
    def __init__(self, catalog):
        self.stretches = list(catalog.values())
        self.window: deque[tuple[float, dict]] = deque()
        self._segments: list[Segment] = []
        self._current: Segment | None = None
        self._last_in: float = -1e9

    def update(self, t_s: float, values: dict | None) -> str | None:
        """The stretch id for this frame, or None outside any segment."""
        votes = self._votes(values)
        self.window.append((t_s, votes))
        while self.window and self.window[0][0] < t_s - WINDOW_S:
            self.window.popleft()
        best, frac = self._best()
        cur = self._current
        if cur is not None and votes.get(cur.stretch):
            self._last_in = t_s
        if best is not None and frac >= ENTER_FRAC and (cur is None or (
                best != cur.stretch and self._frac(cur.stretch) < 1 - ENTER_FRAC)):
            self._start(best, t_s, votes)
        elif cur is not None and t_s - self._last_in > KEEP_S:
            self._current = None
        if self._current is None:
            return None
        seg = self._current
        seg.end_s = t_s
        seg.frames += 1
        seg.votes += int(bool(votes.get(seg.stretch)))
        return seg.stretch

    def _votes(self, values: dict | None) -> dict[str, str | bool]:
        if values is None:
            return {}
        out = {}
        for stretch in self.stretches:
            judgement = judge_frame(stretch, values)
            if judgement.in_position:
                out[stretch.id] = judgement.side or True
        return out

    def _frac(self, sid: str) -> float:
        return sum(1 for _, v in self.window if v.get(sid)) / max(len(self.window), 1)

    def _best(self) -> tuple[str | None, float]:
        scores = {}
        for _, votes in self.window:
            for sid in votes:
                scores[sid] = scores.get(sid, 0) + 1
        if not scores:
            return None, 0.0
        # ties go to the stretch that judges more things (the more specific one)
        judges = {s.id: len(s.judges) for s in self.stretches}
        sid = max(scores, key=lambda k: (scores[k], judges.get(k, 0)))
        return sid, scores[sid] / len(self.window)

    def _start(self, sid: str, t_s: float, votes: dict) -> None:
        side = votes.get(sid)
        start = next((t for t, v in self.window if v.get(sid)), t_s)
        self._current = Segment(sid, side if isinstance(side, str) else None, start, t_s)
        self._segments.append(self._current)
        self._last_in = t_s

    def segments(self) -> list[dict]:
        return [s.as_dict() for s in self._segments]

    def main_stretch(self) -> str | None:
        """The stretch shown longest, for the summary's `stretch` field."""
        totals: dict[str, float] = {}
        for s in self._segments:
            totals[s.stretch] = totals.get(s.stretch, 0.0) + s.end_s - s.start_s
        return max(totals, key=totals.get) if totals else None
