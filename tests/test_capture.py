"""The latest-frame capture thread: drops (never queues) for a slow consumer, plays files
at their own frame rate, hands over every frame on request, and fails in one line."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from posecheck.media.capture import LatestFrameSource, parse_source
from posecheck.errors import InputError


def _clip(path: Path, n: int, fps: float, size=(96, 64)) -> Path:
    """A clip whose frame i is uniformly grey level 4*i (its index survives the codec)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    assert writer.isOpened()
    for i in range(n):
        writer.write(np.full((size[1], size[0], 3), 4 * i, np.uint8))
    writer.release()
    return path


def _index_of(image: np.ndarray) -> int:
    return int(round(float(image.mean()) / 4))


@pytest.fixture(scope="module")
def clip20(tmp_path_factory) -> Path:
    return _clip(tmp_path_factory.mktemp("cap") / "c20.avi", 40, 20.0)


@pytest.mark.parametrize("text, expected", [("0", 0), ("2", 2), (" 1 ", 1), ("a.mp4", "a.mp4"),
                                            ("rtsp://h/x", "rtsp://h/x")])
def test_parse_source(text, expected):
    assert parse_source(text) == expected


def test_slow_consumer_sees_only_newer_frames_and_drops(clip20):
    seen = []
    with LatestFrameSource(str(clip20)) as src:
        while (frame := src.read(timeout=5)) is not None:
            seen.append(frame.index)
            assert _index_of(frame.image) == frame.index       # the pixels are that frame's
            time.sleep(0.12)                                  # 2.4 source frames per read
        assert src.end_reason == "end of stream"
        assert src.frames_read == 40
        assert src.frames_dropped > 0
        # every frame is either seen, dropped, or the last one left at the end
        assert len(seen) + src.frames_dropped in (40, 39)
    assert all(b > a for a, b in zip(seen, seen[1:]))
    assert len(seen) <= 40 * 0.05 / 0.12 * 2 + 2     # far fewer than all (±2 frames of slack)


def test_file_plays_at_its_own_rate(clip20):
    """40 frames at 20 fps take 2 s (±20%), and t_s follows the container clock (±1 frame)."""
    start = time.monotonic()
    times = []
    with LatestFrameSource(str(clip20)) as src:
        while (frame := src.read(timeout=5)) is not None:
            times.append((frame.index, frame.t_s, frame.captured_at - start))
    elapsed = time.monotonic() - start
    assert elapsed == pytest.approx(2.0, rel=0.2)
    for index, t_s, _ in times:
        assert t_s == pytest.approx(index / 20.0, abs=0.05 + 1e-6)
    last_index, _, last_at = times[-1]
    assert last_at == pytest.approx(last_index / 20.0, abs=0.4)


def test_every_frame_mode_hands_over_all_frames(clip20):
    start = time.monotonic()
    with LatestFrameSource(str(clip20), realtime=False) as src:
        seen = []
        while (frame := src.read(timeout=5)) is not None:
            seen.append(frame.index)
            time.sleep(0.005)
        assert src.frames_dropped == 0
    assert seen == list(range(40))
    assert time.monotonic() - start < 1.5          # not throttled to the file's 2 s


def test_source_latency_is_under_a_frame(clip20):
    """With a fast consumer a frame is handed over within ~1 frame of being read."""
    waits = []
    with LatestFrameSource(str(clip20)) as src:
        while (frame := src.read(timeout=5)) is not None:
            waits.append(time.monotonic() - frame.captured_at)
    assert np.median(waits) < 0.05


@pytest.mark.parametrize("source, words", [
    ("/nonexistent/clip.mp4", "no such video"),
    ("57", "camera 57 not found"),
])
def test_bad_source_is_one_line_input_error(source, words):
    with pytest.raises(InputError) as err:
        LatestFrameSource(source)
    assert words in str(err.value)
    assert "\n" not in str(err.value)


def test_text_file_is_not_a_video(tmp_path):
    fake = tmp_path / "fake.mp4"
    fake.write_text("not a video\n")
    with pytest.raises(InputError, match="not a readable video"):
        LatestFrameSource(str(fake))


def test_missing_camera_cli_is_one_line_without_traceback():
    proc = subprocess.run([sys.executable, "-c", "from posecheck.cli.app import main; main()", "live",
                           "--stretch", "knee-to-chest", "--source", "57", "--no-window"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "camera 57 not found" in lines[0], proc.stderr
