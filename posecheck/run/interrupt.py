"""Ctrl-C and SIGTERM as a request to stop: the run finishes the frame in hand and writes
what it measured; a second signal exits at once (dropping the hidden partial files).

    with catch_stop() as stop:
        for frame in frames:
            if stop.requested:
                break

Outside the main thread (where Python cannot install handlers) it is a no-op flag.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_last: int | None = None   # the last signal that stopped a run in this process


class Stop:
    def __init__(self) -> None:
        self.signum: int | None = None

    @property
    def requested(self) -> bool:
        return self.signum is not None

    def _handle(self, signum, _frame) -> None:
        global _last
        if self.signum is not None:        # the second one: leave now
            from posecheck.media.atomic import discard_all

            discard_all()
            sys.stderr.write("\nstopped at once; the hidden partial files were removed\n")
            sys.stderr.flush()
            os._exit(128 + signum)
        self.signum = _last = signum


@contextmanager
def catch_stop():
    """Install the handlers for the duration of a run (restored afterwards)."""
    stop = Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = {s: signal.signal(s, stop._handle) for s in SIGNALS}
    try:
        yield stop
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def exit_code() -> int | None:
    """130 after SIGINT, 143 after SIGTERM, None when no run was stopped by a signal."""
    return None if _last is None else 128 + _last


def stop_line(signum: int | None = None) -> str:
    name = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}.get(signum or _last, "a signal")
    return f"interrupted ({name})"
