"""A human skeleton posed by joint angles: forward kinematics to 3D joints and landmarks.

World frame: metres, y up, floor at y = 0. Every segment frame is local x = anterior,
y = superior, z = the body's RIGHT (right-handed), so the person's left is -z.
Angles are degrees; a missing angle is 0 (standing, arms hanging, feet forward).

Root:  yaw (about world y), pitch (forward lean; -90 = supine, +90 = prone),
       roll (sideways tilt), spin (about the body's long axis).
Spine: trunk_flex, trunk_side (+ = bend to the right), trunk_twist; neck_flex, neck_turn.
Limbs, suffix _l / _r: shoulder_flex, shoulder_abd, elbow_flex, hip_flex, hip_abd,
       hip_rot (+ = internal), knee_flex, ankle_flex (+ = dorsiflexion).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from posecheck.pose.landmarks import INDEX, N_LANDMARKS

SIDES = {"l": -1.0, "r": 1.0}  # z sign of each side


def rx(deg: float) -> np.ndarray:
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def ry(deg: float) -> np.ndarray:
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rz(deg: float) -> np.ndarray:
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


@dataclass(frozen=True)
class Build:
    """Body proportions in metres (scaled from a 1.75 m adult)."""

    height: float = 1.75
    girth: float = 1.0   # multiplies every radius (slim < 1 < broad)

    def s(self, v: float) -> float:
        return v * self.height / 1.75


@dataclass
class Frame:
    """A segment's frame: origin (3,) and rotation (3,3) whose columns are the local axes."""

    origin: np.ndarray
    rot: np.ndarray

    def at(self, local) -> np.ndarray:
        return self.origin + self.rot @ np.asarray(local, float)

    def child(self, offset, rot: np.ndarray) -> "Frame":
        return Frame(self.at(offset), self.rot @ rot)


@dataclass
class Skeleton:
    """Posed segment frames (world) plus the 33 MediaPipe landmarks (33,3)."""

    frames: dict[str, Frame]
    landmarks: np.ndarray
    build: Build = field(default_factory=Build)

    def shifted(self, dy: float) -> "Skeleton":
        up = np.array([0.0, dy, 0.0])
        frames = {k: Frame(f.origin + up, f.rot) for k, f in self.frames.items()}
        return Skeleton(frames, self.landmarks + up, self.build)


def _root_rot(a: dict) -> np.ndarray:
    g = a.get
    return ry(g("yaw", 0.0)) @ rz(-g("pitch", 0.0)) @ rx(g("roll", 0.0)) @ ry(g("spin", 0.0))


def _spine(a: dict, part: float) -> np.ndarray:
    """Half of the trunk's flexion/side bend/twist at each of the two spine joints."""
    g = a.get
    return (rz(-part * g("trunk_flex", 0.0)) @ rx(part * g("trunk_side", 0.0))
            @ ry(part * g("trunk_twist", 0.0)))


def pose_skeleton(angles: dict, build: Build = Build(), root=(0.0, 1.0, 0.0)) -> Skeleton:
    """Forward kinematics: joint angles -> segment frames and landmarks (root not floor-solved)."""
    g, s = angles.get, build.s
    f: dict[str, Frame] = {}
    f["pelvis"] = Frame(np.asarray(root, float), _root_rot(angles))
    f["lumbar"] = f["pelvis"].child((-0.01, s(0.10), 0), _spine(angles, 0.5))
    f["chest"] = f["lumbar"].child((0, s(0.19), 0), _spine(angles, 0.5))
    f["neck"] = f["chest"].child((0, s(0.22), 0), rz(-g("neck_flex", 0.0) * 0.5))
    f["head"] = f["neck"].child((0.01, s(0.10), 0),
                                rz(-g("neck_flex", 0.0) * 0.5) @ ry(g("neck_turn", 0.0)))
    for k, z in SIDES.items():
        sh = rz(g(f"shoulder_flex_{k}", 0.0)) @ rx(-z * g(f"shoulder_abd_{k}", 0.0))
        f[f"uarm_{k}"] = f["chest"].child((0, s(0.19), z * s(0.18)), sh)
        f[f"farm_{k}"] = f[f"uarm_{k}"].child((0, -s(0.29), 0), rz(g(f"elbow_flex_{k}", 0.0)))
        f[f"hand_{k}"] = f[f"farm_{k}"].child((0, -s(0.25), 0), np.eye(3))
        hip = (rz(g(f"hip_flex_{k}", 0.0)) @ rx(-z * g(f"hip_abd_{k}", 0.0))
               @ ry(z * g(f"hip_rot_{k}", 0.0)))
        f[f"thigh_{k}"] = f["pelvis"].child((0, 0, z * s(0.09)), hip)
        f[f"shin_{k}"] = f[f"thigh_{k}"].child((0, -s(0.43), 0), rz(-g(f"knee_flex_{k}", 0.0)))
        f[f"foot_{k}"] = f[f"shin_{k}"].child((0, -s(0.42), 0), rz(g(f"ankle_flex_{k}", 0.0)))
    return Skeleton(f, _landmarks(f, build), build)


def _landmarks(f: dict[str, Frame], build: Build) -> np.ndarray:
    """The 33 MediaPipe landmarks from the segment frames (left = -z side)."""
    s = build.s
    head = f["head"]
    c = (s(0.02), s(0.10), 0)  # head centre in the head frame

    def h(x, y, z):
        return head.at((c[0] + s(x), c[1] + s(y), s(z)))

    lm = np.zeros((N_LANDMARKS, 3))
    lm[INDEX["nose"]] = h(0.115, -0.005, 0)
    for side, z in (("left", -1.0), ("right", 1.0)):
        lm[INDEX[f"{side}_eye_inner"]] = h(0.095, 0.03, z * 0.018)
        lm[INDEX[f"{side}_eye"]] = h(0.09, 0.03, z * 0.035)
        lm[INDEX[f"{side}_eye_outer"]] = h(0.08, 0.03, z * 0.052)
        lm[INDEX[f"{side}_ear"]] = h(0.0, 0.0, z * 0.085)
        lm[INDEX[f"mouth_{side}"]] = h(0.095, -0.05, z * 0.025)
        k = side[0]
        lm[INDEX[f"{side}_shoulder"]] = f[f"uarm_{k}"].origin
        lm[INDEX[f"{side}_elbow"]] = f[f"farm_{k}"].origin
        lm[INDEX[f"{side}_wrist"]] = f[f"hand_{k}"].origin
        hand = f[f"hand_{k}"]
        lm[INDEX[f"{side}_index"]] = hand.at((s(0.015), -s(0.10), 0))
        lm[INDEX[f"{side}_pinky"]] = hand.at((-s(0.025), -s(0.085), 0))
        lm[INDEX[f"{side}_thumb"]] = hand.at((s(0.035), -s(0.06), -z * s(0.01)))
        lm[INDEX[f"{side}_hip"]] = f[f"thigh_{k}"].origin
        lm[INDEX[f"{side}_knee"]] = f[f"shin_{k}"].origin
        lm[INDEX[f"{side}_ankle"]] = f[f"foot_{k}"].origin
        foot = f[f"foot_{k}"]
        lm[INDEX[f"{side}_heel"]] = foot.at((-s(0.06), -s(0.05), 0))
        lm[INDEX[f"{side}_foot_index"]] = foot.at((s(0.17), -s(0.06), 0))
    return lm
