"""`--stretch auto`: which catalogue stretch (and side) a video shows, as segments over time.

Each frame every stretch gets a score in [0, 1]:

    score = posture x view x (u + (1 - u) x judges)

- posture: how well the body matches the stretch's starting position (lying, seated,
  half-kneeling, standing, ...: the catalogue's `position` text names it), from heights
  above the floor, the trunk's lean and the knees. It is the gate: a squat is not lying down.
- view: the camera view the stretch expects (catalogue `view`), from the world body yaw.
- judges: over the stretch's judged metrics, a soft membership of the enter band (1 inside,
  falling to 0 at the leave band's edge plus a tolerance), half the worst one and half the
  mean. It tells apart the stretches sharing a position (six are done lying) and idle
  from stretching.
- u = 0.5 when no other catalogue stretch shares the posture: half-kneeling already says
  "hip-flexor lunge" even when the hips are not yet forward, which the coach then cues.

The scores are averaged over a sliding window; a stretch whose average reaches ENTER
starts a segment (from the window's first good frame), which runs to the stretch's last
good frame and ends KEEP_S without one, or when another stretch clearly wins. A change of
side splits it. Segments shorter than MIN_S, or less confident than MIN_CONF (the mean
score over the segment), are not reported. Vectorised: ~0.1 ms per frame for the catalogue.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from posecheck.coach.catalog.schema import Stretch, resolve
from posecheck.coach.posture import FEATURES, POSTURE_TOL, POSTURES, posture_of, soft

WINDOW_S = 1.5     # scores are averaged over this window
ENTER = 0.6        # a stretch takes over when its window average reaches this
STAY = 0.4         # a frame scoring this much is "good": it extends (or starts) its segment
SWITCH_MARGIN = 0.15  # another stretch must beat the current one by this much to take over
KEEP_S = 2.0       # a segment outlives its last good moment by this long
MIN_S = 2.5        # shorter segments are not reported...
MIN_CONF = 0.5     # ... nor less confident ones (a mean score below this: not a catalogue stretch)
SIDE_SWITCH = 0.75  # share of the window's side votes that splits a segment by side
UNSEEN = 0.25      # membership of a judged metric the camera cannot see
UNIQUE_BONUS = 0.5  # the u above, for a stretch alone in its posture
TOL = {"deg": 10.0, "torso": 0.2}  # soft-band tolerance beyond the leave band, per unit
BLEND = 0.5        # judges = BLEND x the worst membership + (1 - BLEND) x the mean
# the camera view a stretch expects, from body_yaw (0 front, 90 side); unknown yaw: VIEW_UNKNOWN
VIEWS = {"side": (50.0, 90.0), "front": (0.0, 45.0)}
VIEW_TOL = 20.0
VIEW_UNKNOWN = 0.75


@dataclass
class _Rows:
    """Flat tables over every (stretch, side) option's judged metrics."""

    names: list[str] = field(default_factory=list)    # value vector layout
    metric: list[int] = field(default_factory=list)   # per row: index into names
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)
    tol: list[float] = field(default_factory=list)
    judge: list[int] = field(default_factory=list)    # per row: global judge index
    option: list[int] = field(default_factory=list)   # per judge: (stretch, side) option index

    def index(self, name: str) -> int:
        if name not in self.names:
            self.names.append(name)
        return self.names.index(name)


def _unit(name: str) -> str:
    from posecheck.measure.metrics import METRICS

    info = METRICS.get(name)
    return info.unit if info else "deg"


@dataclass
class Segment:
    stretch: str
    side: str | None
    start_s: float
    end_s: float
    score_sum: float = 0.0
    frames: int = 0

    def as_dict(self) -> dict:
        conf = self.score_sum / self.frames if self.frames else 0.0
        return {"stretch": self.stretch, "side": self.side, "start_s": round(self.start_s, 3),
                "end_s": round(self.end_s, 3), "confidence": round(conf, 3)}


class Recognizer:
    def __init__(self, catalog):
        self.stretches: list[Stretch] = list(catalog.values())
        self.ids = [s.id for s in self.stretches]
        self._compile()
        self.window: deque[tuple[float, np.ndarray, list, dict | None]] = deque()
        self._sum = np.zeros(len(self.stretches))
        self._segments: list[Segment] = []
        self._current: int | None = None
        self._pending = (0.0, 0)   # score sum and frames since the last good frame
        self._backlog: list[tuple[float, dict | None]] = []

    # -- set-up ------------------------------------------------------------------
    def _compile(self) -> None:
        rows = _Rows()
        self.options: list[tuple[int, str | None]] = []   # (stretch index, side)
        for si, s in enumerate(self.stretches):
            for side in (s.sides or (None,)):
                self.options.append((si, side))
                for judge in s.judges:
                    jid = len(rows.option)
                    rows.option.append(len(self.options) - 1)
                    enter, leave, _ = judge.bands(side)
                    for m in judge.metrics:
                        name = resolve(m, side)
                        margin = max(enter.lo - leave.lo, leave.hi - enter.hi, 0.0)
                        rows.metric.append(rows.index(name))
                        rows.lo.append(enter.lo)
                        rows.hi.append(enter.hi)
                        rows.tol.append(margin + TOL.get(_unit(name), TOL["deg"]))
                        rows.judge.append(jid)
        self.names = rows.names
        self.r_metric = np.array(rows.metric)
        self.r_lo, self.r_hi, self.r_tol = (np.array(x, float) for x in (rows.lo, rows.hi, rows.tol))
        self.r_judge = np.array(rows.judge)
        self.j_option = np.array(rows.option)
        self.n_judges = np.bincount(self.j_option, minlength=len(self.options)).astype(float)
        self.s_options = [[oi for oi, (sj, _) in enumerate(self.options) if sj == si]
                          for si in range(len(self.stretches))]
        # postures
        self.posture_names = list(POSTURES)
        postures = [posture_of(s) for s in self.stretches]
        self.s_posture = np.array([self.posture_names.index(p) if p in POSTURES else -1
                                   for p in postures])
        count = {p: postures.count(p) for p in set(postures)}
        self.s_unique = np.array([UNIQUE_BONUS if p is not None and count[p] == 1 else 0.0
                                  for p in postures])
        p_rows = [(pi, FEATURES.index(f), lo, hi) for pi, bands in enumerate(POSTURES.values())
                  for f, (lo, hi) in bands.items()]
        self.p_posture = np.array([r[0] for r in p_rows])
        self.p_feature = np.array([r[1] for r in p_rows])
        self.p_lo = np.array([r[2] for r in p_rows], float)
        self.p_hi = np.array([r[3] for r in p_rows], float)
        self.p_tol = np.array([POSTURE_TOL["deg" if FEATURES[r[1]] in ("trunk_lean", "knee_max")
                                           else "torso"] for r in p_rows])
        self.p_starts = np.flatnonzero(np.r_[True, np.diff(self.p_posture) != 0])
        view = [VIEWS.get(s.view, (-1.0, 999.0)) for s in self.stretches]
        self.v_lo, self.v_hi = np.array([v[0] for v in view]), np.array([v[1] for v in view])
        self.v_unknown = np.array([VIEW_UNKNOWN if s.view in VIEWS else 1.0 for s in self.stretches])
        self.r_starts = np.flatnonzero(np.r_[True, np.diff(self.r_judge) != 0])
        self.j_starts = np.flatnonzero(np.r_[True, np.diff(self.j_option) != 0])

    # -- per frame scores --------------------------------------------------------
    def postures(self, values: dict) -> np.ndarray:
        """Membership of each posture of POSTURES, in [0, 1]; an unseen feature counts 0.5."""
        get = values.get
        kl, kr = get("knee_floor_left", math.nan), get("knee_floor_right", math.nan)
        low = min(kl, kr) if not (math.isnan(kl) or math.isnan(kr)) else math.nan
        knee = max(get("knee_left", math.nan), get("knee_right", math.nan))
        feats = np.array([get("shoulder_floor", math.nan), get("hip_floor", math.nan),
                          get("trunk_lean", math.nan), low, abs(kl - kr), knee])
        m = soft(feats[self.p_feature], self.p_lo, self.p_hi, self.p_tol)
        m[np.isnan(m)] = 0.5
        return np.minimum.reduceat(m, self.p_starts)

    def scores(self, values: dict | None) -> tuple[np.ndarray, list[str | None]]:
        """Each stretch's score for one frame, and its best side."""
        n = len(self.stretches)
        if values is None:
            return np.zeros(n), [None] * n
        v = np.array([values.get(name, math.nan) for name in self.names])
        m = soft(v[self.r_metric], self.r_lo, self.r_hi, self.r_tol)
        judge = np.fmin.reduceat(m, self.r_starts)   # every seen metric of a group counts
        judge[np.isnan(judge)] = UNSEEN
        mean = np.add.reduceat(judge, self.j_starts) / self.n_judges
        worst = np.minimum.reduceat(judge, self.j_starts)
        opt = BLEND * worst + (1 - BLEND) * mean
        best, sides = np.zeros(n), [None] * n
        for si, opts in enumerate(self.s_options):
            best[si] = opt[opts].max()
            if len(opts) > 1:
                sides[si] = self._side(si, opts, opt, worst, values)
        post = self.postures(values)
        gate = np.where(self.s_posture >= 0, post[self.s_posture], 1.0)
        yaw = values.get("body_yaw", math.nan)
        gate = gate * (self.v_unknown if math.isnan(yaw) else soft(yaw, self.v_lo, self.v_hi, VIEW_TOL))
        return gate * (self.s_unique + (1 - self.s_unique) * best), sides

    def _side(self, si: int, opts: list[int], opt: np.ndarray, worst: np.ndarray, values: dict) -> str:
        """As the coach picks it: the one side in position, else the side rule's, else the best."""
        inside = [oi for oi in opts if worst[oi] >= 1.0]
        if len(inside) == 1:
            return self.options[inside[0]][1]
        rule = self.stretches[si].side_rule
        ruled = rule.choose(values) if rule else None
        return ruled or self.options[max(opts, key=lambda oi: opt[oi])][1]

    # -- the stream --------------------------------------------------------------
    def update(self, t_s: float, values: dict | None) -> str | None:
        """The stretch id for this frame, or None outside any segment."""
        score, sides = self.scores(values)
        self.window.append((t_s, score, sides, values))
        self._sum += score
        while self.window and self.window[0][0] < t_s - WINDOW_S:
            self._sum -= self.window.popleft()[1]
        avg = self._sum / len(self.window)
        cur = self._current
        if cur is not None:
            self._track(cur, t_s, float(score[cur]))
            cur = self._current
        best = int(np.argmax(avg))
        if avg[best] >= ENTER and (cur is None or (
                best != cur and avg[best] > avg[cur] + SWITCH_MARGIN)):
            self._start(best)
        elif cur is not None and self._side_changed(cur):
            self._start(cur)
        return self.ids[self._current] if self._current is not None else None

    def _track(self, cur: int, t_s: float, score: float) -> None:
        """A segment runs to its stretch's last good frame; KEEP_S without one ends it."""
        s_sum, frames = self._pending
        self._pending = (s_sum + score, frames + 1)
        if score >= STAY:
            seg = self._segments[-1]
            seg.end_s = t_s
            seg.score_sum += self._pending[0]
            seg.frames += self._pending[1]
            self._pending = (0.0, 0)
        elif t_s - self._segments[-1].end_s > KEEP_S:
            self._current = None

    def _window_side(self, si: int) -> tuple[str | None, float]:
        """The side most of the window's score votes for, and its share."""
        votes: dict[str | None, float] = {}
        for _, score, sides, _ in self.window:
            votes[sides[si]] = votes.get(sides[si], 0.0) + float(score[si])
        total = sum(votes.values())
        side = max(votes, key=votes.get) if votes else None
        return side, (votes[side] / total if total > 0 else 0.0)

    def _side_changed(self, cur: int) -> bool:
        if not self.stretches[cur].sided:
            return False
        side, share = self._window_side(cur)
        return side is not None and side != self._segments[-1].side and share >= SIDE_SWITCH

    def _start(self, si: int) -> None:
        """A new segment from the window's first good frame of this stretch (and side)."""
        side, _ = self._window_side(si)
        run = [(t, s[si], v) for t, s, sd, v in self.window if side is None or sd[si] == side]
        start = next((t for t, s, _ in run if s >= STAY), self.window[-1][0])
        in_seg = [s for t, s, _ in run if t >= start]
        if self._current is not None:  # the previous segment ends before this one starts
            prev = self._segments[-1]
            prev.end_s = max(min(prev.end_s, start), prev.start_s)
        now = self.window[-1][0]
        self._backlog = [(t, v) for t, _, _, v in self.window if start <= t < now]
        self._segments.append(Segment(self.ids[si], side, start, now, float(sum(in_seg)), len(in_seg)))
        self._current, self._pending = si, (0.0, 0)

    def take_backlog(self) -> list[tuple[float, dict | None]]:
        """The frames of a segment that started this update, before this frame: (t_s, values).

        A segment is known only once the window is convinced, about WINDOW_S x ENTER after it
        began; a caller that replays these frames to the stretch's coach times holds from the
        true start. Empty when no segment started; cleared once taken."""
        out, self._backlog = self._backlog, []
        return out

    # -- results -------------------------------------------------------------------
    def segments(self) -> list[dict]:
        """The segments lasting at least MIN_S with a confidence of at least MIN_CONF, in time order."""
        out = [s.as_dict() for s in self._segments if s.end_s - s.start_s >= MIN_S]
        return [s for s in out if s["confidence"] >= MIN_CONF]

    def main_stretch(self) -> str | None:
        """The stretch shown longest, for the summary's `stretch` field."""
        totals: dict[str, float] = {}
        for s in self.segments():
            totals[s["stretch"]] = totals.get(s["stretch"], 0.0) + s["end_s"] - s["start_s"]
        return max(totals, key=totals.get) if totals else None
