"""(7) A batch of sample videos through `posecheck analyze --jobs 1` and `--jobs 2`
(worker processes): wall time, throughput, and the CPU the batch used (children's
user+sys), which shows how much of the second core one worker already takes.

    python bench/batch.py [--reps 2] [--model full]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time

try:
    from bench import common
except ImportError:  # run as a script from bench/
    import common


def batch_once(videos: list, jobs: int, model: str) -> dict:
    out = common.TMP / "batch" / f"jobs{jobs}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [*common.POSECHECK, "analyze", *map(str, videos), "--stretch", "auto", "--out", str(out),
           "--model", model, "--jobs", str(jobs), "--json"]
    c0, t0 = common.children_cpu_s(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=common.REPO)
    wall, cpu = time.perf_counter() - t0, common.children_cpu_s() - c0
    if proc.returncode != 0:
        raise RuntimeError(f"analyze --jobs {jobs} failed: {common.last_error(proc.stderr)}")
    return {"wall_s": wall, "cpu_s": cpu, "videos": len(videos), "cores_used": cpu / wall}


def pinned_once(videos: list, model: str) -> dict:
    """Diagnostic: the batch split in two `--jobs 1` processes started together, each pinned to
    its own core (sched_setaffinity), so MediaPipe's threads of one worker do not compete with
    the other's. Shows what pinning the workers of `--jobs 2` would give."""
    import os

    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return {"error": "fewer than 2 cores"}
    halves = [videos[0::2], videos[1::2]]
    c0, t0 = common.children_cpu_s(), time.perf_counter()
    procs = []
    for core, part in zip(cores, halves):
        out = common.TMP / "batch" / f"pinned{core}"
        shutil.rmtree(out, ignore_errors=True)
        cmd = [*common.POSECHECK, "analyze", *map(str, part), "--stretch", "auto", "--out", str(out),
               "--model", model, "--json"]
        procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=common.REPO,
                                      preexec_fn=lambda c=core: os.sched_setaffinity(0, {c})))
    codes = [p.wait() for p in procs]
    wall, cpu = time.perf_counter() - t0, common.children_cpu_s() - c0
    if any(codes):
        return {"error": f"exit codes {codes}"}
    return {"wall_s": wall, "cpu_s": cpu, "videos": len(videos), "cores_used": cpu / wall}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--model", default="full")
    args = ap.parse_args()
    common.quiet_mediapipe()
    videos = [common.snapshot(n) for n in common.BATCH]
    runs = {1: [], 2: []}
    for _ in range(args.reps):
        for jobs in (1, 2):
            runs[jobs].append(batch_once(videos, jobs, args.model))
    w1, w2 = (common.median(r["wall_s"] for r in runs[j]) for j in (1, 2))
    print(common.table(["jobs", "wall s", "videos/min", "cores used"], [
        [j, common.median(r["wall_s"] for r in runs[j]), 60 * len(videos) / common.median(r["wall_s"] for r in runs[j]),
         common.median(r["cores_used"] for r in runs[j])] for j in (1, 2)]))
    print(f"throughput ratio jobs 2 / jobs 1: {w1 / w2:.2f}")


if __name__ == "__main__":
    main()
