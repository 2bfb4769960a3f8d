"""`posecheck analyze` end to end with the real model: outputs, timing, bad input, API = CLI."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

import posecheck
from posecheck.errors import InputError, UsageError

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
STANDARD = ["hip_left", "hip_right", "knee_left", "knee_right",
            "shoulder_left", "shoulder_right", "elbow_left", "elbow_right"]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from posecheck.cli.app import main; main()", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=600)


def _truth(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.truth.json").read_text())


@pytest.fixture(scope="module")
def bridge(tmp_path_factory, model):
    out = tmp_path_factory.mktemp("bridge")
    return posecheck.analyze(SAMPLES / "bridge.mp4", stretch="bridge", out_dir=out), out


def test_outputs_follow_the_interface(bridge):
    summary, out = bridge
    assert set(summary.files) == {"summary", "frames", "annotated", "plot"}
    on_disk = json.loads((out / "bridge.summary.json").read_text())
    assert on_disk == json.loads(json.dumps(dict(summary)))
    for key in ("video", "stretch", "fps", "frames", "frames_with_pose", "duration_s", "model",
                "holds", "reps", "cues", "angles"):
        assert key in on_disk
    n = len(_truth("bridge")["frames"])  # the rendered clip's frame count
    assert on_disk["fps"] == pytest.approx(10.0)
    assert on_disk["frames"] == n and on_disk["frames_with_pose"] >= n - 5
    assert len(on_disk["model"]["sha256"]) == 64
    rows = list(csv.reader((out / "bridge.frames.csv").open()))
    assert rows[0][:11] == ["frame", "t_s", "pose", *STANDARD]
    assert rows[0][-2:] == ["state", "cue"]
    assert len(rows) == n + 1
    assert float(rows[51][1]) == pytest.approx(5.0, abs=1e-3)
    video = cv2.VideoCapture(str(out / "bridge.annotated.mp4"))
    assert int(video.get(cv2.CAP_PROP_FRAME_COUNT)) == n
    assert (out / "bridge.angles.png").stat().st_size > 10_000


def test_hold_matches_the_rendered_truth(bridge):
    """One hold, start and end within 1 s of the rendered hold interval."""
    summary, _ = bridge
    expected = _truth("bridge")["expect"]["holds"]
    assert len(summary["holds"]) == len(expected) == 1
    found, truth = summary["holds"][0], expected[0]
    assert found["side"] == truth["side"]
    assert abs(found["start_s"] - truth["start_s"]) <= 1.0
    assert abs(found["end_s"] - truth["end_s"]) <= 1.0


def test_hold_side_on_a_sided_sample(tmp_path, model):
    summary = posecheck.analyze(SAMPLES / "knee-to-chest-right.mp4", stretch="knee-to-chest",
                                out_dir=tmp_path, annotate=False, plot=False)
    truth = _truth("knee-to-chest-right")["expect"]["holds"]
    assert [h["side"] for h in summary["holds"]] == [h["side"] for h in truth] == ["right"]
    assert abs(summary["holds"][0]["start_s"] - truth[0]["start_s"]) <= 1.0
    assert abs(summary["holds"][0]["end_s"] - truth[0]["end_s"]) <= 1.0


def test_cat_cow_reps_are_exact(tmp_path, model):
    summary = posecheck.analyze(SAMPLES / "cat-cow.mp4", stretch="cat-cow", out_dir=tmp_path,
                                annotate=False, plot=False)
    assert summary["reps"] == _truth("cat-cow")["expect"]["reps"] == 4


@pytest.mark.parametrize("clip, fps, frames", [
    ("tfjs_pose_squats.mp4", 5.0, 65),                  # 5 fps
    ("pose2sim_demo_single_cam01.mp4", 60.0, 100),      # 60 fps
])
def test_duration_matches_the_container_within_one_frame(real_dir, tmp_path, model, clip, fps, frames):
    summary = posecheck.analyze(real_dir / clip, stretch="plank", out_dir=tmp_path,
                                annotate=False, plot=False)
    assert summary["fps"] == pytest.approx(fps, abs=0.01)
    assert summary["frames"] == frames
    assert abs(summary["duration_s"] - frames / fps) <= 1.0 / fps
    times = [float(r["t_s"]) for r in csv.DictReader((tmp_path / f"{Path(clip).stem}.frames.csv").open())]
    assert np.allclose(np.diff(times), 1.0 / fps, atol=0.002)


def test_api_and_cli_give_identical_summaries(tmp_path, model):
    api = posecheck.analyze(SAMPLES / "plank.mp4", stretch="plank", out_dir=tmp_path / "api",
                            annotate=False, plot=False)
    run = _cli("analyze", str(SAMPLES / "plank.mp4"), "--stretch", "plank", "--out", str(tmp_path / "cli"),
               "--no-video", "--no-plot", "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-500:]
    printed = json.loads(run.stdout)
    assert len(printed) == 1
    assert printed[0] == json.loads(json.dumps(dict(api)))


def _blank_video(path: Path, frames: int = 20) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (320, 240))
    for i in range(frames):
        writer.write(np.full((240, 320, 3), 40 + i, np.uint8))
    writer.release()
    return path


def _truncated_video(path: Path) -> Path:
    """The plank sample re-encoded as Matroska/MJPG and cut at 60% of its bytes."""
    cap = cv2.VideoCapture(str(SAMPLES / "plank.mp4"))
    full = path.with_name("full.mkv")
    writer = cv2.VideoWriter(str(full), cv2.VideoWriter_fourcc(*"MJPG"), 10, (480, 360))
    while True:
        ok, image = cap.read()
        if not ok:
            break
        writer.write(image)
    writer.release()
    data = full.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.6)])
    return path


def test_video_without_a_person_gives_a_summary_saying_so(tmp_path, model):
    summary = posecheck.analyze(_blank_video(tmp_path / "empty.mp4"), stretch="plank",
                                out_dir=tmp_path, annotate=False, plot=False)
    assert summary["frames"] == 20 and summary["frames_with_pose"] == 0
    assert summary["holds"] == []
    assert "no person" in summary["notes"][0]


def test_truncated_video_is_analysed_as_far_as_it_decodes(tmp_path, model):
    summary = posecheck.analyze(_truncated_video(tmp_path / "cut.mkv"), stretch="plank",
                                out_dir=tmp_path, annotate=False, plot=False)
    assert 0.4 * 160 <= summary["frames"] <= 0.8 * 160  # plank has 160 frames; ~60% of the bytes kept
    assert "truncated" in summary["notes"][0]
    assert summary["duration_s"] == pytest.approx(summary["frames"] / 10.0, abs=0.1)


@pytest.mark.parametrize("name, content, message", [
    ("missing.mp4", None, "no such video"),
    ("zero.mp4", b"", "empty (0 bytes)"),
    ("text.mp4", b"not a video", "not a readable video"),
])
def test_bad_videos_give_one_line_errors(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as err:
        posecheck.analyze(path, stretch="plank", out_dir=tmp_path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_unknown_stretch_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError):
        posecheck.analyze(SAMPLES / "plank.mp4", stretch="no-such-stretch", out_dir=tmp_path)
    run = _cli("analyze", str(SAMPLES / "plank.mp4"), "--stretch", "no-such-stretch", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == ["error: unknown stretch 'no-such-stretch'; see `posecheck list`"]


def test_unknown_option_is_a_short_usage_error_not_a_traceback(tmp_path):
    run = _cli("analyze", str(SAMPLES / "plank.mp4"), "--no-such-option", cwd=tmp_path)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and "No such option: --no-such-option" in run.stderr
    assert not list(tmp_path.iterdir())  # nothing written


def test_several_videos_fail_or_succeed_on_their_own(tmp_path, model):
    (tmp_path / "text.mp4").write_text("not a video")
    run = _cli("analyze", str(tmp_path / "text.mp4"), str(_blank_video(tmp_path / "empty.mp4")),
               "--stretch", "plank", "--out", str(tmp_path / "out"), "--json", cwd=tmp_path)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    printed = json.loads(run.stdout)
    assert "not a readable video" in printed[0]["error"]
    assert printed[1]["frames"] == 20
    assert (tmp_path / "out" / "empty.summary.json").exists()
