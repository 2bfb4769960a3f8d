"""Video files in and out on their own threads, with bounded queues.

Decoding and encoding run beside inference (OpenCV releases the GIL while it
codes), and the bounded queues keep memory flat whatever the video's length.
"""

from __future__ import annotations

import errno
import queue
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from posecheck.media.atomic import Pending, WriteError
from posecheck.media import quiet_av
from posecheck.media.stage import Stage

quiet_av.configure()
_END = object()
MIN_FREE_BYTES = 1 << 20       # below this, stop encoding with ENOSPC
MAX_BAD_RUN = 30               # consecutive undecodable frames before it counts as the end
MAX_REPEAT = 300               # a gap in the source is held for at most this many slots


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    fps: float           # the rate used: the container's, or its timestamps' when that is implausible
    frames: int          # the container's frame count (may be an estimate)
    width: int
    height: int
    notes: tuple[str, ...] = ()   # what probing found that the summary should say
    clock: str = "container"      # "index": timestamps not credible, time = frame number / fps
    grid_fps: float = 0.0         # the annotated video's rate (a VFR source's fastest), 0: fps

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
    from posecheck.media.probe import probe

    info = probe(path)
    return cv2.VideoCapture(str(info.path)), info


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
    A frame that fails to decode is skipped and counted (`bad_frames`); only a run of
    failures short of the container's frame count is a real end of data: `broke_at`.
    `start`/`stop` read only frames [start, stop) with their true indices and timestamps
    (one chunk of `analyze --jobs N`).
    """

    def __init__(self, path: str | Path, queue_size: int = 16, start: int = 0, stop: int | None = None):
        self.cap, self.info = open_video(path)
        self.frames_read = seek_frame(self.cap, start) if start > 0 else 0
        self._stop_at = stop
        self.bad_frames = 0
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

    def _read(self):
        """The next decodable image, skipping up to MAX_BAD_RUN broken ones; None at the end."""
        for attempt in range(MAX_BAD_RUN + 1):
            ok, image = self.cap.read()
            if ok and image is not None:
                self.bad_frames += attempt
                return image
            if self.info.frames and self.frames_read + self.bad_frames + attempt >= self.info.frames:
                return None          # the container's count is reached: a real end
        return None

    def _run(self) -> None:
        fps = self.info.fps
        last_t = -1.0
        try:
            while not self._stop.is_set():
                if self._stop_at is not None and self.frames_read + self.bad_frames >= self._stop_at:
                    break
                image = self._read()
                if image is None:
                    break
                t = self.cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0 if self.info.clock == "container" else -1.0
                if not np.isfinite(t) or t <= last_t:
                    t = max((self.frames_read + self.bad_frames) / fps, last_t + 1e-3)
                last_t = t
                self._put(Frame(self.frames_read, t, image))
                self.frames_read += 1
        finally:
            # containers' frame counts are estimates (webm: off by a frame or two)
            seen = self.frames_read + self.bad_frames
            stopped = self._stop.is_set() or self._stop_at is not None   # stopped early: not a truncation
            if not stopped and self.info.frames and seen < self.info.frames - max(3, 0.01 * self.info.frames):
                self.broke_at = last_t if last_t >= 0 else 0.0
            self._put(_END)

    def notes(self) -> list[str]:
        """What the summary should say about decoding (probing notes included)."""
        notes = list(self.info.notes)
        if self.bad_frames:
            notes.append(f"{self.bad_frames} damaged frame(s) could not be decoded and were skipped")
        if self.broke_at is not None:
            notes.append(f"decoding stopped at {self.broke_at:.2f} s (frame {self.frames_read + self.bad_frames}"
                         f" of {self.info.frames}): the file looks truncated; analysed what decoded")
        return notes

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
    """Encodes frames on a background thread; `write` blocks only when the queue is full.

    Written under a hidden temp name (media.atomic) and published by `close()`. With
    timestamps, frames land on a constant-rate grid by their time (repeated over gaps,
    dropped when two share a slot), so a variable-frame-rate source keeps its timing.
    """

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], queue_size: int = 16,
                 draw=None, share: bool = False):
        self.path = Path(path)
        self.fps = fps if fps > 0 else 30.0
        self.pending = Pending(self.path, share)
        fourcc = cv2.VideoWriter_fourcc(*"mp4v")
        self._writer = cv2.VideoWriter(str(self.pending.tmp), fourcc, self.fps, size)
        if not self._writer.isOpened():
            self.pending.discard()
            raise WriteError(f"cannot write video {self.path}: check the folder is writable")
        self._size = size
        self._draw = draw
        self._grid = SlotGrid(self.fps)
        self._held: np.ndarray | None = None
        self.written = 0
        self._stage = Stage(self._encode, "video-writer", queue_size)

    def write(self, item, t_s: float | None = None) -> None:
        """Queue one item at time `t_s`; `draw(item) -> image` runs on the writer thread if given."""
        self._stage.put((item, t_s))

    def _encode(self, job) -> None:
        item, t_s = job
        image = self._draw(item) if self._draw else item
        if (image.shape[1], image.shape[0]) != self._size:
            image = cv2.resize(image, self._size)
        if t_s is None:
            self._emit(image, 1)
            return
        repeat = self._grid.place(t_s)      # slots the *held* frame covers up to this one
        if self._held is not None and repeat:
            self._emit(self._held, repeat)
        self._held = image

    def _emit(self, image: np.ndarray, repeat: int) -> None:
        ensure_free_space(self.path)      # a statvfs call: cheap beside encoding a frame
        for _ in range(repeat):
            self._writer.write(image)
            self.written += 1

    def close(self, keep: bool = True) -> Path | None:
        """Finish the file and publish it (keep) or drop it; the published path or None."""
        try:
            self._stage.close()
            if self._held is not None:
                self._emit(self._held, 1)
                self._held = None
        except BaseException:
            keep = False
            raise
        finally:
            self._writer.release()
            if not keep:
                self.pending.discard()
        if not keep or not self.written:
            self.pending.discard()
            return None
        path, error = finish_video(self.pending, self.written)
        if error:
            raise WriteError(error + " or use --no-video")
        return path

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self.close(keep=exc_type is None)


class SlotGrid:
    """Maps frame times onto a constant-rate grid starting at the first frame."""

    def __init__(self, fps: float):
        self.fps = fps
        self._t0: float | None = None
        self._last: int | None = None

    def place(self, t_s: float) -> int:
        """The number of slots between the previous frame and this one (0: same slot)."""
        if self._t0 is None:
            self._t0 = t_s
        slot = round((t_s - self._t0) * self.fps)
        if self._last is None:
            self._last = slot
            return 0
        gap = slot - self._last
        if gap <= 0:
            return 0
        self._last = slot
        return min(gap, MAX_REPEAT)


def ensure_free_space(path: Path, need: int = MIN_FREE_BYTES) -> None:
    """Raise ENOSPC early: OpenCV's writer ignores write errors and would leave a broken file."""
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return
    if free < need:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))


def finish_video(pending: Pending, written: int) -> tuple[Path, str | None]:
    """Publish a released video if it plays; else drop it. (path, None) or (path, why not)."""
    if not written:
        pending.discard()
        return pending.final, "no frames were recorded"
    if not playable(pending.tmp):
        pending.discard()
        return pending.final, (f"cannot write {pending.final}: the video could not be finished "
                               "(is the disk full?); free some space")
    try:
        return pending.commit(), None
    except WriteError as err:
        return pending.final, str(err)


def playable(path: Path) -> bool:
    """True when OpenCV can open the file and decode its first frame."""
    cap = cv2.VideoCapture(str(path))
    try:
        return cap.isOpened() and cap.read()[0]
    finally:
        cap.release()
