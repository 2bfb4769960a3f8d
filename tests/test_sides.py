"""sides.py: near side, stretched side and left/right swap correction on hand-built sequences."""

import math

import numpy as np
import pytest
try:  # tests/ as a package or as a plain folder on sys.path
    from .posebuild import at, flip_x, lunge, make_pose, side_view
except ImportError:
    from posebuild import at, flip_x, lunge, make_pose, side_view

from posecheck.pose.landmarks import LANDMARKS
from posecheck.measure.sides import (SwapCorrector, facing_x, near_side, near_side_from_face,
                             stretched_side)

LEFT = [n for n in LANDMARKS if n.startswith("left_")]
RIGHT = [n for n in LANDMARKS if n.startswith("right_")]


def _depth(near: str, dz: float = 0.1) -> dict:
    """World z: the `near` side's landmarks dz closer to the camera (MediaPipe: smaller z)."""
    far = "right" if near == "left" else "left"
    return {n: -dz for n in LANDMARKS if n.startswith(near + "_")} | \
           {n: dz for n in LANDMARKS if n.startswith(far + "_")}


@pytest.mark.parametrize("near", ["left", "right"])
def test_near_side_from_world_z(near):
    assert near_side(make_pose(side_view(1), z=_depth(near))) == near


@pytest.mark.parametrize("near", ["left", "right"])
def test_near_side_from_visibility(near):
    far = RIGHT if near == "left" else LEFT
    assert near_side(make_pose(side_view(1), vis={n: 0.3 for n in far})) == near


def test_near_side_front_view_is_none():
    assert near_side(make_pose()) is None


@pytest.mark.parametrize("facing,expected_x,expected_near", [(1, 1, "right"), (-1, -1, "left")])
def test_face_direction_standing(facing, expected_x, expected_near):
    # upright in profile: facing image left shows the LEFT side to the camera
    pose = make_pose(side_view(facing))
    assert facing_x(pose) == expected_x
    assert near_side_from_face(pose) == expected_near


@pytest.mark.parametrize("head_left,expected", [(True, "right"), (False, "left")])
def test_face_direction_supine(head_left, expected):
    # on the back, face up, head at image left: the RIGHT side faces the camera
    pts = {"left_shoulder": (170, 378), "right_shoulder": (170, 380), "left_hip": (300, 378),
           "right_hip": (300, 380), "nose": (110, 350), "left_ear": (125, 372), "right_ear": (125, 374)}
    pose = make_pose(side_view(1) | pts if head_left else flip_x(side_view(1) | pts))
    assert near_side_from_face(pose) == expected


def test_face_turned_to_camera_gives_no_verdict():
    pose = make_pose()  # front view: nose between the ears
    assert facing_x(pose) == 0
    assert near_side_from_face(pose) is None


def test_face_direction_is_label_invariant():
    pose = make_pose(side_view(-1))
    assert near_side_from_face(pose.mirrored()) == near_side_from_face(pose) == "left"


@pytest.mark.parametrize("left,right,pick,margin,expected", [
    (100.0, 120.0, "min", 0.0, "left"),
    (100.0, 120.0, "max", 0.0, "right"),
    ([100, 110], [120, np.nan], "min", 0.0, "left"),
    (100.0, 103.0, "min", 5.0, None),
    (np.nan, 120.0, "min", 0.0, None),
    (100.0, 100.0, "max", 0.0, None),
])
def test_stretched_side(left, right, pick, margin, expected):
    assert stretched_side(left, right, pick, margin) == expected


def test_stretched_side_rejects_bad_pick():
    with pytest.raises(ValueError):
        stretched_side(1.0, 2.0, "mean")


# -- swap correction --------------------------------------------------------------
FPS = 30.0


def _lunge_sequence(n: int = 40, facing: int = -1) -> list:
    """A slow genuine movement: the back thigh sways 15..25 deg behind the trunk."""
    near = "left" if facing < 0 else "right"
    return [make_pose(lunge(facing, 20 + 5 * math.sin(i / 6)), z=_depth(near), t_s=i / FPS)
            for i in range(n)]


def _same(a, b) -> bool:
    return np.allclose(a.xy, b.xy) and np.allclose(a.world, b.world) and np.allclose(a.visibility, b.visibility)


@pytest.mark.parametrize("start,length", [(10, 1), (10, 3), (20, 6)])
def test_swap_corrector_fixes_flipped_frames(start, length):
    truth = _lunge_sequence()
    raw = [p.mirrored() if start <= i < start + length else p for i, p in enumerate(truth)]
    corrector = SwapCorrector()
    flags = []
    for i, pose in enumerate(raw):
        out = corrector.correct(pose)
        assert _same(out, truth[i]), f"frame {i} not corrected"
        flags.append(corrector.swapped)
    assert flags == [start <= i < start + length for i in range(len(raw))]
    assert [(round(e.t_s * FPS), e.swapped, e.reason) for e in corrector.events] == [
        (start, True, "continuity"), (start + length, False, "continuity")]


@pytest.mark.parametrize("facing", [1, -1])
def test_swap_corrector_leaves_genuine_motion(facing):
    corrector = SwapCorrector()
    for pose in _lunge_sequence(60, facing):
        assert _same(corrector.correct(pose), pose)
    assert corrector.events == [] and not corrector.swapped


def test_swap_corrector_leaves_legs_passing_each_other():
    # scissor: the front leg sweeps back and the back leg forward over 2 s (genuine crossing)
    corrector = SwapCorrector()
    for i in range(61):
        s = i / 60
        pts = lunge(-1, back_deg=20 - 110 * s, front_deg=90 - 110 * s)
        pose = make_pose(pts, z=_depth("left"), t_s=i / FPS)
        assert _same(corrector.correct(pose), pose), f"frame {i}"
    assert corrector.events == []


def test_swap_corrector_face_evidence_needs_hysteresis():
    # labels wrong from the very first frame: no continuity evidence, the face tells
    truth = _lunge_sequence(20)
    corrector = SwapCorrector(face_frames=8)
    outs = [corrector.correct(p.mirrored()) for p in truth]
    assert [e.reason for e in corrector.events] == ["face"]
    assert round(corrector.events[0].t_s * FPS) == 7          # the 8th disagreeing frame
    assert all(_same(o, t) for o, t in zip(outs[7:], truth[7:]))
    assert not any(_same(o, t) for o, t in zip(outs[:7], truth[:7]))


def test_swap_corrector_face_off_never_mirrors_without_continuity():
    truth = _lunge_sequence(20)
    corrector = SwapCorrector(use_face=False)
    for p in truth:
        corrector.correct(p.mirrored())
    assert corrector.events == []


def test_swap_corrector_ignores_continuity_across_a_gap():
    truth = _lunge_sequence(10)
    corrector = SwapCorrector(use_face=False, max_gap_s=0.5)
    for p in truth:
        corrector.correct(p)
    late = make_pose(lunge(-1), z=_depth("left"), t_s=truth[-1].t_s + 2.0).mirrored()
    assert _same(corrector.correct(late), late)
    assert corrector.events == []


def test_swap_corrector_front_view_stays():
    # a front view (both sides equally seen, face to camera): nothing suggests a swap
    corrector = SwapCorrector()
    for i in range(20):
        pose = make_pose({"left_wrist": at((360, 150), -80 + i, 140)}, t_s=i / FPS)
        assert _same(corrector.correct(pose), pose)
    assert corrector.events == []


def test_swap_corrector_face_ignored_outside_side_views():
    # a three-quarter view (shoulders wide in 2D) whose depth cues disagree with the face:
    # the face cue is unreliable there, so nothing is mirrored however long it lasts
    pts = {"nose": (345, 100), "left_ear": (330, 100), "right_ear": (300, 100)}  # face turned to image right
    corrector = SwapCorrector(face_frames=3)
    for i in range(20):
        pose = make_pose(pts, z=_depth("left", 0.2), t_s=i / FPS)
        assert near_side_from_face(pose) == "right" and near_side(pose) == "left"
        assert _same(corrector.correct(pose), pose)
    assert corrector.events == []


def test_swap_corrector_needs_a_close_mirrored_match():
    # the legs land roughly where the other leg was, but 40 px (0.3 torso) off: that is as
    # likely a fast genuine move as a swap, so continuity gives no verdict (with a loose
    # max_match it would mirror)
    from dataclasses import replace

    from posecheck.pose.landmarks import INDEX

    a = make_pose(lunge(-1), z=_depth("left"), t_s=0.0)
    legs = [INDEX[f"{s}_{p}"] for s in ("left", "right") for p in ("knee", "ankle", "heel", "foot_index")]
    xy = a.mirrored().xy.copy()
    xy[legs] += (0.0, 40.0)
    b = replace(a.mirrored(), xy=xy, t_s=1 / FPS)
    events = {}
    for max_match in (0.1, 1.0):
        corrector = SwapCorrector(use_face=False, max_match=max_match)
        corrector.correct(a)
        corrector.correct(b)
        events[max_match] = len(corrector.events)
    assert events == {0.1: 0, 1.0: 1}


def test_swap_corrector_a_one_frame_swap_in_doubt_does_not_become_the_reference():
    # measured on a far-side lunge render: MediaPipe traded the legs for one frame, not close
    # enough to the mirrored pose for a sure swap; the next frame, labelled right again, then
    # matched that frame mirrored, and the corrector mirrored the rest of the clip. Here the
    # back thigh swings 20 deg a frame at 8 fps and frame 6 carries frame 7's legs, traded
    from dataclasses import replace

    truth = [make_pose(lunge(-1, back_deg=5 + 20 * max(i - 4, 0)), z=_depth("left"), t_s=i / 8) for i in range(12)]
    raw = list(truth)
    raw[6] = replace(truth[7].mirrored(), t_s=truth[6].t_s)
    corrector = SwapCorrector(use_face=False)
    outs = [corrector.correct(p) for p in raw]
    assert corrector.events == [] and not corrector.swapped
    assert all(_same(o, t) for i, (o, t) in enumerate(zip(outs, truth)) if i != 6)
