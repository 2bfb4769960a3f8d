"""One ordered background stage with a bounded queue: `fn(item)` runs on its own thread.

analyze uses it so that measuring, smoothing, coaching and logging a frame overlap the
next frame's inference (MediaPipe releases the GIL while it runs), instead of adding to
it. One thread keeps the frames in order; the bounded queue keeps memory flat.
"""

from __future__ import annotations

import queue
import threading
from typing import Callable

_END = object()


class Stage:
    def __init__(self, fn: Callable[[object], None], name: str, queue_size: int = 8):
        self._fn = fn
        self._queue: queue.Queue = queue.Queue(maxsize=queue_size)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, item) -> None:
        """Queue one item (blocks while the queue is full); re-raises the stage's error."""
        if self._error is not None:
            raise self._error
        self._queue.put(item)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if self._error is None:          # after an error, drain without working
                try:
                    self._fn(item)
                except BaseException as err:  # surfaced on the next put/close
                    self._error = err

    def close(self) -> None:
        """Wait until every queued item is done; re-raise the stage's error, if any."""
        if self._thread.is_alive():
            self._queue.put(_END)
            self._thread.join()
        if self._error is not None:
            raise self._error
