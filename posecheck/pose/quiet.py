"""Keep MediaPipe's native log lines off the user's terminal, and its genuine errors on it.

MediaPipe, LiteRT and TFLite log from C++ straight to file descriptor 2 ("INFO: Created
TensorFlow Lite XNNPACK delegate", "W0000 ... inference_runner ...", "Sparsity tensors
may not yet be fully supported"), before Python's `sys.stderr` could filter anything.
`native_quiet()` points fd 2 at a pipe while a native call runs; a reader thread drops
the known info/warning chatter and copies every other line (errors, fatal checks, a
Python traceback written meanwhile) to the real stderr. Nested and concurrent uses
share one redirection, so each call costs two `dup2`s.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from contextlib import contextmanager

# read by glog / TensorFlow when the native libraries load: warnings and above only
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

NOISE = re.compile(
    r"^(INFO: |WARNING: |[IW]\d{4} |I\d{8} |W\d{8} "
    r"|All log messages before absl::InitializeLog\(\) is called)")


def is_noise(line: str) -> bool:
    """True for native info/warning chatter; errors ('E0000', 'F0000', 'ERROR:') are kept."""
    return bool(NOISE.match(line))


class _Redirect:
    """The one fd-2 redirection shared by all threads (reference counted)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.depth = 0
        self.saved: int | None = None      # the real stderr while redirected
        self.pipe_w: int | None = None
        self.out: int | None = None        # where kept lines go (a dup of the real stderr)
        self.reader: threading.Thread | None = None

    def enter(self) -> None:
        with self.lock:
            if self.depth == 0:
                self._start()
                sys.stderr.flush()
                self.saved = os.dup(2)
                os.dup2(self.pipe_w, 2)
            self.depth += 1

    def exit(self) -> None:
        with self.lock:
            self.depth -= 1
            if self.depth == 0 and self.saved is not None:
                os.dup2(self.saved, 2)
                os.close(self.saved)
                self.saved = None

    def _start(self) -> None:
        if self.reader is not None:
            return
        r, self.pipe_w = os.pipe()
        self.out = os.dup(2)
        self.reader = threading.Thread(target=self._pump, args=(r,), name="native-log", daemon=True)
        self.reader.start()

    def _pump(self, r: int) -> None:
        pending = b""
        while chunk := os.read(r, 65536):
            *lines, pending = (pending + chunk).split(b"\n")
            kept = [ln for ln in lines if not is_noise(ln.decode("utf-8", "replace"))]
            if kept:
                os.write(self.out, b"\n".join(kept) + b"\n")


_REDIRECT = _Redirect()


@contextmanager
def native_quiet():
    """Run native code with its info/warning log lines dropped (see the module doc)."""
    try:
        _REDIRECT.enter()
    except OSError:            # no fd 2 to redirect (e.g. a closed stderr): run as is
        yield
        return
    try:
        yield
    finally:
        _REDIRECT.exit()
