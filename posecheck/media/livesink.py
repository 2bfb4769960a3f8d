"""Where live frames go: the OpenCV window (large, resizable, `f` full screen, keys) and
the --record video.

Drawing is delegated to `hud.screen` (the window, at its own resolution) and `overlay`
(the recording, at the source's); this module opens the window, shows, records and
reads keys, so the live loop stays free of GUI details.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from pathlib import Path

import cv2
import numpy as np

from posecheck.media import overlay
from posecheck.media.helper_overlay import draw_helper
from posecheck.errors import InputError

WINDOW = "posecheck"
SUMMARY_SHOW_S = 5.0     # the closing summary card stays up this long (or until a key)
MAX_REPEAT = 30          # a recording repeats a frame at most this often to cover dropped ones


class Sink:
    """The window shows the HUD at the window's own resolution (`hud.screen`); --record
    writes the compact overlay at the source's resolution (the same as `analyze`'s video).
    With neither, nothing is drawn at all."""

    def __init__(self, opts, fps: float, size: tuple[int, int], mirror: bool):
        self.window = bool(opts.window)
        self.mirror = mirror
        self.writer = None
        self._last_index: int | None = None
        self._last_image: np.ndarray | None = None
        self._record_img: np.ndarray | None = None
        self.helper = None       # this frame's helper of a partner stretch, drawn muted
        self.fullscreen = False
        # for the window tests: one JSON line per shown frame (what it showed, where)
        self._trace = os.environ.get("POSECHECK_HUD_TRACE")
        if opts.record:
            self.writer = Recorder(opts.record, fps, size, share=getattr(opts, "share", False))
        if self.window:
            from posecheck.media.hud.display import screen_size, window_size
            from posecheck.media.hud.screen import Screen

            self.screen = Screen()
            self.screen_size = screen_size()
            self.size = window_size(self.screen_size)
            # resizable; the canvas always matches the window, so nothing is scaled twice
            cv2.namedWindow(WINDOW, cv2.WINDOW_NORMAL | cv2.WINDOW_FREERATIO | cv2.WINDOW_GUI_NORMAL)
            cv2.resizeWindow(WINDOW, *self.size)
            cv2.moveWindow(WINDOW, (self.screen_size[0] - self.size[0]) // 2,
                           max((self.screen_size[1] - self.size[1]) // 2 - 20, 0))

    def window_size(self) -> tuple[int, int]:
        """The window's current drawable size (follows resizing and full screen)."""
        try:
            _, _, w, h = cv2.getWindowImageRect(WINDOW)
            if w > 0 and h > 0:
                self.size = (w, h)
        except cv2.error:
            pass
        return self.size

    # -- drawing: the window's HUD and, when recording, the source-sized overlay ----------
    def set_helper(self, helper) -> None:
        """The helper to draw (muted, labelled) on this frame's window and recording."""
        self.helper = helper
        if self.window:
            self.screen.helper = helper

    def _record(self, draw) -> np.ndarray | None:
        self._record_img = draw() if self.writer is not None else None
        return draw_helper(self._record_img, self.helper, self.mirror)

    def draw_coach(self, image, pose, feedback, stretch, fps, paused: bool = False, step: str = ""):
        def compact():
            img = overlay.draw_overlay(image, pose, feedback, stretch, fps=fps, mirrored=self.mirror)
            return overlay.draw_paused(img) if paused else img

        rec = self._record(compact)
        if not self.window:
            return rec
        return self.screen.coach(self.window_size(), image, pose, feedback, stretch, mirrored=self.mirror,
                                 paused=paused, fps=fps, step=step)

    def draw_setup(self, image, problems, pose, title, ok_progress, fps=None, step: str = ""):
        rec = self._record(lambda: overlay.draw_setup(image, problems, pose, title, ok_progress,
                                                      mirrored=self.mirror))
        if not self.window:
            return rec
        return self.screen.setup(self.window_size(), image, pose, title, problems, ok_progress,
                                 mirrored=self.mirror, fps=fps, step=step)

    def draw_countdown(self, image, heading, stretch, side, left, total):
        name = getattr(stretch, "name", str(stretch))
        rec = self._record(lambda: overlay.draw_countdown(image, f"{heading}: {name}", stretch.position,
                                                          left, total, mirrored=self.mirror))
        if not self.window:
            return rec
        frac = min(left / total, 1.0) if total > 0 else 0.0     # shrinks as the countdown runs out
        return self.screen.next_up(self.window_size(), heading, name, stretch.position, side, left, frac)

    def draw_plain(self, image, pose):
        rec = self._record(lambda: overlay.draw_overlay(image, pose, None, None, mirrored=self.mirror))
        if not self.window:
            return rec
        return self.screen.coach(self.window_size(), image, pose, None, None, mirrored=self.mirror)

    def draw_pain(self, when: str, left: float, chosen: int | None):
        return self.screen.pain(self.window_size(), when, left, chosen) if self.window else None

    # -- output -------------------------------------------------------------------------
    def show(self, image: np.ndarray | None, index: int | None = None) -> None:
        """Display one window frame and record the source-sized one; a recording repeats it
        over dropped frames so its clock stays true."""
        if self.window and image is not None:
            cv2.imshow(WINDOW, image)
            if self._trace:
                self._write_trace(image)
        if index is None:
            return
        if self.writer is not None and self._record_img is not None:
            repeat = 1 if self._last_index is None else min(max(index - self._last_index, 1), MAX_REPEAT)
            self.writer.write(self._record_img, repeat)
            self._last_image = self._record_img
        self._last_index = index

    def _write_trace(self, image) -> None:
        line = {"t": time.monotonic(), "size": [image.shape[1], image.shape[0]], **self.screen.last,
                "boxes": {k: [r.x, r.y, r.w, r.h] for k, r in self.screen.last_boxes.items()}}
        with open(self._trace, "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")

    def poll_key(self, wait_ms: int = 1) -> int:
        """The key pressed since the last call (-1 for none); also lets the window repaint.
        `f` toggles full screen here and is not passed on."""
        if not self.window:
            return -1
        key = cv2.waitKey(wait_ms)
        if key >= 0 and chr(key & 0xFF).lower() == "f":
            self.fullscreen = not self.fullscreen
            cv2.setWindowProperty(WINDOW, cv2.WND_PROP_FULLSCREEN,
                                  cv2.WINDOW_FULLSCREEN if self.fullscreen else cv2.WINDOW_NORMAL)
            return -1
        return key

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
        if last_index is not None and self._last_index is not None and last_index > self._last_index \
                and self._last_image is not None:
            self.writer.write(self._last_image, min(last_index - self._last_index, MAX_REPEAT), block=True)
        path = self.writer.close()
        info = {"path": str(path or self.writer.path), "frames_written": self.writer.written,
                "frames_dropped": self.writer.dropped}
        if self.writer.error:
            info["error"] = self.writer.error
        return info

    def show_summary(self, summary: dict, show_s: float = SUMMARY_SHOW_S) -> None:
        """The closing summary card, on its own (not over the HUD), for a moment or until a key."""
        if not self.window or self.closed_by_user():
            return
        deadline = time.monotonic() + show_s
        while time.monotonic() < deadline:
            self.show(self.screen.summary(self.window_size(), summary))
            if self.poll_key(100) >= 0 or self.closed_by_user():
                break

    def close_window(self) -> None:
        if self.window:
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
