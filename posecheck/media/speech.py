"""Spoken guidance, on by default and never blocking the frame loop.

A background thread speaks from a one-slot mailbox: a new utterance replaces one not
yet spoken unless that one matters more (stale advice is worse than none, but "hold"
must not be lost to a form cue), and the same text is not repeated within `repeat_s`.
Engines, first found wins: the `espeak-ng` / `espeak` programs, then pyttsx3 (the
`speech` extra: the native voices of macOS and Windows). With none, `Speaker.create`
says so in one line and returns a `ToneSpeaker`: short generated tones still mark a
hold's start, its last 3 s and its end. `RecordingSpeaker` keeps what would be said
(tests, and a session without audio).
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
        self._pending_rank = 0
        self._busy = False
        self._cond = threading.Condition()
        self._last: dict[str, float] = {}
        self.spoken: list[str] = []
        self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
        self._thread.start()

    @classmethod
    def create(cls, warn=lambda msg: print(msg, file=sys.stderr)):
        """A Speaker on the first engine found, else (after one line saying so) tones."""
        engine = find_engine()
        if engine is None:
            from posecheck.media.tones import ToneSpeaker

            warn("no speech engine found (install espeak-ng, or pip install 'posecheck[speech]'): "
                 "tones will mark each hold's start, last 3 s and end")
            return ToneSpeaker()
        return cls(engine)

    def say(self, text: str, priority: int = 0, t_s: float | None = None) -> bool:
        """Queue `text` unless it was said recently or a weightier utterance is waiting;
        True if queued. Never blocks."""
        now = time.monotonic()
        if now - self._last.get(text, -1e9) < self.repeat_s:
            return False
        with self._cond:
            if self._pending is not None and self._pending is not _STOP and self._pending_rank > priority:
                return False
            self._last[text] = now
            self._pending, self._pending_rank = text, priority   # replaces an unspoken older one
            self._cond.notify()
        return True

    def tone(self, kind: str, t_s: float | None = None) -> None:
        """Speech says it in words; tones are for sessions without a voice."""

    def wait_idle(self, timeout: float) -> None:
        """Give the last utterance (the summary) up to `timeout` s to be spoken."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and (self._pending is not None or self._busy):
            time.sleep(0.05)

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
                self._busy = text is not _STOP
            if text is _STOP:
                return
            try:
                self._engine(text)
                self.spoken.append(text)
            except Exception:  # a failing engine must never stop the session
                pass
            finally:
                self._busy = False


class RecordingSpeaker:
    """Keeps every utterance and tone with its session time instead of playing it."""

    def __init__(self):
        self.said: list[tuple[float | None, str]] = []
        self.tones: list[tuple[float | None, str]] = []
        self._t: float | None = None

    def say(self, text: str, priority: int = 0, t_s: float | None = None) -> bool:
        self.said.append((t_s, text))
        return True

    def tone(self, kind: str, t_s: float | None = None) -> None:
        self.tones.append((t_s, kind))

    def wait_idle(self, timeout: float) -> None:
        pass

    def close(self, timeout: float = 1.0) -> None:
        pass


def render_wav(text: str, path) -> bool:
    """Speak `text` into a WAV file with espeak-ng (False when it is not installed)."""
    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if exe is None:
        return False
    res = subprocess.run([exe, "-s", "160", "-w", str(path), text], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, timeout=30, check=False)
    return res.returncode == 0
