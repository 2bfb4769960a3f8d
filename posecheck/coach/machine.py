"""The coach: a per-stretch state machine from catalogue data, fed one frame's metrics at a time.

setup -> entering (getting into position) -> holding -> released -> rest -> next side / rep -> done

Timing, as a physio counts it:
- a hold needs every judged metric inside its enter band for `dwell_s` (passing through the
  band while getting into position never counts; a frame or two unseen, under DWELL_GAP_S,
  does not restart it); it then starts (its `start_s`) at the
  moment the person had settled there (coach/settle.py), and the timer counts from then;
- while holding, the wider leave band applies; an excursion shorter than `grace_s` pauses the
  timer, a longer one ends the hold where the person began to leave (`end_s`);
- `duration_s` is the counted time (start to end, without pauses); `completed` means it
  reached the target. A completed hold keeps counting until the person releases;
- no pose, or a judged metric unseen, pauses the timer ("low_confidence"); after `lost_s`
  unseen a hold ends.
- a `from_start` judge's lower edge may come from the person's own settled start position,
  per side, before any hold (coach/startlevel.py).
Dynamic stretches (kind "reps") count full cycles while in position (coach/reps.py); they
have no holds. A hold stretch in rep style (`style = "reps"`) counts each top hold as a rep.
Pure Python: `live` and `analyze` share it exactly.
"""

from __future__ import annotations

import math
from dataclasses import replace

from posecheck.coach.catalog.schema import Cue, Stretch, resolve
from posecheck.coach.cues import CueSelector
from posecheck.coach.reps import RepCounter
from posecheck.coach.settle import Edges
from posecheck.coach.startlevel import StartLevels
from posecheck.coach.results import CoachResult, CueEvent, Feedback, Hold, asymmetry
from posecheck.coach.judging import (Evaluation, JudgedMetric, Judgement, body_part, evaluate, judge_frame,
                      pick_side)

__all__ = ["Coach", "CoachResult", "CueEvent", "Feedback", "Hold", "Judgement", "judge_frame"]

REP_SLACK_S = 0.3   # a rep's short top hold is complete this close to its target (edge noise)
DWELL_GAP_S = 0.3   # a dwell survives the person unseen this long (a frame or two of MediaPipe)
SHORT_CUE_S = 2.0   # how long a "more range" cue stays wanted after a swing stopped short
PAIN_STOP = Cue("pain-stop", "Stopped for pain: rest now, and see a professional if sharp pain "
                "persists", 1000, safety=True)


# -- the state machine -------------------------------------------------------------
class Coach:
    def __init__(self, stretch: Stretch, start_side: str | None = None):
        self.s = stretch
        self.t = stretch.timing
        self.expected = start_side if stretch.sided else None
        self.cues = CueSelector(self.t.cue_cooldown_s)
        self.events: list[CueEvent] = []
        self.holds: list[Hold] = []
        self.pain_stops: list[float] = []
        self.done_per_side = {s: 0 for s in stretch.sides} if stretch.sided else {None: 0}
        self.state = "setup"
        self.side: str | None = self.expected
        self.user_paused = False
        self.rest_until = -math.inf
        self.switch_pending = False
        self.edges = Edges()
        self.levels = StartLevels(stretch)   # from_start judges: the person's own start
        self._reset_attempt()
        # reps
        self.cycles = self.total_cycles = self.sets_done = 0
        self.counter = RepCounter(stretch.reps_rule) if stretch.reps_rule else None
        self._short: tuple[str, float] | None = None  # (cue id, until)

    def _reset_attempt(self) -> None:
        self.start_s: float | None = None   # first in-band moment
        self.counting = False
        self.hold_s = 0.0
        self.last_in = -math.inf
        self.last_seen = -math.inf
        self.prev_counted: float | None = None
        self.peak: dict[str, float] = {}
        self.entry: dict[str, float] = {}
        self.outside: tuple[str, ...] = ()          # judged metrics out of the band last frame
        self.exit: list | None = None  # how the current excursion left: (name, +1/-1, enter band)
        self.edges.reset()

    # -- public controls ----------------------------------------------------------
    def pause(self, t_s: float) -> None:
        self.user_paused = True
        self.prev_counted = None

    def resume(self, t_s: float) -> None:
        self.user_paused = False
        self.prev_counted = None
        self.last_in = self.last_seen = t_s
        if not self.counting:
            self.start_s = None  # a dwell restarts

    def pain_stop(self, t_s: float) -> None:
        if self.state == "done":
            return
        self._end_hold()
        self.pain_stops.append(t_s)
        self.events.append(CueEvent(t_s, PAIN_STOP.id, PAIN_STOP.text))
        self.cues.current = PAIN_STOP
        self.state = "done"

    def skip(self, t_s: float) -> None:
        """Key n: finish this side (or set) now and move on."""
        if self.state == "done":
            return
        self._end_hold()
        if self.s.kind == "reps":
            self._finish_set(t_s)
            return
        key = self.side if self.s.sided else None
        if self.s.sided and key is None:
            key = self._next_side() or "left"
        self.done_per_side[key] = max(self.done_per_side[key], self.s.dose.reps)
        self._after_slot(t_s, rest=False)

    # -- per frame ----------------------------------------------------------------
    def update(self, t_s: float, values: dict[str, float] | None, hidden_by_helper: bool = False) -> Feedback:
        """hidden_by_helper: a helper stands in front of joints (they read as unseen)."""
        if self.state == "done":
            return self._fb(t_s, [], [])
        if self.user_paused:
            return self._fb(t_s, [], [], state="paused")
        if values is None:
            return self._unseen(t_s, ["pose"], [])
        if self.state == "rest" and t_s < self.rest_until:
            return self._fb(t_s, self._wanted_rest(), [])
        if self.state in ("rest", "setup", "released"):
            self.state = "entering"
        holding = self.state in ("holding", "paused")
        if self.start_s is None:  # side free until a hold (or its dwell) begins
            self.side = pick_side(self.s, values, self.expected)
        lows = self.levels.lows(self.side)
        ev = evaluate(self.s, values, self.side, holding or self.start_s is not None, lows, hidden_by_helper)
        if ev.unseen:
            return self._unseen(t_s, ev.unseen, ev.judged, hidden_by_helper)
        self.last_seen = t_s
        if self.start_s is None and not holding:
            self.levels.push(t_s, self.side, ev.judged, lows)
        wanted = self._safety_and_faults(values, ev)
        if self.s.kind == "reps":
            return self._step_reps(t_s, values, ev, wanted)
        return self._step_hold(t_s, ev, wanted)

    def _step_hold(self, t_s: float, ev: Evaluation, wanted: list[Cue]) -> Feedback:
        if self.state == "entering":
            self._step_entering(t_s, ev, wanted)
        elif ev.in_leave:
            self._count(t_s, ev)
            self.exit = None
            self.state = "holding"
            wanted.append(self._cue("release" if self.hold_s >= self._target() else "hold-steady"))
        else:
            self.prev_counted = None
            self.state = "paused"
            if self.exit is None:
                self.exit = [(n, 1 if v > (b.lo + b.hi) / 2 else -1, b) for n, v, b, ok in ev.judged if not ok]
            if t_s - self.last_in > self.t.grace_s:
                self._break(t_s, left=self._values(ev))
            if self.state in ("paused", "released"):   # a hold already long enough is let go, not fixed
                wanted += self._failing(ev) if self.hold_s < self._target() else [self._cue("release")]
            else:  # a completed hold was let go: rest / next side / done
                wanted = self._wanted_rest()
        return self._fb(t_s, wanted, ev.judged)

    def _step_entering(self, t_s: float, ev: Evaluation, wanted: list[Cue]) -> None:
        side_done = self.s.sided and self._side_complete(self.side) and self._next_side()
        if side_done:
            wanted.append(self._cue("switch-side"))
            self.start_s = None
            return
        in_band = ev.in_leave if self.start_s is not None else ev.in_enter
        if not in_band:
            self.start_s = None
            self.entry = {}
            self.edges.reset()
            self.outside = tuple(n for n, _, _, ok in ev.judged if not ok)
            wanted += self._failing(ev)
            return
        if self.start_s is None:
            self.start_s = t_s
            self.entry = {n: v for n, v, _, _ in ev.judged}
            self.edges.moving = self.outside
        self.last_in = t_s
        self.edges.push(t_s, self._values(ev), 0.0)
        dwelt = t_s - self.start_s >= self.t.dwell_s
        settled = self.start_s if self.s.kind == "reps" else self.edges.settled(self.start_s, t_s, dwelt)
        if dwelt and settled is not None:
            self.start_s = settled
            self.counting, self.state, self.prev_counted = True, "holding", t_s
            self.hold_s = t_s - settled if self.s.kind == "hold" else 0.0
            self.cues.clear()  # a new phase: its cue may speak at once
            self._track_peak(ev)
            wanted.append(self._cue("hold-steady"))

    def _count(self, t_s: float, ev: Evaluation) -> None:
        if self.prev_counted is not None:
            self.hold_s += t_s - self.prev_counted
        self.prev_counted = t_s
        self.last_in = t_s
        self.edges.push(t_s, self._values(ev), self.hold_s)
        self._track_peak(ev)

    @staticmethod
    def _values(ev: Evaluation) -> dict[str, float]:
        return {n: v for n, v, _, _ in ev.judged}

    def _target(self) -> float:
        """Seconds a hold must last to be complete (a rep's top hold: within REP_SLACK_S)."""
        return self.s.dose.hold_s - (REP_SLACK_S if self.s.rep_style else 0.0)

    def _track_peak(self, ev: Evaluation) -> None:
        """Deepest value per metric: away from the band end the person entered from."""
        for name, value, band, _ in ev.judged:
            start = self.entry.get(name, value)
            deeper_is_up = abs(start - band.lo) <= abs(start - band.hi)
            old = self.peak.get(name)
            if old is None or (value > old if deeper_is_up else value < old):
                self.peak[name] = value

    def _break(self, t_s: float, left: dict | None = None) -> None:
        """The hold ended (excursion beyond grace, or unseen beyond lost_s). `left`: the
        values now, out of the band; the hold ends where the person began to leave."""
        if left is not None and self.counting and self.exit:
            found = self.edges.departure(self.last_in, self.exit, left)
            if found is not None and found[0] > (self.start_s or -math.inf):
                self.last_in, self.hold_s = found
        completed = self.hold_s >= self._target() or (self.s.rep_style and self.counting)
        self._end_hold()
        if completed:
            self._after_slot(t_s, rest=True)
        else:
            self.state = "released"

    def _end_hold(self) -> None:
        hold = self._current_hold()
        if hold is not None:
            self.holds.append(hold)
            if hold.completed or self.s.rep_style:
                key = self.side if self.s.sided else None
                self.done_per_side[key] = self.done_per_side.get(key, 0) + 1
        self._reset_attempt()

    def _after_slot(self, t_s: float, rest: bool) -> None:
        """A hold slot is over: rest, then the next side or rep; or done."""
        self.cues.clear()
        nxt = self._next_side()
        if self.s.sided:
            self.switch_pending = nxt is not None and nxt != self.side
            self.expected = nxt
        if self._all_done():
            self.state = "done"
            return
        if rest and self.s.dose.rest_s > 0:
            self.state, self.rest_until = "rest", t_s + self.s.dose.rest_s
        else:
            self.state = "released"

    # -- sides --------------------------------------------------------------------
    def _side_complete(self, side: str | None) -> bool:
        return self.done_per_side.get(side, 0) >= self.s.dose.reps

    def _next_side(self) -> str | None:
        """The side to do next: alternate, the one with fewer completed holds."""
        left = [s for s in self.s.sides if not self._side_complete(s)]
        if not left:
            return None
        if self.side in left and len(left) > 1:
            others = [s for s in left if s != self.side]
            return min(others, key=lambda s: self.done_per_side[s])
        return min(left, key=lambda s: self.done_per_side[s])

    def _all_done(self) -> bool:
        return all(self._side_complete(k) for k in self.done_per_side)

    # -- reps ---------------------------------------------------------------------
    def _step_reps(self, t_s: float, values: dict, ev: Evaluation, wanted: list[Cue]) -> Feedback:
        if self.state == "entering":
            self._step_entering(t_s, ev, wanted)
            if self.state != "holding":
                return self._fb(t_s, wanted, ev.judged)
        elif ev.in_leave:
            self.state, self.last_in = "holding", t_s
        else:
            self.state = "paused"
            wanted += self._failing(ev)
            if t_s - self.last_in > self.t.grace_s:
                self._reset_attempt()
                self.state = "entering"
                return self._fb(t_s, wanted, ev.judged)
        before = self.counter.cycles
        self.counter.update(t_s, values)
        self.cycles += self.counter.cycles - before
        self.total_cycles += self.counter.cycles - before
        if self.counter.short:
            self._short = (self.counter.short, t_s + SHORT_CUE_S)
        if self._short and t_s <= self._short[1]:
            wanted.append(self._cue(self._short[0]))
        if self.cycles >= self.s.dose.reps > 0:
            self._finish_set(t_s)
        return self._fb(t_s, wanted, ev.judged)

    def _finish_set(self, t_s: float) -> None:
        self.sets_done += 1
        self.cycles, self._short = 0, None
        self.counter = RepCounter(self.s.reps_rule)
        self._reset_attempt()
        if self.sets_done >= max(self.s.dose.sets, 1):
            self.state = "done"
        elif self.s.dose.rest_s > 0:
            self.state, self.rest_until = "rest", t_s + self.s.dose.rest_s
        else:
            self.state = "entering"

    # -- cues and output ----------------------------------------------------------
    def _cue(self, cue_id: str) -> Cue:
        return self.s.cue(cue_id) or Cue(cue_id, cue_id.replace("-", " "), 10)

    def _failing(self, ev: Evaluation) -> list[Cue]:
        return [self._cue(c) for c in dict.fromkeys(ev.failing)]

    def _safety_and_faults(self, values: dict, ev: Evaluation) -> list[Cue]:
        wanted = [replace(self._cue(c), safety=True) for c in dict.fromkeys(ev.unsafe)]
        rule = self.s.reps_rule
        if rule is not None and rule.safe is not None and self.state != "entering":
            v = values.get(rule.metric, math.nan)
            if not math.isnan(v) and not rule.safe.contains(v):
                wanted.append(self._cue("ease-off"))
        for cue in self.s.cues:
            if cue.metric and cue.faulted(values.get(resolve(cue.metric, self.side), math.nan)):
                wanted.append(cue)
        return wanted

    def _wanted_rest(self) -> list[Cue]:
        return [self._cue("switch-side")] if self.switch_pending else []

    def _unseen(self, t_s: float, unseen: list[str], judged, hidden_by_helper: bool = False) -> Feedback:
        """Low confidence: nothing counts; a hold ends once unseen for longer than lost_s."""
        self.prev_counted = None
        if self.counting and t_s - max(self.last_seen, self.last_in) > self.t.lost_s:
            self._break(t_s)
        elif not self.counting and t_s - self.last_in > DWELL_GAP_S:
            self.start_s = None  # a dwell needs to be seen; a single lost frame does not restart it
        if self.state == "rest" and t_s < self.rest_until:
            return self._fb(t_s, self._wanted_rest(), judged)
        if unseen == ["pose"]:
            cue = self._cue("no-pose")
        elif hidden_by_helper:
            cue = replace(self._cue("helper-in-the-way"), text=f"Partner: step aside, you are hiding "
                          f"the {body_part(unseen[0])} from the camera (timer paused)")
        else:
            how = {"side": "turn so the camera sees your side", "front": "face the camera"}.get(
                self.s.view, "move so the camera sees all of you")
            cue = replace(self._cue("low-confidence"),
                          text=f"I can't see your {body_part(unseen[0])}: {how}")
        state = "setup" if self.state == "setup" else "low_confidence"
        return self._fb(t_s, [cue], judged, state=state)

    def _fb(self, t_s: float, wanted: list[Cue], judged, state: str | None = None) -> Feedback:
        if self.state == "done" and not self.pain_stops:
            wanted = []
        cue, announced = self.cues.update(t_s, wanted)
        if self.state == "done" and self.pain_stops:
            cue, announced = PAIN_STOP, False
        if announced:
            self.events.append(CueEvent(t_s, cue.id, cue.text))
        reps = self.cycles if self.s.kind == "reps" else sum(self.done_per_side.values())
        rest_left = max(self.rest_until - t_s, 0.0) if self.state == "rest" else 0.0
        return Feedback(t_s, state or self.state, self.side, self.hold_s if self.counting else 0.0,
                        self.s.dose.hold_s if self.s.kind == "hold" else 0.0, reps, self.sets_done,
                        cue, tuple(judged), rest_left, sum(self.done_per_side.values()))

    def _current_hold(self) -> Hold | None:
        """The hold under way as a record; None for a reps stretch or a hold of no length."""
        if not (self.counting and self.start_s is not None and self.s.kind == "hold"):
            return None
        end = max(self.last_in, self.start_s)
        if self.hold_s <= 0 or end <= self.start_s:
            return None
        return Hold(self.side, self.start_s, end, self.hold_s, self.s.dose.hold_s,
                    self.hold_s >= self._target(), dict(self.peak))

    def result(self) -> CoachResult:
        holds = list(self.holds)
        if (last := self._current_hold()) is not None:  # a hold still going at the end
            holds.append(last)
        reps = self.total_cycles if self.s.kind == "reps" else len(holds) if self.s.rep_style else None
        return CoachResult(self.s.id, holds, reps,
                           list(self.events), list(self.pain_stops), asymmetry(self.s, holds),
                           self.sets_done, self.state == "done")
