"""`--stretch auto`: which catalogue stretch (and side) a video shows, as segments over time.

Each frame every stretch gets a score in [0, 1] (`coach.recogscore`: orientation and
posture first, then what the limbs do, form checks weighed less). Segments have hysteresis:

- a stretch starts a segment only once its full position has been held: its score at least
  STAY for ENTER_HOLD_S (brief dips of up to GAP_S forgiven) and its window average (WINDOW_S)
  at least ENTER. The segment starts where that run began, so the caller can replay those
  frames to the coach (`take_backlog`). Without a lead of MARGIN over every other stretch it
  still starts, and ends up "unsure" (below);
- a segment lasts while its stretch scores at least KEEP (a form fault lowers the score,
  it does not end the stretch) and KEEP_S beyond its last such frame, FAULT_KEEP_S while the
  body stays in the stretch's orientation and posture (a fault that fails a core judge: the
  bent knee of a hamstring stretch, hips off the heels in child's pose); another stretch takes
  over from a live segment only by beating it by SWITCH_MARGIN for SWITCH_S (longer than
  a fault is held), or at once when the segment's window average is below KEEP and the
  body has left its position (it is lapsing), or when its mean score so far is below WEAK
  (it never was a held stretch). A change of side splits a segment;
- consecutive segments of one stretch and side less than MERGE_S apart are one; segments
  shorter than MIN_S, or less confident than MIN_CONF (the mean score over the segment: not
  a catalogue stretch), are not reported.

Confidence: each segment reports its top two candidates with their mean scores; below
UNSURE (or within UNSURE_MARGIN of the runner-up) it is "unsure": the caller says so and
names `--stretch` rather than coach a wrong label. Thresholds: docs/ACCURACY.md.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from posecheck.coach.catalog.schema import Stretch
from posecheck.coach.posture import POSTURES, memberships, posture_of  # noqa: F401 (re-exported)
from posecheck.coach.recogscore import Scorer

WINDOW_S = 1.5      # scores are averaged over this window
ENTER = 0.65        # a stretch may take over when its window average reaches this...
STAY = 0.5          # ... after scoring this much for ENTER_HOLD_S on end (its full position held)
ENTER_HOLD_S = 1.5
GAP_S = 0.5         # a dip below STAY shorter than this does not break the held run
MARGIN = 0.1        # the lead over every other stretch's window average of a clear winner
KEEP = 0.3          # a frame scoring this much extends the current segment
KEEP_S = 2.0        # a segment outlives its last such frame by this long...
FAULT_KEEP_S = 8.0  # ... or this long while the body keeps the stretch's position (a form fault)
IN_POSITION = 0.5   # the orientation and posture fit that counts as keeping the position
SWITCH_MARGIN = 0.15  # another stretch takes over a live segment by this much...
SWITCH_S = 8.0        # ... held this long (a 5 s form fault, with the moves into and out of it, is not a new stretch)
WEAK = 0.55           # ... or at once when the segment's mean score so far is below this
MERGE_S = 8.0       # consecutive segments of one stretch and side closer than this are one
                    # (a fault that left the position briefly: hips off the heels in child's pose)
MIN_S = 2.5         # shorter segments are not reported...
MIN_CONF = 0.4      # ... nor less confident ones (a mean score below this: not a catalogue stretch)
UNSURE = 0.5        # a reported segment below this confidence is "unsure"...
UNSURE_MARGIN = 0.25  # ... and so is one whose runner-up is this close (calibrated: docs/ACCURACY.md)
SIDE_SWITCH = 0.75  # share of the side votes over SIDE_WINDOW_S that splits a segment by side
SIDE_WINDOW_S = 3.0  # (longer than a left/right label swap of the model lasts)
HISTORY_S = 8.0     # frames kept for a segment's backdated start and the coach's backlog


@dataclass
class Segment:
    stretch: int
    side: str | None
    start_s: float
    end_s: float
    score_sum: np.ndarray = field(default_factory=lambda: np.zeros(0))
    frames: int = 0
    own: list[float] = field(default_factory=lambda: [0.0, 0.0])  # own score sum, frames: all frames

    def add(self, score: np.ndarray) -> None:
        self.score_sum = score.copy() if not self.frames else self.score_sum + score
        self.frames += 1

    def merge(self, later: "Segment") -> None:
        self.end_s = later.end_s
        if later.frames:
            self.score_sum = later.score_sum + (self.score_sum if self.frames else 0.0)
            self.frames += later.frames


class Recognizer:
    def __init__(self, catalog):
        # a partner stretch shares its solo twin's angles: the twin is what is recognised
        self.stretches: list[Stretch] = [s for s in catalog.values() if not s.partner]
        self.ids = [s.id for s in self.stretches]
        self.scorer = Scorer(self.stretches)
        n = len(self.stretches)
        self.history: deque[tuple[float, np.ndarray, list, dict | None]] = deque()
        self._window: deque[tuple[float, np.ndarray]] = deque()
        self._sum = np.zeros(n)
        self._run_start: list[float | None] = [None] * n
        self._last_good = np.full(n, -np.inf)
        self._segments: list[Segment] = []
        self._current: int | None = None
        self._last_kept = -np.inf
        self._challenger: tuple[int, float] | None = None
        self._backlog: list[tuple[float, dict | None]] = []
        self._coached_until = np.full(n, -np.inf)   # the last frame each stretch was current for
        self.update_id: str | None = None

    # -- per frame ---------------------------------------------------------------
    def postures(self, values: dict) -> np.ndarray:
        """Membership of each posture of POSTURES, in [0, 1] (coach.posture)."""
        return np.array(list(memberships(values).values()))

    def scores(self, values: dict | None) -> tuple[np.ndarray, list[str | None]]:
        return self.scorer.scores(values)

    def update(self, t_s: float, values: dict | None) -> str | None:
        """The stretch id for this frame, or None outside any segment."""
        score, sides = self.scorer.scores(values)
        self._push(t_s, score, sides, values)
        avg = self._sum / len(self._window)
        cur = self._current
        if cur is not None:
            self._keep(cur, t_s, score)
        order = np.argsort(-avg)
        best, second = int(order[0]), int(order[1]) if len(order) > 1 else None
        lead = avg[best] - (avg[second] if second is not None else 0.0)
        held = self._run_start[best] is not None and t_s - self._run_start[best] >= ENTER_HOLD_S
        ready = avg[best] >= ENTER and held
        if self._current is None:
            if ready:   # without a clear lead it starts all the same, to be reported unsure
                self._start(best, t_s)
        elif best != self._current and ready and lead >= MARGIN and \
                avg[best] >= avg[self._current] + SWITCH_MARGIN:
            lapsing = avg[self._current] < KEEP and self.scorer.last_fit[self._current] < IN_POSITION
            if lapsing or self._weak():     # out of its position, or never held well: it gives way
                self._start(best, t_s)
            elif self._challenger is None or self._challenger[0] != best:
                self._challenger = (best, t_s)
            elif t_s - self._challenger[1] >= SWITCH_S:
                self._start(best, t_s)
        else:
            self._challenger = None
            if self._side_changed(self._current):
                self._start(self._current, t_s)
        if self._current is not None:
            self._coached_until[self._current] = t_s
        self.update_id = self.ids[self._current] if self._current is not None else None
        return self.update_id

    @property
    def segment_count(self) -> int:
        return len(self._segments)

    def live_segment(self) -> dict | None:
        """The segment being recognised now (so far), or None."""
        return self._as_dict(self._segments[-1]) if self._current is not None else None

    def ranking(self, floor: float = 0.2) -> list[str]:
        """Stretch ids by their window average now, best first, those above `floor`."""
        if not self._window:
            return []
        avg = self._sum / len(self._window)
        return [self.ids[i] for i in np.argsort(-avg) if avg[i] >= floor]

    def _push(self, t_s: float, score: np.ndarray, sides: list, values: dict | None) -> None:
        self.history.append((t_s, score, sides, values))
        while self.history and self.history[0][0] < t_s - HISTORY_S:
            self.history.popleft()
        self._window.append((t_s, score))
        self._sum += score
        while self._window and self._window[0][0] < t_s - WINDOW_S:
            self._sum -= self._window.popleft()[1]
        good = score >= STAY
        for si in np.flatnonzero(good):
            if self._run_start[si] is None:
                self._run_start[si] = t_s
        self._last_good[good] = t_s
        for si in np.flatnonzero(~good & (t_s - self._last_good > GAP_S)):
            self._run_start[si] = None

    def _weak(self) -> bool:
        """The live segment's mean score is below WEAK: a rest pose that looked like the stretch
        (legs straight read as a slight twist), not a hold a fault could be part of."""
        total, frames = self._segments[-1].own
        return frames > 0 and total / frames < WEAK

    def _keep(self, cur: int, t_s: float, score: np.ndarray) -> None:
        """A segment runs while its stretch scores KEEP; KEEP_S without that ends it."""
        seg = self._segments[-1]
        seg.own[0] += float(score[cur])
        seg.own[1] += 1
        if score[cur] >= KEEP:
            seg.end_s = t_s
            seg.add(score)
            self._last_kept = t_s
            return
        in_position = self.scorer.last_fit[cur] >= IN_POSITION
        if t_s - self._last_kept > (FAULT_KEEP_S if in_position else KEEP_S):
            self._current, self._challenger = None, None

    def _window_side(self, si: int, since: float) -> tuple[str | None, float]:
        """The side most of the score since `since` votes for, and its share."""
        votes: dict[str | None, float] = {}
        for t, score, sides, _ in self.history:
            if t >= since:
                votes[sides[si]] = votes.get(sides[si], 0.0) + float(score[si])
        total = sum(votes.values())
        side = max(votes, key=votes.get) if votes else None
        return side, (votes[side] / total if total > 0 else 0.0)

    def _side_changed(self, cur: int) -> bool:
        if not self.stretches[cur].sided:
            return False
        side, share = self._window_side(cur, self.history[-1][0] - SIDE_WINDOW_S)
        return side is not None and side != self._segments[-1].side and share >= SIDE_SWITCH

    def _start(self, si: int, now: float) -> None:
        """A new segment from the start of this stretch's held run (and side)."""
        run = self._run_start[si] if self._run_start[si] is not None else now
        side, _ = self._window_side(si, now - WINDOW_S)
        if self._current is not None:  # the previous segment ends before this one starts
            prev = self._segments[-1]
            if prev.stretch == si:     # a change of side: from the window's first frame on it
                run = next((t for t, sc, sd, _ in self.history if t >= now - SIDE_WINDOW_S
                            and sd[si] == side and sc[si] >= STAY), now)
            run = max(run, prev.start_s + 1e-6)
            prev.end_s = max(min(prev.end_s, run), prev.start_s)
        seg = Segment(si, side, run, now)
        past = [(t, s, v) for t, s, sd, v in self.history if t >= run]
        for _, s, _ in past:
            seg.add(s)
        seg.own = [float(seg.score_sum[si]) if seg.frames else 0.0, float(seg.frames)]
        # (a change of side: the stretch's coach has seen those frames already, never twice)
        self._backlog = [(t, v) for t, _, v in past if self._coached_until[si] < t < now]
        self._segments.append(seg)
        self._current, self._challenger, self._last_kept = si, None, now

    def take_backlog(self) -> list[tuple[float, dict | None]]:
        """The frames of a segment that started this update, before this frame: (t_s, values).

        A segment is known only once its position has been held ENTER_HOLD_S; a caller that
        replays these frames to the stretch's coach times holds from the true start. Empty
        when no segment started; cleared once taken."""
        out, self._backlog = self._backlog, []
        return out

    # -- results -------------------------------------------------------------------
    def _merged(self) -> list[Segment]:
        """Segments lasting MIN_S, consecutive ones of one stretch and side MERGE_S apart joined
        (a blip between them, such as a brief left/right swap, does not keep them apart)."""
        out: list[Segment] = []
        for seg in (s for s in self._segments if s.end_s - s.start_s >= MIN_S):
            prev = out[-1] if out else None
            if prev and prev.stretch == seg.stretch and prev.side == seg.side and \
                    seg.start_s - prev.end_s <= MERGE_S:
                merged = Segment(prev.stretch, prev.side, prev.start_s, prev.end_s,
                                 prev.score_sum.copy(), prev.frames)
                merged.merge(seg)
                out[-1] = merged
            else:
                out.append(seg)
        return out

    def _as_dict(self, seg: Segment) -> dict:
        mean = seg.score_sum / seg.frames if seg.frames else np.zeros(len(self.ids))
        own = float(mean[seg.stretch])
        others = [i for i in np.argsort(-mean) if i != seg.stretch]
        runner = int(others[0]) if others else None
        cands = [{"stretch": self.ids[seg.stretch], "score": round(own, 3)}]
        if runner is not None:
            cands.append({"stretch": self.ids[runner], "score": round(float(mean[runner]), 3)})
        unsure = own < UNSURE or (runner is not None and own - float(mean[runner]) < UNSURE_MARGIN)
        return {"stretch": self.ids[seg.stretch], "side": seg.side, "start_s": round(seg.start_s, 3),
                "end_s": round(seg.end_s, 3), "confidence": round(own, 3), "candidates": cands,
                "unsure": bool(unsure)}

    def all_segments(self) -> list[dict]:
        """Every merged segment lasting at least MIN_S with a confidence of at least MIN_CONF,
        unsure ones included (flagged), in time order."""
        out = [self._as_dict(s) for s in self._merged() if s.end_s - s.start_s >= MIN_S]
        return [s for s in out if s["confidence"] >= MIN_CONF]

    def segments(self) -> list[dict]:
        """The segments recognised with confidence (what is coached and reported)."""
        return [s for s in self.all_segments() if not s["unsure"]]

    def unsure(self) -> dict | None:
        """When something stretch-like was seen but not recognised with confidence: the best
        candidates over the unsure segments (for the summary and the `--stretch` hint)."""
        doubtful = [s for s in self.all_segments() if s["unsure"]]
        if not doubtful:
            return None
        longest = max(doubtful, key=lambda s: s["end_s"] - s["start_s"])
        return {"start_s": longest["start_s"], "end_s": longest["end_s"],
                "candidates": longest["candidates"], "threshold": UNSURE}

    def main_stretch(self) -> str | None:
        """The stretch shown longest, for the summary's `stretch` field."""
        totals: dict[str, float] = {}
        for s in self.segments():
            totals[s["stretch"]] = totals.get(s["stretch"], 0.0) + s["end_s"] - s["start_s"]
        return max(totals, key=totals.get) if totals else None


def unsure_note(doubt: dict) -> str:
    """The one line a user reads when recognition is unsure: the guesses and the way out."""
    names = " or ".join(f"{c['stretch']} ({c['score']:.2f})" for c in doubt["candidates"])
    return (f"not sure which stretch {doubt['start_s']:.1f}-{doubt['end_s']:.1f} s shows ({names}); "
            f"nothing was coached there: run again naming it, e.g. --stretch "
            f"{doubt['candidates'][0]['stretch']} (ids: posecheck list)")


def within_segments(recognizer: Recognizer, sid: str, holds: list, cues: list) -> tuple[list, list]:
    """The holds and cues of stretch `sid`'s coach that fall in a reported (confident) segment
    of that stretch: a guess (unsure), or a blip too short to report, is never a result."""
    spans = [(x["start_s"] - 0.5, x["end_s"] + 0.5) for x in recognizer.segments() if x["stretch"] == sid]

    def inside(a: float, b: float) -> bool:
        return any(lo <= (a + b) / 2 <= hi for lo, hi in spans)

    return ([h for h in holds if inside(h.start_s, h.end_s)], [c for c in cues if inside(c.t_s, c.t_s)])
