"""(8) What looking for a second person costs: `analyze` with --people 1 (one only, the solo
default), the look (one followed, a two-person probe every PROBE_EVERY frames, two while two
are there: the partner default, on solo stretches only with run/people.py SOLO_LOOK, which
this script turns on for that variant) and --people 2 (two on every frame), interleaved in one process, on single-person
sample clips, a 1-minute loop of one of them, the real 320x240 30 fps push-up video (51 s,
one person) and the first 600 frames of the real 854x480 30 fps lunge video (a second
person walks through it), and on a partner clip (for context). The 5% target is for the
single-person clips. A run includes opening the engine (the
probe's own landmarker: a fixed ~0.1 s that weighs most on the short 10 fps samples).

    python bench/people_cost.py [--reps 3] [--append]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402

VARIANTS = (("--people 1", 1, False), ("look", None, True), ("--people 2", 2, False))
SOLO = ("knee-to-chest-left", "supine-hamstring-left", "standing-hamstring-left")
PARTNER = ("partner-hamstring-left-beside",)
PUSHUPS = common.REAL / "commons_interval_pushups_tacofleur.webm"


def once(video: Path, stretch: str, people, look: bool = False) -> dict:
    import posecheck.run.people as crowd
    from posecheck.run.analyze import analyze

    crowd.SOLO_LOOK = look
    with common.timed() as t:
        s = analyze(video, stretch, out_dir=common.TMP / "people", model="full", annotate=False,
                    plot=False, people=people)
    n = s["frames"]
    return {"fps": n / t.wall_s, "cpu_ms": t.cpu_s * 1000 / n, "holds": len(s["holds"]),
            "helper_s": s["helper"]["present_s"]}


def clips(names) -> list[tuple[str, Path, str]]:
    """(label, video, stretch) of the sample clips and, when present, the real lunge video."""
    import json

    out = []
    for name in names:
        folder = common.SAMPLES / "partner" if name.startswith("partner-") else common.SAMPLES
        stretch = json.loads((folder / f"{name}.truth.json").read_text())["expect"]["stretch"]
        out.append((name, folder / f"{name}.mp4", stretch))
    extra = [(f"{SOLO[0]} looped 1 min", common.looped_video(out[0][1], 1.0), out[0][2])]
    if PUSHUPS.is_file():
        extra.append(("push-ups 51 s (320x240, real)", PUSHUPS, "hip-flexor-lunge"))
    large = common.large_clip(600)
    if large is not None:
        extra.append((large.label, large.path, large.stretch))
    return out[:len(SOLO)] + extra + out[len(SOLO):]


def measure(names, reps: int) -> list[list]:
    rows = []
    for name, clip, stretch in clips(names):
        once(clip, stretch, 1)  # warm: imports, model file cache
        res = {label: [] for label, _, _ in VARIANTS}
        for _ in range(reps):
            for label, people, look in VARIANTS:
                res[label].append(once(clip, stretch, people, look))
        base = res["--people 1"]
        for label, _, _ in VARIANTS:
            runs = res[label]
            fps, cpu = common.median(r["fps"] for r in runs), common.median(r["cpu_ms"] for r in runs)
            rows.append([name, label, fps, cpu,
                         fps / common.median(r["fps"] for r in base),
                         common.median(r["cpu_ms"] for r in base) / cpu,
                         runs[0]["holds"], runs[0]["helper_s"]])
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--append", action="store_true", help="append the section to BENCHMARKS.md")
    args = ap.parse_args()
    common.quiet_mediapipe()
    load0 = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    rows = measure(SOLO + PARTNER, args.reps)
    load1 = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    heads = ["clip", "people", "fps", "CPU ms/frame", "fps vs --people 1", "CPU vs --people 1 (1/x)",
             "holds", "helper s"]
    md = (f"### (8) Second-person look-out: `analyze` --people 1 / look / --people 2, full model, "
          f"no video or plot, medians of {args.reps} interleaved runs\n\n"
          f"Load average at start / end (1/5/15 min): {load0} / {load1}.\n\n" + common.table(heads, rows)
          + "\n\nTarget: the look within 5% of `--people 1` on single-person clips (ratio >= 0.95).\n")
    print(md)
    if args.append:
        common.append_report(md)


if __name__ == "__main__":
    main()
