"""Look for a second person (a partner stretch's helper) without paying for it every frame.

MediaPipe's VIDEO mode with num_poses=1 follows one person and runs its person detector
only when it loses them; with num_poses=2 and one person in frame the detector runs on
every frame (it keeps looking for the second), about twice the cost. So: follow one
person, and every PROBE_EVERY frames detect afresh (IMAGE mode, two people) on that frame
instead; when the probe finds two, follow two (VIDEO mode, num_poses=2: with both found
no detector runs) until one has been alone for ALONE_S. The probe's result stands for its
frame, so a probe costs one person detection, not a whole extra frame.
"""

from __future__ import annotations

PROBE_EVERY = 30    # frames between probes while the followed person fits the stretch
PROBE_UNFIT = 10    # ... while they do not (the person to coach may be someone else)
ALONE_S = 2.0       # seconds with one person found before following one again


class SecondPerson:
    """The engine's VIDEO-mode switch between following one and two people."""

    def __init__(self) -> None:
        self.probes = 0           # probe frames run (for the benchmark)
        self.two_frames = 0       # frames run following two people
        self._since = PROBE_EVERY  # probe on the first frame
        self._alone_ms: int | None = None
        self._two_active = False
        self._engine = self._probe = self._two = None

    def open(self, engine) -> None:
        self._engine = engine
        self._probe = engine._create("image", 2)

    def close(self) -> None:
        for lm in (self._probe, self._two):
            if lm is not None:
                lm.close()
        self._probe = self._two = None

    def detect(self, image, ts_ms: int, tracker):
        """This frame's MediaPipe result, from whichever landmarker the state calls for."""
        if self._two_active:
            return self._detect_two(image, ts_ms)
        self._since += 1
        every = PROBE_EVERY if tracker.locked else PROBE_UNFIT
        if self._since < every:
            return self._engine._landmarker.detect_for_video(image, ts_ms)
        self._since = 0
        self.probes += 1
        result = self._probe.detect(image)
        if len(result.pose_landmarks) >= 2:
            if self._two is None:
                self._two = self._engine._create("video", 2)
            self._two_active, self._alone_ms = True, None
        return result

    def _detect_two(self, image, ts_ms: int):
        self.two_frames += 1
        result = self._two.detect_for_video(image, ts_ms)
        if len(result.pose_landmarks) >= 2:
            self._alone_ms = None
        elif self._alone_ms is None:
            self._alone_ms = ts_ms
        elif ts_ms - self._alone_ms > ALONE_S * 1000:
            self._two_active, self._alone_ms, self._since = False, None, 0
        return result
