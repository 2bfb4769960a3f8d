"""`posecheck live` with neither --stretch nor --routine: recognise what the person does, coach it.

The same recogniser as `analyze --stretch auto`, fed frame by frame (causal). Once a
stretch's position has been held ENTER_HOLD_S (about 2 s after it is reached) it says which
stretch it thinks it is, replays the frames since the position began to that stretch's
coach (so holds are timed from their true start) and coaches it. `n` cycles to the next
candidate when the guess is wrong; the choice lasts until the person changes position.

`FreeCoach` has the Coach interface `run/live.py` drives (update, pause, resume, skip,
pain_stop, result); `free_step` is the live session's one step.
"""

from __future__ import annotations

from dataclasses import replace

from posecheck.coach.catalog.schema import Cue, Dose, Stretch
from posecheck.coach.machine import Coach
from posecheck.coach.recognize import Recognizer, within_segments
from posecheck.coach.results import CoachResult, Feedback

PLACEHOLDER = Stretch(
    id="auto", name="Free mode: get into a stretch", position="", view="any", sides=(), kind="hold",
    setup="Get into any stretch of the catalogue and hold it: I will recognise it.",
    camera="Whole body in the picture, from the side.", source="", loads=(), dose=Dose(),
    judges=(), cues=())


def _said(text: str) -> Cue:
    return Cue("recognised", text, priority=40)


class FreeCoach:
    """Recognises the stretch, then coaches it with that stretch's own Coach."""

    def __init__(self, catalog, step=None):
        self.catalog = catalog
        self.recognizer = Recognizer(catalog)
        self.coaches: dict[str, Coach] = {}
        self.step = step                  # its .stretch follows the recognised stretch
        self.override: tuple[str, int] | None = None   # (stretch id, segment number) after `n`
        self.paused = False
        self._announced: str | None = None
        self._pain: list[float] = []
        self.events: list = []            # every coach's cue events, in order (live's voice reads them)
        self._seen: dict[str, int] = {}

    @property
    def current(self) -> str | None:
        sid = self.recognizer.update_id
        if sid is not None and self.override and self.override[1] == self.recognizer.segment_count:
            return self.override[0]
        return sid

    def _coach(self, sid: str) -> Coach:
        if sid not in self.coaches:
            self.coaches[sid] = Coach(self.catalog[sid])
        return self.coaches[sid]

    def update(self, t_s: float, values: dict | None, hidden_by_helper: bool = False) -> Feedback | None:
        """As Coach.update, for the stretch recognised now (hidden_by_helper: as there)."""
        self.recognizer.update(t_s, values)
        sid = self.current
        if self.override and self.override[1] != self.recognizer.segment_count:
            self.override = None          # a new position: the recogniser decides again
        backlog = self.recognizer.take_backlog()
        if sid is None:
            self._show(None)
            return None
        coach = self._coach(sid)
        for past_t, past in backlog:      # the frames since the position began
            coach.update(past_t, past)
        fb = coach.update(t_s, values, hidden_by_helper)
        self.events += coach.events[self._seen.get(sid, 0):]
        self._seen[sid] = len(coach.events)
        if fb.state == "done":            # one stretch done is not the session: keep recognising
            fb = replace(fb, state="released")
        if sid != self._announced:
            self._announced = sid
            fb = _with_cue(fb, _said(self._announcement(sid)))
        self._show(sid)
        return fb

    def _announcement(self, sid: str) -> str:
        name = self.catalog[sid].name
        seg = self.recognizer.live_segment()
        unsure = seg is not None and seg["unsure"]
        return (f"Is this {name}? Press n if not" if unsure else f"{name}: press n if that is wrong")

    def _show(self, sid: str | None) -> None:
        if self.step is not None:
            self.step.stretch = self.catalog[sid] if sid else PLACEHOLDER

    def cycle(self, t_s: float) -> str | None:
        """`n`: the next candidate for the current position (the recogniser's ranking)."""
        ranked = self.recognizer.ranking()
        if not ranked:
            return None
        cur = self.current
        nxt = ranked[(ranked.index(cur) + 1) % len(ranked)] if cur in ranked else ranked[0]
        if cur is not None and cur in self.coaches:
            self.coaches[cur].skip(t_s)
        self.override = (nxt, self.recognizer.segment_count)
        self._announced = None
        return nxt

    # -- the Coach interface live drives ---------------------------------------------------
    def pause(self, t_s: float) -> None:
        for c in self.coaches.values():
            c.pause(t_s)

    def resume(self, t_s: float) -> None:
        for c in self.coaches.values():
            c.resume(t_s)

    def skip(self, t_s: float) -> None:
        self.cycle(t_s)

    def pain_stop(self, t_s: float) -> None:
        sid = self.current
        if sid is not None:
            self._coach(sid).pain_stop(t_s)
        self._pain.append(t_s)

    def result(self) -> CoachResult:
        holds, cues, reps, pains = [], [], None, list(self._pain)
        for sid, coach in self.coaches.items():
            r = coach.result()
            got = within_segments(self.recognizer, sid, r.holds, r.cues)
            holds += got[0]
            cues += got[1]
            pains += [p for p in r.pain_stops if p not in pains]
            if r.reps is not None:
                reps = (reps or 0) + r.reps
        holds.sort(key=lambda h: h.start_s)
        cues.sort(key=lambda c: c.t_s)
        # the stretch shown longest (None when none was recognised, as analyze says)
        return CoachResult(self.recognizer.main_stretch(), holds, reps, cues, sorted(pains), None)

    def summary_extra(self) -> dict:
        """The recognised segments (and an unsure note) for the session summary."""
        extra = {"segments": self.recognizer.segments()}
        doubt = self.recognizer.unsure()
        if doubt:
            extra["recognition"] = {"unsure": True, **doubt}
        return extra


def _with_cue(fb: Feedback, cue: Cue) -> Feedback:
    return fb if fb.cue is not None and fb.cue.safety else replace(fb, cue=cue)


def free_step(catalog, step_cls):
    """The live session's single step in free mode: a placeholder stretch until recognised."""
    step = step_cls(PLACEHOLDER)
    step.coach = FreeCoach(catalog, step)
    step.status = "started"
    step.free = True
    return step
