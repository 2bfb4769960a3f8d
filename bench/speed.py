"""(8) Faster than the model: stride, chunks and batches, side by side in one run.

On a 30 fps 640x480 clip with long holds (a sample timeline rendered at 30 fps, looped to
the length asked for; run-time files in TMP only): the bare PoseLandmarker over
pre-decoded frames, then `analyze` in a fresh process each (model load included) with
--stride 1 / auto, with and without the annotated video, and --jobs 2. Then a batch of
sample clips on local processes (1 and 2 workers) and on a local Ray cluster (2 workers),
with each worker's peak RSS; and analyze's throughput against the video's length.

    python bench/speed.py [--quick] [--minutes 1]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

try:
    from bench import common, limit
except ImportError:  # run as a script from bench/
    import common
    import limit

TIMELINE = "knee-to-chest-left"     # 2 s rest, 10 s hold, 2 s rest: long still stretches
BATCH = ["knee-to-chest-left", "knee-to-chest-right", "supine-hamstring-left", "bridge"]
CHILD = ("import json, sys, time; from posecheck.run.analyze import analyze; a = json.loads(sys.argv[1]); "
         "t = time.perf_counter(); s = analyze(a.pop('video'), a.pop('stretch'), **a); "
         "print(json.dumps({'wall_s': time.perf_counter() - t, 'frames': s['frames'], "
         "'model_frames': (s.get('stride') or {}).get('model_frames', s['frames'])}))")


def clip_30fps(minutes: float) -> Path:
    """The timeline rendered at 30 fps 640x480, looped to `minutes` (cached in TMP)."""
    from bench.stride_bar import rerender_30fps

    folder = rerender_30fps(common.SAMPLES, common.TMP / "fps30", [TIMELINE])
    return common.looped_video(folder / f"{TIMELINE}.mp4", minutes)


def analyze_child(video: Path, **options) -> dict:
    """analyze() in a fresh interpreter: wall time of the call (model load included), CPU of the
    process tree (children's user+sys, workers of --jobs included)."""
    out = common.TMP / "speed" / "out"
    shutil.rmtree(out, ignore_errors=True)
    args = {"video": str(video), "stretch": "knee-to-chest", "out_dir": str(out), **options}
    c0 = common.children_cpu_s()
    r = common.run_json([sys.executable, "-c", CHILD, json.dumps(args)])
    r["cpu_s"] = common.children_cpu_s() - c0
    r["fps"] = r["frames"] / r["wall_s"]
    return r


def bare_model(video: Path, frames: int) -> dict:
    images = limit.mp_images(common.decode(video, frames))
    r = limit.bare(limit.model_path("full"), images, common.video_fps(video))
    r["fps_with_load"] = r["frames"] / (r["frames"] / r["fps"] + r["load_s"])
    return r


CASES = [  # label, analyze options
    ("analyze --stride 1 (video + plot)", {"stride": 1}),
    ("analyze --stride 1 --no-video", {"stride": 1, "annotate": False}),
    ("analyze --stride auto (video + plot)", {"stride": None}),
    ("analyze --stride auto --no-video", {"stride": None, "annotate": False}),
    ("analyze --jobs 2 --no-video", {"stride": 1, "annotate": False, "jobs": 2}),
    ("analyze --jobs 2 (video + plot)", {"stride": 1, "jobs": 2}),
    ("analyze --jobs 2 --stride auto --no-video", {"stride": None, "annotate": False, "jobs": 2}),
]


def section_single(minutes: float, reps: int) -> tuple[str, dict]:
    video = clip_30fps(minutes)
    fps = common.video_fps(video)
    runs = {label: [] for label, _ in CASES}
    bare = []
    for rep in range(reps):                       # interleaved: bare, case 1, case 2, ..., bare, ...
        common.echo(f"  speed rep {rep + 1}/{reps}: bare model")
        bare.append(bare_model(video, 300))
        for label, opts in CASES:
            common.echo(f"  speed rep {rep + 1}/{reps}: {label}")
            runs[label].append(analyze_child(video, plot=True, **{"annotate": True, **opts}))
    b = {k: common.median(r[k] for r in bare) for k in ("fps", "fps_with_load", "cpu_ms", "load_s")}
    base = common.median(r["fps"] for r in runs[CASES[0][0]])
    rows = [["(1) bare PoseLandmarker, full, 300 pre-decoded frames", f"{b['fps']:.1f}",
             f"{b['fps'] / fps:.2f}", "-", "-", f"with model load: {b['fps_with_load']:.1f} fps"]]
    med = {}
    for label, _ in CASES:
        r = runs[label]
        med[label] = f = common.median(x["fps"] for x in r)
        share = common.median(x["model_frames"] / x["frames"] for x in r)
        cores = common.median(x["cpu_s"] / x["wall_s"] for x in r)
        rows.append([label, f"{f:.1f}", f"{f / fps:.2f}", f"{f / b['fps_with_load']:.2f} of (1)",
                     f"{f / base:.2f}x", f"model on {share:.2f} of frames; {cores:.2f} cores busy"])
    head = ["case", "fps", "video s per wall s", "vs bare model", "vs stride 1", "notes"]
    title = f"### (8) One video: {video.name}, {fps:g} fps 640x480, {minutes:g} min, full model\n\n"
    return title + common.table(head, rows), {"bare": b, "cases": med, "fps": fps}


class RssSampler:
    """Peak RSS of every process below this one, sampled every 0.2 s (psutil)."""

    def __init__(self):
        import psutil

        self.psutil, self.peak, self._stop = psutil, {}, threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for p in self.psutil.Process().children(recursive=True):
                try:
                    name = " ".join(p.cmdline())
                    self.peak[p.pid] = max(self.peak.get(p.pid, (0, ""))[0], p.memory_info().rss), name
                except self.psutil.Error:
                    continue
            time.sleep(0.2)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()

    def worker_peak_mib(self, marker: str) -> float:
        vals = [rss for rss, name in self.peak.values() if marker in name]
        return max(vals) / 2**20 if vals else float("nan")


def batch_once(engine: str, workers: int) -> dict:
    from posecheck.run.batch import read_inputs, run_batch
    from posecheck.run.batchjob import BatchSettings

    folder = common.TMP / "speed" / "batch-in"
    folder.mkdir(parents=True, exist_ok=True)
    for name in BATCH:
        shutil.copy(common.snapshot(name), folder)
    out = common.TMP / "speed" / f"batch-{engine}-{workers}"
    shutil.rmtree(out, ignore_errors=True)
    with RssSampler() as rss:
        if engine == "ray":
            from posecheck.run.batch_ray import RayEngine

            eng = RayEngine(workers=workers)
            marker = "ray::"
        else:
            from posecheck.run.batch_local import LocalEngine

            eng = LocalEngine(workers)
            marker = "multiprocessing"
        t0 = time.perf_counter()
        with eng:
            rows = run_batch(read_inputs(folder), BatchSettings(), out, eng)
        wall = time.perf_counter() - t0
    frames = sum(r.summary["frames"] for r in rows if r.summary)
    return {"wall_s": wall, "videos": len(rows), "frames": frames, "rss": rss.worker_peak_mib(marker),
            "ok": all(r.status == "done" for r in rows)}


def section_batch() -> str:
    runs = [("local", 1), ("local", 2), ("ray", 2)]
    res = {r: batch_once(*r) for r in runs}
    base = res[("local", 1)]["wall_s"]
    rows = [[f"{e}, {w} worker{'s' if w > 1 else ''}", f"{r['wall_s']:.1f}", f"{r['frames'] / r['wall_s']:.1f}",
             f"{base / r['wall_s']:.2f}x", f"{r['rss']:.0f}", "yes" if r["ok"] else "**no**"]
            for (e, w), r in res.items()]
    head = ["engine", "wall s (incl. start-up)", "frames/s", "vs local 1", "peak RSS per worker MiB", "all done"]
    return (f"### (9) Batch of {len(BATCH)} sample clips (480x360, 10 fps), video + plot, full model\n\n"
            + common.table(head, rows))


def section_length(minutes: list[float]) -> str:
    rows = []
    for m in minutes:
        video = clip_30fps(m)
        r = analyze_child(video, stride=1, annotate=False, plot=True)
        a = analyze_child(video, stride=None, annotate=False, plot=True)
        rows.append([f"{m:g} min", r["frames"], f"{r['fps']:.1f}", f"{a['fps']:.1f}", f"{a['fps'] / r['fps']:.2f}x"])
    head = ["video length", "frames", "stride 1 fps", "stride auto fps", "auto / 1"]
    return "### (10) Throughput against video length (--no-video, 30 fps 640x480)\n\n" + common.table(head, rows)


def _targets(single: dict) -> list[list[str]]:
    """The issue's bars from section (8)'s medians."""
    c, b, fps = single["cases"], single["bare"], single["fps"]
    one, auto = c["analyze --stride 1 --no-video"], c["analyze --stride auto --no-video"]
    jobs, both = c["analyze --jobs 2 --no-video"], c["analyze --jobs 2 --stride auto --no-video"]
    rows = [("(8) analyze --no-video vs bare model (load included), 640x480", one / b["fps_with_load"], 0.95, ""),
            ("(8) analyze (video + plot) vs bare model (load included)", c[CASES[0][0]] / b["fps_with_load"], 0.95, ""),
            ("(8) --stride auto vs --stride 1 (30 fps, long holds)", auto / one, 2.0, "x"),
            ("(8) --jobs 2 vs one process (one video, 2 cores)", jobs / one, 1.8, "x"),
            ("(8) video seconds per wall second, --jobs 2 --stride auto", both / fps, 5.0, "x real time")]
    return [[label, f"{v:.2f}{unit}", f">= {bar:g}{unit}", common.verdict(v >= bar)] for label, v, bar, unit in rows]


def report(quick: bool, minutes: float = 1.0, only=("single", "batch", "length")) -> tuple[str, list[list[str]]]:
    """Sections (8)-(10) as markdown, and their target rows."""
    parts, targets = [], []
    if "single" in only:
        md, single = section_single(minutes, 1 if quick else 2)
        parts.append(md)
        targets = _targets(single)
    if "batch" in only:
        parts.append(section_batch())
    if "length" in only:
        parts.append(section_length([0.25, minutes] if quick else [0.25, 1.0, 3.0]))
    return "\n\n".join(parts), targets


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--minutes", type=float, default=1.0)
    ap.add_argument("--only", default="single,batch,length")
    args = ap.parse_args(argv)
    common.quiet_mediapipe()
    print(f"load average at start: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}; cores this run "
          f"got (1 / 2 busy processes): {' / '.join(f'{x:.2f}' for x in common.cores_available())}")
    md, targets = report(args.quick, args.minutes, args.only.split(","))
    if targets:
        print(common.table(["measure", "measured", "target", "verdict"], targets) + "\n")
    print(md)
    print(f"load average at end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
