"""The poses of a stream of frames: one VIDEO-mode landmarker, left/right swaps undone,
the model run on every frame or on a stride (run/stride.py). `analyze` and each chunk
of `analyze --jobs N` (run/chunks.py) get their poses from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from posecheck.measure.sides import SwapCorrector
from posecheck.media.videoio import VideoReader
from posecheck.pose.engine import PoseEngine
from posecheck.pose.landmarks import Pose
from posecheck.run.stride import StridePlanner, strided_poses


@dataclass(frozen=True)
class PoseSettings:
    """What decides the poses of a video (the same in every process of a run)."""

    model: str | None = None
    people: int | None = None    # None: one, and two while two are in frame (pose/second.py)
    stride: int | None = 1       # None: adaptive ('auto')
    helper: bool = False         # a partner stretch: the helper is expected (pose/engine.py)


class PoseStream:
    """`for frame, pose in PoseStream(settings, fps).run(frames)`; afterwards `model` is the
    model used and `model_frames` the frames the landmarker actually ran on."""

    def __init__(self, settings: PoseSettings, fps: float, scorer=None):
        self.settings = settings   # scorer: posture fit for the tracker (run/people.py)
        self.engine = PoseEngine(settings.model, mode="video", num_poses=settings.people, scorer=scorer,
                                 helper=settings.helper)
        self.model = self.engine.model
        self.planner = StridePlanner(settings.stride, fps)
        self.swap = SwapCorrector()

    @property
    def model_frames(self) -> int:
        return self.planner.detected

    def detect(self, frame) -> Pose | None:
        pose = self.engine.detect(frame.image, frame.t_s)
        return self.swap.correct(pose) if pose is not None else None

    def run(self, frames: Iterable) -> Iterator[tuple[object, Pose | None]]:
        with self.engine:
            yield from strided_poses(frames, self.detect, self.planner)


class SingleSource:
    """The poses of the whole video from one landmarker in this process."""

    def __init__(self, path: Path, settings: PoseSettings, scorer=None):
        self.reader = VideoReader(path)
        self.info = self.reader.info
        fps = self.info.fps if self.info.fps > 0 else 30.0
        self._stream = PoseStream(settings, fps, scorer)
        self.model = self._stream.model

    def run(self):
        return self._stream.run(self.reader)

    @property
    def model_frames(self) -> int:
        return self._stream.model_frames

    @property
    def others(self):
        """The people of the newest model frame who are not the coached person."""
        return self._stream.engine.others

    @property
    def broke_at(self):
        return self.reader.broke_at

    @property
    def frames_read(self) -> int:
        return self.reader.frames_read
