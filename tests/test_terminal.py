"""Terminal hygiene: no native MediaPipe/LiteRT log line reaches the user; analyze says
where it wrote each output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from posecheck.pose.quiet import is_noise

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "knee-to-chest-left.mp4"
NATIVE = re.compile(r"^[IWEF]\d{4}|W0000|INFO:|Sparsity|TensorFlow Lite|XNNPACK|gl_context", re.M)


def _run(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "posecheck", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("line, noise", [
    ("INFO: Created TensorFlow Lite XNNPACK delegate for CPU.", True),
    ("WARNING: [model_load.cc:402] Sparsity tensors may not yet be fully supported.", True),
    ("W0000 00:00:1796160256.352731   15622 inference_runner_litert.cc:1433] Input tensor", True),
    ("I0000 00:00:1796160256.352731   15622 gl_context.cc:357] GL version", True),
    ("E0000 00:00:1796160256.352731   15622 calculator_graph.cc:887] a real failure", False),
    ("F0000 00:00:1796160256.352731   15622 check failed", False),
    ("ERROR: cannot open model", False),
    ("Traceback (most recent call last):", False),
])
def test_only_info_and_warning_chatter_counts_as_noise(line, noise):
    assert is_noise(line) is noise


def test_analyze_prints_no_native_log_and_says_where_outputs_went(tmp_path):
    res = _run("analyze", str(SAMPLE), "--stretch", "knee-to-chest", "--out", "out", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    both = res.stdout + res.stderr
    assert not NATIVE.search(both), NATIVE.search(both).group(0)
    written = re.findall(r"^knee-to-chest-left\.mp4: (.+?) written to (\S+)$", res.stdout, re.M)
    kinds = [k for k, _ in written]
    assert kinds == ["summary", "per-frame angles", "annotated video", "angle plot"]
    for _, path in written:
        assert (tmp_path / path).is_file() and (tmp_path / path).stat().st_size > 0, path
    assert json.loads((tmp_path / written[0][1]).read_text())["stretch"] == "knee-to-chest"


def test_partner_analyze_with_its_extra_landmarkers_prints_no_native_log(tmp_path):
    """A partner stretch makes more landmarkers (the second-person probe, the paint-out);
    each logs from C++ when destroyed, which must not reach the terminal either."""
    clip = ROOT / "samples" / "partner" / "partner-hamstring-right-between.mp4"
    res = _run("analyze", str(clip), "--stretch", "partner-hamstring", "--out", "out", "--no-video",
               "--no-plot", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    both = res.stdout + res.stderr
    assert not NATIVE.search(both), NATIVE.search(both).group(0)
    summary = json.loads((tmp_path / "out" / "partner-hamstring-right-between.summary.json").read_text())
    assert [h["side"] for h in summary["holds"]] == ["right"]


def test_analyze_json_prints_only_json(tmp_path):
    res = _run("analyze", str(SAMPLE), "--stretch", "knee-to-chest", "--out", "out", "--json",
               "--no-video", "--no-plot", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)        # the whole of stdout is the JSON list
    assert [d["stretch"] for d in data] == ["knee-to-chest"]
    assert not NATIVE.search(res.stderr), res.stderr[:400]


def test_a_genuine_native_error_still_reaches_stderr(tmp_path):
    """A line written to fd 2 inside the quiet window that is not chatter passes through."""
    code = ("import os, time\n"
            "from posecheck.pose.quiet import native_quiet\n"
            "with native_quiet():\n"
            "    os.write(2, b'INFO: chatter\\nE0000 00:00:1.0 1 x.cc:1] real error\\n')\n"
            "time.sleep(0.3)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert res.stderr.splitlines() == ["E0000 00:00:1.0 1 x.cc:1] real error"]
