"""Look for a second person (a partner stretch's helper, a bystander) without paying for
it every frame.

MediaPipe's VIDEO mode with num_poses=1 follows one person and runs its person detector
only when it loses them; with num_poses=2 and one person in frame the detector runs on
every frame (it keeps looking for the second), about twice the cost. So: follow one
person as before, and every `every` frames also detect afresh (IMAGE mode, two people)
on that frame. The probe only counts people: the frame's pose is still the followed
one's, so with one person in frame the poses are exactly those of one-person tracking
(a partner stretch takes the probe's two people for that frame: the helper is expected).
When a probe finds two, follow two (VIDEO mode, num_poses=2: with both found no detector
runs) until one has been alone for ALONE_S.
"""

from __future__ import annotations

PROBE_EVERY = 60    # frames between probes: a probe costs ~1.5 frames, so ~2.5% (BENCHMARKS.md (8))
PROBE_HELPER = 10   # a partner stretch: the helper is expected, and who is coached depends on them
ALONE_S = 2.0       # seconds with one person found before following one again


class SecondPerson:
    """The engine's VIDEO-mode switch between following one and two people."""

    def __init__(self, every: int = PROBE_EVERY, partner: bool = False) -> None:
        self.every = every
        self.partner = partner    # the probe's two people stand for their frame (both coached)
        self.probes = 0           # probe frames run (for the benchmark)
        self.two_frames = 0       # frames run following two people
        self._since = every       # probe on the first frame
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

    def detect(self, image, ts_ms: int):
        """This frame's MediaPipe result, from whichever landmarker the state calls for."""
        if self._two_active:
            return self._detect_two(image, ts_ms)
        self._since += 1
        if self._since < self.every:
            return self._engine._landmarker.detect_for_video(image, ts_ms)
        self._since = 0
        self.probes += 1
        probe = self._probe.detect(image)
        if len(probe.pose_landmarks) >= 2:
            if self._two is None:
                self._two = self._engine._create("video", 2)
            self._two_active, self._alone_ms = True, None
            if self.partner:
                return probe
        return self._engine._landmarker.detect_for_video(image, ts_ms)

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
