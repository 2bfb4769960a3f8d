"""`posecheck checkup` live: each test and side in turn on the live screen and voice.

Per test and side: the instructions (said, and shown while the first frames are already
measured), then the live view with the trials found so far; the side is done after its
trials (or 2 valid ones and a pause), then "turn around" for the other side. The records
of each side go through the same `find_trials` as `checkup --video`; at the end the result
and the routine are written as there. Keys: n next side/test, q quit (what was measured
is kept).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from posecheck.coach.checkup import load_tests
from posecheck.coach.checkup.trials import Record, find_trials
from posecheck.run.checkup import CheckupOptions, build_result, previous_result, save

INTRO_S = 5.0        # the instruction card over the picture (frames are measured meanwhile)
IDLE_S = 4.0         # after 2 valid trials, this long without a new one ends the side
SIDE_MAX_S = 60.0    # a side ends after this long whatever was found
CLOSED_S = 0.3       # a trial counts once its value has been back below start this long


@dataclass
class _Options:         # what `Sink` reads
    window: bool
    record: Path | None = None


@dataclass(frozen=True)
class _Card:            # what the "next up" card reads: a name and a set-up line
    name: str
    position: str


@dataclass
class Leg:
    """One test and side to measure (side None: both at once, or both directions of a front test)."""

    test: object
    side: str | None
    records: list = field(default_factory=list)
    start_t: float | None = None
    trials: list = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.test.name}" + (f" - {self.side} side" if self.side else "")


def plan_legs(tests: dict, only=()) -> list[Leg]:
    unknown = [t for t in only if t not in tests]
    if unknown:
        from posecheck.errors import UsageError

        raise UsageError(f"unknown check-up test {unknown[0]!r}; known: {', '.join(tests)}")
    legs = []
    for tid, test in tests.items():
        if only and tid not in only:
            continue
        both_in_one = not test.sided or test.view == "front"
        legs += [Leg(test, None)] if both_in_one else [Leg(test, "left"), Leg(test, "right")]
    return legs


def intro_text(leg: Leg, previous: Leg | None) -> str:
    test = leg.test
    if leg.side:
        where = f"The camera must see your {leg.side} side."
        turn = "Turn around. " if previous is not None and previous.test is test else ""
        return f"{turn}{test.position}. {where} {test.instructions}"
    return f"{test.position}. {test.instructions}"


class LiveCheckup:
    def __init__(self, opts: CheckupOptions, source: str = "0", only=(), window: bool = True,
                 speak: bool = False, max_seconds: float | None = None, realtime: bool = True,
                 record: Path | None = None, echo=lambda m: print(m, file=sys.stderr)):
        self.opts, self.source_spec, self.window, self.speak = opts, source, window, speak
        self.max_seconds, self.realtime, self.echo, self.record = max_seconds, realtime, echo, record
        self.tests = load_tests(opts.test_dirs)
        self.legs = plan_legs(self.tests, only)
        self.current = 0
        self.speaker = None
        self.quit = False

    # -- the loop ------------------------------------------------------------------
    def run(self) -> dict:
        from posecheck.measure.sides import SwapCorrector
        from posecheck.measure.smoothing import OneEuroDict
        from posecheck.measure.spikes import spike_overrides
        from posecheck.media.capture import LatestFrameSource
        from posecheck.media.livesink import Sink
        from posecheck.pose.engine import PoseEngine

        if self.speak:
            from posecheck.media.speech import Speaker

            self.speaker = Speaker.create(warn=self.echo)
        self.swap, self.smooth = SwapCorrector(), OneEuroDict(spike_window=7, overrides=spike_overrides())
        source = LatestFrameSource(self.source_spec, realtime=self.realtime)
        engine = PoseEngine(self.opts.model, mode="video")
        sink = Sink(_Options(self.window, self.record), source.fps, source.size, source.kind == "camera")
        started = time.monotonic()
        try:
            with engine, source:
                while not self.quit and self.current < len(self.legs):
                    if self.max_seconds is not None and time.monotonic() - started >= self.max_seconds:
                        break
                    frame = source.read(timeout=0.25)
                    if frame is None:
                        if source.ended:
                            break
                        continue
                    sink.show(self._frame(engine, sink, frame), frame.index)
                    self._key(sink.poll_key())
                    if sink.closed_by_user():
                        break
        finally:
            result = self._result()
            sink.close_recorder(source.frames_read - 1)
            sink.close_window()
            if self.speaker is not None:
                self.speaker.close()
        return result

    def _frame(self, engine, sink, frame):
        from posecheck.measure import metrics
        from posecheck.measure.sides import near_side

        leg = self.legs[self.current]
        t = frame.t_s
        pose = engine.detect(frame.image, t)
        if pose is not None:
            pose = self.swap.correct(pose)
        values = self.smooth(t, metrics.measure(pose) if pose is not None else None)
        if leg.start_t is None:
            leg.start_t = t
            prev = self.legs[self.current - 1] if self.current else None
            self._say(intro_text(leg, prev))
        leg.records.append(Record(t, values if pose is not None else None,
                                  near_side(pose) if pose is not None else None))
        closed = [tr for tr in find_trials(leg.test, leg.records) if tr.end_s < t - CLOSED_S]
        if len(closed) > len(leg.trials):
            self._announce(closed[-1], len(closed))
        leg.trials = closed
        elapsed = t - leg.start_t
        image = self._draw(sink, frame.image, pose, leg, elapsed)
        if self._side_done(leg, t):
            self.current += 1
        return image

    def _draw(self, sink, image, pose, leg: Leg, elapsed: float):
        prev = self.legs[self.current - 1] if self.current else None
        if elapsed < INTRO_S:
            card = _Card(leg.test.name, intro_text(leg, prev))
            heading = f"Check-up ({self.current + 1} of {len(self.legs)})"
            side = f"{leg.side} side" if leg.side else ""
            return sink.draw_countdown(image, heading, card, side, INTRO_S - elapsed, INTRO_S)
        lines = [("trial", self._trial_line(leg.test, tr, i + 1)) for i, tr in enumerate(leg.trials)]
        wanted = leg.test.trials * (2 if leg.side is None and leg.test.sided else 1)
        lines.append(("next", f"Trial {len(leg.trials) + 1} of {wanted}"))
        return sink.draw_setup(image, lines, pose, leg.title, 0.0,
                               step=f"check-up {self.current + 1} of {len(self.legs)}")

    @staticmethod
    def _trial_line(test, trial, n: int) -> str:
        unit = " deg" if test.metric.unit == "deg" else ""   # the screen's font has no degree sign
        vals = ", ".join(f"{s} {v:.0f}{unit}" for s, v in trial.values.items())
        return f"Trial {n}: {vals}" + ("" if trial.valid else f" - not counted: {trial.reason}")

    def _announce(self, trial, n: int) -> None:
        if trial.valid:
            self._say(f"Trial {n} measured. Rest, then again.")
        else:
            self._say(f"Trial {n} not counted: {trial.reason}.")

    def _side_done(self, leg: Leg, t: float) -> bool:
        valid = [tr for tr in leg.trials if tr.valid]
        wanted = leg.test.trials * (2 if leg.side is None and leg.test.sided else 1)
        last = max((tr.end_s for tr in leg.trials), default=leg.start_t)
        return (len(valid) >= wanted or (len(valid) >= 2 and t - last >= IDLE_S + CLOSED_S)
                or t - leg.start_t >= SIDE_MAX_S)

    def _key(self, key: int) -> None:
        if key < 0:
            return
        ch = chr(key & 0xFF).lower()
        if ch in ("q", "\x1b"):
            self.quit = True
        elif ch == "n":
            self.current += 1

    def _say(self, text: str) -> None:
        if self.speaker is not None:
            self.speaker.say(text, 1)

    def _result(self) -> dict:
        by_test: dict[str, list] = {}
        for leg in self.legs:
            if leg.records:
                # trials still open when the session ended count too (their value is measured)
                by_test.setdefault(leg.test.id, []).extend(find_trials(leg.test, leg.records))
        files = [{"file": self.source_spec, "test": tid, "trials": len(tr)} for tid, tr in by_test.items()]
        result = build_result(self.tests, by_test, files, previous_result(self.opts))
        save(result, self.tests, self.opts)
        return result
