"""Body orientation from world landmarks (pure geometry on hand-built poses)."""

from __future__ import annotations

import numpy as np
import pytest

from posecheck.coach.catalog import load_catalog
from posecheck.coach.posture import ORIENTATION_PROMPTS, posture_problem
from posecheck.measure.orientation import ORIENTATIONS, features, memberships, orientation
from posecheck.pose.landmarks import INDEX, N_LANDMARKS, Pose


def _pose(points: dict[str, tuple[float, float, float]]) -> Pose:
    """World landmarks (metres, y down); the named ones set, the rest at the hips."""
    world = np.zeros((N_LANDMARKS, 3))
    for name, xyz in points.items():
        world[INDEX[name]] = xyz
    ones = np.ones(N_LANDMARKS)
    return Pose(0.0, np.zeros((N_LANDMARKS, 2)), np.zeros((N_LANDMARKS, 2)), world, ones, ones, (640, 480))


def _lying(face: float) -> Pose:
    """Lying along x (head at +x), the camera on the person's left (left side at -z);
    face = +1 nose up (face up), -1 nose down. A mirror image keeps left on the left."""
    z = 1.0 if face > 0 else -1.0        # face down: the body turned over, sides swap in z
    return _pose({"left_hip": (0, 0, -0.15 * z), "right_hip": (0, 0, 0.15 * z),
                  "left_shoulder": (0.5, 0, -0.2 * z), "right_shoulder": (0.5, 0, 0.2 * z),
                  "left_ear": (0.7, 0, -0.07 * z), "right_ear": (0.7, 0, 0.07 * z),
                  "nose": (0.72, -0.1 * face, 0.0)})


def test_face_up_and_face_down_are_told_apart():
    up, down = features(_lying(+1)), features(_lying(-1))
    assert up["face_up"] == pytest.approx(0.98, abs=0.02)
    assert up["chest_up"] == pytest.approx(1.0, abs=0.01)
    assert up["facing_up"] == pytest.approx(0.99, abs=0.02)
    assert down["facing_up"] == pytest.approx(-0.99, abs=0.02)
    assert up["trunk_rise"] == pytest.approx(0.0, abs=0.5)


def test_a_left_right_swap_does_not_turn_the_person_over():
    swapped = _lying(+1)
    w = swapped.world.copy()
    for part in ("hip", "shoulder", "ear"):
        i, j = INDEX[f"left_{part}"], INDEX[f"right_{part}"]
        w[[i, j]] = w[[j, i]]
    f = features(Pose(0.0, swapped.xy, swapped.xy_norm, w, swapped.visibility, swapped.presence, swapped.size))
    assert f["chest_up"] == pytest.approx(-1.0, abs=0.01)   # the chest normal flips...
    assert f["facing_up"] == pytest.approx(0.98, abs=0.02)  # ... the nose decides


def test_standing_upright():
    f = features(_pose({"left_hip": (0.15, 0, 0), "right_hip": (-0.15, 0, 0),
                        "left_shoulder": (0.2, -0.5, 0), "right_shoulder": (-0.2, -0.5, 0),
                        "left_ear": (0.07, -0.7, 0), "right_ear": (-0.07, -0.7, 0),
                        "nose": (0, -0.68, -0.1)}))
    assert f["trunk_rise"] == pytest.approx(90.0, abs=0.5)
    assert f["trunk_bend_forward"] == pytest.approx(0.0, abs=0.5)
    assert abs(f["facing_up"]) < 0.1


# typical measured values (samples' holds, see docs/ACCURACY.md)
CASES = {
    "face-up": {"facing_up": 0.99, "trunk_rise": 2.0, "hip_floor": 0.1, "shoulder_floor": 0.1,
                "knee_left": 90.0, "knee_right": 140.0, "knee_floor_left": 0.8, "knee_floor_right": 0.1},
    "face-down": {"facing_up": -0.98, "trunk_rise": -1.0, "hip_floor": 0.63, "shoulder_floor": 0.65,
                  "knee_left": 178.0, "knee_right": 177.0, "knee_floor_left": 0.47, "knee_floor_right": 0.5},
    "kneeling": {"facing_up": -0.81, "trunk_rise": -9.0, "hip_floor": 0.68, "shoulder_floor": 0.56,
                 "knee_left": 24.0, "knee_right": 25.0, "knee_floor_left": 0.05, "knee_floor_right": 0.06},
    "hands-and-knees": {"facing_up": -0.77, "trunk_rise": 15.0, "hip_floor": 1.05, "shoulder_floor": 1.3,
                        "knee_left": 89.0, "knee_right": 88.0, "knee_floor_left": 0.08, "knee_floor_right": 0.1},
    "seated": {"facing_up": 0.04, "trunk_rise": 85.0, "hip_floor": 0.53, "shoulder_floor": 1.53,
               "knee_left": 27.0, "knee_right": 25.0, "knee_floor_left": 0.32, "knee_floor_right": 0.35},
    "standing": {"facing_up": -0.1, "trunk_rise": 88.0, "hip_floor": 1.8, "shoulder_floor": 2.8,
                 "knee_left": 178.0, "knee_right": 176.0, "knee_floor_left": 0.95, "knee_floor_right": 0.97},
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_orientation_is_itself_and_nothing_else(name):
    m = memberships(CASES[name])
    assert set(m) == set(ORIENTATIONS)
    assert m[name] == pytest.approx(1.0)
    assert orientation(CASES[name])[0] == name
    assert max(v for k, v in m.items() if k != name) <= 0.2, m


def test_set_up_says_turn_over_before_anything_else():
    catalog = load_catalog(user_dir=False)
    k2c = catalog["knee-to-chest"]
    assert posture_problem(CASES["face-down"], k2c) == ORIENTATION_PROMPTS["face-up"]
    assert posture_problem(CASES["face-up"], k2c) is None
    assert posture_problem(CASES["face-up"], catalog["childs-pose"]) == ORIENTATION_PROMPTS["kneeling"]


def test_face_up_is_lying_even_when_the_floor_bands_disagree():
    """piriformis-left's first 2 s: lying with knees bent, the camera looking down at the mat
    put the shoulders 0.6 torso lengths 'above the floor' (the lying band ends at 0.4). Face
    up is enough for a lying stretch; the floor bands only decide between postures that
    share an orientation (half-kneeling vs sitting back on the heels)."""
    from posecheck.coach.posture import memberships as postures, refines
    catalog = load_catalog(user_dir=False)
    lifted = dict(CASES["face-up"], shoulder_floor=0.6, hip_floor=0.45)
    assert postures(lifted)["lying"] == pytest.approx(0.0)
    assert posture_problem(lifted, catalog["piriformis"]) is None
    assert not refines("lying", "face-up") and refines("half-kneeling", "kneeling") and refines("lying", None)
