"""`posecheck batch`: inputs, resume and atomic outputs (pure), then a real batch of sample clips
on local processes and on a real local Ray cluster started here (bound to 127.0.0.1), whose
outputs must be identical."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from posecheck.errors import UsageError
from posecheck.run.batch import Item, plan, read_inputs, run_batch, write_outputs
from posecheck.run.batchjob import BatchSettings, Job, JobResult, file_sha256

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
CLIPS = ("idle-standing", "knee-to-chest-left")   # short clips: one with a hold, one without


def test_folder_and_manifest_inputs(tmp_path):
    (tmp_path / "b.mp4").write_bytes(b"x")
    (tmp_path / "a.webm").write_bytes(b"y")
    (tmp_path / "notes.txt").write_text("not a video")
    assert [(i.video.name, i.name) for i in read_inputs(tmp_path)] == [("a.webm", "a"), ("b.mp4", "b")]
    sub = tmp_path / "other"
    sub.mkdir()
    (sub / "b.mp4").write_bytes(b"z")
    manifest = tmp_path / "list.csv"
    manifest.write_text("video,stretch\nb.mp4,bridge\nother/b.mp4,\n")
    items = read_inputs(manifest)
    assert [(i.video, i.name, i.stretch) for i in items] == [
        (tmp_path / "b.mp4", "b", "bridge"), (tmp_path / "other" / "b.mp4", "b-2", None)]
    for bad in (tmp_path / "notes.txt", tmp_path / "missing"):
        with pytest.raises(UsageError):
            read_inputs(bad)
    (tmp_path / "bad.csv").write_text("file\nb.mp4\n")
    with pytest.raises(UsageError, match="'video' column"):
        read_inputs(tmp_path / "bad.csv")


def test_resume_skips_only_unchanged_inputs_and_settings(tmp_path):
    video = tmp_path / "v.mp4"
    video.write_bytes(b"frames")
    out, settings = tmp_path / "out", BatchSettings(stretch="bridge")
    job = Job("v", str(video), file_sha256(video), settings)
    write_outputs(out, job, JobResult("v", summary={"frames": 3}, files={"v.summary.json": b"{}"}))
    assert sorted(p.name for p in (out / "v").iterdir()) == ["job.json", "v.summary.json"]
    items = [Item(video, "v")]
    todo, rows = plan(items, settings, out)
    assert todo == [] and rows[0].status == "skipped" and rows[0].summary == {"frames": 3, "video": str(video)}
    assert len(plan(items, BatchSettings(stretch="bridge", stride=None), out)[0]) == 1   # settings changed
    assert len(plan(items, settings, out, force=True)[0]) == 1
    video.write_bytes(b"other frames")                                                 # input changed
    assert len(plan(items, settings, out)[0]) == 1


def test_outputs_are_replaced_as_a_whole(tmp_path):
    job = Job("v", "v.mp4", "d", BatchSettings())
    write_outputs(tmp_path, job, JobResult("v", files={"old.csv": b"1"}))
    write_outputs(tmp_path, job, JobResult("v", files={"new.csv": b"2"}))
    assert sorted(p.name for p in (tmp_path / "v").iterdir()) == ["job.json", "new.csv"]
    assert [p.name for p in tmp_path.iterdir()] == ["v"]          # no scratch folders left


@pytest.mark.parametrize("share, dmode, fmode", [(False, 0o700, 0o600), (True, 0o750, 0o640)])
def test_outputs_are_private_whatever_the_umask(tmp_path, share, dmode, fmode):
    """Private by default; --share-outputs opens them to the group (as analyze's)."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        job = Job("v", "v.mp4", "d", BatchSettings())
        write_outputs(tmp_path / "out", job, JobResult("v", summary={"frames": 1}, files={"v.frames.csv": b"1"}),
                      share)
    finally:
        os.umask(old)
    folder = tmp_path / "out" / "v"
    assert stat.S_IMODE(folder.stat().st_mode) == dmode
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == dmode
    for f in ("job.json", "v.frames.csv", "v.summary.json"):
        assert stat.S_IMODE((folder / f).stat().st_mode) == fmode, f


class _FlakyEngine:
    """Pure-logic stand-in: the first attempt of every job 'crashes'."""

    def __init__(self):
        self.attempts = []

    def run(self, jobs):
        for job in jobs:
            self.attempts.append((job.name, job.attempt))
            ok = job.attempt > 0
            yield job, JobResult(job.name, summary={"ok": 1} if ok else None, files={}, crashed=not ok)


def test_a_crashed_worker_is_retried(tmp_path):
    video = tmp_path / "v.mp4"
    video.write_bytes(b"frames")
    eng = _FlakyEngine()
    rows = run_batch([Item(video, "v")], BatchSettings(), tmp_path / "out", eng, retries=2)
    assert eng.attempts == [("v", 0), ("v", 1)]
    assert rows[0].status == "done" and rows[0].attempts == 2
    rows = run_batch([Item(video, "w")], BatchSettings(), tmp_path / "out", eng, retries=0)
    assert rows[0].status == "failed"


# -- real runs ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("clips")
    for name in CLIPS:
        shutil.copy(SAMPLES / f"{name}.mp4", folder)
    return folder


@pytest.fixture(scope="module")
def local_run(clips, tmp_path_factory, model):
    from posecheck.run.batch_local import LocalEngine

    out = tmp_path_factory.mktemp("local")
    rows = run_batch(read_inputs(clips), BatchSettings(), out, LocalEngine(2))
    return rows, out


@pytest.mark.real
def test_local_batch_matches_analyze_and_resumes(local_run, clips, tmp_path):
    from posecheck.run.analyze import analyze
    from posecheck.run.batch_local import LocalEngine

    rows, out = local_run
    assert [r.status for r in rows] == ["done", "done"]
    one = dict(analyze(clips / "knee-to-chest-left.mp4", out_dir=tmp_path / "a"))
    got = json.loads((out / "knee-to-chest-left" / "knee-to-chest-left.summary.json").read_text())
    assert got == json.loads(json.dumps(one))
    assert (out / "knee-to-chest-left" / "knee-to-chest-left.frames.csv").read_bytes() == \
        (tmp_path / "a" / "knee-to-chest-left.frames.csv").read_bytes()
    again = run_batch(read_inputs(clips), BatchSettings(), out, LocalEngine(2))
    assert [r.status for r in again] == ["skipped", "skipped"]


def _needs_ray() -> None:
    """Skip without the cluster extra; never import ray here (posecheck must set it up first)."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        pytest.skip("ray not installed (the cluster extra)")


def _listening(procs) -> set[str]:
    import psutil

    found = set()
    for p in procs:
        try:
            found |= {c.laddr.ip for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
        except psutil.Error:
            continue
    return found


@pytest.mark.real
def test_ray_batch_on_a_local_cluster_bound_to_loopback(local_run, clips, tmp_path):
    import psutil

    _needs_ray()
    from posecheck.run.batch_ray import SECURITY_NOTE, RayEngine

    rows_local, out_local = local_run
    out = tmp_path / "ray"
    with RayEngine(workers=2) as eng:
        procs = psutil.Process().children(recursive=True)
        names = {p.name() for p in procs}
        assert {"gcs_server", "raylet"} <= names, names
        assert not any("dashboard" in n for n in names)
        addresses = _listening(procs)
        assert addresses and all(a in ("127.0.0.1", "::ffff:127.0.0.1", "::1") for a in addresses), addresses
        rows = run_batch(read_inputs(clips), BatchSettings(), out, eng)
        # the same cluster as a "remote" one (--address): the video's bytes travel to the worker
        for actor in eng.actors:
            eng.ray.kill(actor)
        manifest = tmp_path / "one.csv"
        manifest.write_text(f"video\n{clips / 'idle-standing.mp4'}\n")
        remote = subprocess.run([sys.executable, "-m", "posecheck", "batch", str(manifest), "--out",
                                 str(tmp_path / "remote"), "--engine", "ray", "--jobs", "1",
                                 "--address", eng.ray.get_runtime_context().gcs_address],
                                capture_output=True, text=True, timeout=600)
    assert remote.returncode == 0, remote.stderr[-2000:]
    assert [ln for ln in remote.stderr.splitlines() if ln.strip()] == [SECURITY_NOTE]   # once, nothing else
    for f in ("idle-standing.summary.json", "idle-standing.frames.csv", "job.json"):
        assert (tmp_path / "remote" / "idle-standing" / f).read_bytes() == \
            (out_local / "idle-standing" / f).read_bytes(), f
    assert [r.status for r in rows] == ["done", "done"]
    assert [r.summary for r in rows] == [r.summary for r in rows_local]
    for name in CLIPS:
        for kind in ("summary.json", "frames.csv", "annotated.mp4", "job.json"):
            f = f"{name}.{kind}" if kind != "job.json" else kind
            assert (out / name / f).read_bytes() == (out_local / name / f).read_bytes(), f


@pytest.mark.real
def test_batch_cli_on_ray_keeps_the_terminal_clean(clips, tmp_path):
    _needs_ray()
    manifest = tmp_path / "one.csv"
    manifest.write_text(f"video,stretch\n{clips / 'idle-standing.mp4'},\n")
    proc = subprocess.run([sys.executable, "-m", "posecheck", "batch", str(manifest), "--out", str(tmp_path / "o"),
                           "--engine", "ray", "--jobs", "1", "--no-video", "--no-plot"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "1 analysed, 0 up to date, 0 failed" in proc.stdout
    noise = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert noise == [], noise[:5]
