"""Short generated tones for sessions without a speech engine: a rising pair when a hold
starts, three short beeps for its last 3 s, a long low tone at its end. Made with numpy,
played by `sounddevice` when it works, else as a WAV through the system's player
(aplay/paplay/pw-play, afplay, winsound); on a thread, never blocking the frame loop."""

from __future__ import annotations

import io
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import wave

import numpy as np

RATE = 22050
# kind -> (frequency Hz, seconds) notes, 0 Hz = silence
PATTERNS = {
    "start": [(660, 0.12), (0, 0.04), (880, 0.18)],
    "last3": [(990, 0.08), (0, 0.12), (990, 0.08), (0, 0.12), (990, 0.08)],
    "end": [(440, 0.45)],
}


def samples(kind: str) -> np.ndarray:
    """The tone as float32 samples in [-1, 1], each note faded in and out (no clicks)."""
    parts = []
    for freq, dur in PATTERNS[kind]:
        n = int(RATE * dur)
        t = np.arange(n) / RATE
        note = np.sin(2 * np.pi * freq * t) * 0.5 if freq else np.zeros(n)
        fade = min(n // 2, int(RATE * 0.01))
        if fade:
            ramp = np.linspace(0.0, 1.0, fade)
            note[:fade] *= ramp
            note[-fade:] *= ramp[::-1]
        parts.append(note)
    return np.concatenate(parts).astype(np.float32)


def wav_bytes(kind: str) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((samples(kind) * 32767).astype("<i2").tobytes())
    return buf.getvalue()


def _player():
    """A function playing a tone kind, or None when this machine has no way to."""
    try:
        import sounddevice

        sounddevice.query_devices(kind="output")
        return lambda kind: sounddevice.play(samples(kind), RATE, blocking=True)
    except Exception:  # not installed, no PortAudio, no output device
        pass
    if sys.platform == "win32":
        import winsound

        return lambda kind: winsound.PlaySound(wav_bytes(kind), winsound.SND_MEMORY)
    exe = next((shutil.which(p) for p in ("afplay", "paplay", "pw-play", "aplay") if shutil.which(p)), None)
    if exe is None:
        return None

    def play(kind: str) -> None:
        with tempfile.NamedTemporaryFile(suffix=".wav") as f:
            f.write(wav_bytes(kind))
            f.flush()
            subprocess.run([exe, f.name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=10, check=False)

    return play


class ToneSpeaker:
    """The Speaker interface with tones instead of words."""

    def __init__(self, player=None):
        self._play = player if player is not None else _player()
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self.played: list[str] = []
        self._thread = threading.Thread(target=self._run, name="tones", daemon=True)
        self._thread.start()

    def say(self, text: str, priority: int = 0, t_s: float | None = None) -> bool:
        return False

    def tone(self, kind: str, t_s: float | None = None) -> None:
        try:
            self._queue.put_nowait(kind)
        except queue.Full:
            pass

    def wait_idle(self, timeout: float) -> None:
        pass

    def close(self, timeout: float = 1.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while (kind := self._queue.get()) is not None:
            try:
                if self._play is not None:
                    self._play(kind)
                self.played.append(kind)
            except Exception:  # a broken audio device must never stop the session
                pass
