"""Live capture on its own thread that keeps only the newest frame.

When inference falls behind, older frames are overwritten (dropped), never queued,
so what the user sees is never more than one frame old. A video file plays at its
own frame rate as if it were a camera; `realtime=False` instead hands over every
frame as fast as the consumer takes them (deterministic runs, regression checks).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from posecheck.errors import InputError
from posecheck.media import quiet_av

quiet_av.configure()

LOST_AFTER_S = 2.0       # a camera/stream giving no frame for this long is "lost"


@dataclass(frozen=True)
class Captured:
    index: int            # frame number at the source (gaps = dropped frames)
    t_s: float            # the frame's time: container time for files, clock for cameras
    captured_at: float    # time.monotonic() when it was read (for latency)
    image: np.ndarray


def parse_source(source) -> int | str:
    """'0' -> camera 0; anything else is a path or URL."""
    if isinstance(source, int):
        return source
    text = str(source).strip()
    return int(text) if text.isdigit() else text


def _quiet_opencv():
    """Silence OpenCV's own warnings while probing (a missing camera prints several)."""
    try:
        prev = cv2.utils.logging.getLogLevel()
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
        return lambda: cv2.utils.logging.setLogLevel(prev)
    except AttributeError:
        return lambda: None


def open_source(source) -> tuple[cv2.VideoCapture, str]:
    """Open a camera index, file or URL; kind is 'camera', 'file' or 'stream'."""
    src = parse_source(source)
    restore = _quiet_opencv()
    try:
        if isinstance(src, int):
            cap = cv2.VideoCapture(src)
            ok = cap.isOpened() and cap.read()[0]
            if not ok:
                cap.release()
                raise InputError(f"camera {src} not found or busy: pass another index with --source "
                                 "(0 is usually the built-in camera) or a video file")
            return cap, "camera"
        if "://" in src:
            cap = cv2.VideoCapture(src)
            if not cap.isOpened():
                raise InputError(f"cannot open stream {src}: check the URL and that the stream is live")
            return cap, "stream"
        path = Path(src)
        if not path.is_file():
            raise InputError(f"no such video or camera: {src} (use a camera index like 0, a file, or a URL)")
        cap = cv2.VideoCapture(str(path))
        if not cap.isOpened() or not cap.read()[0]:
            cap.release()
            raise InputError(f"{path} is not a readable video (corrupt or unsupported format)")
        cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
        return cap, "file"
    finally:
        restore()


class LatestFrameSource:
    """`with LatestFrameSource("0") as src: frame = src.read()` — always the newest frame.

    `read()` returns a frame newer than the last one returned, or None once the
    source has ended (`end_reason` says why: "end of stream" or "camera lost").
    """

    def __init__(self, source, realtime: bool = True):
        self.source = str(source)
        self.cap, self.kind = open_source(source)
        fps = float(self.cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if 1.0 <= fps <= 240.0 else 30.0
        self.size = (int(self.cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(self.cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        self.realtime = realtime or self.kind != "file"
        self.frames_read = 0
        self.frames_dropped = 0
        self.end_reason: str | None = None
        self._latest: Captured | None = None
        self._taken = -1
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="capture", daemon=True)

    # -- lifecycle -----------------------------------------------------------------
    def __enter__(self) -> "LatestFrameSource":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        if not self._thread.is_alive():
            self._thread.start()

    def close(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout=3.0)
        self.cap.release()

    @property
    def ended(self) -> bool:
        return self.end_reason is not None

    # -- consumer ------------------------------------------------------------------
    def read(self, timeout: float | None = None) -> Captured | None:
        """The newest frame not yet returned; None at the end (or after `timeout` s)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                frame = self._latest
                if frame is not None and frame.index > self._taken:
                    self._taken = frame.index
                    self._cond.notify_all()        # a non-realtime reader may go on
                    return frame
                if self.end_reason is not None:
                    return None
                wait = None if deadline is None else deadline - time.monotonic()
                if wait is not None and wait <= 0:
                    return None
                self._cond.wait(wait)

    # -- producer (capture thread) ----------------------------------------------------
    def _run(self) -> None:
        start = time.monotonic()
        last_ok = start
        index = 0
        reason = "stopped"
        while not self._stop.is_set():
            ok, image = self.cap.read()
            now = time.monotonic()
            if not ok or image is None:
                if self.kind == "file":
                    reason = "end of stream"
                    break
                if now - last_ok > LOST_AFTER_S:
                    reason = "camera lost" if self.kind == "camera" else "stream lost"
                    break
                time.sleep(0.01)
                continue
            last_ok = now
            t_s = self._frame_time(index, now - start)
            if self.kind == "file" and self.realtime:
                self._sleep_until(start + t_s)   # the file's own clock, like a camera
            self._publish(Captured(index, t_s, time.monotonic(), image))
            index += 1
        with self._cond:
            self.end_reason = reason
            self._cond.notify_all()

    def _frame_time(self, index: int, elapsed: float) -> float:
        if self.kind != "file":
            return elapsed
        t = self.cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        prev = self._latest.t_s if self._latest is not None else -1.0
        if not np.isfinite(t) or t <= prev:
            t = max(index / self.fps, prev + 1e-3)
        return t

    def _sleep_until(self, when: float) -> None:
        delay = when - time.monotonic()
        if delay > 0:
            self._stop.wait(delay)

    def _publish(self, frame: Captured) -> None:
        with self._cond:
            if not self.realtime:       # hand over every frame: wait until the last was taken
                while self._latest is not None and self._taken < self._latest.index and not self._stop.is_set():
                    self._cond.wait(0.1)
            elif self._latest is not None and self._taken < self._latest.index:
                self.frames_dropped += 1
            self._latest = frame
            self.frames_read += 1
            self._cond.notify_all()
