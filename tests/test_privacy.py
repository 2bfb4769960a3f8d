"""The person's data stays theirs: private file modes whatever the umask, no network at run time."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess

import pytest

import badinputs as bi
from posecheck.media import atomic


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _umask022():
    return lambda: os.umask(0o022)   # the usual umask, under which files would be 0644


@pytest.mark.parametrize("share, fmode, dmode", [(False, 0o600, 0o700), (True, 0o640, 0o750)])
def test_every_output_kind_is_private_unless_shared(tmp_path, model, share, fmode, dmode):
    clip = bi.clip(tmp_path, n=6)
    flag = ["--share-outputs"] if share else []
    env: dict = {}
    an = subprocess.run([*_py(), "analyze", clip, "-s", "bridge", "-o", tmp_path / "new" / "out", *flag],
                        cwd=tmp_path, capture_output=True, text=True, preexec_fn=_umask022(), env=_env(env))
    assert an.returncode == 0, an.stderr[-2000:]
    live = subprocess.run([*_py(), "live", "-s", "bridge", "--source", clip, "--no-window", *flag,
                           "--summary", tmp_path / "lv" / "s.json", "--record", tmp_path / "lv" / "r.mp4"],
                          cwd=tmp_path, capture_output=True, text=True, preexec_fn=_umask022(), env=_env(env))
    assert live.returncode == 0, live.stderr[-2000:]
    files = {p.name: _mode(p) for p in (tmp_path / "new" / "out").iterdir()}
    files.update({p.name: _mode(p) for p in (tmp_path / "lv").iterdir()})
    assert files == {"clip.summary.json": fmode, "clip.frames.csv": fmode, "clip.annotated.mp4": fmode,
                     "clip.angles.png": fmode, "s.json": fmode, "r.mp4": fmode}
    for folder in (tmp_path / "new", tmp_path / "new" / "out", tmp_path / "lv"):
        assert _mode(folder) == dmode, folder


def test_an_existing_folder_keeps_its_mode(tmp_path):
    (tmp_path / "mine").mkdir(mode=0o755)
    os.chmod(tmp_path / "mine", 0o755)
    path = atomic.write_json(tmp_path / "mine" / "a.json", {"x": 1})
    assert _mode(tmp_path / "mine") == 0o755 and _mode(path) == 0o600
    assert json.loads(path.read_text()) == {"x": 1}


def test_a_replaced_output_becomes_private(tmp_path):
    old = tmp_path / "a.json"
    old.write_text("{}")
    os.chmod(old, 0o644)
    atomic.write_json(old, {"y": 2})
    assert _mode(old) == 0o600 and json.loads(old.read_text()) == {"y": 2}
    assert bi.listing(tmp_path) == ["a.json"]


def _py():
    import sys
    return [sys.executable, "-m", "posecheck"]


def _env(extra):
    return {**os.environ, "PYTHONPATH": str(bi.REPO), **extra}


def _netless():
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root for a network-less namespace (unshare -n)")
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("unshare -n is not permitted here")
    return ["unshare", "-n"]


def test_no_network_needed_at_run_time(tmp_path, model):
    """analyze, live --source FILE and check work in a namespace with no network at all."""
    wrap = _netless()
    probe = subprocess.run([*wrap, "python3", "-c",
                            "import socket; socket.create_connection(('1.1.1.1', 443), timeout=2)"],
                           capture_output=True, text=True)
    assert probe.returncode != 0          # the namespace really has no network
    clip = bi.clip(tmp_path, n=8)
    runs = {
        "analyze": ["analyze", clip, "-s", "bridge", "-o", tmp_path / "out"],
        "live": ["live", "-s", "bridge", "--source", clip, "--no-window", "--summary", tmp_path / "s.json"],
        "check": ["check", bi.REPO / "samples", "--only", "bridge"],
    }
    # then the history the two sessions wrote, read back and made into a report, still offline
    runs["history"] = ["history", "--json"]
    runs["report"] = ["report", "-o", tmp_path / "report.html"]
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}       # a history of this test's own
    results = {}
    for name, args in runs.items():
        results[name] = result = bi.cli(args, cwd=tmp_path, wrap=wrap, env=env)
        assert result.returncode == 0, (name, result.stderr[-2000:])
        assert "Traceback" not in result.stderr, name
    assert json.loads((tmp_path / "out" / "clip.summary.json").read_text())["frames"] == 8
    assert json.loads((tmp_path / "s.json").read_text())["frames"] == 8
    sessions = json.loads(results["history"].stdout)
    assert len(sessions) == 2, sessions                    # analyze's and live's
    html = (tmp_path / "report.html").read_text()
    assert "<html" in html.lower() and "http://" not in html and "https://" not in html


def test_model_download_refuses_plain_http(tmp_path):
    """Checked before any connection is made (this test needs no network)."""
    from posecheck.errors import InputError
    from posecheck.pose.modelstore import _download

    with pytest.raises(InputError, match="refusing to download over plain HTTP"):
        _download("http://example.invalid/pose.task", tmp_path / "m.task")
    assert bi.listing(tmp_path) == []
