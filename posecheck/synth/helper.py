"""A second person in a clip: the helper of a partner stretch, with a pose track of their own.

Timeline syntax (in `samples/<name>.toml`, beside the patient's `[[keys]]`)::

    [helper]
    seed = 4                        # the helper's look and build (the patient keeps `seed`)
    [[helper.keys]]
    pose = "standing"               # any name of synth/poses.py
    at = [0.3, -0.8]                # where the helper's pelvis is, metres from the patient's:
                                    # x toward the patient's feet, z toward the patient's right
    facing_deg = -90                # 0 facing the patient's feet end (+x), 90 the patient's
                                    # left (-z), -90 the patient's right (+z)
    hold_s = 2
    [[helper.keys]]
    pose = "helper-stoop"
    move_s = 1.0
    hold_s = 10
    hands = ["{side}_ankle", "{side}_knee"]   # patient landmarks the helper's left / right
                                    # hand reaches for ("" = that hand stays as posed)

Keys are eased like the patient's; position and facing move with them. The arms are solved
(inverse kinematics, per frame) so each hand's centre lands on its target.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from posecheck.errors import UsageError
from posecheck.pose.landmarks import INDEX
from posecheck.synth.body import Look, Part, body_parts, random_look
from posecheck.synth.contact import on_floor, settle
from posecheck.synth.poses import POSES, keypose
from posecheck.synth.skeleton import SIDES, Build, Frame, Skeleton, rx, rz

KEY_KEYS = {"pose", "side", "at", "facing_deg", "move_s", "hold_s", "hands"}
ARM_BOUNDS = ((-60.0, 180.0), (-70.0, 120.0), (0.0, 150.0))  # flex, abduction, elbow (deg)


@dataclass(frozen=True)
class HelperKey:
    pose: str
    side: str | None
    at: tuple[float, float]
    facing_deg: float
    move_s: float
    hold_s: float
    hands: tuple[str, str]          # resolved patient landmark names, "" = free hand


@dataclass(frozen=True)
class Helper:
    seed: int
    keys: tuple[HelperKey, ...]

    def look_and_build(self) -> tuple[Look, Build]:
        rng = np.random.default_rng(self.seed)
        look = random_look(rng)
        return look, Build(height=float(rng.uniform(1.6, 1.9)), girth=float(rng.uniform(0.9, 1.15)))


def _fail(path: Path, msg: str) -> UsageError:
    return UsageError(f"{path}: helper.{msg}")


def _hand(name: str, side: str | None, path: Path, i: int) -> str:
    resolved = name.replace("{side}", side or "left").replace(
        "{other}", "right" if side == "left" else "left")
    if resolved and resolved not in INDEX:
        raise _fail(path, f"keys[{i}].hands: {name!r} is not a landmark name")
    return resolved


def load_helper(table: dict, path: Path, side: str | None) -> Helper:
    """Validate a timeline's `[helper]` table (one-line errors naming the key)."""
    extra = set(table) - {"seed", "keys"}
    if extra:
        raise _fail(path, f"unknown key(s) {sorted(extra)}; allowed: keys, seed")
    keys = []
    for i, k in enumerate(table.get("keys") or []):
        bad = set(k) - KEY_KEYS
        if bad:
            raise _fail(path, f"keys[{i}]: unknown key(s) {sorted(bad)}; allowed: {sorted(KEY_KEYS)}")
        if k.get("pose") not in POSES:
            raise _fail(path, f"keys[{i}].pose {k.get('pose')!r} unknown")
        at = k.get("at", [0.0, 0.9])
        if not (isinstance(at, list) and len(at) == 2):
            raise _fail(path, f"keys[{i}].at must be [x_m, z_m]")
        hands = list(k.get("hands", ["", ""]))
        if len(hands) != 2:
            raise _fail(path, f"keys[{i}].hands must name two landmarks (left hand, right hand)")
        k_side = k.get("side", side)
        keys.append(HelperKey(k["pose"], k_side, (float(at[0]), float(at[1])),
                              float(k.get("facing_deg", -90.0)), float(k.get("move_s", 0.0)),
                              float(k.get("hold_s", 0.0)),
                              tuple(_hand(h, k_side, path, i) for h in hands)))
    if not keys:
        raise _fail(path, "keys: needs at least one [[helper.keys]] entry")
    return Helper(int(table.get("seed", 1)), tuple(keys))


def _ease(u: float) -> float:
    u = min(max(u, 0.0), 1.0)
    return u * u * (3 - 2 * u)


def _hand_centre(chest: Frame, k: str, arm: np.ndarray, build: Build) -> np.ndarray:
    """Centre of the k ('l'/'r') hand for (shoulder flex, abduction, elbow flex) in degrees."""
    s, z = build.s, SIDES[k]
    rot = chest.rot @ rz(arm[0]) @ rx(-z * arm[1])
    elbow = chest.at((0, s(0.19), z * s(0.18))) + rot @ (0.0, -s(0.29), 0.0)
    farm = rot @ rz(arm[2])
    return elbow + farm @ (0.0, -s(0.25), 0.0) + farm @ (s(0.005), -s(0.055), 0.0)


def reach(chest: Frame, k: str, target: np.ndarray, start: np.ndarray, build: Build) -> np.ndarray:
    """Arm angles that bring the hand's centre to `target` (closest reachable), near `start`."""
    def cost(arm):
        miss = _hand_centre(chest, k, arm, build) - target
        return float(miss @ miss) + 1e-6 * float(((arm - start) / 90.0) @ ((arm - start) / 90.0))

    res = minimize(cost, np.clip(start, *np.array(ARM_BOUNDS).T), method="L-BFGS-B", bounds=ARM_BOUNDS)
    return res.x


class HelperTrack:
    """The helper's skeleton at any time: eased key poses, arms solved onto the patient."""

    def __init__(self, helper: Helper, build: Build, look: Look):
        self.helper, self.build, self.look = helper, build, look
        self.poses = [settle(keypose(k.pose, k.side)) for k in helper.keys]
        self.names = sorted({n for a in self.poses for n in a})
        self._warm: dict[str, np.ndarray] = {}

    def _locate(self, t: float):
        """(angles, at, facing, hand weights, hand targets) at time t."""
        keys, start = self.helper.keys, 0.0
        prev = 0
        for i, k in enumerate(keys):
            if t < start + k.move_s:
                return self._mix(prev, i, _ease((t - start) / k.move_s))
            start += k.move_s
            if t < start + k.hold_s:
                return self._mix(i, i, 1.0)
            start += k.hold_s
            prev = i
        return self._mix(len(keys) - 1, len(keys) - 1, 1.0)

    def _mix(self, a: int, b: int, u: float):
        ka, kb = self.helper.keys[a], self.helper.keys[b]
        pa, pb = self.poses[a], self.poses[b]
        angles = {n: pa.get(n, 0.0) + (pb.get(n, 0.0) - pa.get(n, 0.0)) * u for n in self.names}
        at = np.array(ka.at) + (np.array(kb.at) - np.array(ka.at)) * u
        facing = ka.facing_deg + (kb.facing_deg - ka.facing_deg) * u
        weights = [(bool(ha) * (1 - u) + bool(hb) * u) for ha, hb in zip(ka.hands, kb.hands)]
        targets = [hb or ha for ha, hb in zip(ka.hands, kb.hands)]
        return angles, at, facing, weights, targets

    def skeleton(self, t: float, patient: Skeleton) -> Skeleton:
        angles, at, facing, weights, targets = self._locate(t)
        angles = {**angles, "yaw": facing}
        sk = on_floor(angles, self.build, self.look, xz=(float(at[0]), float(at[1])))
        for k, w, name in zip(("l", "r"), weights, targets):
            if w <= 0 or not name:
                continue
            keyed = np.array([angles.get(f"{j}_{k}", 0.0) for j in ("shoulder_flex", "shoulder_abd", "elbow_flex")])
            goal = patient.landmarks[INDEX[name]]
            solved = reach(sk.frames["chest"], k, goal, self._warm.get(k, keyed), self.build)
            self._warm[k] = solved
            for j, v in zip(("shoulder_flex", "shoulder_abd", "elbow_flex"), keyed + w * (solved - keyed)):
                angles[f"{j}_{k}"] = float(v)
        return on_floor(angles, self.build, self.look, xz=(float(at[0]), float(at[1])))

    def parts(self, sk: Skeleton) -> list[Part]:
        """The helper's ellipsoids, wearing the helper's own look."""
        return [replace(p, look=self.look) for p in body_parts(sk, self.look)]

    def framing_points(self) -> np.ndarray:
        """Landmarks of every helper key pose where it stands (arms as posed): for the camera."""
        pts = []
        for k, a in zip(self.helper.keys, self.poses):
            pts.append(on_floor({**a, "yaw": k.facing_deg}, self.build, self.look, xz=k.at).landmarks)
        return np.concatenate(pts)
