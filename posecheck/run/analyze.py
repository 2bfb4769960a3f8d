"""`posecheck analyze`: the coach run over a recorded video, offline.

reader thread -> pose (VIDEO mode, container timestamps) -> metrics -> delay line
(zero-phase smoothing with a short lookahead) -> coach -> CSV + writer thread
(overlay drawing and encoding). Nothing grows with the video's length but a few
numbers per frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from posecheck.measure import metrics
from posecheck.coach.catalog import get_stretch, load_catalog
from posecheck.coach.catalog.schema import with_style
from posecheck.media.framelog import FrameLog
from posecheck.measure.lookahead import DelayLine, Item
from posecheck.measure.spikes import median_mask, slack_vector
from posecheck.media.plots import plot_angles
from posecheck.media.stage import Stage
from posecheck.media.atomic import check_folder
from posecheck.media.summary import build_summary
from posecheck.media.videoio import VideoWriter
from posecheck.run.interrupt import catch_stop
from posecheck.measure.partner import helper_metrics
import posecheck.run.people as crowd
from posecheck.run.people import Helpers, posture_scorer
from posecheck.run.posestream import PoseSettings, SingleSource

SMOOTH_HALF_S = 0.4    # lookahead of the offline filter, seconds
SMOOTH_SIGMA_S = 0.12  # Gaussian sigma: passes movements slower than ~1.3 Hz


class Summary(dict):
    """The interface.md summary (a dict), plus `files`: the outputs written."""

    files: dict[str, Path]


@dataclass
class AnalyzeOptions:
    stretch: str = "auto"
    out_dir: Path = Path("posecheck-out")
    model: str | None = None
    catalog_dirs: tuple[Path, ...] = ()
    profile: str | None = None
    annotate: bool = True
    plot: bool = True
    progress: Callable[[int, int], None] | None = None
    people: int | None = None   # None: one, and two while two are in frame (pose/second.py)
    stride: int | None = 1   # None: adaptive (run/stride.py)
    jobs: int = 1            # processes for this one video (run/chunks.py)
    share: bool = False          # outputs group-readable (0640) instead of private (0600)
    stem: str | None = None      # output file stem (default: the video's), unique per batch
    notes: list[str] = field(default_factory=list)
    history: bool = True              # record the session in the local history
    style: str | None = None   # "reps" / "hold": how a stretch with both styles is done

    def pose_settings(self, partner: bool = False) -> PoseSettings:
        """people unset: follow one person and look for a second now and then (pose/second.py;
        a partner stretch looks more often, in line) and behind the helper. SOLO_LOOK off:
        one person only, for solo stretches (the benchmark's baseline)."""
        people = self.people if self.people is not None else (None if partner or crowd.SOLO_LOOK else 1)
        return PoseSettings(self.model, people, self.stride, helper=partner)


def analyze(path: str | Path, stretch: str = "auto", *, out_dir: str | Path = "posecheck-out",
            model: str | None = None, catalog_dirs=(), profile: str | None = None,
            annotate: bool = True, plot: bool = True,
            progress: Callable[[int, int], None] | None = None, people: int | None = None,
            stride: int | None = 1, jobs: int = 1, style: str | None = None,
            share: bool = False, stem: str | None = None, history: bool = True) -> Summary:
    """Analyse one video and write its outputs; return the summary.

    people: how many persons MediaPipe looks for. None (default): one, with a look for a
    second now and then, and two while two are in frame (a partner stretch's helper);
    1: one only (fastest); 2: two on every frame (about twice the inference cost). stride: run the model on
    every frame (1), every N-th, or adaptively (None). jobs: split the video over
    that many processes (overlapping chunks, merged before the coach).
    style: "reps" does a stretch that has a [rep_style] as repetitions with a short top hold.
    Outputs are written atomically and privately (media.atomic; share: group-readable);
    Ctrl-C/SIGTERM stops after the frame in hand and the summary says
    `"end_reason": "interrupted"`.
    """
    opts = AnalyzeOptions(stretch, Path(out_dir), model, tuple(map(Path, catalog_dirs)), profile,
                          annotate, plot, progress, people, stride, jobs, share, stem, style=style,
                          history=history)
    return _Run(Path(path), opts).run()


def source_notes(source) -> list[str]:
    """What decoding found (damaged frames skipped, truncation, probing) for the summary."""
    reader = getattr(source, "reader", None)
    if reader is not None:
        return reader.notes()
    notes = list(source.info.notes)
    if source.broke_at is not None:     # chunks over processes report only where decoding stopped
        notes.append(f"decoding stopped at {source.broke_at:.2f} s (frame {source.frames_read} of "
                     f"{source.info.frames}): the file looks truncated; analysed what decoded")
    return notes


def stretch_columns(stretch) -> list[str]:
    """The stretch's own metrics (CSV columns), side placeholders resolved for each side."""
    from posecheck.coach.catalog import resolve

    names: list[str] = []
    for template in stretch.metric_templates():
        for side in ("left", "right"):
            name = resolve(template, side)
            if name not in names and name not in metrics.STANDARD_ANGLES:
                names.append(name)
    return names


def _recorder(enabled: bool, path: Path, source):
    from posecheck.history.recorder import Recorder

    return Recorder.start("analyze", str(path), getattr(source, "model", None)) if enabled else Recorder.off()


class _Run:
    def __init__(self, path: Path, opts: AnalyzeOptions):
        self.path, self.opts = path, opts
        self.catalog = load_catalog(extra_dirs=opts.catalog_dirs, profile=opts.profile)
        self.auto = opts.stretch == "auto"
        if not self.auto:
            self.stretch = with_style(get_stretch(opts.stretch, catalog=self.catalog), opts.style)

    def run(self) -> Summary:
        from posecheck.coach.recognize import Recognizer
        from posecheck.run.outputs import Outputs

        source = self._pose_source()          # probe first: a bad video is one line, no files
        info = source.info
        out = check_folder(self.opts.out_dir, "--out", self.opts.share)
        stem = self.opts.stem or self.path.stem
        fps = info.fps
        self.names = list(metrics.METRICS)
        # partner stretches share their solo twin's angles: auto recognises the twin
        solo = {k: s for k, s in self.catalog.items() if not s.partner}
        self.recognizer = Recognizer(solo) if self.auto else None
        self.helpers, self.helper_of = Helpers(), {}
        self.coaches: dict = {}
        self.judged_bands: dict[str, tuple[float, float]] = {}  # what the coach judged, for the plot
        outputs = Outputs(out, stem, self.opts.share)
        counts = {"frames": 0, "pose": 0}
        log, writer = outputs.open(
            lambda: FrameLog(outputs.path("frames.csv"), [*metrics.STANDARD_ANGLES, *self._own_columns()],
                             ("stretch",) if self.auto else (), share=self.opts.share),
            (lambda: self._writer(outputs.path("annotated.mp4"), fps, info)) if self.opts.annotate else None)
        last_t = 0.0
        self.history = _recorder(self.opts.history, self.path, source)
        with catch_stop() as stop, outputs.guard() as failure:
            last_t = self._loop(source, log, writer, counts, stop, fps)
        self.opts.notes += source_notes(source)
        if counts["frames"] and not counts["pose"]:
            self.opts.notes.append("no person was found in the video")
        end_reason = "interrupted" if stop.requested else "write error" if failure.error else "end of video"
        duration = last_t + 1.0 / fps if counts["frames"] else 0.0
        summary = self._finish(info, fps, counts, duration, log, source, outputs, end_reason)
        failure.reraise(summary.files.get("summary"))
        return summary

    def _loop(self, source, log, writer, counts, stop, fps) -> float:
        """Poses on this thread, the rest on a stage thread; the last frame's time."""
        line = DelayLine(round(SMOOTH_HALF_S * fps), SMOOTH_SIGMA_S * fps,
                         slack_vector(self.names), median_mask(self.names))
        last_t = 0.0

        def after_pose(job) -> None:  # off the inference thread: overlaps the next detect
            frame, pose, helper, hidden = job
            self.helper_of[frame.index] = (helper, hidden)
            item = Item(frame.index, frame.t_s, frame.image, pose, self._vector(pose, helper))
            for ready in line.push(item):
                self._coach(ready, log, writer, counts)

        post = Stage(after_pose, "coach")
        try:
            poses = source.run()
            for frame, pose in poses:
                if stop.requested:
                    break        # the frame in hand was finished; what was measured is kept
                post.put((frame, *self.helpers.split(pose, getattr(source, "others", []))))
                last_t = frame.t_s
                if self.opts.progress:
                    self.opts.progress(frame.index + 1, source.info.frames)
            getattr(poses, "close", lambda: None)()   # the reader and the model stop now
            post.close()
            for ready in line.flush():
                self._coach(ready, log, writer, counts)
        finally:
            post.close()      # what was measured is coached and logged, even after an error
        return last_t

    # -- per frame ---------------------------------------------------------------
    def _vector(self, pose, helper=None) -> np.ndarray:
        if pose is None:
            return np.full(len(self.names), np.nan)
        values = metrics.measure(pose)
        if helper is not None:
            values |= helper_metrics(pose, helper)
        return np.array([values.get(n, math.nan) for n in self.names], dtype=float)

    def _coach(self, item: Item, log: FrameLog, writer, counts) -> None:
        values = dict(zip(self.names, item.smooth.tolist()))
        has_pose = item.pose is not None
        counts["frames"] += 1
        counts["pose"] += int(has_pose)
        stretch = self._stretch_for(item, values if has_pose else None)
        helper, hidden = self.helper_of.pop(item.index, (None, []))
        feedback = None
        if stretch is not None:
            coach = self._coach_for(stretch)
            feedback = coach.update(item.t_s, values if has_pose else None, hidden_by_helper=bool(hidden))
            self.history.poll(coach)
            for name, _value, band, _ok in feedback.judged:
                self.judged_bands.setdefault(name, (band.lo, band.hi))
        state = feedback.state if feedback else "idle"
        cue = feedback.cue.id if feedback and feedback.cue else None
        log.add(item.index, item.t_s, has_pose, values, state, cue,
                {"stretch": stretch.id if stretch else ""})
        if writer is not None:
            writer.write((item.image, item.pose, feedback, stretch, helper), item.t_s)
        item.image = None  # the delay line no longer holds the pixels

    def _stretch_for(self, item: Item, values):
        if not self.auto:
            return self.stretch
        sid = self.recognizer.update(item.t_s, values)
        if not sid:
            return None
        stretch = self.catalog[sid]
        # a segment is recognised a little after it began: let its coach see those frames
        for t_s, past in self.recognizer.take_backlog():
            self._coach_for(stretch).update(t_s, past)
        return stretch

    def _coach_for(self, stretch):
        from posecheck.coach.machine import Coach

        if stretch.id not in self.coaches:
            if self.opts.style in dict(stretch.styles):
                stretch = with_style(stretch, self.opts.style)
            self.coaches[stretch.id] = Coach(stretch)
        return self.coaches[stretch.id]

    def _own_columns(self) -> list[str]:
        stretches = list(self.catalog.values()) if self.auto else [self.stretch]
        cols: list[str] = []
        for s in stretches:
            cols += [c for c in stretch_columns(s) if c not in cols]
        return cols

    def _writer(self, path: Path, fps: float, info) -> VideoWriter:
        from posecheck.media.helper_overlay import draw_helper
        from posecheck.media.overlay import draw_overlay

        def draw(item):
            image, pose, feedback, stretch, helper = item   # the decoded frame is ours: draw on it
            image = draw_overlay(image, pose, feedback, stretch, in_place=True)
            return draw_helper(image, helper)

        return VideoWriter(path, info.grid_fps or fps, (info.width, info.height), draw=draw, share=self.opts.share)

    # -- end ---------------------------------------------------------------------
    def _pose_source(self):
        """Where the poses come from: one landmarker here, or chunks over processes."""
        if self.opts.jobs > 1:
            from posecheck.run.chunks import ChunkedSource

            return ChunkedSource(self.path, self.opts.pose_settings(self._partner()), self.opts.jobs,
                                 need_images=self.opts.annotate)
        stretches = [s for s in self.catalog.values() if not s.partner] if self.auto else [self.stretch]
        return SingleSource(self.path, self.opts.pose_settings(self._partner()),
                            scorer=posture_scorer(stretches))

    def _partner(self) -> bool:
        return not self.auto and self.stretch.partner

    def _finish(self, info, fps, counts, duration, log: FrameLog, source, outputs, end_reason) -> Summary:
        from posecheck.coach.recognize import unsure_note, within_segments

        holds, cues, reps, extra = [], [], None, {}
        for sid, coach in self.coaches.items():
            result = coach.result()
            # auto: only what falls in a segment recognised with confidence
            got = within_segments(self.recognizer, sid, result.holds, result.cues) if self.auto \
                else (result.holds, result.cues)
            holds += got[0]
            cues += got[1]
            if result.reps is not None:
                reps = (reps or 0) + result.reps
        cues.sort(key=lambda c: c.t_s)
        holds.sort(key=lambda h: h.start_s)
        if self.auto:
            extra["segments"] = self.recognizer.segments()
            doubt = self.recognizer.unsure()
            if doubt:   # say so and name --stretch (its guessed holds were left out above)
                extra["recognition"] = {"unsure": True, **doubt}
                self.opts.notes.append(unsure_note(doubt))
        if self.opts.stride != 1:
            extra["stride"] = {"setting": self.opts.stride or "auto", "model_frames": source.model_frames}
        extra["end_reason"] = end_reason
        extra["helper"] = self.helpers.summary(fps)
        if self.opts.notes:
            extra["notes"] = list(self.opts.notes)
        angles = {n: log.series(n) for n in log.columns}
        stretch_id = self.stretch.id if not self.auto else self.recognizer.main_stretch()
        summary = Summary(build_summary(
            video=str(self.path), stretch=stretch_id, fps=fps, frames=counts["frames"],
            frames_with_pose=counts["pose"], duration_s=duration, model=source.model,
            holds=holds, reps=reps, cues=cues, angles=angles, extra=extra,
            balance=None if "recognition" in extra else self._balance(stretch_id)))
        self.history.finish(self.coaches.values(), summary)
        summary.files = outputs.finish(summary, lambda path: self._plot(path, log, holds, stretch_id)
                                       if self.opts.plot else None)
        return summary

    def _balance(self, stretch_id: str | None) -> dict | None:
        from posecheck.coach.balance import balance

        coach = self.coaches.get(stretch_id) if stretch_id else None
        return balance(self.catalog[stretch_id], coach.result().holds) if coach is not None else None

    def _plot(self, path: Path, log: FrameLog, holds, stretch_id) -> Path:
        series = {n: log.series(n) for n in self.judged_bands if n in log.columns}
        if not series:
            series = {n: log.series(n) for n in metrics.STANDARD_ANGLES[:4]}
        return plot_angles(path, log.times(), series, self.judged_bands, holds,
                           f"{self.path.name}: {stretch_id or 'no stretch recognised'}", share=self.opts.share)
