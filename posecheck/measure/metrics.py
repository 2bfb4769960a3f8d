"""Every metric posecheck judges, measured from one `Pose`: `measure(pose) -> {name: value}`.

Conventions: sides are the person's anatomical sides; angles are degrees; lengths are
in torso lengths (mid-shoulder to mid-hip distance in pixels, itself the `torso`
metric); image y points DOWN, so "height" metrics are differences of y with the sign
flipped ("+ = higher in the picture"). A landmark seen with visibility below
`min_visibility` is unknown: every metric that needs it is nan, never a guess. A
"mid" point (mid-hip, mid-shoulder, ...) is the midpoint of the pair, or the one
landmark of the pair that is seen (in a side view the two nearly coincide).
`METRICS` documents every name with its unit; the catalogue is validated against it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from posecheck.measure.geometry import (angle_between, elevation, from_horizontal,
                       from_vertical, nanmid, unit)
from posecheck.measure import partner
from posecheck.pose.landmarks import INDEX, Pose
from posecheck.measure.orientation import features as orientation_features
from posecheck.measure.sides import facing_x, near_side

SIDES = ("left", "right")
FRONT_HIP_WIDTH = 0.3  # hip line / torso at or above this: a front view (side views measured <= 0.25)
FRONT_SHOULDER_WIDTH = 0.55  # ... or the shoulder line: MediaPipe's hip line alone flickers to
                             # 0.15-0.25 torso in a front view, its shoulders stay 0.6-0.8
STANDARD_ANGLES = ("hip_left", "hip_right", "knee_left", "knee_right",
                   "shoulder_left", "shoulder_right", "elbow_left", "elbow_right")


@dataclass(frozen=True)
class MetricInfo:
    unit: str          # "deg", "torso" (torso lengths), "px" or "ratio" (-1..1)
    description: str
    # still below this per second (coach/settle.py); None: the unit's limit. For a metric
    # whose whole range is small next to its unit's limit
    still_per_s: float | None = None


def _sided(template: str, unit: str, text: str) -> dict[str, MetricInfo]:
    return {template.format(side=s, other=o): MetricInfo(unit, text.format(side=s, other=o))
            for s, o in (("left", "right"), ("right", "left"))}


def _registry() -> dict[str, MetricInfo]:
    m: dict[str, MetricInfo] = {}
    for joint, (a, c, straight) in {
        "hip": ("shoulder", "knee", "trunk and thigh in one line"),
        "knee": ("hip", "ankle", "leg straight"),
        "shoulder": ("hip", "elbow", "arm overhead in line with the trunk"),
        "elbow": ("shoulder", "wrist", "arm straight"),
    }.items():
        m |= _sided(f"{joint}_{{side}}", "deg",
                    f"2D interior angle {a}-{joint}-{c}, {{side}} side; 180 = {straight}")
    m = {n: m[n] for n in STANDARD_ANGLES}
    m |= _sided("hip_flexion_{side}", "deg",
                "180 - hip_{side}: the thigh from the trunk line, 0 in line, 90 square to the trunk (flexion "
                "only: an extended hip reads small too)")
    m |= _sided("hip_{side}_3d", "deg", "3D (world) interior angle shoulder-hip-knee, {side} side")
    m |= _sided("hip_flexion_{side}_3d", "deg", "180 - hip_{side}_3d: hip flexion from the world landmarks "
                "(seen obliquely, e.g. the figure-4 from above the feet)")
    m |= _sided("knee_{side}_3d", "deg", "3D (world) interior angle hip-knee-ankle, {side} side")
    m |= _sided("leg_raise_{side}", "deg",
                "{side} hip->ankle line above the image horizontal: 0 leg on the floor, 90 vertical, "
                ">90 past vertical toward the head (lying: 'ahead' is the feet's side of the hips)")
    m |= _sided("thigh_raise_{side}", "deg", "as leg_raise but for the {side} hip->knee line (thigh)")
    m |= _sided("hip_ext_{side}", "deg",
                "signed {side} hip angle between the trunk line (mid-shoulder->mid-hip, continued) and the "
                "thigh (mid-hip->{side} knee): + thigh behind the trunk line (extension), - in front, 0 upright")
    m |= _sided("pelvis_shift_{side}", "torso",
                "mid-hip ahead of the {side} knee along the facing direction (+ hips forward of that knee; "
                "half-kneeling upright ~0); nan when the facing is unknown")
    # still_per_s: the shift spans ~0.2-0.5 torso lengths; at the unit's 0.25/s the last third
    # of a 1.5 s move into a shallow lunge read as settled (hold 0.6 s early); at 0.15/s every
    # rendered lunge's edges are within 0.3 s (docs/ACCURACY.md)
    m["kneel_shift"] = MetricInfo("torso", "mid-hip ahead of the LOWER knee along the facing direction "
                                  "(half-kneeling: the kneeling knee, whatever its label); nan when the facing is unknown",
                                  still_per_s=0.15)
    m |= _sided("foot_lift_{side}", "torso", "height of the {side} ankle above the mid-hip (lying: ~0 on the floor)")
    m |= _sided("knee_drop_{side}", "deg", "as knee_drop for the {side} thigh alone (single-knee twist)")
    m |= _sided("forearm_rise_{side}", "deg", "{side} elbow->wrist line from the image horizontal, acute: "
                "~0 forearm flat (on the floor: forearm plank), ~90 upright (push-up)")
    m |= _sided("shin_across_{side}", "deg", "world: {side} shin (knee->ankle) out of the sagittal plane, unsigned; "
                "~0 in the plane, 30+ crossed over the other thigh (figure-4)")
    m |= _sided("ankle_to_knee_{side}", "torso", "distance from the {side} ankle to the {other} knee (figure-4)")
    m |= {
        "torso": MetricInfo("px", "mid-shoulder to mid-hip distance, the unit of every length"),
        "trunk_lean": MetricInfo("deg", "mid-hip->mid-shoulder line from vertical: 0 upright, 90 horizontal"),
        "trunk_side_lean": MetricInfo("deg", "front view: trunk lean from vertical toward the person's left (+) or "
                                             "right (-); nan unless the hips (>= 0.3 torso) or shoulders (>= 0.55) are apart along x"),
        "hip_tilt": MetricInfo("deg", "front view: hip line (left->right hip) from horizontal, absolute; 0 level; "
                                      "nan unless the hips (>= 0.3 torso) or shoulders (>= 0.55) are apart along x"),
        "body_line": MetricInfo("deg", "interior angle mid-shoulder - mid-hip - mid-ankle; 180 straight"),
        "hip_sag": MetricInfo("deg", "180 - body_line, + when the hips are below the shoulder-ankle line (sag), - piked"),
        "bridge_line": MetricInfo("deg", "interior angle shoulder-hip-knee of the near side (mean if unclear); 180 one line"),
        "hip_lift": MetricInfo("torso", "mid-hip height above mid-shoulder (+ hips above shoulders: bridge up)"),
        "head_lift": MetricInfo("torso", "lying: height of the highest of mid-shoulder and ears above the mid-hip"),
        "knees_apart": MetricInfo("torso", "distance between the knees"),
        "knee_min": MetricInfo("deg", "the more bent knee: the smaller of the seen knee angles (a hidden far "
                                      "knee is often misread, the near one is not)"),
        "knee_drop": MetricInfo("deg", "supine twist: thighs (hip->knee, world) out of the body's sagittal plane, asin of "
                                       "their dot with the shoulder axis (hip axis if unseen), mean of the seen sides; "
                                       "+ toward the person's left"),
        "knee_height": MetricInfo("torso", "mid-knee height above the mid-hip (knees up ~0.5+, dropped ~0)"),
        "hips_to_heels": MetricInfo("torso", "distance mid-hip to mid-heel (child's pose: small = sitting on heels)"),
        "neck_angle": MetricInfo("deg", "interior angle ear-shoulder-hip of the near side (mean if unclear)"),
        "nose_height": MetricInfo("torso", "nose height above mid-shoulder: + head up (cow), - head down (cat)"),
        "knee_spread": MetricInfo("deg", "angle between the two thighs (hip->knee vectors), 2D: butterfly knees out"),
        # posture (which position the body is in), for `--stretch auto`
        "hip_floor": MetricInfo("torso", "mid-hip height above the lowest seen landmark (~the floor): "
                                         "lying ~0, seated/kneeling ~0.3-1, standing ~1.5+"),
        "shoulder_floor": MetricInfo("torso", "mid-shoulder height above the lowest seen landmark"),
        "body_width": MetricInfo("torso", "mean 2D shoulder and hip widths: side view <~0.35, front >~0.55"),
        "body_yaw": MetricInfo("deg", "mean angle of the world shoulder and hip axes out of the image plane: "
                                      "0 facing the camera (front view), 90 side view"),
    }
    # orientation (measure.orientation): where the face and chest point, how steep the trunk is
    m |= {
        "facing_up": MetricInfo("ratio", "world: face and chest direction's upward part, +1 face up, -1 face down"),
        "face_up": MetricInfo("ratio", "world: ears->nose direction's upward part (+1 face up)"),
        "chest_up": MetricInfo("ratio", "world: chest normal's upward part (+1 face up; flips with left/right)"),
        "trunk_rise": MetricInfo("deg", "world: mid-hip->mid-shoulder above the horizontal; 90 upright, 0 lying, "
                                        "- head below the hips"),
        "trunk_bend_forward": MetricInfo("deg", "world: the trunk's tilt from vertical toward the front (a hinge), "
                                                "unsigned"),
        "trunk_bend_side": MetricInfo("deg", "world: the trunk's tilt from vertical toward a side (a side bend), "
                                             "unsigned"),
    }
    m |= _sided("knee_floor_{side}", "torso", "{side} knee height above the lowest seen landmark "
                "(half-kneeling: back knee ~0, front knee ~a shin length)")
    m |= {n: MetricInfo("torso", text) for n, text in partner.DESCRIPTIONS.items()}  # helper_metrics()
    return m


METRICS: dict[str, MetricInfo] = _registry()


_PAIRED = ("shoulder", "hip", "knee", "ankle", "heel", "ear")
# Point table rows: the 33 landmarks, then the "mid_<part>" points.
_ROW = {**INDEX, **{f"mid_{part}": len(INDEX) + i for i, part in enumerate(_PAIRED)}}
_L = np.array([INDEX[f"left_{part}"] for part in _PAIRED])
_R = np.array([INDEX[f"right_{part}"] for part in _PAIRED])


def _vectors(pairs: dict[str, tuple[str, str, str, str]]) -> tuple[list[str], np.ndarray]:
    """Names and (n, 4) row indices of vector pairs (u_from, u_to, v_from, v_to)."""
    return list(pairs), np.array([[_ROW[q] for q in quad] for quad in pairs.values()])


def _interior(a: str, vertex: str, c: str) -> tuple[str, str, str, str]:
    return (vertex, a, vertex, c)


def _angle_table() -> dict[str, tuple[str, str, str, str]]:
    t = {}
    for joint, (a, c) in {"hip": ("shoulder", "knee"), "knee": ("hip", "ankle"),
                          "shoulder": ("hip", "elbow"), "elbow": ("shoulder", "wrist")}.items():
        for s in SIDES:
            t[f"{joint}_{s}"] = _interior(f"{s}_{a}", f"{s}_{joint}", f"{s}_{c}")
    for s in SIDES:
        t[f"neck_{s}"] = _interior(f"{s}_ear", f"{s}_shoulder", f"{s}_hip")
        # trunk line continued through the hip vs the thigh: magnitude of hip_ext. The thigh starts
        # at the mid-hip: side-on MediaPipe spreads the two hips ~4 px apart along the body where
        # they overlap, which cost the near thigh 2-6 degrees on the rendered lunges
        t[f"hip_ext_{s}"] = ("mid_shoulder", "mid_hip", "mid_hip", f"{s}_knee")
    t["body_line"] = _interior("mid_shoulder", "mid_hip", "mid_ankle")
    t["knee_spread"] = ("left_hip", "left_knee", "right_hip", "right_knee")
    return t


_ANGLE_NAMES, _ANGLE_IDX = _vectors(_angle_table())
_ANGLE3D_NAMES, _ANGLE3D_IDX = _vectors(
    {f"{j}_{s}_3d": _interior(*(f"{s}_{q}" for q in parts))
     for j, parts in (("hip", ("shoulder", "hip", "knee")), ("knee", ("hip", "knee", "ankle")))
     for s in SIDES})
_RAISE_NAMES, _RAISE_IDX = _vectors(
    {f"{kind}_{s}": (f"{s}_hip", f"{s}_{end}", f"{s}_hip", f"{s}_{end}")
     for kind, end in (("leg_raise", "ankle"), ("thigh_raise", "knee")) for s in SIDES})

class _Points:
    """Point table: landmarks (unseen ones nan) and the mid points, image and world."""

    def __init__(self, pose: Pose, min_visibility: float):
        seen = (pose.visibility >= min_visibility)[:, None]
        xy = np.where(seen, pose.xy, np.nan)
        world = np.where(seen, pose.world, np.nan)
        self.xy = np.concatenate([xy, nanmid(xy[_L], xy[_R])])
        self.world = np.concatenate([world, nanmid(world[_L], world[_R])])

    def __call__(self, name: str) -> np.ndarray:
        return self.xy[_ROW[name]]

    def w(self, name: str) -> np.ndarray:
        return self.world[_ROW[name]]

    def y(self, name: str) -> float:
        return float(self.xy[_ROW[name], 1])

    def pair_angles(self, idx: np.ndarray, world: bool = False) -> np.ndarray:
        pts = self.world if world else self.xy
        return angle_between(pts[idx[:, 1]] - pts[idx[:, 0]], pts[idx[:, 3]] - pts[idx[:, 2]])

    def dist(self, a: str, b: str) -> float:
        d = self.xy[_ROW[a]] - self.xy[_ROW[b]]
        return math.hypot(float(d[0]), float(d[1]))


def measure(pose: Pose, min_visibility: float = 0.5) -> dict[str, float]:
    """All metrics of `METRICS` for this pose (nan = unknown)."""
    p = _Points(pose, min_visibility)
    torso = p.dist("mid_shoulder", "mid_hip")
    if not torso > 0:
        torso = math.nan
    near = near_side(pose, min_visibility)
    out: dict[str, float] = {"torso": torso}
    out |= dict(zip(_ANGLE_NAMES, p.pair_angles(_ANGLE_IDX).tolist()))
    out |= dict(zip(_ANGLE3D_NAMES, p.pair_angles(_ANGLE3D_IDX, world=True).tolist()))
    out |= {f"hip_flexion_{s}{d}": 180.0 - out[f"hip_{s}{d}"] for s in SIDES for d in ("", "_3d")}
    out["knee_min"] = float(np.fmin(out["knee_left"], out["knee_right"]))   # nan only if neither is seen
    out |= _raises(p, torso)
    out |= _hip_ext(pose, p, out, torso, min_visibility)
    out |= _trunk(p, out, torso)
    out |= _lying(p, out, torso, near)
    out |= _legs(p, torso)
    out |= _posture(pose, p, torso)
    out |= orientation_features(pose)
    return {name: float(out.get(name, math.nan)) for name in METRICS}


def _raises(p: _Points, torso: float) -> dict[str, float]:
    # "Ahead" for a lying person is the feet's side of the hips; an upright trunk
    # gives no such side, so the angle is then folded to [-90, 90].
    dx = float(p("mid_hip")[0] - p("mid_shoulder")[0])
    forward = (1.0 if dx > 0 else -1.0) if abs(dx) >= 0.5 * torso else None
    vec = p.xy[_RAISE_IDX[:, 1]] - p.xy[_RAISE_IDX[:, 0]]
    return dict(zip(_RAISE_NAMES, elevation(vec, forward).tolist()))


def _forward_x(pose: Pose, p: _Points, values: dict, torso: float, min_visibility: float) -> int:
    """Which image x direction the person faces: the face, else the forward leg."""
    face = facing_x(pose, min_visibility)
    if face:
        return face
    al, ar = values["knee_left"], values["knee_right"]
    kl, kr = p("left_knee"), p("right_knee")
    if abs(al - ar) >= 25:          # the forward leg of a lunge is the bent one...
        knee = kl if al < ar else kr
    elif abs(kl[1] - kr[1]) >= 0.15 * torso:  # ...or, half-kneeling, the raised knee
        knee = kl if kl[1] < kr[1] else kr
    else:
        return 0
    dx = float(knee[0] - p("mid_hip")[0])
    return 0 if not np.isfinite(dx) or dx == 0 else (1 if dx > 0 else -1)


def _hip_ext(pose: Pose, p: _Points, values: dict, torso: float, min_visibility: float) -> dict[str, float]:
    """Sign the hip_ext magnitudes: + when the thigh is behind the trunk line.

    "Behind" is opposite to where the person faces (`_forward_x`), measured across
    the trunk line; unknown facing, or a trunk lying along the facing direction, -> nan.
    """
    out = {f"hip_ext_{s}": math.nan for s in SIDES}
    fwd = _forward_x(pose, p, values, torso, min_visibility)
    out |= _pelvis_shift(p, fwd, torso)
    trunk = unit(p("mid_hip") - p("mid_shoulder"))
    if fwd == 0 or not np.isfinite(trunk).all():
        return out
    front = np.array([fwd, 0.0]) - fwd * trunk[0] * trunk  # facing direction, across the trunk
    if float(np.hypot(*front)) < 0.2:
        return out
    for s in SIDES:
        thigh = p(f"{s}_knee") - p(f"{s}_hip")
        out[f"hip_ext_{s}"] = -math.copysign(values[f"hip_ext_{s}"], float(thigh @ front))
    return out


def _pelvis_shift(p: _Points, fwd: int, torso: float) -> dict[str, float]:
    """Hips ahead of each knee along the facing x: a lunge's forward shift over the back knee,
    read from image x alone (no trunk line, no hip angle: MediaPipe's hip joint sits a few
    degrees off, the x of hip and knee much less)."""
    hip_x = float(p("mid_hip")[0])
    out = {f"pelvis_shift_{s}": (fwd * (hip_x - float(p(f"{s}_knee")[0])) / torso if fwd else math.nan)
           for s in SIDES}
    # a left/right label swap of the knees must not flip the lunge: the kneeling knee is the lower one
    yl, yr = p.y("left_knee"), p.y("right_knee")
    lower = "left" if yl > yr else "right" if yr > yl else None
    out["kneel_shift"] = out[f"pelvis_shift_{lower}"] if lower else math.nan
    return out


def _trunk(p: _Points, values: dict, torso: float) -> dict[str, float]:
    sh, hip = p("mid_shoulder"), p("mid_hip")
    up = sh - hip
    out = {"trunk_lean": float(from_vertical(up))}
    # Front-view metrics need the body square to the camera (hips or shoulders apart along x);
    # in a side view the hips overlap and the hip line's angle is noise.
    hip_line = p("left_hip") - p("right_hip")
    shoulder_x = abs(float((p("left_shoulder") - p("right_shoulder"))[0]))
    if abs(float(hip_line[0])) >= FRONT_HIP_WIDTH * torso or shoulder_x >= FRONT_SHOULDER_WIDTH * torso:
        # the hip labels say which image x direction is the person's left
        to_left = math.copysign(1.0, float(hip_line[0]))
        out["trunk_side_lean"] = math.degrees(math.atan2(up[0] * to_left, -up[1]))
        out["hip_tilt"] = float(from_horizontal(hip_line))
    d = p("mid_ankle") - sh
    down = np.array([-d[1], d[0]]) if d[0] >= 0 else np.array([d[1], -d[0]])  # normal with +y
    offset = float((hip - sh) @ down)
    body = values["body_line"]
    out["hip_sag"] = math.copysign(180.0 - body, offset) if np.isfinite(offset) else math.nan
    return out


def _near_value(values: dict[str, float], template: str, near: str | None) -> float:
    """The near side's value; the other side's if that one is unknown; the mean if no side is near."""
    vals = {s: values[template.format(s)] for s in SIDES}
    if near is not None:
        v = vals[near]
        return v if np.isfinite(v) else vals["right" if near == "left" else "left"]
    finite = [v for v in vals.values() if np.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.nan


def _lying(p: _Points, values: dict, torso: float, near: str | None) -> dict[str, float]:
    hip_y, sh_y = p.y("mid_hip"), p.y("mid_shoulder")
    out = {"bridge_line": _near_value(values, "hip_{}", near),
           "neck_angle": _near_value(values, "neck_{}", near),
           "hip_lift": (sh_y - hip_y) / torso,
           "nose_height": (sh_y - p.y("nose")) / torso}
    for s in SIDES:
        out[f"foot_lift_{s}"] = (hip_y - p.y(f"{s}_ankle")) / torso
    tops = [y for y in (sh_y, p.y("left_ear"), p.y("right_ear")) if np.isfinite(y)]
    out["head_lift"] = (hip_y - min(tops)) / torso if tops else math.nan
    return out


def _legs(p: _Points, torso: float) -> dict[str, float]:
    out = {f"forearm_rise_{s}": float(from_horizontal(p(f"{s}_wrist") - p(f"{s}_elbow"))) for s in SIDES}
    out |= {"knees_apart": p.dist("left_knee", "right_knee") / torso,
           "knee_height": (p.y("mid_hip") - p.y("mid_knee")) / torso,
           "hips_to_heels": p.dist("mid_hip", "mid_heel") / torso,
           "ankle_to_knee_left": p.dist("left_ankle", "right_knee") / torso,
           "ankle_to_knee_right": p.dist("right_ankle", "left_knee") / torso}
    return out | _knee_drops(p)


def _knee_drops(p: _Points) -> dict[str, float]:
    """Thighs out of the sagittal plane (world), + toward the person's left.

    The reference is the shoulder axis: in the twist the pelvis rolls with the knees
    while the shoulders stay flat, so the hip axis would under-read the drop.
    """
    axis = unit(p.w("left_shoulder") - p.w("right_shoulder"))
    if not np.isfinite(axis).all():
        axis = unit(p.w("left_hip") - p.w("right_hip"))
    out = {}
    for s in SIDES:
        dot = float(np.clip(unit(p.w(f"{s}_knee") - p.w(f"{s}_hip")) @ axis, -1.0, 1.0))
        out[f"knee_drop_{s}"] = math.degrees(math.asin(dot)) if np.isfinite(dot) else math.nan
    # both thighs: the mean of the known sides (a mid-knee from one knee would be
    # measured from the mid-hip, half a pelvis away, and read a false drop)
    out["knee_drop"] = _near_value(out, "knee_drop_{}", None)
    for s in SIDES:   # the shins the same way: a figure-4's crossed shin lies across the body
        dot = float(np.clip(unit(p.w(f"{s}_ankle") - p.w(f"{s}_knee")) @ axis, -1.0, 1.0))
        out[f"shin_across_{s}"] = abs(math.degrees(math.asin(dot))) if np.isfinite(dot) else math.nan
    return out


def _posture(pose: Pose, p: _Points, torso: float) -> dict[str, float]:
    """Heights above the lowest seen landmark (the floor, when the feet or the body lie on it)
    and the body's width and yaw: enough to tell lying, seated, kneeling and standing apart,
    and a front view from a side view."""
    ys = p.xy[: len(INDEX), 1]
    if not np.isfinite(ys).any():
        return {}
    floor = float(np.nanmax(ys))
    out = {"hip_floor": (floor - p.y("mid_hip")) / torso,
           "shoulder_floor": (floor - p.y("mid_shoulder")) / torso}
    for s in SIDES:
        out[f"knee_floor_{s}"] = (floor - p.y(f"{s}_knee")) / torso
    widths = (p.dist("left_shoulder", "right_shoulder"), p.dist("left_hip", "right_hip"))
    out["body_width"] = float(np.mean(widths)) / torso
    # the world axes are estimated even for a hidden far side, so they are read unfiltered
    yaws = []
    for a, b in (("left_shoulder", "right_shoulder"), ("left_hip", "right_hip")):
        d = pose.world[INDEX[a]] - pose.world[INDEX[b]]
        if np.isfinite(d).all() and math.hypot(d[0], d[2]) > 0:
            yaws.append(math.degrees(math.atan2(abs(d[2]), abs(d[0]))))
    out["body_yaw"] = float(np.mean(yaws)) if yaws else math.nan
    return out
