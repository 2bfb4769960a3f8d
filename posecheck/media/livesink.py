"""Where live frames go: the OpenCV window (keys, mirrored view) and the --record video.

Drawing is delegated to `overlay`; this module only decides the mirror, shows,
records and reads keys, so the live loop stays free of GUI details.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

import cv2
import numpy as np

from posecheck.media import overlay
from posecheck.errors import InputError

WINDOW = "posecheck"
SUMMARY_SHOW_S = 3.0     # the closing summary card stays up this long (or until a key)
MAX_WINDOW = (1280, 760)  # the window starts no bigger than this (pixels)
MAX_REPEAT = 30          # a recording repeats a frame at most this often to cover dropped ones


class Sink:
    def __init__(self, opts, fps: float, size: tuple[int, int], mirror: bool):
        self.window = bool(opts.window)
        self.mirror = mirror
        self.writer = None
        self._last_index: int | None = None
        self._last_image: np.ndarray | None = None
        if opts.record:
            self.writer = Recorder(opts.record, fps, size, share=getattr(opts, "share", False))
        if self.window:
            # resizable, keeping the aspect ratio; big sources start scaled to fit a laptop screen
            cv2.namedWindow(WINDOW, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO | cv2.WINDOW_GUI_NORMAL)
            w, h = size
            fit = min(MAX_WINDOW[0] / max(w, 1), MAX_WINDOW[1] / max(h, 1), 1.0)
            cv2.resizeWindow(WINDOW, max(int(w * fit), 1), max(int(h * fit), 1))

    # -- drawing (mirror applied here, text drawn after the flip) -----------------------
    def draw_coach(self, image, pose, feedback, stretch, fps, paused: bool = False):
        img = overlay.draw_overlay(image, pose, feedback, stretch, fps=fps, mirrored=self.mirror)
        if paused:
            overlay.draw_paused(img)
        return img

    def draw_setup(self, image, problems, pose, title, ok_progress):
        return overlay.draw_setup(image, problems, pose, title, ok_progress, mirrored=self.mirror)

    def draw_countdown(self, image, title, detail, left, total):
        return overlay.draw_countdown(image, title, detail, left, total, mirrored=self.mirror)

    def draw_plain(self, image, pose):
        return overlay.draw_overlay(image, pose, None, None, mirrored=self.mirror)

    # -- output -------------------------------------------------------------------------
    def show(self, image: np.ndarray, index: int) -> None:
        """Display and/or record one frame; a recording repeats it over dropped frames so
        its clock stays true."""
        if self.window:
            cv2.imshow(WINDOW, image)
        if self.writer is not None:
            repeat = 1 if self._last_index is None else min(max(index - self._last_index, 1), MAX_REPEAT)
            self.writer.write(image, repeat)
        self._last_index, self._last_image = index, image

    def poll_key(self) -> int:
        """The key pressed since the last call (-1 for none); also lets the window repaint."""
        return cv2.waitKey(1) if self.window else -1

    def closed_by_user(self) -> bool:
        if not self.window:
            return False
        try:
            return cv2.getWindowProperty(WINDOW, cv2.WND_PROP_VISIBLE) < 1
        except cv2.error:
            return True

    def close_recorder(self, last_index: int | None = None) -> dict | None:
        """Finish the recording, holding the last picture over source frames `last_index`
        that came after it; its figures for the summary (None when not recording)."""
        if self.writer is None:
            return None
        if last_index is not None and self._last_index is not None and last_index > self._last_index:
            self.writer.write(self._last_image, min(last_index - self._last_index, MAX_REPEAT), block=True)
        path = self.writer.close()
        info = {"path": str(path or self.writer.path), "frames_written": self.writer.written,
                "frames_dropped": self.writer.dropped}
        if self.writer.error:
            info["error"] = self.writer.error
        return info

    def close_window(self, summary: dict | None = None) -> None:
        """Show the closing summary card for a moment (or until a key), then close."""
        if not self.window:
            return
        try:
            if summary is not None and self._last_image is not None and not self.closed_by_user():
                cv2.imshow(WINDOW, overlay.draw_summary(self._last_image, summary))
                deadline = time.monotonic() + SUMMARY_SHOW_S
                while time.monotonic() < deadline and cv2.waitKey(50) < 0:
                    pass
        finally:
            cv2.destroyWindow(WINDOW)
            cv2.waitKey(1)


def low_space(path: Path, written: int) -> str | None:
    """The one-line reason to stop recording when the disk is nearly full."""
    from posecheck.media.videoio import ensure_free_space
    from posecheck.media.atomic import explain

    try:
        ensure_free_space(path)
    except OSError as err:
        return explain(err, path) + " (recording stopped; what was recorded is kept)"
    return None


class Recorder:
    """--record: encodes on its own thread and never makes the live loop wait.

    Each shown frame is written `repeat` times (the source frames it stands for), so the
    video keeps the source's clock. When encoding cannot keep up, frames are dropped
    (counted in `dropped`) rather than queued without end or stalling the coach.
    """

    def __init__(self, path, fps: float, size: tuple[int, int], queue_size: int = 8, share: bool = False):
        from posecheck.media.atomic import Pending

        self.path = Path(path)
        self.pending = Pending(self.path, share)   # hidden until finished (media.atomic)
        self.error: str | None = None
        self._writer = cv2.VideoWriter(str(self.pending.tmp), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
        if not self._writer.isOpened():
            self.pending.discard()
            raise InputError(f"cannot write video {self.path} (check the folder exists and is writable)")
        self.size = size
        self.written = self.dropped = 0
        self._queue: queue.Queue = queue.Queue(maxsize=queue_size)
        self._thread = threading.Thread(target=self._run, name="recorder", daemon=True)
        self._thread.start()

    def write(self, image: np.ndarray, repeat: int = 1, block: bool = False) -> None:
        try:
            self._queue.put((image, repeat), block=block)
        except queue.Full:
            self.dropped += repeat

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            image, repeat = item
            if (image.shape[1], image.shape[0]) != self.size:
                image = cv2.resize(image, self.size)
            if self.error is not None:
                self.dropped += repeat
                continue
            for _ in range(repeat):
                self._writer.write(image)
            self.written += repeat
            self.error = low_space(self.path, self.written)

    def close(self) -> Path | None:
        """Finish and publish the recording; None (and `error` set) when it could not be."""
        from posecheck.media.videoio import finish_video

        self._queue.put(None)
        self._thread.join()
        self._writer.release()
        full = self.error                   # a full disk stopped recording: what was recorded is kept
        self.path, error = finish_video(self.pending, self.written)
        self.error = error or full
        return self.path if error is None else None
