"""The legs of a person lying on their back, one raised straight: which label is which.

MediaPipe tells a lying person's legs apart poorly when one is raised (seen side-on the
two hips project onto one point): it labels the raised leg as the other one, or puts the
resting leg's landmarks on or beside the raised one. These pure functions name the raised leg by label,
exchange the legs' labels (the rest of the body keeps its own) and mark a leg unseen.
Which leg *should* be raised is decided by run/people.py (the one the helper lifts).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from posecheck.pose.landmarks import INDEX, LANDMARKS, Pose

LEG_PARTS = ("hip", "knee", "ankle", "heel", "foot_index")
RAISED_HIP = 150.0     # deg: a hip flexed below this lifts its leg off the floor
STRAIGHT_KNEE = 140.0  # deg: a knee above this is straight (a raised leg, not a knee hug)
APART = 40.0           # deg of hip angle between a raised leg and a resting one
MIN_APART = 10.0       # deg between two raised legs for one to count as the higher
FIRST_FRAME = 1e-3     # s: a hold that hides a landmark's first frame seen again only

_SWAP = np.array([INDEX[n.replace("left", "@").replace("right", "left").replace("@", "right")]
                  if any(n.endswith(p) for p in LEG_PARTS) else i for i, n in enumerate(LANDMARKS)])


def legs_swapped(pose: Pose) -> Pose:
    """The pose with the two legs' labels exchanged; shoulders, arms and face as they were."""
    return replace(pose, xy=pose.xy[_SWAP], xy_norm=pose.xy_norm[_SWAP], world=pose.world[_SWAP],
                   visibility=pose.visibility[_SWAP], presence=pose.presence[_SWAP])


def leg_hidden(pose: Pose, side: str) -> Pose:
    """The pose with one leg below the hip unseen (visibility 0): its place is unknown."""
    vis = pose.visibility.copy()
    vis[[INDEX[f"{side}_{p}"] for p in LEG_PARTS[1:]]] = 0.0
    return replace(pose, visibility=vis)


def _angle(pose: Pose, a: str, b: str, c: str) -> float:
    # pose/ sits below measure/ (tests/test_layers.py), so not measure.geometry.angle_at
    u, v = pose.point(a) - pose.point(b), pose.point(c) - pose.point(b)
    cos = float(u @ v) / max(float(np.linalg.norm(u) * np.linalg.norm(v)), 1e-9)
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def _raised_straight(pose: Pose, side: str) -> bool:
    return (hip_angle(pose, side) < RAISED_HIP
            and _angle(pose, f"{side}_hip", f"{side}_knee", f"{side}_ankle") > STRAIGHT_KNEE)


def hip_angle(pose: Pose, side: str) -> float:
    """Shoulder-hip-knee angle in the picture, degrees (180: the leg in line with the trunk)."""
    return _angle(pose, f"{side}_shoulder", f"{side}_hip", f"{side}_knee")


def raised_label(pose: Pose) -> str | None:
    """The label of the leg raised straight and higher than the other (hip angles APART or
    more; with both raised, MIN_APART), None when neither is or they are level."""
    hips = {s: hip_angle(pose, s) for s in ("left", "right")}
    for side, other in (("left", "right"), ("right", "left")):
        both = hips[other] < RAISED_HIP
        if _raised_straight(pose, side) and hips[other] - hips[side] >= (MIN_APART if both else APART):
            return side
    return None


def straight_leg_up(pose: Pose) -> bool:
    """A leg raised straight (a straight-leg raise, not both knees hugged)."""
    return _raised_straight(pose, "left") or _raised_straight(pose, "right")


_LEG_IDX = np.array([INDEX[f"{s}_{p}"] for s in ("left", "right") for p in LEG_PARTS])


def leg_holds(left_s: float, right_s: float) -> np.ndarray:
    """Per leg landmark (the order `LegTrust` uses), the hold of its side's leg."""
    return np.array([left_s] * len(LEG_PARTS) + [right_s] * len(LEG_PARTS))


class LegTrust:
    """Which leg landmarks count, beside a helper. MediaPipe puts a leg the helper hides
    somewhere wrong, with a high visibility: the far leg for runs of up to 0.7 s (the
    knees-to-chest partner clips: hip 100-125° against 59-62°), the near ankle on the
    helper's hand (75 px from where it is, at 480x360). So a leg landmark seen again after
    being unseen counts after its side's hold (`leg_holds`; FIRST_FRAME: that frame only),
    and one that jumps from where it last counted faster than JUMP_TORSO_PER_S (and by
    more than JUMP_MIN_TORSO) counts once a leg could have got there at that speed and
    `jump_hold_s` after: the further the jump, the longer it waits."""

    JUMP_TORSO_PER_S = 3.0   # torso lengths per second; a swung leg measured under 1.5
    JUMP_MIN_TORSO = 0.5     # below this a move is jitter, however short the frame gap

    def __init__(self, jump_hold_s: float) -> None:
        self.jump_hold_s = jump_hold_s
        self._since = None      # per leg landmark: seen since (s), NaN while unseen
        self._hold = None       # per leg landmark: the hold its present sighting needs
        self._xy = None         # per leg landmark: where it last counted, and when
        self._t = None

    def reset(self) -> None:
        """No pose on this frame: what is seen on the next counts at once."""
        self._since = None

    def apply(self, pose: Pose, hold_s: np.ndarray, min_visibility: float = 0.5) -> Pose:
        seen = pose.visibility[_LEG_IDX] >= min_visibility
        xy = pose.xy[_LEG_IDX]
        if self._since is None:
            self._since, self._hold = np.where(seen, -np.inf, np.nan), hold_s.astype(float)
            self._xy, self._t = xy.copy(), np.full(len(_LEG_IDX), pose.t_s)
        torso = max(pose.torso_px(), 1.0)
        jumped = seen & self._jumped(xy, pose.t_s, torso)
        fresh = seen & (np.isnan(self._since) | jumped)
        self._hold = np.where(jumped, self.jump_hold_s, np.where(fresh, hold_s, self._hold))
        self._since = np.where(seen, np.where(fresh, pose.t_s, self._since), np.nan)
        young = seen & (pose.t_s - self._since < self._hold)
        counts = seen & ~young
        self._xy[counts], self._t[counts] = xy[counts], pose.t_s
        if not young.any():
            return pose
        vis = pose.visibility.copy()
        vis[_LEG_IDX[young]] = 0.0
        return replace(pose, visibility=vis)

    def _jumped(self, xy: np.ndarray, t_s: float, torso: float) -> np.ndarray:
        """Moved from where it last counted faster than a leg swings (and beyond jitter)."""
        gap = np.maximum(t_s - self._t, 1e-3)
        moved = np.linalg.norm(xy - self._xy, axis=1) / torso
        return moved > np.maximum(self.JUMP_MIN_TORSO, self.JUMP_TORSO_PER_S * gap)
