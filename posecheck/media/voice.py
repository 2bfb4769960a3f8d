"""What the coach says aloud, and when: the voice-first guidance of `live`.

From the session's events and each frame's Feedback it decides the utterances:
the stretch and its set-up in one sentence, what to fix in the set-up, "Hold", the
time left at useful moments ("10 seconds", "3, 2, 1"), "Release", "Switch to your right
side", the one form cue the coach announced (its priority and cooldown already
applied), and the session summary. Priorities keep the mailbox from dropping the
timing words for a form cue: safety 3, timing 2, cues and set-up 1.
"""

from __future__ import annotations

import math

SAFETY, TIMING, CUE = 3, 2, 1
SAID_BY_VOICE = ("release", "hold-steady")   # cue ids the timing words already cover
TEN_S_MIN_TARGET = 15.0                       # "10 seconds" only for holds longer than this


class Voice:
    def __init__(self, speaker):
        self.speaker = speaker
        self._prev_state: str | None = None
        self._left: float | None = None
        self._events = 0

    def _say(self, text: str, priority: int, t_s: float | None) -> None:
        if self.speaker is not None:
            self.speaker.say(text, priority, t_s=t_s)

    def _tone(self, kind: str, t_s: float | None) -> None:
        if self.speaker is not None:
            self.speaker.tone(kind, t_s=t_s)

    # -- phases -----------------------------------------------------------------------------
    def intro(self, stretch, side: str | None, t_s: float | None, heading: str = "") -> None:
        """One sentence: the stretch, its starting position, the side."""
        position = stretch.position[:1].lower() + stretch.position[1:]
        sentence = f"{heading + ': ' if heading else ''}{stretch.name}, {position}"
        if side:
            sentence += f", {side} side first"
        self._say(sentence + ".", TIMING, t_s)

    def setup(self, problem: str | None, t_s: float | None) -> None:
        if problem:
            self._say(problem.split(":")[0], CUE, t_s)

    def new_step(self) -> None:
        self._prev_state, self._left, self._events = None, None, 0

    def frame(self, t_s: float, fb, stretch, events=()) -> None:
        """Timing words from the hold's progress, plus cues the coach just announced."""
        if fb is None:
            return
        state, target = fb.state, fb.target_s
        holding = state == "holding" and target > 0
        if holding and self._prev_state != "holding" and fb.hold_s < target:
            self._say("Hold", TIMING, t_s)
            self._tone("start", t_s)
            self._left = target - fb.hold_s
        elif holding and self._left is not None:
            left = target - fb.hold_s
            if left <= 10.0 < self._left and target >= TEN_S_MIN_TARGET:
                self._say("10 seconds", TIMING, t_s)
            if left <= 3.0 < self._left:
                self._say("3, 2, 1", TIMING, t_s)
                self._tone("last3", t_s)
            if left <= 0.0 < self._left:
                self._say("Release", TIMING, t_s)
                self._tone("end", t_s)
            self._left = left
        if state != "holding":
            self._left = None if state != "paused" else self._left
        self._prev_state = state
        for event in list(events)[self._events:]:
            self._cue(event, fb, stretch, t_s)
        self._events = len(events)

    def _cue(self, event, fb, stretch, t_s: float) -> None:
        if event.id in SAID_BY_VOICE:
            return
        if event.id == "switch-side":
            other = next((s for s in stretch.sides if s != fb.side), None)
            self._say(f"Switch to your {other} side" if other else "Now the other side", TIMING, t_s)
            return
        cue = stretch.cue(event.id)
        self._say(event.text, SAFETY if cue is not None and cue.safety else CUE, t_s)

    def summary(self, summary: dict, t_s: float | None = None) -> None:
        holds = summary.get("holds", [])
        done = sum(1 for h in holds if h.get("completed"))
        parts = ["Session over"]
        if holds:
            parts.append(f"{done} of {len(holds)} holds done")
        if summary.get("reps"):
            parts.append(f"{summary['reps']} reps")
        held = sum(h.get("duration_s") or 0 for h in holds)
        if held >= 1:
            parts.append(f"{math.floor(held)} seconds in position")
        self._say(". ".join(parts) + ". Well done.", TIMING, t_s)

    def pain(self, when: str, t_s: float | None = None) -> None:
        lead = "Before we start" if when == "before" else "Before you go"
        self._say(f"{lead}: how is your back pain right now, from 0 to 10? Press a number, or Enter to skip.",
                  TIMING, t_s)
