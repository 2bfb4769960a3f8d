"""Recognition evaluation: which stretch `--stretch auto` says, clip by clip, against the truth.

Clips: the samples (their truth.json), renders of every catalogue stretch from both sides at
several camera yaws with a form fault inside the hold (scripts/recognition_set.toml), the
labelled real photos held as clips, and real footage of no stretch at all. Renders and
photo clips are made once into a cache folder, the pose model runs once per clip
(`run.posecache`); the recogniser is then replayed in milliseconds, so tuning is cheap.

A clip's verdict, at the middle of its hold (and of its fault): the confident segment
covering it (stretch and side), "unsure", or "none". A non-stretch clip is right when no
confident segment lasts longer than NO_STRETCH_S.
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from posecheck.coach.recognize import Recognizer

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

NO_STRETCH_S = 2.0
NON_STRETCH_VIDEOS = ("commons_forward_lunge_training.webm", "commons_interval_pushups_tacofleur.webm",
                      "commons_squat_fitnessscape.webm", "tfjs_pose_squats.mp4", "sports2d_demo.mp4",
                      "pose2sim_demo_single_cam01.mp4")
PHOTO_HOLD_S = 6.0


@dataclass
class Clip:
    name: str
    kind: str                     # sample | render | photo | real
    video: Path
    stretch: str | None           # None: no stretch in it
    side: str | None = None
    hold: tuple[float, float] | None = None
    fault: tuple[float, float] | None = None
    detail: str = ""


@dataclass
class Verdict:
    clip: Clip
    label: str                    # the stretch id said at the hold's middle, "unsure" or "none"
    side: str | None = None
    confidence: float = 0.0
    runner_up: tuple[str, float] | None = None
    split: bool = False           # the fault fell into another segment than the hold
    longest_s: float = 0.0        # non-stretch clips: the longest confident segment
    segments: list = field(default_factory=list)
    guess: str | None = None      # an unsure segment's best candidate

    @property
    def right(self) -> bool:
        if self.clip.stretch is None:
            return self.longest_s <= NO_STRETCH_S
        side_ok = self.clip.side is None or self.side == self.clip.side
        return self.label == self.clip.stretch and side_ok and not self.split


# -- the clips ------------------------------------------------------------------------
def sample_clips(folder: Path) -> list[Clip]:
    out = []
    for path in sorted(folder.glob("*.truth.json")):
        truth = json.loads(path.read_text())
        exp, name = truth["expect"], path.name[: -len(".truth.json")]
        spans = [(iv["start_s"], iv["end_s"]) for iv in truth["intervals"] if iv["phase"] in ("hold", "rep")]
        faults = [(iv["start_s"], iv["end_s"]) for iv in truth["intervals"] if iv["phase"] == "fault"]
        hold = (spans[0][0], spans[-1][1]) if spans else None
        side = exp["holds"][0]["side"] if exp.get("holds") else None
        out.append(Clip(name, "sample", folder / f"{name}.mp4", exp.get("stretch"), side, hold,
                        faults[0] if faults else None))
    return out


def photo_clips(real: Path, cache: Path) -> list[Clip]:
    """Every in-position labelled photo, held PHOTO_HOLD_S as a clip (made once)."""
    from posecheck.synth.photo_hold import photo_hold_clip

    out = []
    rows = csv.DictReader((real / "photo_labels.tsv").open(), delimiter="\t")
    for row in rows:
        if row["in_position"] != "yes":
            continue
        video = cache / f"photo-{Path(row['file']).stem}.mp4"
        if not video.exists():
            cache.mkdir(parents=True, exist_ok=True)
            photo_hold_clip(real / row["file"], PHOTO_HOLD_S, fps=10.0, out=video)
        out.append(Clip(video.stem, "photo", video, row["stretch"], None, (0.0, PHOTO_HOLD_S)))
    return out


def real_clips(real: Path) -> list[Clip]:
    return [Clip(Path(n).stem, "real", real / n, None) for n in NON_STRETCH_VIDEOS if (real / n).exists()]


def load_set(path: Path) -> dict:
    data = tomllib.loads(path.read_text())
    from posecheck.synth.poses import POSES

    for name, spec in data.get("poses", {}).items():   # the set's own fault poses
        base = POSES[spec["base"]]
        POSES.setdefault(name, {"angles": {**base["angles"], **spec["angles"]},
                                "contacts": list(base["contacts"])})
    return data


def render_specs(data: dict, only: tuple[str, ...] = (), floor: bool = False) -> list[dict]:
    """One spec per stretch x view x yaw; sided stretches alternate sides. A clip's `camera`
    (its catalogue entry's set-up advice) is kept unless `floor`: every camera at the set's."""
    r, specs = data["render"], []
    for c in data["clip"]:
        views = ("near", "far") if c["view"] == "side" else ("front+", "front-")
        n = 0
        for view in views:
            for yaw in r["yaws"]:
                side = ("left", "right")[n % 2] if c.get("sided") else None
                n += 1   # the seed counts every clip: a clip looks the same with or without --only
                specs.append({"stretch": c["stretch"], "poses": c["poses"], "view": view, "yaw": yaw,
                              "side": side, "seed": 100 + len(specs),
                              "camera": {} if floor else dict(c.get("camera", {}))})
    return [s for s in specs if not only or s["stretch"] in only]


def _camera(spec: dict, r: dict) -> list[str]:
    """The clip's [camera] lines. The yaw turns the camera both ways across the yaws, or,
    where the set-up advice is to turn toward the feet (`toward_feet`), that way only."""
    view, yaw, side, cam = spec["view"], spec["yaw"], spec["side"], spec.get("camera", {})
    height = cam.get("height_m", r.get("height_m", 0.45))
    if view.startswith("front"):
        return ["[camera]", f"azimuth_deg = {90.0 + (yaw if view == 'front+' else -yaw):.1f}",
                f"height_m = {height}"]
    az = {"near": 0.0, "far": 180.0}[view] + (180.0 if side == "left" else 0.0)
    if cam.get("toward_feet"):   # synth.clip turns the camera toward the lying person's feet
        return ["[camera]", f"azimuth_deg = {az:.1f}", f"toward_feet_deg = {yaw}", f"height_m = {height}"]
    az += yaw if (yaw // 20) % 2 == 0 else -yaw
    return ["[camera]", f"azimuth_deg = {az:.1f}", f"height_m = {height}"]


def _keys(spec: dict, r: dict) -> tuple[list[tuple], tuple, tuple]:
    """(pose, move_s, hold_s, phase) keys, and the hold and fault spans."""
    poses, mv = spec["poses"], r["move_s"]
    rest, hold, fault = poses[0], poses[1], poses[2]
    if len(poses) > 3:   # reps: two cycles, the fault, two cycles
        cyc = [(hold, 1.2, 0.8, "rep"), (poses[3], 1.2, 0.8, "rep")] * 2
        keys = [(rest, 0.0, r["rest_s"], "rest"), *cyc, (fault, mv, r["fault_s"], "fault"), *cyc,
                (rest, mv, r["rest_s"], "rest")]
    else:
        keys = [(rest, 0.0, r["rest_s"], "rest"), (hold, mv, r["hold_s"], "hold"),
                (fault, mv, r["fault_s"], "fault"), (hold, mv, r["hold_s"], "hold"),
                (rest, mv, r["rest_s"], "rest")]
    t, spans = 0.0, {}
    for _, move, stay, phase in keys:
        t += move
        spans.setdefault(phase, []).append((t, t + stay))
        t += stay
    work = spans.get("hold", spans.get("rep"))
    return keys, (work[0][0], work[-1][1]), spans["fault"][0]


def render_clips(data: dict, cache: Path, specs: list[dict] | None = None, jobs: int = 1) -> list[Clip]:
    """The clips of `specs` (default: the whole set), rendered into `cache` when not there yet."""
    from posecheck.synth.clip import samples_render

    r, clips, todo = data["render"], [], []
    for spec in render_specs(data) if specs is None else specs:
        keys, hold, fault = _keys(spec, r)
        name = f"{spec['stretch']}-{spec['view']}-{spec['yaw']}-{spec['side'] or 'both'}"
        name += "-advised" if spec.get("camera") else ""   # the catalogue's camera, not the set's
        video = cache / f"{name}.mp4"
        if not video.exists():
            lines = [f"fps = {r['fps']}", f"size = {list(r['size'])}", f"seed = {spec['seed']}"]
            lines += [f'side = "{spec["side"]}"'] if spec["side"] else []
            lines += _camera(spec, r)
            for pose, move, stay, phase in keys:
                lines += ["[[keys]]", f'pose = "{pose}"', f"move_s = {move}", f"hold_s = {stay}",
                          f'phase = "{phase}"']
            cache.mkdir(parents=True, exist_ok=True)
            (cache / f"{name}.toml").write_text("\n".join(lines) + "\n")
            todo.append(name)
        clips.append(Clip(name, "render", video, spec["stretch"], spec["side"], hold, fault,
                          f"{spec['view']} {spec['yaw']:g} deg" + (" (advised camera)" if spec.get("camera") else "")))
    if todo:
        samples_render(todo, out_dir=cache, samples_dir=cache, jobs=jobs)
    return clips


# -- judging one clip -------------------------------------------------------------------
def _covering(segs: list[dict], t: float) -> dict | None:
    return next((s for s in segs if s["start_s"] <= t <= s["end_s"]), None)


def judge(clip: Clip, values: list[tuple[float, dict | None]], catalog) -> Verdict:
    """Replay the recogniser over the clip's values and read its verdict."""
    rec = Recognizer(catalog)
    for t, v in values:
        rec.update(t, v)
    segs = rec.all_segments()
    confident = [s for s in segs if not s["unsure"]]
    if clip.stretch is None:
        longest = max((s["end_s"] - s["start_s"] for s in confident), default=0.0)
        top = max(confident, key=lambda s: s["end_s"] - s["start_s"], default=None)
        label = top["stretch"] if top and longest > NO_STRETCH_S else ("unsure" if rec.unsure() else "none")
        return Verdict(clip, label, longest_s=longest, segments=segs,
                       confidence=top["confidence"] if top else 0.0)
    (h0, h1), fault = clip.hold, clip.fault
    inside = fault is not None and h0 < fault[0] and fault[1] < h1
    # the label is read in the held position: before the fault when the fault is inside
    mid = (h0 + fault[0]) / 2 if inside else (max(h0, fault[1]) + h1) / 2 if fault else (h0 + h1) / 2
    seg = _covering(segs, mid)
    if seg is None:
        return Verdict(clip, "none", segments=segs)
    runner = seg["candidates"][1] if len(seg["candidates"]) > 1 else None
    v = Verdict(clip, "unsure" if seg["unsure"] else seg["stretch"], seg["side"], seg["confidence"],
                (runner["stretch"], runner["score"]) if runner else None, segments=segs,
                guess=seg["stretch"])
    if fault is not None:   # a fault is never another stretch, nor (inside the hold) a break
        points = [(fault[0] + fault[1]) / 2] + ([(fault[1] + h1) / 2] if inside else [])
        for t in points:
            other = _covering(segs, t)
            if (other is None and inside) or (other is not None and other["stretch"] != seg["stretch"]):
                v.split = True
    return v
