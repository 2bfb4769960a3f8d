"""Keep libav (FFmpeg inside OpenCV and PyAV), OpenCV and matplotlib off the terminal.

Their lines ("moov atom not found", "ac-tex damaged", font-cache notes) say nothing a
user can act on: posecheck reports what matters in one line of its own. With
`--verbose` (or POSECHECK_VERBOSE=1) they are left on, for bug reports.
OpenCV reads OPENCV_FFMPEG_LOGLEVEL once, when it first opens a video, so this runs
before any video is opened (media.videoio and media.capture call it at import).
"""

from __future__ import annotations

import logging
import os

ENV = "POSECHECK_VERBOSE"
_done = False


def verbose() -> bool:
    return os.environ.get(ENV, "") not in ("", "0")


def set_verbose(on: bool) -> None:
    """The CLI's --verbose; inherited by worker processes through the environment."""
    global _done
    os.environ[ENV] = "1" if on else "0"
    _done = False
    configure()


def configure() -> None:
    """Apply the quiet (or verbose) settings once per process."""
    global _done
    if _done:
        return
    _done = True
    loud = verbose()
    if not loud:
        os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")   # AV_LOG_QUIET
        os.environ.setdefault("OPENCV_LOG_LEVEL", "OFF")
    try:
        import cv2

        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_WARNING if loud
                                      else cv2.utils.logging.LOG_LEVEL_SILENT)
    except (ImportError, AttributeError):
        pass
    logging.getLogger("matplotlib").setLevel(logging.DEBUG if loud else logging.ERROR)
    try:
        import av.logging

        av.logging.set_level(av.logging.VERBOSE if loud else av.logging.PANIC)
    except (ImportError, AttributeError):
        pass
