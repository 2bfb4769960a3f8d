"""The pose engine: MediaPipe's PoseLandmarker (Tasks API) behind one small context manager.

Modes: "image" (independent photos), "video" (frames with monotonic timestamps from the
source; tracks between frames, about twice as fast), "live" (asynchronous LIVE_STREAM,
newest result wins). Returns the coached person as a `Pose`, or None for "no pose".
"""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np

from posecheck.errors import InputError
from posecheck.pose.landmarks import N_LANDMARKS, Pose
from posecheck.pose.paintout import PaintedOut
from posecheck.pose.quiet import native_quiet
from posecheck.pose.second import PROBE_HELPER, SecondPerson
from posecheck.pose.tracking import PersonTracker, Scorer

MODES = ("image", "video", "live")


def _to_poses(result, size: tuple[int, int], t_s: float) -> list[Pose]:
    """Convert a PoseLandmarkerResult into Pose objects (one per detected person)."""
    w, h = size
    poses = []
    for lms, wlms in zip(result.pose_landmarks, result.pose_world_landmarks):
        arr = np.array([(p.x, p.y, p.visibility or 0.0, p.presence or 0.0) for p in lms])
        world = np.array([(p.x, p.y, p.z) for p in wlms], dtype=float)
        if arr.shape[0] != N_LANDMARKS:
            continue
        norm = arr[:, :2]
        poses.append(Pose(t_s=t_s, xy=norm * (w, h), xy_norm=norm, world=world,
                          visibility=arr[:, 2], presence=arr[:, 3], size=(w, h)))
    return poses


def _area(pose: Pose) -> float:
    x0, y0, x1, y1 = pose.bbox()
    return (x1 - x0) * (y1 - y0)


def _mp_image(image_bgr: np.ndarray):
    import mediapipe as mp

    if image_bgr is None or image_bgr.ndim != 3 or image_bgr.shape[2] != 3:
        raise InputError("frame is not a colour image (expected H x W x 3)")
    rgb = np.ascontiguousarray(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB))
    return mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)


class PoseEngine:
    """`with PoseEngine(model, mode="video") as eng: pose = eng.detect(frame, t_s)`.

    num_poses=1 (default): MediaPipe follows one person from frame to frame (fastest) and the tracker
    refuses a sudden jump to someone else. num_poses=2 (or more) sees a partner or bystander
    on every frame, at about twice the cost when one person is alone (MediaPipe's person
    detector then runs on every frame, looking for the second). num_poses=None (analyze and
    live): video mode follows one person, looks for a second now and then (`SecondPerson`,
    a few % more) and follows two only while two are there; when only someone not to coach
    is found (a standing helper, or a passer-by MediaPipe took instead of the coached
    person), it looks again with them painted out (`PaintedOut`). helper=True (a partner
    stretch): looks more often. `others` are the people of the last frame who are not the
    coached person (a partner stretch's helper).
    """

    def __init__(self, model: str | Path | None = None, mode: str = "video", num_poses: int | None = 1,
                 min_confidence: float = 0.5, scorer: Scorer | None = None, helper: bool = False):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        from posecheck.pose.modelstore import resolve_model

        self.model = resolve_model(None if model is None else str(model))
        self.mode = mode
        self.num_poses = num_poses
        self.min_confidence = min_confidence
        self.tracker = PersonTracker(scorer=scorer, helper=helper)
        looks = num_poses is None and mode == "video"
        self.second = (SecondPerson(PROBE_HELPER, True) if helper else SecondPerson()) if looks else None
        self.painted = PaintedOut() if looks else None   # only runs while someone is refused
        self._landmarker = None
        self._last_ms = -1
        self._lock = threading.Lock()
        self._latest: Pose | None = None
        self._latest_t: float | None = None

    # -- lifecycle -----------------------------------------------------------
    def __enter__(self) -> "PoseEngine":
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def others(self) -> list[Pose]:
        return self.tracker.others

    def open(self) -> None:
        self._landmarker = self._create(self.mode, self.num_poses or 1)
        if self.second is not None:
            self.second.open(self)
        if self.painted is not None:
            self.painted.open(self)

    def _create(self, mode: str, num_poses: int):
        from mediapipe.tasks.python import BaseOptions, vision

        running = {"image": vision.RunningMode.IMAGE, "video": vision.RunningMode.VIDEO,
                   "live": vision.RunningMode.LIVE_STREAM}[mode]
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(self.model.path)),
            running_mode=running,
            num_poses=num_poses,
            min_pose_detection_confidence=self.min_confidence,
            min_pose_presence_confidence=self.min_confidence,
            min_tracking_confidence=self.min_confidence,
            result_callback=self._on_live_result if mode == "live" else None,
        )
        try:
            with native_quiet():
                return vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as err:
            raise InputError(f"cannot load pose model {self.model.path}: {str(err).splitlines()[0]}"
                             " — run `posecheck models verify`") from None

    def close(self) -> None:
        with native_quiet():       # every landmarker logs from C++ as it is destroyed
            if self.second is not None:
                self.second.close()
            if self.painted is not None:
                self.painted.close()
            if self._landmarker is not None:
                self._landmarker.close()
                self._landmarker = None

    # -- detection -----------------------------------------------------------
    def detect(self, image_bgr: np.ndarray, t_s: float = 0.0) -> Pose | None:
        """The coached person's pose in this frame (IMAGE or VIDEO mode)."""
        if self._landmarker is None:
            raise RuntimeError("PoseEngine used outside `with`")
        image = _mp_image(image_bgr)
        size = (image_bgr.shape[1], image_bgr.shape[0])
        if self.mode == "live":
            raise RuntimeError("use submit() in live mode")
        with native_quiet():       # the first frames log from C++ too
            if self.mode == "image":
                result = self._landmarker.detect(image)
            elif self.second is not None:
                result = self.second.detect(image, self._timestamp_ms(t_s))
            else:
                result = self._landmarker.detect_for_video(image, self._timestamp_ms(t_s))
            pose = self.tracker.choose(_to_poses(result, size, t_s), t_s)
            if pose is None and self.painted is not None and self.tracker.others:
                pose = self._behind_helper(image_bgr, size, t_s)
        return pose

    def _behind_helper(self, image_bgr: np.ndarray, size: tuple[int, int], t_s: float) -> Pose | None:
        """Only someone not to coach was found (a standing helper; someone MediaPipe
        followed instead of the coached person): look again with them painted out, for
        the person they hide from the detector."""
        helper = max(self.tracker.others, key=lambda p: _area(p))
        result = self.painted.detect(image_bgr, helper, self._last_ms, _mp_image)
        return self.tracker.choose([*_to_poses(result, size, t_s), helper], t_s)

    def submit(self, image_bgr: np.ndarray, t_s: float) -> None:
        """LIVE mode: hand a frame over; the result arrives via latest()."""
        image = _mp_image(image_bgr)
        with native_quiet():
            self._landmarker.detect_async(image, self._timestamp_ms(t_s))

    def latest(self) -> tuple[float | None, Pose | None]:
        """LIVE mode: (time of the newest processed frame, its pose or None)."""
        with self._lock:
            return self._latest_t, self._latest

    def _on_live_result(self, result, image, timestamp_ms: int) -> None:
        t_s = timestamp_ms / 1000.0
        size = (image.width, image.height)
        pose = self.tracker.choose(_to_poses(result, size, t_s), t_s)
        with self._lock:
            self._latest_t, self._latest = t_s, pose

    def _timestamp_ms(self, t_s: float) -> int:
        """MediaPipe needs strictly increasing integer milliseconds."""
        ms = max(int(round(t_s * 1000.0)), self._last_ms + 1)
        self._last_ms = ms
        return ms


def read_image(path: str | Path) -> np.ndarray:
    """Read a photo or raise a one-line InputError."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"no such image: {p}")
    image = cv2.imread(str(p), cv2.IMREAD_COLOR)
    if image is None:
        raise InputError(f"cannot read {p} as an image (supported: jpg, png, bmp, webp…)")
    return image
