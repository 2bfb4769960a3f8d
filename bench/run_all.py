"""Run every benchmark side by side, print the tables and append them to BENCHMARKS.md.

    python bench/run_all.py            # full: ~25-40 min on 2 cores
    python bench/run_all.py --quick    # a short version (~6-10 min), same tables
    python bench/run_all.py --no-append --only limit,pipeline

Single-clip cases (1)-(3) are interleaved (lite, full, heavy, analyze, naive, lite, ...) so
that a change in the machine's load hits all of them alike; medians are reported.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import batch, common, limit, live_latency, memory, own_cost, pipeline, speed  # noqa: E402

SECTIONS = ("limit", "large", "own", "live", "memory", "batch", "speed", "ab")


class Plan:
    def __init__(self, quick: bool):
        self.quick = quick
        self.reps = 2 if quick else 3
        self.large_frames = 120 if quick else 300
        self.own_reps = 2 if quick else 3
        self.live_seconds = 8.0 if quick else 20.0
        self.minutes = (0.5, 2.0) if quick else (1.0, 10.0)
        self.batch = common.BATCH[:4] if quick else common.BATCH
        self.batch_reps = 1 if quick else 2



def _ratio_targets(ratios: dict, size: str) -> list[list[str]]:
    """Target rows for (2)/(1) and (2)/(3) at one frame size."""
    return [[f"(2)/(1) analyze vs bare model, {size}", f"{ratios['ratio_2_1']:.2f}", ">= 0.9",
             common.verdict(ratios["ratio_2_1"] >= 0.9)],
            [f"(2)/(3) analyze vs naive loop, {size}", f"{ratios['ratio_2_3']:.2f}", "(report)", ""]]

def interleaved(clip: common.Clip, plan: Plan, models: tuple[str, ...], frames: int | None) -> dict:
    """(1) per model, (2) analyze and (3) naive with the full model, interleaved repetitions."""
    images = limit.mp_images(common.decode(clip.path, frames))
    fps = common.video_fps(clip.path)
    paths = {m: limit.model_path(m) for m in models}
    runs: dict[str, list] = {k: [] for k in (*models, "analyze", "naive")}
    pipeline.analyze_once(clip, "full", common.TMP / "warm")    # imports and caches, untimed
    for rep in range(plan.reps):
        common.echo(f"  rep {rep + 1}/{plan.reps}: {clip.label}")
        for m, p in paths.items():
            if p is not None:
                runs[m].append(limit.bare(p, images, fps))
        runs["analyze"].append(pipeline.analyze_once(clip, "full", common.TMP / "analyze"))
        runs["naive"].append(pipeline.naive_once(clip, "full", common.TMP / "naive" / "out.mp4"))
    med = {k: {f: common.median(r[f] for r in v) for f in v[0]} if v else None for k, v in runs.items()}
    return {"med": med, "paths": paths}


def section_limit(clip: common.Clip, res: dict, title: str) -> tuple[str, dict]:
    med = res["med"]
    rows = []
    for m in res["paths"]:
        if med[m] is None:
            rows.append([f"(1) bare PoseLandmarker, {m}", "not available here", None, None, None, None])
            continue
        r = med[m]
        rows.append([f"(1) bare PoseLandmarker, {m}", r["ms"], r["fps"], r["cpu_ms"], None,
                     f"model load {r['load_s']:.2f} s"])
    full, a, n = med.get("full"), med["analyze"], med["naive"]
    ratio_a = a["fps"] / full["fps"] if full else float("nan")
    rows.append(["(2) analyze end to end (full)", 1000 / a["fps"], a["fps"], a["cpu_ms"],
                 f"{ratio_a:.2f} of (1) full",
                 f"setup {a['setup_s']:.2f} s, frame loop {a['loop_fps']:.1f} fps "
                 f"({a['loop_fps'] / full['fps']:.2f} of (1)), finish+plot {a['finish_s']:.2f} s"])
    rows.append(["(2) analyze, CPU by thread in the frame loop", None, None,
                 a["cpu_main"] + a["cpu_mediapipe"] + a["cpu_reader"] + a["cpu_writer"], None,
                 f"critical path: main {a['cpu_main']:.1f} + MediaPipe {a['cpu_mediapipe']:.1f} ms; "
                 f"beside it: writer (overlay+encode) {a['cpu_writer']:.1f}, reader (decode) {a['cpu_reader']:.1f} ms"])
    rows.append(["(3) naive loop (full)", 1000 / n["fps"], n["fps"], n["cpu_ms"],
                 f"(2)/(3) = {a['fps'] / n['fps']:.2f}", f"{n['fps'] / full['fps']:.2f} of (1) full"])
    md = f"### {title}: {clip.label}\n\n" + common.table(
        ["case", "ms/frame", "fps", "CPU ms/frame", "ratio", "notes"], rows)
    return md, {"ratio_2_1": ratio_a, "ratio_2_3": a["fps"] / n["fps"],
                "model_ms": full["ms"] if full else float("nan")}


def section_own(clip: common.Clip, plan: Plan) -> tuple[str, float]:
    rec = own_cost.record(clip)
    res = own_cost.measure(rec, clip.stretch, plan.own_reps)
    codec = own_cost.codec_costs(clip)
    rows = [[k, *v, "yes" if k in own_cost.OWN else ""] for k, v in res.items() if k != "own total"]
    total = res["own total"]
    rows.append(["**own total** (geometry + smoothing + coach + overlay 640x480)", *total, "target <= 2 ms"])
    rows += [[k, *v, "context (not ours)"] for k, v in codec.items()]
    md = (f"### (4) Our own per-frame cost, in isolation ({clip.label}, recorded poses; overlay also at 640x480)\n\n"
          + common.table(["stage", "wall ms/frame", "CPU ms/frame", "in own total"], rows))
    return md, total[1]


def section_live(clips: list[common.Clip], plan: Plan) -> tuple[str, list]:
    """CLI sessions (summary's live block), then an in-process probe of the same source that
    also times engine.detect: the target compares latency with the model time of that session."""
    rows, checks = [], []
    for clip in clips:
        r = live_latency.live_once(clip, "full", plan.live_seconds)
        p = live_latency.probe_once(clip, "full", plan.live_seconds)
        err = "; ".join(x["error"] for x in (r, p) if "error" in x)
        if "error" not in p:
            checks.append((clip.label, p["lat_median"], p["detect_ms"]))
        rows.append([clip.label, r.get("source_fps"), r.get("fps"),
                     f"{r['dropped']}/{r['frames_read']}" if "dropped" in r else None, r.get("lat_median"),
                     r.get("lat_p95"), p.get("lat_median"), p.get("detect_ms"), p.get("rest_ms"), p.get("wait_ms"), err])
    md = (f"### (5) Live, real-time file source, full model, {plan.live_seconds:g} s max per source\n\n"
          + common.table(["source", "source fps", "achieved fps", "dropped/read", "latency median ms",
                          "latency p95 ms", "probe: latency median", "probe: detect (model) ms",
                          "probe: rest of frame ms", "probe: wait for pickup ms", "error"], rows)
          + "\n\nFirst six columns: `posecheck live --no-window --summary` (the summary's `live` block). "
            "Probe: a second session of the same source in-process with `engine.detect` timed, so latency "
            "is set against the model time of the same session (target: latency <= model + 10 ms).")
    return md, checks


def section_memory(clip: common.Clip, plan: Plan) -> tuple[str, float]:
    rows, peaks = [], []
    for m in plan.minutes:
        common.echo(f"  memory: {m:g} min")
        r = memory.peak_rss(clip, m, "full")
        peaks.append(r["peak_mib"])
        rows.append([f"{m:g} min ({clip.path.stem} looped)", r["frames"], r["peak_mib"], r["before_mib"],
                     r["ru_maxrss_mib"], r["frames"] / r["wall_s"]])
    growth = peaks[-1] / peaks[0] - 1.0
    md = ("### (6) Peak RSS of `analyze` (fresh process each, annotate + plot on)\n\n"
          + common.table(["video", "frames", "peak RSS MiB (VmHWM)", "before analyze MiB",
                          "ru_maxrss MiB (inherits parent's)", "fps"], rows)
          + f"\n\nLongest vs shortest: {growth * 100:+.1f}% (target within 10%).")
    return md, growth


def section_batch(plan: Plan) -> tuple[str, float]:
    videos = [common.snapshot(n) for n in plan.batch]
    runs: dict[str, list] = {"1": [], "2": [], "pinned": []}
    for rep in range(plan.batch_reps):
        common.echo(f"  batch rep {rep + 1}/{plan.batch_reps}")
        runs["1"].append(batch.batch_once(videos, 1, "full"))
        runs["2"].append(batch.batch_once(videos, 2, "full"))
        runs["pinned"].append(batch.pinned_once(videos, "full"))
    rows = []
    w1 = common.median(r["wall_s"] for r in runs["1"])
    for key, label in (("1", "--jobs 1"), ("2", "--jobs 2"), ("pinned", "2 x --jobs 1, one core each (diagnostic)")):
        ok = [r for r in runs[key] if "error" not in r]
        if not ok:
            rows.append([label, None, None, None, runs[key][0]["error"]])
            continue
        w = common.median(r["wall_s"] for r in ok)
        rows.append([label, w, 60 * len(videos) / w, common.median(r["cores_used"] for r in ok), f"{w1 / w:.2f}x"])
    w2 = common.median(r["wall_s"] for r in runs["2"])
    md = (f"### (7) Batch of {len(videos)} sample clips ({', '.join(plan.batch)}), `--stretch auto`, full model\n\n"
          + common.table(["run", "wall s", "videos/min", "cores used (CPU s / wall s)", "throughput vs jobs 1"], rows))
    return md, w1 / w2


def section_ab(variant: Path, plan: Plan) -> str:
    """The proposed fix against this tree, interleaved in fresh processes (bench/ab_analyze.py)."""
    proc = subprocess.run([sys.executable, str(Path(__file__).with_name("ab_analyze.py")), str(variant),
                           "--reps", str(plan.reps), "--runs", "1"], capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(common.last_error(proc.stderr))
    return (f"### Proposed fix, A/B ({variant.name}: a patched copy of this tree), sample clip, full model\n\n"
            + proc.stdout.strip())


class Report:
    """Collects sections; a section that fails is reported, not fatal. Each finished section is
    also written to TMP/partial.md at once, so a long run that dies keeps what it measured."""

    def __init__(self, header: list[str]):
        self.parts = list(header)
        self.partial = common.TMP / "partial.md"
        self.partial.parent.mkdir(parents=True, exist_ok=True)
        self.partial.write_text("\n\n".join(self.parts))

    def run(self, name: str, fn):
        common.echo(name)
        try:
            out = fn()
        except Exception as err:  # noqa: BLE001 - a benchmark section failing is a result
            self.add(f"### {name}\n\nfailed: {type(err).__name__}: {err}")
            return None
        return out

    def add(self, md: str) -> None:
        self.parts.append(md)
        self.partial.write_text("\n\n".join(self.parts))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="short version")
    ap.add_argument("--no-append", action="store_true", help="print only; leave BENCHMARKS.md alone")
    ap.add_argument("--only", default=",".join(SECTIONS[:-1]), help=f"comma list of {', '.join(SECTIONS)}")
    ap.add_argument("--variant", type=Path, help="a tree with a proposed fix applied: adds the A/B section")
    args = ap.parse_args()
    only = set(args.only.split(","))
    if args.variant:
        only.add("ab")
    plan = Plan(args.quick)
    common.quiet_mediapipe()
    clip = common.sample_clip()
    mach = common.machine()
    rep = Report([f"## Run {mach['date']}{' (--quick)' if args.quick else ''}",
                  "\n".join(f"- {k}: {v}" for k, v in mach.items())])
    targets: list[list] = []

    if "limit" in only:
        r = rep.run("(1)-(3) on the sample clip", lambda: section_limit(
            clip, interleaved(clip, plan, common.MODELS, 60 if plan.quick else None),
            "(1) limit, (2) analyze, (3) naive"))
        if r:
            rep.add(r[0])
            targets += _ratio_targets(r[1], "480x360")
    if "large" in only:
        large = common.large_clip(plan.large_frames)
        if large is None:
            rep.add("### Larger frames\n\n../shared/data/real absent: skipped.")
        else:
            r = rep.run("(1)-(3) on the large clip", lambda: section_limit(
                large, interleaved(large, plan, ("full",), None), "Larger frames"))
            if r:
                rep.add(r[0])
                targets += _ratio_targets(r[1], "854x480")
    if "own" in only:
        r = rep.run("(4) own per-frame cost", lambda: section_own(clip, plan))
        if r:
            rep.add(r[0])
            targets.append(["(4) own per-frame cost (CPU), overlay at 640x480", f"{r[1]:.2f} ms", "<= 2 ms",
                            common.verdict(r[1] <= 2.0)])
    if "live" in only:
        clips = [clip] + ([common.large_clip(900)] if common.LARGE_CLIP.is_file() else [])
        r = rep.run("(5) live", lambda: section_live(clips, plan))
        if r:
            rep.add(r[0])
            for label, lat, det in r[1]:
                targets.append([f"(5) live latency median, {label}", f"{lat:.0f} ms",
                                f"<= model {det:.0f} + 10 ms", common.verdict(lat <= det + 10)])
    if "memory" in only:
        r = rep.run("(6) memory", lambda: section_memory(clip, plan))
        if r:
            rep.add(r[0])
            targets.append([f"(6) peak RSS {plan.minutes[-1]:g} min vs {plan.minutes[0]:g} min",
                            f"{r[1] * 100:+.1f}%", "within 10%", common.verdict(abs(r[1]) <= 0.10)])
    if "batch" in only:
        r = rep.run("(7) batch", lambda: section_batch(plan))
        if r:
            rep.add(r[0])
            targets.append(["(7) batch throughput, 2 workers vs 1", f"{r[1]:.2f}x", ">= 1.6x",
                            common.verdict(r[1] >= 1.6)])
    if "speed" in only:
        r = rep.run("(8)-(10) stride, chunks, batch engines", lambda: speed.report(plan.quick))
        if r:
            rep.add(r[0])
            targets += r[1]
    if "ab" in only and args.variant:
        md = rep.run("A/B of the proposed fix", lambda: section_ab(args.variant, plan))
        if md:
            rep.add(md)
    if targets:
        rep.parts.insert(2, "### Targets\n\n" + common.table(["measure", "measured", "target", "verdict"], targets))
    end_load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    rep.add(f"Load average at the end: {end_load}.")
    report = "\n\n".join(rep.parts)
    print(report)
    if not args.no_append:
        common.append_report(report)
        common.echo(f"appended to {common.BENCHMARKS_MD}")


if __name__ == "__main__":
    main()
