"""Sample timelines: key poses with durations, eased in between, read from TOML.

A timeline file (samples/<name>.toml)::

    fps = 10
    size = [640, 480]
    seed = 7
    side = "left"                 # default side of sided poses
    [camera]                      # view = "near" | "far" | "front" | "back", or azimuth_deg
    view = "near"
    distance_m = 2.7
    height_m = 0.45
    azimuth_jitter_deg = 15       # random offset drawn from the seed
    toward_feet_deg = 0           # turn a side view toward a lying person's feet
    [[keys]]                      # move_s: eased move from the previous key; hold_s: stay
    pose = "hook-lying"
    hold_s = 3
    phase = "rest"                # rest | hold | fault (bad form, see cue) | idle | rep
    [[keys]]
    pose = "knee-to-chest"
    move_s = 2.5
    hold_s = 12
    phase = "hold"
    cue = "…"                     # optional: a cue id expected during this key
    set = { hip_flex_l = 60 }     # optional: joint angles changed from the pose's (written for
                                  # the left side, like the poses; mirrored with them)
    [expect]                      # what `posecheck check` should find
    stretch = "knee-to-chest"
    [helper]                      # optional second person (partner stretches): synth/helper.py
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from posecheck.errors import UsageError
from posecheck.synth.contact import settle
from posecheck.synth.helper import Helper, load_helper
from posecheck.synth.poses import POSES, keypose, mirror

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PHASES = ("rest", "hold", "fault", "idle", "rep")
JITTER_DEG = 1.5
JITTER_ANGLES = ("trunk_flex", "neck_flex", "shoulder_flex_l", "shoulder_flex_r", "elbow_flex_l",
                 "elbow_flex_r", "hip_flex_l", "hip_flex_r", "knee_flex_l", "knee_flex_r")
VIEWS = {"near": 0.0, "far": 180.0, "front": 90.0, "back": 270.0}


@dataclass(frozen=True)
class Key:
    pose: str
    side: str | None
    move_s: float
    hold_s: float
    phase: str
    cue: str | None = None
    overrides: tuple[tuple[str, float], ...] = ()


@dataclass
class Timeline:
    name: str
    keys: list[Key]
    fps: float = 10.0
    size: tuple[int, int] = (640, 480)
    seed: int = 0
    side: str | None = None
    camera: dict = field(default_factory=dict)
    look: dict = field(default_factory=dict)
    expect: dict = field(default_factory=dict)
    helper: Helper | None = None

    @property
    def duration_s(self) -> float:
        return sum(k.move_s + k.hold_s for k in self.keys)

    def segments(self) -> list[dict]:
        """Intervals: each key's move ("transition") then its hold (the key's phase)."""
        out, t = [], 0.0
        for k in self.keys:
            if k.move_s > 0:
                out.append({"phase": "transition", "pose": k.pose, "side": k.side,
                            "start_s": t, "end_s": t + k.move_s})
                t += k.move_s
            if k.hold_s > 0:
                seg = {"phase": k.phase, "pose": k.pose, "side": k.side,
                       "start_s": t, "end_s": t + k.hold_s, "cue": k.cue}
                out.append(seg | ({"set": dict(k.overrides)} if k.overrides else {}))
                t += k.hold_s
        return [{**s, "start_s": round(s["start_s"], 3), "end_s": round(s["end_s"], 3)} for s in out]


def _check(cond: bool, path: Path, msg: str) -> None:
    if not cond:
        raise UsageError(f"{path}: {msg}")


def load_timeline(path: str | Path) -> Timeline:
    """Read and validate a timeline TOML file (one-line errors naming the key to fix)."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"no such timeline: {p}")
    try:
        data = tomllib.loads(p.read_text())
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"{p}: not valid TOML ({err})") from None
    known = {"fps", "size", "seed", "side", "camera", "look", "keys", "expect", "name", "helper"}
    extra = set(data) - known
    _check(not extra, p, f"unknown key(s) {sorted(extra)}; allowed: {sorted(known)}")
    _check(bool(data.get("keys")), p, "needs at least one [[keys]] entry")
    side = data.get("side")
    keys = []
    for i, k in enumerate(data["keys"]):
        _check(k.get("pose") in POSES, p, f"keys[{i}].pose {k.get('pose')!r} unknown; known: "
               + ", ".join(sorted(POSES)))
        phase = k.get("phase", "rest")
        _check(phase in PHASES, p, f"keys[{i}].phase must be one of {PHASES}")
        k_side = k.get("side", side)
        _check(k_side in (None, "left", "right"), p, f"keys[{i}].side must be left or right")
        over = k.get("set", {})
        _check(isinstance(over, dict) and all(isinstance(v, (int, float)) for v in over.values()), p,
               f"keys[{i}].set must be a table of joint angles in degrees, e.g. {{ hip_flex_l = 60 }}")
        keys.append(Key(k["pose"], k_side, float(k.get("move_s", 0.0)), float(k.get("hold_s", 0.0)),
                        phase, k.get("cue"), tuple((n, float(v)) for n, v in over.items())))
    return Timeline(name=data.get("name", p.stem), keys=keys, fps=float(data.get("fps", 10)),
                    size=tuple(data.get("size", (640, 480))), seed=int(data.get("seed", 0)),
                    side=side, camera=dict(data.get("camera", {})), look=dict(data.get("look", {})),
                    expect=dict(data.get("expect", {})),
                    helper=load_helper(data["helper"], p, side) if "helper" in data else None)


def _posed(k: Key) -> dict:
    """The key's pose with its `set` angles (mirrored with the pose for the right side)."""
    pose = keypose(k.pose, k.side)
    if k.overrides:
        over = {"angles": dict(k.overrides), "contacts": []}
        pose["angles"].update((mirror(over) if k.side == "right" else over)["angles"])
    return pose


def _ease(u: float) -> float:
    """Smoothstep: starts and ends a move at rest."""
    u = min(max(u, 0.0), 1.0)
    return u * u * (3 - 2 * u)


class PoseTrack:
    """Joint angles at any time of a timeline: eased moves, gentle jitter while still."""

    def __init__(self, tl: Timeline):
        self.tl = tl
        self.settled = [settle(_posed(k)) for k in tl.keys]
        names = sorted({n for a in self.settled for n in a})
        self.names = names
        self.vectors = [np.array([a.get(n, 0.0) for n in names]) for a in self.settled]
        rng = np.random.default_rng(tl.seed)
        self._freq = rng.uniform(0.15, 0.5, size=(len(JITTER_ANGLES), 2))
        self._phase = rng.uniform(0, 2 * np.pi, size=(len(JITTER_ANGLES), 2))

    def _locate(self, t: float) -> np.ndarray:
        start = 0.0
        prev = self.vectors[0]
        for k, vec in zip(self.tl.keys, self.vectors):
            if t < start + k.move_s:
                return prev + (vec - prev) * _ease((t - start) / k.move_s)
            start += k.move_s
            if t < start + k.hold_s:
                return vec
            start += k.hold_s
            prev = vec
        return self.vectors[-1]

    def angles(self, t: float) -> dict:
        """Angles at time t; a slow sway of about ±JITTER_DEG runs all the time (continuous)."""
        angles = dict(zip(self.names, self._locate(t).tolist()))
        wobble = JITTER_DEG * np.sin(2 * np.pi * self._freq * t + self._phase).mean(axis=1)
        for name, d in zip(JITTER_ANGLES, wobble):
            angles[name] = angles.get(name, 0.0) + float(d)
        return angles
