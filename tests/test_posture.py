"""The starting-position check shared by the set-up screen and recognition (pure logic)."""

import pytest

from posecheck.coach.catalog import load_catalog
from posecheck.coach.posture import PROMPTS, memberships, posture_problem

SUPINE = {"shoulder_floor": 0.05, "hip_floor": 0.1, "trunk_lean": 88.0, "knee_floor_left": 0.5,
          "knee_floor_right": 0.4, "knee_left": 80.0, "knee_right": 90.0}
QUADRUPED = {"shoulder_floor": 1.3, "hip_floor": 1.2, "trunk_lean": 85.0, "knee_floor_left": 0.02,
             "knee_floor_right": 0.03, "knee_left": 90.0, "knee_right": 92.0}


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_supine_body_is_lying_and_nothing_else():
    m = memberships(SUPINE)
    assert m["lying"] == pytest.approx(1.0)
    assert max(v for k, v in m.items() if k != "lying") == pytest.approx(0.0, abs=1e-9)


def test_wrong_posture_says_what_to_do(catalog):
    assert posture_problem(SUPINE, catalog["cat-cow"]) == PROMPTS["hands-and-knees"]
    assert posture_problem(QUADRUPED, catalog["knee-to-chest"]) == PROMPTS["lying"]


def test_right_posture_passes(catalog):
    assert posture_problem(SUPINE, catalog["knee-to-chest"]) is None
    assert posture_problem(QUADRUPED, catalog["cat-cow"]) is None


def test_no_pose_is_never_in_position(catalog):
    assert posture_problem(None, catalog["cat-cow"]) == PROMPTS["hands-and-knees"]
