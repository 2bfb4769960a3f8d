"""geometry.py: angles, signed angles, elevations and distances on hand-made vectors."""

import math

import numpy as np
import pytest

from posecheck.measure import geometry as g


def _polar(deg: float, r: float = 1.0) -> np.ndarray:
    """Image vector at `deg` counter-clockwise ON SCREEN from +x (so y is negated)."""
    return r * np.array([math.cos(math.radians(deg)), -math.sin(math.radians(deg))])


@pytest.mark.parametrize("deg", [0.0, 1.0, 30.0, 45.0, 90.0, 120.0, 179.0, 180.0])
def test_angle_at_2d(deg):
    vertex = np.array([100.0, 200.0])
    a = vertex + _polar(10.0, 50)
    c = vertex + _polar(10.0 + deg, 80)
    assert float(g.angle_at(a, vertex, c)) == pytest.approx(deg, abs=1e-9)


@pytest.mark.parametrize("a,c,expected", [
    ((1, 0, 0), (0, 1, 0), 90.0),
    ((1, 0, 0), (0, 0, 1), 90.0),
    ((1, 1, 0), (1, 0, 0), 45.0),
    ((1, 0, 0), (-1, 0, 0), 180.0),
    ((1, 2, 3), (2, 4, 6), 0.0),
])
def test_angle_at_3d(a, c, expected):
    assert float(g.angle_at(a, (0, 0, 0), c)) == pytest.approx(expected, abs=1e-6)


def test_angle_at_vectorised_matches_scalar():
    rng = np.random.default_rng(0)
    a, b, c = rng.normal(size=(3, 50, 2))
    batch = g.angle_at(a, b, c)
    single = [float(g.angle_at(a[i], b[i], c[i])) for i in range(50)]
    assert batch.shape == (50,)
    assert np.allclose(batch, single, atol=1e-12)


@pytest.mark.parametrize("a,v,c", [
    ((np.nan, 0), (0, 0), (1, 1)),      # unseen landmark
    ((0, 0), (0, 0), (1, 1)),           # zero-length arm
])
def test_angle_at_unknown_is_nan(a, v, c):
    assert math.isnan(float(g.angle_at(a, v, c)))


@pytest.mark.parametrize("deg", [-170.0, -90.0, -30.0, 0.0, 30.0, 90.0, 170.0])
def test_signed_angle_is_clockwise_on_screen(deg):
    # In image coordinates (y down) a positive signed angle turns clockwise on screen,
    # i.e. the opposite of _polar's counter-clockwise-on-screen convention.
    u = _polar(20.0)
    v = _polar(20.0 - deg)
    assert float(g.signed_angle(u, v)) == pytest.approx(deg, abs=1e-9)


@pytest.mark.parametrize("deg", [0.0, 15.0, 45.0, 89.0, 90.0])
def test_elevation_folded(deg):
    assert float(g.elevation(_polar(deg))) == pytest.approx(deg, abs=1e-9)
    assert float(g.elevation(_polar(180 - deg))) == pytest.approx(deg, abs=1e-9)  # pointing left


@pytest.mark.parametrize("deg,forward,expected", [
    (30.0, 1, 30.0), (120.0, 1, 120.0), (60.0, -1, 120.0), (150.0, -1, 30.0), (-20.0, 1, -20.0),
])
def test_elevation_with_forward(deg, forward, expected):
    assert float(g.elevation(_polar(deg), forward)) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("deg,expected_v,expected_h", [
    (90.0, 0.0, 90.0), (0.0, 90.0, 0.0), (60.0, 30.0, 60.0), (180.0, 90.0, 0.0), (-90.0, 180.0, 90.0),
])
def test_from_vertical_and_horizontal(deg, expected_v, expected_h):
    v = _polar(deg, 7.0)
    assert float(g.from_vertical(v)) == pytest.approx(expected_v, abs=1e-9)
    assert float(g.from_horizontal(v)) == pytest.approx(expected_h, abs=1e-9)


@pytest.mark.parametrize("p,expected", [((5, 3), 3.0), ((5, -3), -3.0), ((-2, 0), 0.0)])
def test_signed_distance_to_line(p, expected):
    # line along +x; in a y-up reading the left of +x is +y
    assert float(g.signed_distance_to_line(p, (0, 0), (10, 0))) == pytest.approx(expected, abs=1e-12)


def test_signed_distance_degenerate_line_is_nan():
    assert math.isnan(float(g.signed_distance_to_line((1, 1), (2, 2), (2, 2))))


@pytest.mark.parametrize("a,b,expected", [
    ((0, 0), (2, 4), (1, 2)),
    ((np.nan, np.nan), (2, 4), (2, 4)),
    ((0, 0), (np.nan, 1), (0, 0)),
])
def test_nanmid(a, b, expected):
    assert np.allclose(g.nanmid(a, b), expected)


def test_nanmid_both_unknown():
    assert np.isnan(g.nanmid((np.nan, 0), (np.nan, np.nan))).all()


def test_unit_and_distance():
    assert np.allclose(g.unit((3, 4)), (0.6, 0.8))
    assert np.isnan(g.unit((0, 0))).all()
    assert float(g.distance((1, 1), (4, 5))) == pytest.approx(5.0)
