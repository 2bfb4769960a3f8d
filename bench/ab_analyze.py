"""A/B of `analyze` between two source trees, interleaved, each in fresh processes.

    python bench/ab_analyze.py /tmp/variant            # this tree vs a copy with a patch applied
    python bench/ab_analyze.py /tmp/variant --reps 3 --runs 2

The variant is a folder holding a `posecheck/` package (e.g. `cp -r posecheck /tmp/variant/`
then `git apply --directory ...` or `patch -d /tmp/variant -p1 < fix.patch`); it is put first
on PYTHONPATH. Prints the medians of fps, frame-loop fps and per-thread CPU per frame.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402


def child(runs: int) -> None:
    from bench import pipeline

    import posecheck

    common.quiet_mediapipe()
    clip = common.sample_clip()
    pipeline.analyze_once(clip, "full", common.TMP / "ab-warm")       # imports, untimed
    res = [pipeline.analyze_once(clip, "full", common.TMP / "ab") for _ in range(runs)]
    print(json.dumps({"code": posecheck.__file__, **{k: common.median(r[k] for r in res) for k in res[0]}}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("variant", type=Path, nargs="?")
    ap.add_argument("--reps", type=int, default=3, help="alternations A, B, A, B, ...")
    ap.add_argument("--runs", type=int, default=2, help="analyze calls per process")
    ap.add_argument("--child", type=int)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    common.sample_clip()            # snapshot the clip before the children race for it
    me = [sys.executable, __file__, "--child", str(args.runs)]
    env_b = {**os.environ, "PYTHONPATH": f"{args.variant.resolve()}:{os.environ.get('PYTHONPATH', '')}"}
    out: dict[str, list] = {"A (this tree)": [], f"B ({args.variant})": []}
    for _ in range(args.reps):
        for key, env in zip(out, (os.environ, env_b)):
            import subprocess

            proc = subprocess.run(me, capture_output=True, text=True, env=env, cwd="/")
            if proc.returncode:
                raise SystemExit(proc.stderr[-500:])
            out[key].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    cols = ["fps", "loop_fps", "cpu_ms", "cpu_main", "cpu_coach", "cpu_mediapipe", "cpu_writer", "cpu_reader"]
    rows = [[key, runs[0]["code"], *(common.median(r[c] for r in runs) for c in cols)] for key, runs in out.items()]
    print(common.table(["variant", "code", *cols], rows))


if __name__ == "__main__":
    main()
