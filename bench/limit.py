"""(1) The limit: the bare MediaPipe PoseLandmarker (Tasks API, VIDEO mode, num_poses=1)
over frames decoded and converted beforehand, so only `detect_for_video` is timed.

    python bench/limit.py [--frames N] [--reps R]
"""

from __future__ import annotations

import argparse
import time

import cv2

try:
    from bench import common
except ImportError:  # run as a script from bench/
    import common


def mp_images(frames_bgr) -> list:
    import mediapipe as mp

    return [mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(f, cv2.COLOR_BGR2RGB))
            for f in frames_bgr]


def model_path(name: str):
    """The .task file for lite/full/heavy, or None when it cannot be had here."""
    from posecheck.errors import UserError
    from posecheck.pose.modelstore import resolve_model

    try:
        return resolve_model(name).path
    except UserError:
        return None


def landmarker(path):
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path=str(path)),
                                           running_mode=vision.RunningMode.VIDEO, num_poses=1)
    return vision.PoseLandmarker.create_from_options(options)


def bare(path, images, fps: float, keep: bool = False) -> dict:
    """One pass: model load time, then per-frame wall/CPU time of detect_for_video alone."""
    t0 = time.perf_counter()
    lm = landmarker(path)
    load_s = time.perf_counter() - t0
    results = []
    try:
        with common.timed() as t:
            for i, image in enumerate(images):
                r = lm.detect_for_video(image, int(round(i * 1000 / fps)))
                if keep:
                    results.append(r)
    finally:
        lm.close()
    n = len(images)
    out = {"load_s": load_s, "ms": t.wall_s * 1000 / n, "cpu_ms": t.cpu_s * 1000 / n,
           "fps": n / t.wall_s, "frames": n}
    if keep:
        out["results"] = results
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=None, help="first N frames of the clip")
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    common.quiet_mediapipe()
    clip = common.sample_clip()
    images = mp_images(common.decode(clip.path, args.frames))
    fps = common.video_fps(clip.path)
    rows = []
    runs = {m: [] for m in common.MODELS}
    paths = {m: model_path(m) for m in common.MODELS}
    for _ in range(args.reps):            # interleaved: lite, full, heavy, lite, ...
        for m, p in paths.items():
            if p is not None:
                runs[m].append(bare(p, images, fps))
    for m in common.MODELS:
        if paths[m] is None:
            rows.append([m, "not available here", None, None, None])
            continue
        r = runs[m]
        rows.append([m, common.median(x["ms"] for x in r), common.median(x["fps"] for x in r),
                     common.median(x["cpu_ms"] for x in r), common.median(x["load_s"] for x in r)])
    print(common.table(["model", "ms/frame", "fps", "CPU ms/frame", "load s"], rows))


if __name__ == "__main__":
    main()
