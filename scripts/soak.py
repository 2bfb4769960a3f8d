"""Soak: `posecheck live` on a looped clip for a long time; RSS and open fds every minute.

    python scripts/soak.py --minutes 60 [--interval 60] [--record] [--json soak.json]

The clip is a rendered sample repeated until it lasts the whole run (written to a temp
folder, deleted afterwards), played at its own rate like a camera (`--realtime`), with
`--max-seconds` ending the session. Flat memory and a constant fd count are the pass
criteria; the script prints the samples, the growth from the first full minute to the
end, and the session's own summary line. Not a test: it takes as long as you ask.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import psutil

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "bridge.mp4"


def looped_clip(path: Path, seconds: float) -> Path:
    """The sample repeated to last `seconds` (plus a margin), same size and rate."""
    cap = cv2.VideoCapture(str(SAMPLE))
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames = []
    while True:
        ok, img = cap.read()
        if not ok:
            break
        frames.append(img)
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    for i in range(int((seconds + 60) * fps)):
        writer.write(frames[i % len(frames)])
    writer.release()
    return path


def sample(proc: psutil.Process) -> dict:
    """RSS and fds of the live process (its children too: there are none today)."""
    procs = [proc, *proc.children(recursive=True)]
    return {"rss_mb": round(sum(p.memory_info().rss for p in procs) / 2**20, 1),
            "fds": sum(p.num_fds() for p in procs), "threads": sum(p.num_threads() for p in procs)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--interval", type=float, default=60.0, help="seconds between samples")
    ap.add_argument("--record", action="store_true", help="also --record the session (encoder in the loop)")
    ap.add_argument("--json", type=Path, help="write the samples here")
    args = ap.parse_args()
    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory(prefix="posecheck-soak-") as tmp:
        tmp = Path(tmp)
        clip = looped_clip(tmp / "loop.mp4", seconds)
        # the bridge with the largest dose the schema allows, so the coach never finishes first
        (tmp / "cat").mkdir()
        (tmp / "cat" / "soak.toml").write_text('id = "soak-bridge"\nextends = "bridge"\n'
                                               '[dose]\nreps = 100\nsets = 20\nrest_s = 0\n')
        cmd = [sys.executable, "-m", "posecheck", "live", "-s", "soak-bridge", "--catalog", str(tmp / "cat"),
               "--source", str(clip), "--no-window", "--max-seconds", str(seconds), "--summary", str(tmp / "s.json")]
        if args.record:
            cmd += ["--record", str(tmp / "r.mp4")]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        start = time.monotonic()
        live = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        proc = psutil.Process(live.pid)
        rows = []
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min)")
        print(" min   rss MB   fds  threads")
        try:
            while live.poll() is None:
                time.sleep(min(args.interval, 5.0) if not rows else args.interval)
                if live.poll() is not None:
                    break
                try:
                    if proc.status() == psutil.STATUS_ZOMBIE:
                        break                    # it has ended: nothing left to measure
                    row = {"t_min": round((time.monotonic() - start) / 60, 2), **sample(proc)}
                except psutil.Error:
                    break
                rows.append(row)
                print(f"{row['t_min']:5.1f} {row['rss_mb']:8.1f} {row['fds']:5d} {row['threads']:8d}", flush=True)
        finally:
            if live.poll() is None:
                live.terminate()
            err = live.communicate()[1]
        summary = json.loads((tmp / "s.json").read_text()) if (tmp / "s.json").exists() else {}
    line = [ln for ln in err.splitlines() if ln.startswith("session (")]
    print(line[0] if line else f"no session line (exit {live.returncode})")
    settled = [r for r in rows if r["t_min"] >= 1.0] or rows
    if settled:
        first, last = settled[0], settled[-1]
        peak = max(r["rss_mb"] for r in settled)
        print(f"from {first['t_min']} to {last['t_min']} min: rss {first['rss_mb']} -> {last['rss_mb']} MB "
              f"(peak {peak}), fds {first['fds']} -> {last['fds']}, threads {first['threads']} -> {last['threads']}")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min)")
    if args.json:
        args.json.write_text(json.dumps({"cmd": cmd[2:], "samples": rows, "exit": live.returncode,
                                         "frames": summary.get("frames"), "live": summary.get("live")}, indent=2))
    return 0 if live.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
