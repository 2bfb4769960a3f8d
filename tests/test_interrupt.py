"""Ctrl-C / SIGTERM mid-run (real signals to the real CLI) and a full disk (a tiny tmpfs).

A stopped run writes the summary of what it measured (`end_reason`), a CSV with a row
per frame and a video that plays with as many frames; a second Ctrl-C exits at once and
removes the hidden partial files; a full disk is one line and the summary is kept.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest

import badinputs as bi

SAMPLE = bi.SAMPLE   # 160 frames at 10 fps: several seconds of work


def _frames(path: Path) -> int:
    cap = cv2.VideoCapture(str(path))
    n = 0
    while cap.read()[0]:
        n += 1
    cap.release()
    return n


def _start(args, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(bi.REPO)}
    return subprocess.Popen([sys.executable, "-m", "posecheck", *map(str, args)], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(pred, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        assert time.monotonic() < deadline, "the run never got going"
        time.sleep(0.05)


def _part(folder: Path, name: str) -> Path | None:
    for p in folder.glob(f".{name}.*.part*") if folder.is_dir() else ():
        return p
    return None


def _csv_rows_over(folder: Path, name: str, rows: int):
    def pred():
        p = _part(folder, name)
        return p is not None and p.exists() and p.stat().st_size > rows * 60
    return pred


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_analyze_stops_cleanly(tmp_path, model, sig, code):
    out = tmp_path / "out"
    proc = _start(["analyze", SAMPLE, "-s", "bridge", "-o", out], tmp_path)
    _wait_for(_csv_rows_over(out, "bridge.frames.csv", 20), proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err[-2000:]
    assert "Traceback" not in err
    lines = bi.own_lines(err)
    assert lines == [f"interrupted ({'Ctrl-C' if sig == signal.SIGINT else 'SIGTERM'}): what was measured "
                     f"is in {out / 'bridge.summary.json'}"], lines
    assert bi.listing(out) == ["bridge.angles.png", "bridge.annotated.mp4", "bridge.frames.csv",
                               "bridge.summary.json"]
    summary = json.loads((out / "bridge.summary.json").read_text())
    assert summary["end_reason"] == "interrupted"
    assert 20 <= summary["frames"] < 160
    rows = list(csv.reader((out / "bridge.frames.csv").open()))
    assert len(rows) == summary["frames"] + 1
    assert _frames(out / "bridge.annotated.mp4") == summary["frames"]


def test_live_stops_cleanly_and_the_recording_plays(tmp_path, model):
    out = tmp_path / "out"
    proc = _start(["live", "-s", "bridge", "--source", SAMPLE, "--no-window", "--summary", out / "s.json",
                   "--record", out / "r.mp4"], tmp_path)

    def recording():
        p = _part(out, "r.mp4")
        return p is not None and p.exists() and p.stat().st_size > 100_000

    _wait_for(recording, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err
    assert [ln for ln in bi.own_lines(err) if ln.startswith("session (")][0].startswith("session (interrupted)")
    assert bi.listing(out) == ["r.mp4", "s.json"]
    summary = json.loads((out / "s.json").read_text())
    assert summary["end_reason"] == summary["live"]["end_reason"] == "interrupted"
    assert 0 < summary["frames"] < 160
    written = summary["live"]["record"]["frames_written"]
    assert written >= summary["frames"]
    assert _frames(out / "r.mp4") == written


def test_a_second_ctrl_c_exits_at_once(tmp_path):
    """The helper in a process that takes long to finish: the second signal ends it now."""
    script = f"""
import sys, time
sys.path.insert(0, {str(bi.REPO)!r})
from posecheck.media.atomic import Pending
from posecheck.run.interrupt import catch_stop
p = Pending({str(tmp_path / 'out.csv')!r})
with catch_stop() as stop:
    print("ready", flush=True)
    while not stop.requested:
        time.sleep(0.01)
    print("finishing", flush=True)
    time.sleep(60)            # a slow finish
print("finished", flush=True)
"""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGINT)
    assert proc.stdout.readline().strip() == "finishing"
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert time.monotonic() - t0 < 10
    assert proc.returncode == 130
    assert "finished" not in out and "Traceback" not in err
    assert "stopped at once" in err
    assert bi.listing(tmp_path) == []      # the hidden partial file is gone too


def _in_tmpfs(tmp_path: Path, size_kb: int):
    wrap = bi.tmpfs(size_kb, tmp_path / "disk", tmp_path / "saved")
    if wrap is None:
        pytest.skip("needs root and mount namespaces (unshare -m) for a tiny tmpfs")
    return wrap, tmp_path / "disk", tmp_path / "saved"


def test_full_disk_while_encoding_keeps_the_summary(tmp_path, model):
    wrap, disk, saved = _in_tmpfs(tmp_path, 512)   # under the 1 MiB the encoder keeps free
    clip = bi.clip(tmp_path, n=12)
    result = bi.cli(["analyze", clip, "-s", "bridge", "-o", disk / "out"], cwd=tmp_path, wrap=wrap)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = bi.own_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"error: {clip}: cannot write "), lines
    assert "the disk is full" in lines[0] and f"what was measured is in {disk / 'out' / 'clip.summary.json'}" in lines[0]
    assert bi.listing(saved / "out") == ["clip.summary.json"]
    summary = json.loads((saved / "out" / "clip.summary.json").read_text())
    assert summary["end_reason"] == "write error" and summary["frames"] >= 1


def test_full_disk_while_logging_keeps_the_summary(tmp_path, model):
    wrap, disk, saved = _in_tmpfs(tmp_path, 8)     # the CSV of 160 frames does not fit: its last write fails
    result = bi.cli(["analyze", SAMPLE, "-s", "bridge", "-o", disk / "out", "--no-video", "--no-plot"],
                    cwd=tmp_path, wrap=wrap)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = bi.own_lines(result.stderr)
    assert len(lines) == 1 and "the disk is full" in lines[0], lines
    assert bi.listing(saved / "out") == ["bridge.summary.json"]   # no CSV cut mid-row
    summary = json.loads((saved / "out" / "bridge.summary.json").read_text())
    assert summary["end_reason"] == "write error" and summary["frames"] == 160   # all that was measured


def test_full_disk_while_recording_keeps_what_was_recorded(tmp_path, model):
    wrap, disk, saved = _in_tmpfs(tmp_path, 1400)  # ~400 kB of video before the 1 MiB margin
    result = bi.cli(["live", "-s", "bridge", "--source", SAMPLE, "--no-window", "--every-frame",
                     "--summary", disk / "s.json", "--record", disk / "r.mp4"], cwd=tmp_path, wrap=wrap)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    warn = [ln for ln in bi.own_lines(result.stderr) if ln.startswith("warning:")]
    assert len(warn) == 1 and "the disk is full" in warn[0] and "recording stopped" in warn[0], warn
    assert bi.listing(saved) == ["r.mp4", "s.json"]
    summary = json.loads((saved / "s.json").read_text())
    rec = summary["live"]["record"]
    assert summary["frames"] == 160 and 0 < rec["frames_written"] < 160
    assert _frames(saved / "r.mp4") == rec["frames_written"]
