"""Video files in and out on their own threads, with bounded queues.

Decoding and encoding run beside inference (OpenCV releases the GIL while it
codes), and the bounded queues keep memory flat whatever the video's length.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from posecheck.errors import InputError
from posecheck.media.stage import Stage

_END = object()


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    fps: float
    frames: int          # the container's frame count (may be an estimate)
    width: int
    height: int

    @property
    def duration_s(self) -> float:
        return self.frames / self.fps if self.fps > 0 else 0.0


@dataclass(frozen=True)
class Frame:
    index: int
    t_s: float           # presentation time from the container
    image: np.ndarray


def open_video(path: str | Path) -> tuple[cv2.VideoCapture, VideoInfo]:
    """Open a video file or raise a one-line InputError saying what is wrong."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"no such video: {p}")
    if p.is_dir():
        raise InputError(f"{p} is a folder, not a video")
    if p.stat().st_size == 0:
        raise InputError(f"{p} is empty (0 bytes)")
    cap = cv2.VideoCapture(str(p))
    ok = cap.isOpened()
    if ok:
        ok, _ = cap.read()
        cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
    if not ok:
        cap.release()
        raise InputError(f"{p} is not a readable video (corrupt or unsupported format; try mp4/webm/avi)")
    info = VideoInfo(p, float(cap.get(cv2.CAP_PROP_FPS) or 0.0),
                     int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0),
                     int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    return cap, info


def seek_frame(cap: cv2.VideoCapture, index: int) -> int:
    """Position `cap` before frame `index`; returns the index reached. A container that
    cannot seek exactly is decoded forward from the start instead (slower, exact)."""
    cap.set(cv2.CAP_PROP_POS_FRAMES, index)
    if int(cap.get(cv2.CAP_PROP_POS_FRAMES)) == index:
        return index
    cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
    done = 0
    while done < index and cap.grab():
        done += 1
    return done


class VideoReader:
    """Iterates `Frame`s decoded on a background thread.

    Timestamps come from the container (CAP_PROP_POS_MSEC), so variable frame
    rates are timed correctly; when a container gives none, index / fps is used.
    After iteration, `broke_at` is set if decoding stopped before the container's
    frame count (a truncated file). `start`/`stop` read only frames [start, stop) with
    their true indices and timestamps (one chunk of `analyze --jobs N`).
    """

    def __init__(self, path: str | Path, queue_size: int = 16, start: int = 0, stop: int | None = None):
        self.cap, self.info = open_video(path)
        self.frames_read = seek_frame(self.cap, start) if start > 0 else 0
        self._stop_at = stop
        self.broke_at: float | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=queue_size)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="video-reader", daemon=True)

    def __iter__(self):
        self._thread.start()
        try:
            while True:
                item = self._queue.get()
                if item is _END:
                    return
                yield item
        finally:
            self.close()

    def _run(self) -> None:
        fps = self.info.fps if self.info.fps > 0 else 30.0
        last_t = -1.0
        try:
            while not self._stop.is_set():
                if self._stop_at is not None and self.frames_read >= self._stop_at:
                    break
                ok, image = self.cap.read()
                if not ok or image is None:
                    break
                t = self.cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
                if not np.isfinite(t) or t <= last_t:
                    t = max(self.frames_read / fps, last_t + 1e-3)
                last_t = t
                self._put(Frame(self.frames_read, t, image))
                self.frames_read += 1
        finally:
            # containers' frame counts are estimates (webm: off by a frame or two)
            if self._stop_at is None and self.info.frames and self.frames_read < self.info.frames - max(3, 0.01 * self.info.frames):
                self.broke_at = last_t if last_t >= 0 else 0.0
            self._put(_END)

    def _put(self, item) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=2.0)
        self.cap.release()


class VideoWriter:
    """Encodes frames on a background thread; `write` blocks only when the queue is full."""

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], queue_size: int = 16,
                 draw=None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fourcc = cv2.VideoWriter_fourcc(*"mp4v")
        self._writer = cv2.VideoWriter(str(self.path), fourcc, fps if fps > 0 else 30.0, size)
        if not self._writer.isOpened():
            raise InputError(f"cannot write video {self.path} (check the folder is writable)")
        self._size = size
        self._draw = draw
        self._stage = Stage(self._encode, "video-writer", queue_size)

    def write(self, item) -> None:
        """Queue one item; `draw(item) -> image` runs on the writer thread if given."""
        self._stage.put(item)

    def _encode(self, item) -> None:
        image = self._draw(item) if self._draw else item
        if (image.shape[1], image.shape[0]) != self._size:
            image = cv2.resize(image, self._size)
        self._writer.write(image)

    def close(self) -> None:
        try:
            self._stage.close()
        finally:
            self._writer.release()

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
