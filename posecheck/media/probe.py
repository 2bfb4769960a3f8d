"""What a video file really is, before any work: readable, big enough, a plausible rate.

The container's frame rate is checked against its own timestamps (the first frames'
presentation times): a header of 0 or 1000 fps is not believed when the timestamps
say 30, and when neither is plausible the file is refused with one line. A photo or a
one-frame video is analysed as one frame (angles only) and says so in `notes`.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from posecheck.errors import InputError
from posecheck.media import quiet_av

quiet_av.configure()

MIN_FPS, MAX_FPS = 1.0, 240.0   # what cameras and phones record
MIN_SIDE = 32                   # pixels: smaller cannot show a person's joints
VFR_MARGIN = 1.1                # first frames this much faster than the average: variable rate
PROBE_FRAMES = 12               # frames whose timestamps check the header's rate


def probe(path: str | Path):
    """A `VideoInfo` for `path`, or a one-line InputError saying what is wrong."""
    from posecheck.media.videoio import VideoInfo

    p = Path(path)
    if not p.exists():
        raise InputError(f"no such video: {p}")
    if p.is_dir():
        raise InputError(f"{p} is a folder, not a video")
    try:
        size = p.stat().st_size
        with open(p, "rb"):
            pass
    except OSError as err:
        raise InputError(f"cannot read {p}: {err.strerror}") from None
    if size == 0:
        raise InputError(f"{p} is empty (0 bytes)")
    cap = cv2.VideoCapture(str(p))
    try:
        times, shape = _first_frames(cap)
        header_fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    finally:
        cap.release()
    if shape is None:
        raise InputError(f"{p} is not a readable video (corrupt or unsupported format; try mp4/webm/avi)")
    h, w = shape[:2]
    if min(w, h) < MIN_SIDE:
        raise InputError(f"{p} is {w}x{h} pixels: too small to see a person in "
                         f"(need at least {MIN_SIDE}x{MIN_SIDE}; film at 480p or more)")
    notes: list[str] = []
    if len(times) == 1:
        notes.append("a single frame (a photo or one-frame video): angles measured, no hold or rep can be timed")
        return VideoInfo(p, header_fps if _plausible(header_fps) else 30.0, 1, w, h, tuple(notes), "index")
    fps, clock = _rate(p, header_fps, times, notes)
    # variable frame rate: the header gives the average; the annotated video's grid needs
    # the fastest stretch of it, or quick frames would share a slot and be dropped
    # (1 ms timestamps of a 30 fps webm read as 30.3 fps: only a real difference counts)
    stamps = _stamp_fps(times)
    grid = stamps if clock == "container" and _plausible(stamps) and stamps > VFR_MARGIN * fps else fps
    return VideoInfo(p, fps, max(count, 0), w, h, tuple(notes), clock, grid)


def _first_frames(cap) -> tuple[list[float], tuple | None]:
    times: list[float] = []
    shape = None
    if not cap.isOpened():
        return times, None
    for _ in range(PROBE_FRAMES):
        ok, image = cap.read()
        if not ok or image is None:
            break
        shape = shape or image.shape
        times.append(cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0)
    return times, shape


def _plausible(fps: float) -> bool:
    return np.isfinite(fps) and MIN_FPS <= fps <= MAX_FPS


def _stamp_fps(times: list[float]) -> float:
    """The rate the first frames' timestamps give (nan when they give none)."""
    dt = np.diff(np.asarray(times, dtype=float))
    dt = dt[np.isfinite(dt) & (dt > 0)]
    return float(1.0 / np.median(dt)) if dt.size >= 2 else float("nan")


def _rate(p: Path, header_fps: float, times: list[float], notes: list[str]) -> tuple[float, str]:
    """(rate, clock): the header's rate unless implausible, then the timestamps'; the clock is
    "container" (timestamps) or "index" (frame number / rate, when the timestamps are not credible)."""
    stamp_fps = _stamp_fps(times)
    if _plausible(header_fps):
        if np.isfinite(stamp_fps) and not _plausible(stamp_fps):
            notes.append(f"the container's timestamps run at {stamp_fps:.0f} fps, which no camera records; "
                         f"timed by its frame rate ({header_fps:g} fps)")
            return header_fps, "index"
        return header_fps, "container"
    if _plausible(stamp_fps):
        notes.append(f"the container says {header_fps:g} fps, which no camera records; "
                     f"timed by its timestamps ({stamp_fps:.1f} fps)")
        return stamp_fps, "container"
    shown = f"{header_fps:g} fps" if header_fps > 0 else "no frame rate"
    raise InputError(f"{p} says {shown}, and its timestamps give no plausible rate either "
                     f"(expected {MIN_FPS:g}-{MAX_FPS:g} fps): re-encode it with its real frame rate")
