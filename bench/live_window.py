"""(5b) Live with the large window: latency and fps at 1920x1080 vs the same session headless.

Starts its own Xvfb screen (1920x1080 by default), then runs, alternately in fresh
processes, the same real-time file session with the HUD window (canvas drawn at the
window's size and shown) and without any window. Each session times the model
(`engine.detect`) and its whole frame, so its latency is set against its own model time
(the load moves from minute to minute): target latency <= model + 10 ms.

    python bench/live_window.py [--rounds 2] [--seconds 20] [--screen 1920x1080]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

try:
    from bench import common
except ImportError:  # run as a script from bench/
    import common


def session(clip: str, stretch: str, seconds: float, window: bool) -> None:
    """In this process: one live session with the model and each frame timed; prints JSON."""
    import numpy as np

    from posecheck.run.live import LiveOptions, LiveSession

    s = LiveSession(LiveOptions(stretch=stretch, source=clip, window=window, setup=False, speak=False,
                                ask_pain=False, max_seconds=seconds), echo=lambda _m: None)
    model_ms, frame_ms = [], []
    real_process = s._process

    def process(frame):
        engine = s.engine
        if not hasattr(engine, "_timed"):
            real_detect = engine.detect

            def detect(*a, **k):
                t = time.perf_counter()
                pose = real_detect(*a, **k)
                model_ms.append((time.perf_counter() - t) * 1000)
                return pose

            engine.detect, engine._timed = detect, True
        t = time.perf_counter()
        image = real_process(frame)
        frame_ms.append((time.perf_counter() - t) * 1000)
        return image

    s._process = process
    summary = s.run()
    live = summary["live"]
    size = list(s.sink.size) if window else None
    print(json.dumps({"fps": live["fps"], "lat_median": live["latency_ms"]["median"],
                      "lat_p95": live["latency_ms"]["p95"], "dropped": live["frames_dropped"],
                      "model_ms": round(float(np.median(model_ms)), 1),
                      "frame_ms": round(float(np.median(frame_ms)), 1), "window": size}))


def xvfb(size: str):
    exe = shutil.which("Xvfb")
    if exe is None:
        sys.exit("Xvfb is not installed")
    for n in range(120, 160):
        if not Path(f"/tmp/.X{n}-lock").exists():
            proc = subprocess.Popen([exe, f":{n}", "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
            return proc, f":{n}"
    sys.exit("no free X display number")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--screen", default="1920x1080")
    ap.add_argument("--session", nargs=4, metavar=("CLIP", "STRETCH", "SECONDS", "WINDOW"))
    args = ap.parse_args()
    common.quiet_mediapipe()
    if args.session:
        session(args.session[0], args.session[1], float(args.session[2]), args.session[3] == "1")
        return
    clip = common.sample_clip()
    server, display = xvfb(args.screen)
    rows = []
    try:
        for r in range(args.rounds):
            for window in (True, False):
                env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
                proc = subprocess.run([sys.executable, __file__, "--session", str(clip.path), clip.stretch,
                                       str(args.seconds), "1" if window else "0"], capture_output=True, text=True,
                                      env=env, timeout=args.seconds + 180)
                res = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else \
                    {"error": common.last_error(proc.stderr)}
                over = (res["lat_median"] - res["model_ms"]) if "lat_median" in res else None
                rows.append([r + 1, f"window {'x'.join(map(str, res.get('window') or []))}" if window else "no window",
                             res.get("fps"), res.get("dropped"), res.get("lat_median"), res.get("lat_p95"),
                             res.get("model_ms"), res.get("frame_ms"),
                             None if over is None else round(over, 1),
                             common.verdict(None if over is None else over <= 10.0), res.get("error", "")])
    finally:
        server.kill()
        server.wait()
    print(f"screen {args.screen}, clip {clip.label}, load {os.getloadavg()}")
    print(common.table(["round", "display", "fps", "dropped", "latency median ms", "p95 ms", "model ms",
                        "whole frame ms", "latency - model ms", "<= model + 10 ms", "error"], rows))


if __name__ == "__main__":
    main()
