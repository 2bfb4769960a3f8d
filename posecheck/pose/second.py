"""Look for a second person (a partner stretch's helper, a bystander) without paying for
it every frame.

MediaPipe's VIDEO mode with num_poses=1 follows one person and runs its person detector
only when it loses them; with num_poses=2 and one person in frame the detector runs on
every frame (it keeps looking for the second), about twice the cost. So: follow one
person as before, and every `every` frames also detect afresh (IMAGE mode, two people)
on that frame. The probe only counts people: the frame's pose is still the followed
one's, so with one person in frame the poses are exactly those of one-person tracking.
When a probe finds two, follow two (VIDEO mode, num_poses=2: with both found no detector
runs) until one has been alone for ALONE_S.

A partner stretch takes the probe's two people for the probe's frame (the helper is
expected), so its probe runs in line. Anyone else's probe runs on a thread of its own
beside the next LAG frames (its landmarker is opened there too), and its count is read
LAG frames later, waiting for it if need be: the look then costs the second core's idle
time rather than the frame's, and the frame the count is read on never depends on timing
(the same video gives the same poses).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

PROBE_EVERY = 60    # frames between probes: a probe costs ~1.5 frames, so ~2.5% in line (BENCHMARKS.md (8))
PROBE_HELPER = 10   # a partner stretch: the helper is expected, and who is coached depends on them
ALONE_S = 2.0       # seconds with one person found before following one again
LAG = 3             # frames a background probe has before its count is read


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
        self._pool: ThreadPoolExecutor | None = None
        self._opening: Future | None = None
        self._pending: tuple[int, Future] | None = None   # (frames left, the probe's count)

    def open(self, engine) -> None:
        self._engine = engine
        if self.partner:
            self._probe = engine._create("image", 2)
            return
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="second-person")
        self._opening = self._pool.submit(engine._create, "image", 2)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)     # a probe still running finishes first
            self._pool = None
        if self._opening is not None and self._opening.exception() is None:
            self._probe = self._opening.result()   # the background probe's landmarker
        self._opening = self._pending = None
        for lm in (self._probe, self._two):
            if lm is not None:
                lm.close()
        self._probe = self._two = None

    def detect(self, image, ts_ms: int):
        """This frame's MediaPipe result, from whichever landmarker the state calls for."""
        if self._two_active:
            return self._detect_two(image, ts_ms)
        if self._pending is not None and self._read_pending():
            return self._detect_two(image, ts_ms)
        self._since += 1
        if self._since < self.every:
            return self._engine._landmarker.detect_for_video(image, ts_ms)
        self._since = 0
        self.probes += 1
        if not self.partner:
            self._pending = (LAG, self._pool.submit(self._count, image))
            return self._engine._landmarker.detect_for_video(image, ts_ms)
        probe = self._probe.detect(image)
        if len(probe.pose_landmarks) >= 2:
            self._follow_two()
            return probe
        return self._engine._landmarker.detect_for_video(image, ts_ms)

    def _count(self, image) -> int:
        """On the probe's thread: how many people a fresh detection finds."""
        return len(self._opening.result().detect(image).pose_landmarks)

    def _read_pending(self) -> bool:
        """Count down to the background probe's frame; True when it found two."""
        left, future = self._pending
        if left > 1:
            self._pending = (left - 1, future)
            return False
        self._pending = None
        if future.result() < 2:       # waits if the probe is not done yet
            return False
        self._follow_two()
        return True

    def _follow_two(self) -> None:
        if self._two is None:
            self._two = self._engine._create("video", 2)
        self._two_active, self._alone_ms = True, None

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
