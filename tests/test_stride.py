"""Adaptive stride: the planner and interpolation on hand-built poses (pure logic), then
`analyze --stride auto` against `--stride 1` with the real model on a 30 fps render."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from posecheck.errors import UsageError
from posecheck.run.stride import (StridePlanner, StridePolicy, body_speed, interpolate, parse_stride,
                                  strided_poses)
from tests.posebuild import make_pose

REPO = Path(__file__).resolve().parents[1]


@dataclass
class _Frame:
    index: int
    t_s: float


def _still_detector(fps: float, moving_from: float = math.inf):
    """detect(frame): a standing pose, its left wrist sweeping 2 torso lengths/s after `moving_from`."""
    calls = []

    def detect(frame):
        calls.append(frame.index)
        dx = 0.0 if frame.t_s < moving_from else (frame.t_s - moving_from) * 2.0 * 130
        return make_pose({"left_wrist": (375 + dx, 290)}, t_s=frame.t_s)

    return detect, calls


def test_parse_stride():
    assert parse_stride("auto") is None and parse_stride("AUTO") is None
    assert parse_stride("1") == 1 and parse_stride(3) == 3
    for bad in ("0", "-2", "fast", "1.5"):
        with pytest.raises(UsageError):
            parse_stride(bad)


def test_max_stride_follows_the_frame_rate():
    p = StridePolicy()
    assert (p.max_stride(30), p.max_stride(29.97), p.max_stride(60), p.max_stride(10)) == (3, 2, 6, 1)


def test_interpolation_is_linear_in_time():
    a = make_pose({"left_wrist": (100, 200)}, t_s=1.0)
    b = make_pose({"left_wrist": (130, 260)}, t_s=1.3)
    mid = interpolate(a, b, 1.1)
    assert mid.t_s == 1.1
    np.testing.assert_allclose(mid.point("left_wrist"), (110, 220), atol=1e-9)


def test_body_speed_in_torso_lengths_per_second():
    a = make_pose(t_s=0.0)
    b = make_pose({"left_wrist": (375 + 65, 290)}, t_s=0.5)  # torso 130 px: 0.5 torso in 0.5 s
    assert body_speed(a, b) == pytest.approx(1.0, abs=1e-6)


def test_still_body_is_sampled_every_third_frame_at_30_fps_and_every_frame_is_returned():
    fps = 30.0
    detect, calls = _still_detector(fps)
    frames = [_Frame(i, i / fps) for i in range(60)]
    out = list(strided_poses(frames, detect, StridePlanner(None, fps)))
    assert [f.index for f, _ in out] == list(range(60))
    assert all(p is not None and p.t_s == f.t_s for f, p in out)
    # settle 0.3 s at stride 1, then every 3rd frame; the last frame is always detected
    late = [i for i in calls if i > 20]
    assert np.all(np.diff(late) <= 3) and np.median(np.diff(late)) == 3
    assert calls[:9] == list(range(9)) and calls[-1] == 59
    assert len(calls) < 30


def test_motion_returns_to_every_frame_within_one_gap():
    fps = 30.0
    detect, calls = _still_detector(fps, moving_from=1.0)
    frames = [_Frame(i, i / fps) for i in range(75)]
    list(strided_poses(frames, detect, StridePlanner(None, fps)))
    # the wrist starts at frame 30; a detection at most one gap (3 frames) later sees it
    # move, and from there on every frame is detected
    assert set(range(34, 75)) <= set(calls)
    assert len([i for i in calls if i < 30]) < 20


def test_lost_track_means_every_frame():
    fps = 30.0
    calls = []

    def detect(frame):
        calls.append(frame.index)
        return None

    frames = [_Frame(i, i / fps) for i in range(30)]
    out = list(strided_poses(frames, detect, StridePlanner(None, fps)))
    assert calls == list(range(30)) and all(p is None for _, p in out)


def test_fixed_stride():
    detect, calls = _still_detector(30.0)
    frames = [_Frame(i, i / 30) for i in range(10)]
    out = list(strided_poses(frames, detect, StridePlanner(4, 30.0)))
    assert calls == [0, 4, 8, 9]
    assert len(out) == 10


# -- the real model ------------------------------------------------------------------------------

SHORT_30FPS = """fps = 30
size = [480, 360]
seed = 3
side = "left"

[camera]
view = "near"
distance_m = 2.6
height_m = 0.45
azimuth_jitter_deg = 15

[[keys]]
pose = "hook-lying"
hold_s = 1.5
phase = "rest"

[[keys]]
pose = "knee-to-chest"
move_s = 1.0
hold_s = 5
phase = "hold"

[[keys]]
pose = "hook-lying"
move_s = 1.0
hold_s = 1.5
phase = "rest"

[expect]
stretch = "knee-to-chest"
"""


def _rows(path: Path) -> list[dict]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.real
def test_auto_stride_matches_every_frame_on_a_30fps_render(tmp_path, model):
    from posecheck.coach.catalog import load_catalog, resolve
    from posecheck.run.analyze import analyze
    from posecheck.synth.clip import render_clip

    (tmp_path / "k2c30.toml").write_text(SHORT_30FPS)
    video, _ = render_clip(tmp_path / "k2c30.toml", tmp_path)
    one = analyze(video, "knee-to-chest", out_dir=tmp_path / "s1", annotate=False, plot=False, stride=1)
    auto = analyze(video, "knee-to-chest", out_dir=tmp_path / "auto", annotate=False, plot=False, stride=None)
    assert auto["frames"] == one["frames"] == 300          # the coach saw every frame
    assert auto["stride"]["model_frames"] < 0.75 * auto["frames"], auto["stride"]
    assert len(auto["holds"]) == len(one["holds"]) == 1, (one["holds"], auto["holds"])
    for key in ("start_s", "end_s"):
        assert abs(auto["holds"][0][key] - one["holds"][0][key]) <= 0.2, (one["holds"], auto["holds"])
    assert auto["reps"] == one["reps"]
    a, b = _rows(tmp_path / "s1" / "k2c30.frames.csv"), _rows(tmp_path / "auto" / "k2c30.frames.csv")
    assert [r["t_s"] for r in a] == [r["t_s"] for r in b]
    stretch = load_catalog()["knee-to-chest"]
    judged = [resolve(m, "left") for judge in stretch.judges for m in judge.metrics]
    assert "hip_left" in judged
    for col in judged:                                     # the stretch's judged metrics
        errs = [abs(float(x[col]) - float(y[col])) for x, y in zip(a, b) if x[col] and y[col]]
        assert len(errs) > 250 or col != "hip_left", (col, len(errs))
        assert not errs or sum(errs) / len(errs) <= 1.0, (col, len(errs), sum(errs) / max(1, len(errs)))
