"""(5) Live: achieved fps and capture-to-display latency with a real-time file source.

Runs `posecheck live --source FILE --no-window --summary s.json` in a fresh process (the
file plays at its own frame rate, like a camera) and reads the summary's "live" block:
fps processed, frames dropped, latency from capture (frame handed over) to display
(overlay drawn and shown) as median / p95.

    python bench/live_latency.py [--model full] [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import subprocess

try:
    from bench import common
except ImportError:  # run as a script from bench/
    import common


def live_once(clip: common.Clip, model: str, seconds: float | None = None, setup: bool = False) -> dict:
    """One live session; {"error": ...} when `posecheck live` does not work (yet)."""
    out = common.TMP / "live" / f"{clip.path.stem}.summary.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    cmd = [*common.POSECHECK, "live", "--stretch", clip.stretch, "--source", str(clip.path),
           "--no-window", "--summary", str(out), "--model", model, "--setup" if setup else "--no-setup"]
    if seconds:
        cmd += ["--max-seconds", str(seconds)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=(seconds or 120) + 120, cwd=common.REPO)
    except subprocess.TimeoutExpired:
        return {"error": "timed out"}
    if proc.returncode != 0 or not out.is_file():
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {proc.returncode}: {last[:160]}"}
    live = json.loads(out.read_text()).get("live")
    if not live or not live.get("latency_ms"):
        return {"error": "summary has no live latency block"}
    lat = live["latency_ms"]
    return {"fps": live["fps"], "source_fps": live["source_fps"], "frames_read": live["frames_read"],
            "dropped": live["frames_dropped"], "lat_median": lat["median"], "lat_p95": lat["p95"],
            "lat_max": lat["max"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="full")
    ap.add_argument("--seconds", type=float, default=20.0)
    args = ap.parse_args()
    common.quiet_mediapipe()
    rows = []
    for clip in (common.sample_clip(), common.large_clip(900)):
        if clip is None:
            continue
        r = live_once(clip, args.model, args.seconds)
        rows.append([clip.label, r.get("source_fps"), r.get("fps"), r.get("dropped"), r.get("lat_median"),
                     r.get("lat_p95"), r.get("error", "")])
    print(common.table(["source", "source fps", "fps", "dropped", "latency median ms", "p95 ms", "error"], rows))


if __name__ == "__main__":
    main()
