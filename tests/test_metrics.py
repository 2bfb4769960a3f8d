"""metrics.py: every metric on hand-built poses with known geometry."""

import math

import numpy as np
import pytest
try:  # tests/ as a package or as a plain folder on sys.path
    from .posebuild import FRONT, at as _at, flip_x, lunge as _lunge, make_pose, side_view
except ImportError:
    from posebuild import FRONT, at as _at, flip_x, lunge as _lunge, make_pose, side_view

from posecheck.measure import metrics
from posecheck.measure.metrics import METRICS, STANDARD_ANGLES, measure


def test_registry_names_units_and_order():
    assert STANDARD_ANGLES == ("hip_left", "hip_right", "knee_left", "knee_right",
                               "shoulder_left", "shoulder_right", "elbow_left", "elbow_right")
    assert list(METRICS)[:8] == list(STANDARD_ANGLES)
    assert all(info.unit in ("deg", "torso", "px", "ratio") and info.description for info in METRICS.values())
    values = measure(make_pose())
    assert set(values) == set(METRICS)


@pytest.mark.parametrize("deg", [45.0, 90.0, 135.0, 180.0])
def test_knee_angle_known(deg):
    hip, knee = (295.0, 280.0), (295.0, 370.0)
    ankle = _at(knee, 90.0 + deg, 80)  # thigh points up (90) from the knee
    values = measure(make_pose({"right_hip": hip, "right_knee": knee, "right_ankle": ankle}))
    assert values["knee_right"] == pytest.approx(deg, abs=0.01)
    assert values["knee_left"] == pytest.approx(180.0, abs=0.01)


def test_standing_front_angles():
    v = measure(make_pose())
    for joint in ("knee", "hip"):
        for side in ("left", "right"):
            assert v[f"{joint}_{side}"] == pytest.approx(180.0, abs=12.0)
    assert v["torso"] == pytest.approx(math.hypot(0, 130), abs=0.01)
    assert v["trunk_lean"] == pytest.approx(0.0, abs=0.01)
    assert v["hip_tilt"] == pytest.approx(0.0, abs=0.01)
    assert v["knees_apart"] == pytest.approx(50 / 130, abs=1e-6)
    assert v["nose_height"] == pytest.approx(50 / 130, abs=1e-6)
    assert v["knee_height"] == pytest.approx(-90 / 130, abs=1e-6)
    assert v["hips_to_heels"] == pytest.approx(180 / 130, abs=1e-6)


def test_mirrored_labels_swap_sided_values():
    pts = dict(FRONT) | {"right_knee": (280, 350), "right_ankle": (330, 400), "left_elbow": (400, 180)}
    pose = make_pose(pts, z={"left_knee": -0.1, "right_shoulder": 0.05})
    a, b = measure(pose), measure(pose.mirrored())
    signed_lr = ("knee_drop_left", "knee_drop_right")  # signed toward the person's left: flip sign too
    for name in METRICS:
        if "left" in name and name not in signed_lr:
            twin = name.replace("left", "right")
            assert b[name] == pytest.approx(a[twin], abs=1e-9, nan_ok=True), name
    assert b["knee_drop_left"] == pytest.approx(-a["knee_drop_right"], abs=1e-9)
    assert b["trunk_side_lean"] == pytest.approx(-a["trunk_side_lean"], abs=1e-9)
    assert b["knee_drop"] == pytest.approx(-a["knee_drop"], abs=1e-9)
    assert math.isfinite(a["trunk_side_lean"]) and math.isfinite(a["knee_drop_left"])


@pytest.mark.parametrize("name,unknown,known", [
    ("left_knee", ["knee_left", "hip_left", "thigh_raise_left", "ankle_to_knee_right", "hip_left_3d"],
     ["knee_right", "leg_raise_left", "hip_right"]),
    ("nose", ["nose_height"], ["neck_angle", "head_lift"]),
    ("left_wrist", ["elbow_left"], ["shoulder_left", "elbow_right"]),
])
def test_low_visibility_is_unknown(name, unknown, known):
    v = measure(make_pose(vis={name: 0.2}))
    for m in unknown:
        assert math.isnan(v[m]), m
    for m in known:
        assert math.isfinite(v[m]), m


def test_knee_min_is_the_more_bent_seen_knee():
    hip, knee = (295.0, 280.0), (295.0, 370.0)
    pose = make_pose({"right_hip": hip, "right_knee": knee, "right_ankle": _at(knee, 90.0 + 70.0, 80)})
    assert measure(pose)["knee_min"] == pytest.approx(70.0, abs=0.01)       # left straight (180)
    hidden = make_pose({"right_hip": hip, "right_knee": knee, "right_ankle": _at(knee, 90.0 + 70.0, 80)},
                       vis={"right_knee": 0.2})
    assert measure(hidden)["knee_min"] == pytest.approx(180.0, abs=12.0)    # the one seen
    assert math.isnan(measure(make_pose(vis={"left_knee": 0.2, "right_knee": 0.2}))["knee_min"])


def test_min_visibility_threshold():
    pose = make_pose(vis={"left_knee": 0.6})
    assert math.isfinite(measure(pose)["knee_left"])
    assert math.isnan(measure(pose, min_visibility=0.7)["knee_left"])


def _supine(leg_deg: float, head_left: bool = True) -> dict:
    """Lying on the back, head at image left, right leg raised leg_deg from the floor."""
    hip = (300.0, 380.0)
    pts = {"left_shoulder": (170, 378), "right_shoulder": (170, 380), "left_hip": (300, 378),
           "right_hip": hip, "left_knee": (400, 378), "right_knee": _at(hip, leg_deg, 100),
           "left_ankle": (480, 378), "right_ankle": _at(hip, leg_deg, 180),
           "left_heel": (490, 380), "right_heel": _at(hip, leg_deg, 190),
           "nose": (105, 360), "left_ear": (120, 372), "right_ear": (120, 374),
           "left_elbow": (240, 380), "right_elbow": (240, 381), "left_wrist": (300, 385), "right_wrist": (300, 386)}
    pts = dict(FRONT) | pts
    return pts if head_left else flip_x(pts)


@pytest.mark.parametrize("head_left", [True, False])
@pytest.mark.parametrize("deg", [0.0, 30.0, 60.0, 90.0, 110.0])
def test_leg_raise_supine(deg, head_left):
    v = measure(make_pose(_supine(deg, head_left)))
    assert v["leg_raise_right"] == pytest.approx(deg, abs=0.01)
    assert v["thigh_raise_right"] == pytest.approx(deg, abs=0.01)
    assert v["leg_raise_left"] == pytest.approx(0.0, abs=1.0)
    assert v["knee_right"] == pytest.approx(180.0, abs=0.01)
    assert v["foot_lift_right"] == pytest.approx(180 * math.sin(math.radians(deg)) / 130, abs=0.02)


@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize("back_deg", [0.0, 15.0, 30.0])
@pytest.mark.parametrize("face_seen", [True, False])
def test_hip_ext_sign_lunge(facing, back_deg, face_seen):
    vis = {} if face_seen else {n: 0.1 for n in ("nose", "left_ear", "right_ear")}
    v = measure(make_pose(_lunge(facing, back_deg), vis=vis))
    assert v["hip_ext_right"] == pytest.approx(back_deg, abs=0.5)   # thigh behind: extension, +
    assert v["hip_ext_left"] == pytest.approx(-90.0, abs=1.0)       # thigh ahead: flexion, -
    assert v["knee_left"] == pytest.approx(90.0, abs=0.5)


@pytest.mark.parametrize("facing", [1, -1])
def test_hip_ext_standing_is_zero(facing):
    v = measure(make_pose(side_view(facing)))
    assert v["hip_ext_left"] == pytest.approx(0.0, abs=1.5)
    assert v["hip_ext_right"] == pytest.approx(0.0, abs=1.5)


def test_hip_ext_unknown_without_facing():
    # front view, face hidden, legs alike: no way to tell front from back
    v = measure(make_pose(vis={"nose": 0.0}))
    assert math.isnan(v["hip_ext_left"]) and math.isnan(v["hip_ext_right"])


@pytest.mark.parametrize("deg", [0.0, 20.0, 45.0, 90.0, 135.0])
def test_trunk_lean(deg):
    hip = (320.0, 280.0)
    sh = _at(hip, 90 - deg, 130)
    pts = {"left_shoulder": (sh[0] + 1, sh[1]), "right_shoulder": (sh[0] - 1, sh[1]),
           "left_hip": (hip[0] + 1, hip[1]), "right_hip": (hip[0] - 1, hip[1])}
    assert measure(make_pose(pts))["trunk_lean"] == pytest.approx(deg, abs=0.01)


@pytest.mark.parametrize("lean", [-30.0, -10.0, 0.0, 10.0, 25.0])
@pytest.mark.parametrize("facing_camera", [True, False])
def test_trunk_side_lean_front_view(lean, facing_camera):
    # facing the camera the person's left is image right (+x); from behind it is image left
    to_left = 1 if facing_camera else -1
    mid_hip = np.array([320.0, 280.0])
    mid_sh = mid_hip + 130 * np.array([to_left * math.sin(math.radians(lean)), -math.cos(math.radians(lean))])
    pts = {"left_hip": tuple(mid_hip + (25 * to_left, 0)), "right_hip": tuple(mid_hip - (25 * to_left, 0)),
           "left_shoulder": tuple(mid_sh + (40 * to_left, 0)), "right_shoulder": tuple(mid_sh - (40 * to_left, 0))}
    assert measure(make_pose(pts))["trunk_side_lean"] == pytest.approx(lean, abs=0.01)


def test_front_view_known_from_the_shoulders_when_the_hip_line_flickers_narrow():
    # MediaPipe's hips sometimes read 0.15-0.25 torso apart in a front view; shoulders 0.6-0.8
    mid_hip, mid_sh = np.array([320.0, 280.0]), np.array([320.0 + 130 * math.sin(0.3), 280.0 - 130 * math.cos(0.3)])
    pts = {"left_hip": tuple(mid_hip + (13, 0)), "right_hip": tuple(mid_hip - (13, 0)),   # 0.2 torso
           "left_shoulder": tuple(mid_sh + (45, 0)), "right_shoulder": tuple(mid_sh - (45, 0))}  # 0.69
    assert measure(make_pose(pts))["trunk_side_lean"] == pytest.approx(math.degrees(0.3), abs=0.01)
    pts["left_shoulder"], pts["right_shoulder"] = tuple(mid_sh + (30, 0)), tuple(mid_sh - (30, 0))  # 0.46
    assert math.isnan(measure(make_pose(pts))["trunk_side_lean"])


def test_hip_tilt():
    v = measure(make_pose({"left_hip": (345, 270), "right_hip": (295, 280)}))
    assert v["hip_tilt"] == pytest.approx(math.degrees(math.atan2(10, 50)), abs=0.01)


def _plank(drop_px: float) -> dict:
    """Horizontal plank, head at image left; hips moved drop_px down (+) or up (-)."""
    pts = {}
    for s, dy in (("left", 0), ("right", 1)):
        pts |= {f"{s}_shoulder": (150, 300 + dy), f"{s}_hip": (300, 300 + dy + drop_px),
                f"{s}_knee": (400, 300 + dy + drop_px / 2), f"{s}_ankle": (500, 300 + dy),
                f"{s}_heel": (505, 295 + dy)}
    return dict(FRONT) | pts


@pytest.mark.parametrize("drop", [-40.0, -10.0, 0.0, 10.0, 40.0])
def test_body_line_and_hip_sag(drop):
    v = measure(make_pose(_plank(drop)))
    sh, hip, ankle = np.array([150, 300.5]), np.array([300, 300.5 + drop]), np.array([500, 300.5])
    u, w = sh - hip, ankle - hip
    expected = math.degrees(math.acos(u @ w / np.linalg.norm(u) / np.linalg.norm(w)))
    assert v["body_line"] == pytest.approx(expected, abs=0.01)
    assert v["hip_sag"] == pytest.approx(math.copysign(180 - expected, drop), abs=0.01)


@pytest.mark.parametrize("lift", [0.0, 60.0, 100.0])
def test_bridge(lift):
    # on the back, head at image left, knees bent, hips lifted `lift` px
    pts = dict(FRONT) | {"left_shoulder": (150, 380), "right_shoulder": (150, 382),
                         "left_hip": (300, 380 - lift), "right_hip": (300, 382 - lift),
                         "left_knee": (420, 300), "right_knee": (420, 302)}
    v = measure(make_pose(pts, z={n: -0.1 for n in ("left_shoulder", "left_hip", "left_knee", "left_ankle")}))
    torso = math.hypot(150, lift)
    assert v["hip_lift"] == pytest.approx(lift / torso, abs=1e-6)
    expected = float(np.degrees(np.arccos(np.dot(
        np.array([-150, lift]) / torso,
        np.array([120, -80 + lift]) / math.hypot(120, -80 + lift)))))
    assert v["bridge_line"] == pytest.approx(expected, abs=0.01)
    assert v["bridge_line"] == pytest.approx(v["hip_left"], abs=1e-9)  # near side = left


def test_head_lift_and_neck():
    lying = _supine(0.0)
    flat = measure(make_pose(lying))
    raised = measure(make_pose(lying | {"left_ear": (130, 330), "right_ear": (130, 332), "nose": (120, 315)}))
    assert flat["head_lift"] == pytest.approx((380 - 372) / 130, abs=0.01)
    assert raised["head_lift"] == pytest.approx((380 - 330) / 130, abs=0.01)
    assert raised["neck_angle"] < flat["neck_angle"] - 20


def test_figure_four_and_knees():
    pts = dict(FRONT) | {"left_ankle": (300, 372), "left_knee": (380, 330)}
    v = measure(make_pose(pts))
    assert v["ankle_to_knee_left"] == pytest.approx(math.hypot(5, 2) / 130, abs=1e-6)
    assert v["ankle_to_knee_right"] == pytest.approx(math.hypot(85, 120) / 130, abs=1e-6)


@pytest.mark.parametrize("spread", [0.0, 40.0, 90.0, 140.0])
def test_knee_spread(spread):
    half = spread / 2
    pts = {"left_knee": _at((345, 280), -90 + half, 90), "right_knee": _at((295, 280), -90 - half, 90)}
    assert measure(make_pose(pts))["knee_spread"] == pytest.approx(spread, abs=0.01)


@pytest.mark.parametrize("drop", [-60.0, -20.0, 0.0, 30.0, 75.0])
def test_knee_drop_world(drop):
    # world: x = person's left (shoulder axis), knees up and toward the feet, then dropped
    r = math.radians(drop)
    thigh = np.array([math.sin(r), -0.6 * math.cos(r), -0.8 * math.cos(r)]) * 0.45
    world = {"left_shoulder": (0.2, 0.0, -0.5), "right_shoulder": (-0.2, 0.0, -0.5),
             "left_hip": (0.1, 0.0, 0.0), "right_hip": (-0.1, 0.0, 0.0),
             "left_knee": tuple(np.array([0.1, 0, 0]) + thigh), "right_knee": tuple(np.array([-0.1, 0, 0]) + thigh)}
    v = measure(make_pose(world=world))
    assert v["knee_drop"] == pytest.approx(drop, abs=0.01)
    assert v["knee_drop_left"] == pytest.approx(drop, abs=0.01)
    assert v["knee_drop_right"] == pytest.approx(drop, abs=0.01)


def test_front_view_metrics_unknown_in_side_view():
    v = measure(make_pose(side_view(1)))
    assert math.isnan(v["trunk_side_lean"]) and math.isnan(v["hip_tilt"])


def test_3d_angles_from_world():
    world = {"left_hip": (0.1, 0, 0), "left_knee": (0.1, 0.0, -0.4), "left_ankle": (0.1, 0.4, -0.4),
             "left_shoulder": (0.1, -0.5, 0)}
    v = measure(make_pose(world=world))
    assert v["knee_left_3d"] == pytest.approx(90.0, abs=0.01)
    assert v["hip_left_3d"] == pytest.approx(90.0, abs=0.01)


def test_measure_is_fast():
    pose = make_pose()
    import time
    t0 = time.perf_counter()
    for _ in range(200):
        metrics.measure(pose)
    per_call_ms = (time.perf_counter() - t0) / 200 * 1e3
    assert per_call_ms < 3.0  # generous: ~0.5 ms on the dev machine; catches an accidental slow path
