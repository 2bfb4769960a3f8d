"""`posecheck live`: coach from a camera, a video file or a stream, frame by frame.

newest frame (capture thread, stale frames dropped) -> pose (VIDEO mode, run
synchronously on that frame) -> swap correction -> metrics -> one-euro -> coach ->
overlay -> window / recorder. VIDEO mode on the newest frame gives the lowest
capture-to-display latency: the skeleton drawn belongs to the very frame shown, and
no frame waits in a queue; LIVE_STREAM mode would either hold the frame back until
its callback (the same latency plus a thread hop) or draw an older pose on a newer
frame.

Each step of the plan (one stretch, or a routine's stretches) runs: a "next up" card
(routines), the set-up screen until the camera view is right AND the person is in the
stretch's starting posture, then the coach until it is done, `n` skips, or `p` stops
for pain. The voice (`media.voice`) speaks along; the pain question comes before and
after (with a window, or when asked). Whatever ends the session (q, end of stream,
camera lost, --max-seconds), the summary is built from what was measured.
"""

from __future__ import annotations

import os
from array import array
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from posecheck.measure import metrics
from posecheck.media.capture import LatestFrameSource
from posecheck.errors import InputError, UsageError
from posecheck.media.framelog import FrameLog
from posecheck.media.livesink import Sink
from posecheck.media.voice import Voice
from posecheck.run.interrupt import catch_stop
from posecheck.run.livehistory import finish_history, start_history
from posecheck.run.livesummary import build_live_summary, session_line  # noqa: F401 (re-exported)
from posecheck.run.outputs import check_files
from posecheck.measure.partner import helper_metrics
import posecheck.run.people as crowd
from posecheck.run.people import Helpers, posture_scorer

SETUP_OK_S = 0.5        # the view must be right this long before timing starts
SETUP_MAX_S = 15.0      # after this, start anyway on camera problems (never on a wrong posture)
DONE_STATES = ("done", "finished", "complete")


@dataclass
class LiveOptions:
    stretch: str | None = None
    routine: str | None = None
    source: str = "0"
    model: str | None = None
    window: bool = True
    record: Path | None = None
    summary: Path | None = None
    max_seconds: float | None = None
    speak: bool = True                  # voice (or tones) on; --quiet turns it off
    ask_pain: bool | None = None        # None: ask with a window, not without
    pain_wait_s: float = 8.0            # the pain question is skipped after this long
    mirror: bool | None = None          # None: mirror cameras, not files or streams
    realtime: bool = True               # False: a file hands over every frame (no drops)
    setup: bool = True
    catalog_dirs: tuple[Path, ...] = ()
    routine_dirs: tuple[Path, ...] = ()
    profile: str | None = None
    history: bool = True                # record the session in the local history
    tighter_first: bool = False         # sided stretches start with the side history finds tighter
    share: bool = False                 # outputs group-readable instead of private (media.atomic)


@dataclass
class Step:
    stretch: object
    countdown_s: float = 0.0
    status: str = "not reached"         # -> done | skipped | pain stop | stopped
    coach: object | None = None
    start_side: str | None = None       # None: the coach's own order


@dataclass
class Stats:
    frames: int = 0
    with_pose: int = 0
    first_t: float | None = None
    last_t: float = 0.0
    latencies_ms: array = field(default_factory=lambda: array("f"))   # 4 bytes a frame
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None


def plan_steps(opts: LiveOptions, catalog) -> tuple[list[Step], object | None]:
    """The steps to run and the routine (None for a single stretch)."""
    from posecheck.coach.catalog import get_stretch

    if opts.stretch and opts.routine:
        raise UsageError("give either --stretch or --routine, not both")
    if opts.routine:
        from posecheck.coach.routines import get_routine

        routine = get_routine(opts.routine, opts.routine_dirs, catalog)
        return [Step(s.apply(catalog[s.stretch]), routine.transition_s) for s in routine.steps], routine
    if not opts.stretch:   # free mode: recognise the stretch (run/freemode.py)
        from posecheck.run.freemode import free_step

        return [free_step(catalog, Step)], None
    return [Step(get_stretch(opts.stretch, catalog=catalog))], None


class LiveSession:
    """One live session; `run()` returns the summary dict (also written with --summary)."""

    def __init__(self, opts: LiveOptions, echo=lambda msg: print(msg, file=sys.stderr), speaker=None):
        from posecheck.coach.catalog import load_catalog

        self.opts, self.echo = opts, echo
        self.catalog = load_catalog(extra_dirs=opts.catalog_dirs, profile=opts.profile)
        self.steps, self.routine = plan_steps(opts, self.catalog)
        if opts.window and sys.platform.startswith("linux") and not (
                os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            raise InputError("no display to open a window on: add --no-window (and --summary/--record)")
        check_files(opts.share, **{"--summary": opts.summary, "--record": opts.record})  # before, not after
        self.current = 0
        self.phase = "countdown"
        self.phase_t: float | None = None
        self.setup_ok_since: float | None = None
        self.paused = False
        self.quit = False
        self.end_reason = "stopped"
        self.stats = Stats()
        self.last_image = None
        self.speaker = speaker
        self.voice = Voice(speaker)
        self.pain: dict = {"before": None, "after": None}
        self._spoken_step = -1
        self._last_fb = None
        self.record_info: dict | None = None
        self._state, self._cue_id = "setup", None
        self.log = FrameLog(None, [*metrics.STANDARD_ANGLES, *self._own_columns()])

    def _own_columns(self) -> list[str]:
        from posecheck.run.analyze import stretch_columns

        cols: list[str] = []
        for step in self.steps:
            cols += [c for c in stretch_columns(step.stretch) if c not in cols]
        return cols

    # -- the loop ------------------------------------------------------------------
    def run(self) -> dict:
        from posecheck.pose.engine import PoseEngine
        from posecheck.measure.sides import SwapCorrector
        from posecheck.measure.smoothing import OneEuroDict
        from posecheck.measure.spikes import spike_overrides

        if self.opts.speak and self.speaker is None:
            from posecheck.media.speech import Speaker

            self.speaker = Speaker.create(warn=self.echo)
        self.voice = Voice(self.speaker if self.opts.speak else None)
        # 7 raw values: glitches of up to 3 frames are dropped, as analyze's Hampel does
        self.swap, self.smooth = SwapCorrector(), OneEuroDict(spike_window=7, overrides=spike_overrides())
        # open the source first: a wrong camera index fails before the model loads
        source = LatestFrameSource(self.opts.source, realtime=self.opts.realtime)
        self.source = source
        partner = any(s.stretch.partner for s in self.steps)   # the helper is expected
        engine = PoseEngine(self.opts.model, mode="video", num_poses=None if partner or crowd.SOLO_LOOK else 1,
                            helper=partner,
                            scorer=posture_scorer([s.stretch for s in self.steps]))
        self.helpers = Helpers()   # partner stretches: who helps (run/people.py)
        self.engine = engine
        mirror = self.opts.mirror if self.opts.mirror is not None else source.kind == "camera"
        self.sink = Sink(self.opts, source.fps, source.size, mirror)
        self.history = start_history(self)     # session row, advice, --tighter-first
        try:
            with catch_stop() as self.stop, engine:   # load the model before the clock starts
                self._ask_pain("before")
                with source:
                    self.stats.started = time.monotonic()
                    self._loop(source)
                self.stats.ended = time.monotonic()
                if self.end_reason != "window closed":
                    self._ask_pain("after")
        finally:
            self.stats.ended = self.stats.ended or time.monotonic()
            self._end_steps()
            self.record_info = self.sink.close_recorder(source.frames_read - 1)
            summary = finish_history(self, self._summary())
            self.voice.summary(summary)
            self.sink.show_summary(summary)
            self.sink.close_window()
            if self.speaker is not None:
                self.speaker.wait_idle(4.0 if self.opts.window else 0.0)
                self.speaker.close()
        if self.opts.summary:
            from posecheck.media.summary import write_json

            write_json(self.opts.summary, summary, self.opts.share)
        self.echo(session_line(summary))
        if (self.record_info or {}).get("error"):
            self.echo(f"warning: {self.record_info['error']}")
        return summary

    def _loop(self, source: LatestFrameSource) -> None:
        while not self.quit:
            if self.stop.requested:            # Ctrl-C / SIGTERM: the frame in hand is done
                self.end_reason = "interrupted"
                return
            if self.opts.max_seconds is not None and time.monotonic() - self.stats.started >= self.opts.max_seconds:
                self.end_reason = "max-seconds reached"
                return
            frame = source.read(timeout=0.25)
            if frame is None:
                if source.ended:
                    self.end_reason = source.end_reason or "end of stream"
                    return
                self._keys(self.sink.poll_key())   # keep the window responsive while waiting
                continue
            image = self._process(frame)
            self.sink.show(image, frame.index)
            self.stats.latencies_ms.append((time.monotonic() - frame.captured_at) * 1000.0)
            self._keys(self.sink.poll_key())
            if self.sink.closed_by_user():
                self.end_reason = "window closed"
                return

    # -- one frame -------------------------------------------------------------------
    def _process(self, frame):
        t = frame.t_s
        pose = self.engine.detect(frame.image, t)
        if pose is not None:
            pose = self.swap.correct(pose)
        pose, helper, hidden = self.helpers.split(pose, self.engine.others)
        self.sink.set_helper(helper)
        values = self.smooth(t, metrics.measure(pose) | helper_metrics(pose, helper) if pose is not None else None)
        st = self.stats
        st.frames += 1
        st.with_pose += int(pose is not None)
        st.first_t = t if st.first_t is None else st.first_t
        st.last_t = t
        if self.current >= len(self.steps):
            self.quit, self.end_reason = True, "routine finished" if self.routine else "stretch finished"
            return self.sink.draw_plain(frame.image, pose)
        step = self.steps[self.current]
        if self.phase_t is None:
            self.phase_t = t
            self.phase = "countdown" if step.countdown_s > 0 else "setup"
        self._state, self._cue_id = self.phase, None
        if self.phase == "setup" and not self.opts.setup:
            self._enter("coach", t)
        if self.phase == "countdown":
            image = self._countdown(frame, pose, step, t)
        elif self.phase == "setup" and self.opts.setup:
            image = self._setup(frame, pose, values, step, t)
        else:
            image = self._coach(frame, pose, values, step, t, bool(hidden))
        # every processed frame is measured, whatever the phase: the angles cover the session
        self.log.add(frame.index, t, pose is not None, values, self._state, self._cue_id)
        return image

    def _countdown(self, frame, pose, step, t):
        left = step.countdown_s - (t - self.phase_t)
        if left <= 0:
            self._enter("setup", t)
        heading = f"Next up ({self.current + 1} of {len(self.steps)})"
        self._intro(step, t, "Next up")
        side = f"{step.stretch.sides[0].capitalize()} side first" if step.stretch.sided else ""
        return self.sink.draw_countdown(frame.image, heading, step.stretch, side, left, step.countdown_s)

    def _intro(self, step, t, heading: str = "") -> None:
        """Say the stretch and its set-up once per step (on its card, or at its set-up)."""
        if self._spoken_step != self.current:
            self._spoken_step = self.current
            self.voice.new_step()
            self.voice.intro(step.stretch, step.stretch.sides[0] if step.stretch.sided else None, t, heading)

    def _step_label(self) -> str:
        return f"Step {self.current + 1} of {len(self.steps)}" if self.routine is not None else ""

    def _setup(self, frame, pose, values, step, t):
        from posecheck.coach.posture import posture_problem
        from posecheck.measure.viewcheck import check_view

        self._intro(step, t)
        problems = [("no_pose", "Step into the picture: I can't see anyone yet")] if pose is None \
            else list(check_view(pose, step.stretch.view).problems)
        posture = posture_problem(values if pose is not None else None, step.stretch)
        if posture is not None and pose is not None:
            problems.insert(0, ("posture", posture))
        if problems:
            self.setup_ok_since = None
            self.voice.setup(problems[0][1], t)
        elif self.setup_ok_since is None:
            self.setup_ok_since = t
        ok_for = 0.0 if self.setup_ok_since is None else t - self.setup_ok_since
        if ok_for >= SETUP_OK_S or (t - self.phase_t >= SETUP_MAX_S and posture is None and pose is not None):
            self._enter("coach", t)
        return self.sink.draw_setup(frame.image, problems, pose, f"Set up: {step.stretch.name}",
                                    ok_for / SETUP_OK_S, fps=self._fps(), step=self._step_label())

    def _coach(self, frame, pose, values, step, t, hidden: bool = False):
        """hidden: a helper in front covers some of the person's joints on this frame."""
        from posecheck.coach.machine import Coach

        if step.coach is None:
            # a routine step's first side (a check-up routine: the tighter one) is expected first
            step.coach = Coach(step.stretch, step.start_side or (step.stretch.sides[0] if step.stretch.sided else None))
            step.status = "started"
        fb = None if self.paused else step.coach.update(t, values if pose is not None else None,
                                                         hidden_by_helper=hidden)
        self.history.poll(step.coach)
        self._state = "paused" if self.paused else self._state
        if fb is not None:
            self._state, self._cue_id = fb.state, fb.cue.id if fb.cue else None
            self.voice.frame(t, fb, step.stretch, step.coach.events)
            if fb.state in DONE_STATES:
                self._next_step("done", t)
        self._last_fb = fb if fb is not None else self._last_fb
        return self.sink.draw_coach(frame.image, pose, self._last_fb, step.stretch, self._fps(),
                                    paused=self.paused, step=self._step_label())

    # -- control ------------------------------------------------------------------------
    def _enter(self, phase: str, t: float) -> None:
        self.phase, self.phase_t, self.setup_ok_since = phase, t, None

    def _next_step(self, status: str, t: float) -> None:
        step = self.steps[self.current]
        step.status = status
        self.current += 1
        self.phase_t, self.setup_ok_since, self._last_fb = None, None, None
        if self.current >= len(self.steps):
            self.quit = True
            self.end_reason = "routine finished" if self.routine else "stretch finished"

    def _keys(self, key: int) -> None:
        if key < 0 or self.current >= len(self.steps):
            if key in (ord("q"), 27):
                self.quit, self.end_reason = True, "quit"
            return
        step, t = self.steps[self.current], self.stats.last_t
        ch = chr(key & 0xFF).lower()
        if ch in ("q", "\x1b"):
            self.quit, self.end_reason = True, "quit"
        elif ch == " " and step.coach is not None:
            self.paused = not self.paused
            (step.coach.pause if self.paused else step.coach.resume)(t)
        elif ch == "n" and getattr(step, "free", False):
            step.coach.cycle(t)             # free mode: the next candidate
        elif ch == "n":
            if step.coach is not None:
                step.coach.skip(t)
            self._next_step("skipped", t)
        elif ch == "p":
            if step.coach is not None:
                step.coach.pain_stop(t)
            self.echo(f"pain stop at {t:.1f} s: {step.stretch.name} ended and logged")
            self._next_step("pain stop", t)

    def _ask_pain(self, when: str) -> None:
        from posecheck.run import livepain

        ask = self.opts.ask_pain if self.opts.ask_pain is not None else self.opts.window
        if not ask:
            return
        if self.opts.window:
            self.pain[when] = livepain.ask_on_screen(self.sink, self.voice, when, self.opts.pain_wait_s)
        else:
            self.pain[when] = livepain.ask_on_terminal(when, self.opts.pain_wait_s, self.echo)

    def _fps(self) -> float | None:
        st = self.stats
        elapsed = time.monotonic() - st.started
        return st.frames / elapsed if elapsed > 0.5 else None

    def _end_steps(self) -> None:
        for step in self.steps:
            if step.status == "started":
                step.status = "stopped"

    # -- summary --------------------------------------------------------------------------
    def _summary(self) -> dict:
        holds, cues, reps, pains = [], [], None, []
        for step in self.steps:
            if step.coach is None:
                continue
            result = step.coach.result()
            holds += [(step.stretch.id, h) for h in result.holds]
            cues += list(result.cues)
            pains += [{"t_s": round(t, 3), "stretch": step.stretch.id} for t in result.pain_stops]
            if result.reps is not None:
                reps = (reps or 0) + result.reps
        summary = build_live_summary(self, holds, cues, reps, pains)
        if getattr(self.steps[0], "free", False):
            summary.update(self.steps[0].coach.summary_extra())
            summary["stretch"] = self.steps[0].coach.result().stretch
        return summary
