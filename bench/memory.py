"""(6) Peak memory of `analyze` against video length: a sample clip looped to 1 and 10
minutes (written into /tmp at run time), each analysed in a fresh process that reports its
own peak RSS (VmHWM from /proc/self/status; resource.ru_maxrss is printed too but inherits
the parent's high-water mark through fork+exec on Linux). Flat means the 10-minute peak is within 10% of the
1-minute one.

    python bench/memory.py [--minutes 1 10] [--model full]
    python bench/memory.py --child VIDEO STRETCH MODEL OUT     (one measurement, JSON on stdout)
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

try:
    from bench import common
except ImportError:  # run as a script from bench/
    import common


def vm_hwm_mib() -> float:
    """This process's own peak RSS (VmHWM, per address space: starts afresh at exec)."""
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(video: str, stretch: str, model: str, out: str) -> None:
    common.quiet_mediapipe()
    from posecheck.run.analyze import analyze

    base = vm_hwm_mib()
    t0 = time.perf_counter()
    summary = analyze(video, stretch, out_dir=out, model=model, annotate=True, plot=True, people=1)
    wall = time.perf_counter() - t0
    # ru_maxrss (KiB) is also printed, but on Linux it carries over the parent's high-water mark
    # through fork+exec (a big benchmark parent shows up as the child's peak), so VmHWM is used
    print(json.dumps({"peak_mib": vm_hwm_mib(), "before_mib": base,
                      "ru_maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "frames": summary["frames"], "duration_s": summary["duration_s"], "wall_s": wall}))


def peak_rss(clip: common.Clip, minutes: float, model: str) -> dict:
    video = common.looped_video(clip.path, minutes)
    out = common.TMP / "memory" / f"{minutes:g}min"
    return common.run_json([sys.executable, __file__, "--child", str(video), clip.stretch, model, str(out)],
                           timeout=3600)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, nargs="+", default=[1.0, 10.0])
    ap.add_argument("--model", default="full")
    ap.add_argument("--child", nargs=4, metavar=("VIDEO", "STRETCH", "MODEL", "OUT"))
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    clip = common.sample_clip()
    rows = []
    for m in args.minutes:
        r = peak_rss(clip, m, args.model)
        rows.append([f"{m:g} min", r["frames"], r["peak_mib"], r["wall_s"]])
    print(common.table(["video", "frames", "peak RSS MiB", "wall s"], rows))


if __name__ == "__main__":
    main()
