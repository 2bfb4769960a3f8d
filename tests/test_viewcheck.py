"""viewcheck.py: set-up problems found on hand-built poses."""

import pytest
try:  # tests/ as a package or as a plain folder on sys.path
    from .posebuild import FRONT, lunge, make_pose, side_view
except ImportError:
    from posebuild import FRONT, lunge, make_pose, side_view

from posecheck.measure.viewcheck import ViewLimits, body_size, check_view, detect_view


def _ids(check):
    return [pid for pid, _ in check.problems]


def test_front_view_ok():
    check = check_view(make_pose(), "front")
    assert check.ok and check.problems == [] and check.view == "front"
    assert check.size == pytest.approx((465 - 92) / 480, abs=1e-6)


def test_side_view_ok():
    check = check_view(make_pose(lunge(-1)), "side")
    assert check.ok, check.problems
    assert check.view == "side"


@pytest.mark.parametrize("expected,pose_pts,problem", [
    ("side", FRONT, "turn_side"),
    ("front", side_view(1), "turn_front"),
])
def test_wrong_view(expected, pose_pts, problem):
    check = check_view(make_pose(pose_pts), expected)
    assert not check.ok and _ids(check) == [problem]


def test_any_view_accepts_both():
    assert check_view(make_pose(), "any").ok
    assert check_view(make_pose(side_view(1)), "any").ok


def test_view_from_world_when_2d_is_unclear():
    # shoulders/hips 45% of the torso wide in 2D (between the thresholds): world axis decides
    pts = {"left_shoulder": (360, 150), "right_shoulder": (280, 150), "left_hip": (340, 280), "right_hip": (300, 280)}
    side_z = {"left_shoulder": -0.4, "right_shoulder": 0.4, "left_hip": -0.2, "right_hip": 0.2}  # ~69 deg
    assert detect_view(make_pose(pts, z=side_z)) == "side"
    assert detect_view(make_pose(pts)) == "front"


@pytest.mark.parametrize("moved,problem,text", [
    ({"left_ankle": (345, 490), "left_heel": (345, 500)}, "feet_out", "feet are out of frame (bottom edge)"),
    ({"nose": (320, -5)}, "head_out", "head is out of frame (top edge)"),
    ({"right_knee": (-10, 370)}, "knees_out", "(left edge)"),
])
def test_out_of_frame(moved, problem, text):
    check = check_view(make_pose(moved), "any")
    assert problem in _ids(check)
    assert text in dict(check.problems)[problem]
    assert "Move back" in dict(check.problems)[problem]


def test_face_hidden():
    check = check_view(make_pose(vis={"nose": 0.1}), "any")
    assert _ids(check) == ["face_hidden"]


def test_too_small():
    small = {k: (320 + (x - 320) * 0.4, 240 + (y - 280) * 0.4) for k, (x, y) in FRONT.items()}
    pose = make_pose(small)
    assert body_size(pose) == pytest.approx(0.4 * (465 - 92) / 480, abs=1e-6)
    check = check_view(pose, "any")
    assert _ids(check) == ["too_far"]
    assert check_view(pose, "any", ViewLimits(min_size=0.25)).ok


def test_bad_expected_view():
    with pytest.raises(ValueError):
        check_view(make_pose(), "top")


def test_curled_up_body_is_sized_by_its_torso():
    """Figure-4 / child's pose: the limbs fold onto the trunk, so the landmarks span only the
    torso (130 px of a 480 px frame, 0.27 < 0.35), yet the person is not far: 3 torso lengths
    of a 640 px long side is 0.61."""
    folded = {k: ((v if "shoulder" in k or "hip" in k else (320, 215))) for k, v in FRONT.items()}
    pose = make_pose(folded)
    assert body_size(pose) == pytest.approx(3.0 * 130 / 640, abs=0.01)
    assert "too_far" not in _ids(check_view(pose, "any"))
