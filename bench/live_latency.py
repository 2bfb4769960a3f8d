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
import sys

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
        return {"error": f"exit {proc.returncode}: {common.last_error(proc.stderr)}"}
    live = json.loads(out.read_text()).get("live")
    if not live or not live.get("latency_ms"):
        return {"error": "summary has no live latency block"}
    lat = live["latency_ms"]
    return {"fps": live["fps"], "source_fps": live["source_fps"], "frames_read": live["frames_read"],
            "dropped": live["frames_dropped"], "lat_median": lat["median"], "lat_p95": lat["p95"],
            "lat_max": lat["max"]}


def probe(clip: str, stretch: str, seconds: float, model: str) -> None:
    """In this process: a LiveSession with engine.detect timed per frame, so the latency can be
    set against the model time of the same session (the load changes from minute to minute)."""
    import time

    import numpy as np

    from posecheck.run.live import LiveOptions, LiveSession

    session = LiveSession(LiveOptions(stretch=stretch, source=clip, model=model, window=False, setup=False,
                                      max_seconds=seconds), echo=lambda _msg: None)
    detect_ms, process_ms, wait_ms = [], [], []
    process = session._process

    def timed_process(frame):
        t0 = time.perf_counter()
        wait_ms.append((time.monotonic() - frame.captured_at) * 1000)
        engine = session.engine
        real = engine.detect

        def detect(*a, **k):
            t = time.perf_counter()
            try:
                return real(*a, **k)
            finally:
                detect_ms.append((time.perf_counter() - t) * 1000)

        engine.detect = detect
        try:
            return process(frame)
        finally:
            engine.detect = real
            process_ms.append((time.perf_counter() - t0) * 1000)

    session._process = timed_process
    live = session.run()["live"]

    def med(x):
        return round(float(np.median(x)), 1) if len(x) else None

    print(json.dumps({"fps": live["fps"], "lat_median": live["latency_ms"]["median"],
                      "lat_p95": live["latency_ms"]["p95"], "detect_ms": med(detect_ms),
                      "rest_ms": med(np.subtract(process_ms, detect_ms)), "wait_ms": med(wait_ms)}))


def probe_once(clip: common.Clip, model: str, seconds: float) -> dict:
    try:
        return common.run_json([sys.executable, __file__, "--probe", str(clip.path), clip.stretch, str(seconds),
                                model], timeout=seconds + 180)
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as err:
        return {"error": str(err)[-200:]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="full")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--probe", nargs=4, metavar=("CLIP", "STRETCH", "SECONDS", "MODEL"))
    args = ap.parse_args()
    common.quiet_mediapipe()
    if args.probe:
        probe(args.probe[0], args.probe[1], float(args.probe[2]), args.probe[3])
        return
    rows = []
    for clip in (common.sample_clip(), common.large_clip(900)):
        if clip is None:
            continue
        r = live_once(clip, args.model, args.seconds)
        p = probe_once(clip, args.model, args.seconds)
        rows.append([clip.label, r.get("source_fps"), r.get("fps"), r.get("dropped"), r.get("lat_median"),
                     r.get("lat_p95"), p.get("lat_median"), p.get("detect_ms"), p.get("rest_ms"), p.get("wait_ms"),
                     r.get("error", "") + p.get("error", "")])
    print(common.table(["source", "source fps", "fps", "dropped", "latency median ms", "p95 ms",
                        "probe: latency", "probe: detect ms", "probe: rest of frame ms", "probe: wait ms",
                        "error"], rows))


if __name__ == "__main__":
    main()
