"""The adaptive stride's bar, clip by clip: `analyze --stride auto` against `--stride 1` in
the same run (no video, no plot, the clip's expected stretch).

Per clip: holds' start/end differences (bar +-0.2 s), reps equal, MAE of the judged
metrics (bar <= 1 deg, frames where both know the value), the share of frames the model
ran on, and the wall-time ratio. The samples are 10 fps, where auto's stride is 1 (k <=
0.1 s * fps); `--fps30 DIR` re-renders the timelines at 30 fps 640x480 into DIR (run time
only) so the stride is exercised.

    python bench/stride_bar.py [--samples samples] [--fps30 DIR] [--only a,b]
"""

from __future__ import annotations

import argparse
import csv
import math
import subprocess
import sys
from pathlib import Path

try:
    from bench import common
except ImportError:  # run as a script from bench/
    import common

HOLD_TOL_S = 0.2
MAE_BAR = 1.0


def rerender_30fps(samples: Path, out: Path, names: list[str]) -> Path:
    """The named timelines at 30 fps and 640x480 in `out` (rendered once)."""
    out.mkdir(parents=True, exist_ok=True)
    todo = []
    for name in names:
        if (out / f"{name}.mp4").is_file():
            continue
        text = (samples / f"{name}.toml").read_text().splitlines()
        text = ["fps = 30" if ln.startswith("fps =") else "size = [640, 480]" if ln.startswith("size =")
                else ln for ln in text]
        (out / f"{name}.toml").write_text("\n".join(text) + "\n")
        todo.append(name)
    if todo:
        common.echo(f"  rendering {len(todo)} timelines at 30 fps")
        subprocess.run([*common.POSECHECK, "samples", "render", "--dir", str(out), "--out", str(out), *todo],
                       check=True, cwd=common.REPO, capture_output=True)
    return out


def judged_columns(stretch_id: str | None) -> list[str]:
    from posecheck.coach.catalog import load_catalog, resolve

    if not stretch_id:
        return []
    stretch = load_catalog()[stretch_id]
    names = []
    for judge in stretch.judges:
        for template in judge.metrics:
            names += [resolve(template, s) for s in ("left", "right") if resolve(template, s) not in names]
    return names


def _num(text: str) -> float:
    return float(text) if text not in ("", None) else math.nan


def metric_mae(a_csv: Path, b_csv: Path, columns: list[str]) -> float:
    """Largest per-column MAE between two frames.csv files (frames where both know it)."""
    a = list(csv.DictReader(open(a_csv)))
    b = list(csv.DictReader(open(b_csv)))
    worst = 0.0
    for col in columns:
        if col not in a[0]:
            continue
        errs = [abs(_num(x[col]) - _num(y[col])) for x, y in zip(a, b)
                if math.isfinite(_num(x[col])) and math.isfinite(_num(y[col]))]
        if errs:
            worst = max(worst, sum(errs) / len(errs))
    return worst


def truth_mae(truth_path: Path, frames_csv: Path, columns: list[str]) -> float:
    """Mean |error| against the rendered ground truth over the judged standard angles."""
    import json

    if not truth_path.is_file():
        return math.nan
    truth = {round(f["t_s"], 3): f["angles"] for f in json.loads(truth_path.read_text())["frames"]}
    errs = []
    for row in csv.DictReader(open(frames_csv)):
        want = truth.get(round(float(row["t_s"]), 3), {})
        errs += [abs(_num(row[c]) - want[c]) for c in columns
                 if c in want and c in row and math.isfinite(_num(row[c]))]
    return sum(errs) / len(errs) if errs else math.nan


def check_verdict(video: Path, summary: dict, frames_csv: Path) -> str:
    """`posecheck check`'s verdict on this run against the clip's expectation (PASS/FAIL)."""
    import json

    from posecheck.coach.catalog import load_catalog
    from posecheck.run.check import compare, read_frames

    truth = json.loads(video.with_suffix(".truth.json").read_text())
    v = compare(video.stem, truth["expect"], summary, stretch=load_catalog().get(summary.get("stretch")),
                rows=read_frames(frames_csv), truth=truth["frames"])
    return "PASS" if v.ok else "FAIL"


def hold_shift(a: list[dict], b: list[dict]) -> float:
    """Largest |start/end difference| between paired holds (inf when the counts differ)."""
    if len(a) != len(b):
        return math.inf
    return max([abs(x[k] - y[k]) for x, y in zip(a, b) for k in ("start_s", "end_s")], default=0.0)


def compare_clip(video: Path, stretch: str) -> dict:
    from posecheck.run.analyze import analyze

    runs = {}
    for label, stride in (("1", 1), ("auto", None)):
        out = common.TMP / "stride" / label / video.stem
        with common.timed() as t:
            summary = analyze(video, stretch, out_dir=out, annotate=False, plot=False, stride=stride)
        runs[label] = (summary, out / f"{video.stem}.frames.csv", t)
    (s1, csv1, t1), (sa, csva, ta) = runs["1"], runs["auto"]
    model_frames = (sa.get("stride") or {}).get("model_frames", sa["frames"])
    cols = judged_columns(s1["stretch"] or sa["stretch"])
    truth = video.with_suffix(".truth.json")
    return {"clip": video.stem, "fps": s1["fps"], "holds": len(s1["holds"]),
            "hold_shift_s": hold_shift(s1["holds"], sa["holds"]),
            "reps": f"{s1['reps']}/{sa['reps']}", "reps_ok": s1["reps"] == sa["reps"],
            "mae": metric_mae(csv1, csva, cols),
            "truth": (truth_mae(truth, csv1, cols), truth_mae(truth, csva, cols)),
            "check": (check_verdict(video, s1, csv1), check_verdict(video, sa, csva)),
            "model_share": model_frames / max(1, sa["frames"]), "speed": t1.wall_s / ta.wall_s}


def clips(folder: Path, only: list[str]) -> list[tuple[Path, str]]:
    import json

    out = []
    for truth in sorted(folder.glob("*.truth.json")):
        name = truth.name[: -len(".truth.json")]
        if only and name not in only:
            continue
        expect = json.loads(truth.read_text())["expect"]
        stretch = "auto" if expect.get("no_stretch") or not expect.get("stretch") else expect["stretch"]
        out.append((folder / f"{name}.mp4", stretch))
    return out


def section(folder: Path, only: list[str]) -> tuple[str, bool]:
    rows, ok_all = [], True
    for video, stretch in clips(folder, only):
        common.echo(f"  stride: {video.name}")
        r = compare_clip(video, stretch)
        ok = r["hold_shift_s"] <= HOLD_TOL_S and r["reps_ok"] and r["mae"] <= MAE_BAR
        ok_all &= ok
        rows.append([r["clip"], f"{r['fps']:g}", r["holds"], f"{r['hold_shift_s']:.2f}", r["reps"],
                     f"{r['mae']:.2f}", "{:.1f} / {:.1f}".format(*r["truth"]), "{} / {}".format(*r["check"]),
                     f"{r['model_share']:.2f}", f"{r['speed']:.2f}x",
                     "met" if ok else "**missed**"])
    head = ["clip", "fps", "holds", "max hold start/end shift s (<= 0.2)", "reps 1/auto",
            "judged-metric MAE deg (<= 1)", "judged angles vs truth, MAE deg 1 / auto", "check verdict 1 / auto", "model ran on (share of frames)", "wall 1 / auto", "bar"]
    return common.table(head, rows), ok_all


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=Path, default=common.SAMPLES)
    ap.add_argument("--fps30", type=Path, default=None, help="re-render the timelines at 30 fps here")
    ap.add_argument("--only", default="", help="comma-separated clip names")
    args = ap.parse_args(argv)
    common.quiet_mediapipe()
    only = [n for n in args.only.split(",") if n]
    folder = args.samples
    if args.fps30:
        names = only or [p.name[: -len(".truth.json")] for p in sorted(folder.glob("*.truth.json"))]
        folder = rerender_30fps(folder, args.fps30, names)
    text, ok = section(folder, only)
    print(f"load average: {' / '.join(f'{x:.1f}' for x in __import__('os').getloadavg())}")
    print(text)
    print("all clips meet the bar" if ok else "some clips miss the bar")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
