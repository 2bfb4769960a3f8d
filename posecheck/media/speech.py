"""Spoken cues, optional and never blocking the frame loop.

A background thread speaks from a one-slot mailbox: a new cue replaces one not yet
spoken (stale advice is worse than none), and the same text is not repeated within
`repeat_s`. Engines, first found wins: pyttsx3 (the `speech` extra), then the
`espeak-ng` / `espeak` programs. With none, `Speaker.create` returns None after one
warning line and the session goes on silently.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from typing import Callable

_STOP = object()


def _pyttsx3_engine() -> Callable[[str], None] | None:
    try:
        import pyttsx3

        engine = pyttsx3.init()
    except Exception:  # missing module, or no audio driver behind it
        return None

    def say(text: str) -> None:
        engine.say(text)
        engine.runAndWait()

    return say


def _espeak_engine() -> Callable[[str], None] | None:
    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if exe is None:
        return None

    def say(text: str) -> None:
        subprocess.run([exe, "-s", "160", text], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=30, check=False)

    return say


def find_engine() -> Callable[[str], None] | None:
    # espeak first: a subprocess cannot wedge our process the way a stuck audio driver can
    return _espeak_engine() or _pyttsx3_engine()


class Speaker:
    """`speaker.say(text)` returns at once; a thread does the talking."""

    def __init__(self, engine: Callable[[str], None], repeat_s: float = 8.0):
        self._engine = engine
        self.repeat_s = repeat_s
        self._pending = None
        self._cond = threading.Condition()
        self._last: dict[str, float] = {}
        self.spoken: list[str] = []
        self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
        self._thread.start()

    @classmethod
    def create(cls, warn=lambda msg: print(msg, file=sys.stderr)) -> "Speaker | None":
        engine = find_engine()
        if engine is None:
            warn("warning: no speech engine found (pip install 'posecheck[speech]' or install "
                 "espeak-ng); continuing without spoken cues")
            return None
        return cls(engine)

    def say(self, text: str) -> bool:
        """Queue `text` unless it was said recently; True if queued. Never blocks."""
        now = time.monotonic()
        if now - self._last.get(text, -1e9) < self.repeat_s:
            return False
        self._last[text] = now
        with self._cond:
            self._pending = text           # replaces an unspoken older cue
            self._cond.notify()
        return True

    def close(self, timeout: float = 1.0) -> None:
        with self._cond:
            self._pending = _STOP
            self._cond.notify()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is None:
                    self._cond.wait()
                text, self._pending = self._pending, None
            if text is _STOP:
                return
            try:
                self._engine(text)
                self.spoken.append(text)
            except Exception:  # a failing engine must never stop the session
                pass
