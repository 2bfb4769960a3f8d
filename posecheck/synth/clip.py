"""Render a timeline to `<name>.mp4` plus `<name>.truth.json` (ground truth and expectation)."""

from __future__ import annotations

import json
import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from posecheck.errors import InputError, UsageError
from posecheck.pose.landmarks import INDEX, LANDMARKS
from posecheck.synth.body import Look, body_parts, random_look
from posecheck.synth.camera import Camera
from posecheck.synth.contact import on_floor, settle
from posecheck.synth.helper import HelperTrack
from posecheck.synth.poses import keypose
from posecheck.synth.render import render
from posecheck.synth.skeleton import Build
from posecheck.synth.timeline import VIEWS, PoseTrack, Timeline, load_timeline

STANDARD_ANGLES = {  # name: (arm, vertex, arm) landmark names, anatomical side
    f"{j}_{s}": (f"{s}_{a}", f"{s}_{v}", f"{s}_{b}")
    for s in ("left", "right")
    for j, (a, v, b) in {"hip": ("shoulder", "hip", "knee"), "knee": ("hip", "knee", "ankle"),
                         "shoulder": ("hip", "shoulder", "elbow"),
                         "elbow": ("shoulder", "elbow", "wrist")}.items()
}
ANGLE_ORDER = ("hip_left", "hip_right", "knee_left", "knee_right", "shoulder_left",
               "shoulder_right", "elbow_left", "elbow_right")


def interior_angle(a: np.ndarray, v: np.ndarray, b: np.ndarray) -> float:
    """2D interior angle at v in degrees (0..180)."""
    u, w = a - v, b - v
    cos = float(np.dot(u, w) / (np.linalg.norm(u) * np.linalg.norm(w) + 1e-12))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def standard_angles(xy: np.ndarray) -> dict[str, float]:
    """The 8 standard angles of stretches.md from (33,2) pixel landmarks."""
    return {n: interior_angle(*(xy[INDEX[p]] for p in STANDARD_ANGLES[n])) for n in ANGLE_ORDER}


@dataclass(frozen=True)
class Scene:
    camera: Camera
    look: Look
    build: Build
    scale: float
    helper: HelperTrack | None = None


def _azimuth(tl: Timeline, rng: np.random.Generator) -> float:
    cam = tl.camera
    if "azimuth_deg" in cam:
        az = float(cam["azimuth_deg"])
    else:
        view = cam.get("view", "near")
        if view not in VIEWS:
            raise UsageError(f"{tl.name}: camera.view must be one of {sorted(VIEWS)}")
        az = VIEWS[view]
        if view in ("near", "far") and tl.side == "left":
            az += 180.0  # the camera on the stretched (near) side: left side = azimuth 180
    # toward the feet: + from the right side (azimuth ~0), - from the left side (~180)
    feet = float(cam.get("toward_feet_deg", 0.0))
    az += feet if math.cos(math.radians(az)) >= 0 else -feet
    return az + float(rng.uniform(-1, 1)) * float(cam.get("azimuth_jitter_deg", 0.0))


def _frame_camera(tl: Timeline, az: float, build: Build, look: Look,
                  helper: HelperTrack | None = None) -> Camera:
    """Aim at the key poses' bounding box; back off until every key pose fits with a margin
    (the helper's too: the camera advice for two people is to see both)."""
    pts = np.concatenate([on_floor(settle(keypose(k.pose, k.side)), build, look).landmarks
                          for k in tl.keys])
    if helper is not None:
        pts = np.concatenate([pts, helper.framing_points()])
    lo, hi = pts.min(0), pts.max(0)
    target = ((lo[0] + hi[0]) / 2, float(np.clip((lo[1] + hi[1]) / 2, 0.3, 1.0)), (lo[2] + hi[2]) / 2)
    w, h = tl.size
    cam = tl.camera
    dist = float(cam.get("distance_m", 2.6))
    while True:
        c = Camera(az, dist, float(cam.get("height_m", 0.45)), target,
                   float(cam.get("hfov_deg", 62.0)), w, h)
        xy = c.project(pts)
        margin = float(cam.get("margin", 0.1))  # share of the frame kept free: 0.02 = tight
        mx, my = margin * w, margin * h
        if (xy[:, 0].min() > mx and xy[:, 0].max() < w - mx and xy[:, 1].min() > my
                and xy[:, 1].max() < h - my) or dist > 6:
            return c
        dist += 0.1


def make_scene(tl: Timeline) -> Scene:
    rng = np.random.default_rng(tl.seed)
    look = random_look(rng) if tl.look.get("random", True) else Look()
    build = Build(height=float(rng.uniform(1.6, 1.9)), girth=float(rng.uniform(0.9, 1.15)))
    az = _azimuth(tl, rng)
    helper = None
    if tl.helper is not None:  # drawn after the patient's: the patient's clip is unchanged by it
        h_look, h_build = tl.helper.look_and_build()
        helper = HelperTrack(tl.helper, h_build, h_look)
    return Scene(_frame_camera(tl, az, build, look, helper), look, build,
                 float(tl.look.get("scale", 1.0)), helper)


def _near_side(sk_landmarks: np.ndarray, cam: Camera) -> str:
    d = np.linalg.norm(sk_landmarks[[INDEX["left_hip"], INDEX["right_hip"]]] - cam.position, axis=1)
    return "left" if d[0] < d[1] else "right"


def render_frames(tl: Timeline, scene: Scene | None = None, with_helper: bool = True):
    """Yield (t_s, BGR image, frame truth dict) for every frame of the timeline.

    with_helper=False renders a partner clip's patient alone through the same camera (the
    reference the partner clips' angle errors are compared with)."""
    scene = scene or make_scene(tl)
    track = PoseTrack(tl)
    helper = scene.helper if with_helper else None
    n = int(round(tl.duration_s * tl.fps))
    for i in range(n):
        t = i / tl.fps
        sk = on_floor(track.angles(t), scene.build, scene.look)
        parts = body_parts(sk, scene.look)
        if helper is not None:
            helper_sk = helper.skeleton(t, sk)
            parts += helper.parts(helper_sk)
        img = render(parts, scene.camera, scene.look, scene.scale)
        xy = scene.camera.project(sk.landmarks)
        truth = {"t_s": round(t, 4), "angles": {k: round(v, 2) for k, v in standard_angles(xy).items()},
                 "near_side": _near_side(sk.landmarks, scene.camera),
                 "landmarks_px": np.round(xy, 1).tolist()}
        if helper is not None:
            truth["helper_landmarks_px"] = np.round(scene.camera.project(helper_sk.landmarks), 1).tolist()
        yield t, img, truth


def expectation(tl: Timeline) -> dict:
    """The clip's expectation: stated keys of [expect] win over what the keys imply."""
    segs = tl.segments()
    holds = [{"side": s["side"], "start_s": s["start_s"], "end_s": s["end_s"],
              "duration_s": round(s["end_s"] - s["start_s"], 3), "completed": False}
             for s in segs if s["phase"] == "hold"]
    cues = [{"id": s["cue"], "side": s["side"], "start_s": s["start_s"], "end_s": s["end_s"]}
            for s in segs if s.get("cue")]
    exp = {"stretch": None, "no_stretch": False, "holds": holds, "reps": None, "cues": cues}
    exp.update(tl.expect)
    return exp


def render_clip(timeline_path: str | Path, out_dir: str | Path | None = None,
                with_helper: bool = True) -> tuple[Path, Path]:
    """Render one timeline; returns (video path, truth path). Same file -> same frames.
    with_helper=False: a partner clip without its helper, named `<name>-solo`."""
    path = Path(timeline_path)
    tl = load_timeline(path)
    out = Path(out_dir) if out_dir is not None else path.parent
    out.mkdir(parents=True, exist_ok=True)
    scene = make_scene(tl)
    name = tl.name if with_helper or tl.helper is None else f"{tl.name}-solo"
    video, truth_path = out / f"{name}.mp4", out / f"{name}.truth.json"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), tl.fps, tl.size)
    if not writer.isOpened():
        raise InputError(f"cannot write {video}: OpenCV has no mp4v encoder here")
    frames = []
    try:
        for _, img, truth in render_frames(tl, scene, with_helper):
            writer.write(img)
            frames.append(truth)
    finally:
        writer.release()
    cam = scene.camera
    truth = {"name": name, "timeline": path.name, "seed": tl.seed, "fps": tl.fps,
             "size": list(tl.size), "duration_s": round(len(frames) / tl.fps, 3),
             "camera": {"azimuth_deg": round(cam.azimuth_deg, 2), "distance_m": round(cam.distance_m, 2),
                        "height_m": cam.height_m, "hfov_deg": cam.hfov_deg},
             "side": tl.side, "landmark_names": list(LANDMARKS), "angle_names": list(ANGLE_ORDER),
             "intervals": tl.segments(), "expect": expectation(tl), "frames": frames}
    truth_path.write_text(json.dumps(truth, separators=(",", ":")))
    return video, truth_path


def _timelines(names, samples_dir: Path) -> list[Path]:
    if not names:
        paths = sorted(samples_dir.glob("*.toml"))
        if not paths:
            raise UsageError(f"no timelines (*.toml) in {samples_dir}")
        return paths
    out = []
    for n in names:
        p = Path(n)
        p = p if p.suffix == ".toml" and p.exists() else samples_dir / f"{Path(n).stem}.toml"
        if not p.exists():
            raise UsageError(f"no timeline {n!r} (looked for {p}); list them with `ls {samples_dir}/*.toml`")
        out.append(p)
    return out


def samples_render(names=(), out_dir: str | Path | None = None, samples_dir: str | Path = "samples",
                   jobs: int = 1) -> list[Path]:
    """Render the named timelines (all of samples_dir when none) -> the videos written."""
    paths = _timelines(list(names), Path(samples_dir))
    outs = [out_dir] * len(paths)
    if jobs <= 1:
        return [render_clip(p, o)[0] for p, o in zip(paths, outs)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return [r[0] for r in pool.map(render_clip, paths, outs)]
