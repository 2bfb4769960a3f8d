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
from posecheck.pose.engine import PoseEngine
from posecheck.media.framelog import FrameLog
from posecheck.measure.lookahead import DelayLine, Item
from posecheck.media.plots import plot_angles
from posecheck.measure.sides import SwapCorrector
from posecheck.media.stage import Stage
from posecheck.media.summary import build_summary, write_json
from posecheck.media.videoio import VideoReader, VideoWriter
from posecheck.measure.partner import helper_metrics
from posecheck.run.people import Helpers, posture_scorer

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
    people: int | None = None
    notes: list[str] = field(default_factory=list)


def analyze(path: str | Path, stretch: str = "auto", *, out_dir: str | Path = "posecheck-out",
            model: str | None = None, catalog_dirs=(), profile: str | None = None,
            annotate: bool = True, plot: bool = True,
            progress: Callable[[int, int], None] | None = None, people: int | None = None) -> Summary:
    """Analyse one video and write its outputs; return the summary.

    people: how many persons MediaPipe looks for. None (default): one, with a look for a
    second now and then, and two while two are in frame (a partner stretch's helper);
    1: one only (fastest); 2: two on every frame (about twice the inference cost).
    """
    opts = AnalyzeOptions(stretch, Path(out_dir), model, tuple(map(Path, catalog_dirs)), profile,
                          annotate, plot, progress, people)
    return _Run(Path(path), opts).run()


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


class _Run:
    def __init__(self, path: Path, opts: AnalyzeOptions):
        self.path, self.opts = path, opts
        self.catalog = load_catalog(extra_dirs=opts.catalog_dirs, profile=opts.profile)
        self.auto = opts.stretch == "auto"
        if not self.auto:
            self.stretch = get_stretch(opts.stretch, catalog=self.catalog)

    def run(self) -> Summary:
        from posecheck.coach.machine import Coach
        from posecheck.coach.recognize import Recognizer

        reader = VideoReader(self.path)
        info = reader.info
        stem, out = self.path.stem, self.opts.out_dir
        out.mkdir(parents=True, exist_ok=True)
        fps = info.fps if info.fps > 0 else 30.0
        self.names = list(metrics.METRICS)
        # partner stretches share their solo twin's angles: auto recognises the twin
        solo = {k: s for k, s in self.catalog.items() if not s.partner}
        self.recognizer = Recognizer(solo) if self.auto else None
        self.coaches: dict[str, Coach] = {}
        self.judged_bands: dict[str, tuple[float, float]] = {}  # what the coach judged, for the plot
        own = self._own_columns()
        log = FrameLog(out / f"{stem}.frames.csv", [*metrics.STANDARD_ANGLES, *own],
                       ("stretch",) if self.auto else ())
        writer = self._writer(out / f"{stem}.annotated.mp4", fps, info) if self.opts.annotate else None
        line = DelayLine(round(SMOOTH_HALF_S * fps), SMOOTH_SIGMA_S * fps)
        counts = {"frames": 0, "pose": 0}
        last_t = 0.0
        scorer = posture_scorer(list(solo.values()) if self.auto else [self.stretch])
        engine = PoseEngine(self.opts.model, mode="video", num_poses=self.opts.people, scorer=scorer)
        swap = SwapCorrector()
        self.helpers, self.helper_of = Helpers(), {}

        def after_pose(job) -> None:  # off the inference thread: overlaps the next detect
            frame, pose, helper, hidden = job
            self.helper_of[frame.index] = (helper, hidden)
            item = Item(frame.index, frame.t_s, frame.image, pose, self._vector(pose, helper))
            for ready in line.push(item):
                self._coach(ready, log, writer, counts)

        post = Stage(after_pose, "coach")
        try:
            with engine:
                for frame in reader:
                    pose = engine.detect(frame.image, frame.t_s)
                    if pose is not None:
                        pose = swap.correct(pose)
                    post.put((frame, *self.helpers.split(pose, engine.others)))
                    last_t = frame.t_s
                    if self.opts.progress:
                        self.opts.progress(frame.index + 1, info.frames)
            post.close()
            for ready in line.flush():
                self._coach(ready, log, writer, counts)
        finally:
            try:
                post.close()      # what was measured is coached and logged, even after an error
            finally:
                log.close()
                if writer is not None:
                    writer.close()
        if reader.broke_at is not None:
            self.opts.notes.append(
                f"decoding stopped at {reader.broke_at:.2f} s (frame {reader.frames_read} of "
                f"{info.frames}): the file looks truncated; analysed what decoded")
        if counts["frames"] and not counts["pose"]:
            self.opts.notes.append("no person was found in the video")
        frame_dt = 1.0 / fps
        duration = last_t + frame_dt if counts["frames"] else 0.0
        return self._finish(info, fps, counts, duration, log, engine, stem)

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
            for name, _value, band, _ok in feedback.judged:
                self.judged_bands.setdefault(name, (band.lo, band.hi))
        state = feedback.state if feedback else "idle"
        cue = feedback.cue.id if feedback and feedback.cue else None
        log.add(item.index, item.t_s, has_pose, values, state, cue,
                {"stretch": stretch.id if stretch else ""})
        if writer is not None:
            writer.write((item.image, item.pose, feedback, stretch, helper))
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

        return VideoWriter(path, fps, (info.width, info.height), draw=draw)

    # -- end ---------------------------------------------------------------------
    def _finish(self, info, fps, counts, duration, log: FrameLog, engine, stem) -> Summary:
        holds, cues, reps, extra = [], [], None, {}
        for sid, coach in self.coaches.items():
            result = coach.result()
            holds += result.holds
            cues += result.cues
            if result.reps is not None:
                reps = (reps or 0) + result.reps
        cues.sort(key=lambda c: c.t_s)
        holds.sort(key=lambda h: h.start_s)
        if self.auto:
            extra["segments"] = self.recognizer.segments()
        extra["helper"] = self.helpers.summary(fps)
        if self.opts.notes:
            extra["notes"] = list(self.opts.notes)
        angles = {n: log.series(n) for n in log.columns}
        stretch_id = self.stretch.id if not self.auto else self.recognizer.main_stretch()
        summary = Summary(build_summary(
            video=str(self.path), stretch=stretch_id, fps=fps, frames=counts["frames"],
            frames_with_pose=counts["pose"], duration_s=duration, model=engine.model,
            holds=holds, reps=reps, cues=cues, angles=angles, extra=extra))
        out = self.opts.out_dir
        summary.files = {"summary": write_json(out / f"{stem}.summary.json", summary),
                         "frames": out / f"{stem}.frames.csv"}
        if self.opts.annotate:
            summary.files["annotated"] = out / f"{stem}.annotated.mp4"
        if self.opts.plot:
            summary.files["plot"] = self._plot(out / f"{stem}.angles.png", log, holds, stretch_id)
        return summary

    def _plot(self, path: Path, log: FrameLog, holds, stretch_id) -> Path:
        series = {n: log.series(n) for n in self.judged_bands if n in log.columns}
        if not series:
            series = {n: log.series(n) for n in metrics.STANDARD_ANGLES[:4]}
        return plot_angles(path, log.times(), series, self.judged_bands, holds,
                           f"{self.path.name}: {stretch_id or 'no stretch recognised'}")
