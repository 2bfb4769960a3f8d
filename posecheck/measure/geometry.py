"""Pure numpy geometry on landmark coordinates: angles, signed angles, distances.

Every function takes arrays whose last axis is the coordinate (2 for image pixels,
3 for world metres) and broadcasts over any leading axes, so one call can measure
many joints at once. Image coordinates have y pointing DOWN; functions that speak of
"up", "above" or "horizontal" say so and assume that convention. A nan coordinate
(an unseen landmark) gives a nan result; a zero-length vector gives nan, never 0.
"""

from __future__ import annotations

import numpy as np

_EPS = 1e-9


def _arr(x) -> np.ndarray:
    return x if isinstance(x, np.ndarray) and x.dtype == np.float64 else np.asarray(x, dtype=float)


def norm(v) -> np.ndarray:
    """Euclidean length along the last axis."""
    v = _arr(v)
    return np.sqrt((v * v).sum(-1))


def distance(a, b) -> np.ndarray:
    """Distance between points a and b."""
    return norm(_arr(b) - _arr(a))


def unit(v) -> np.ndarray:
    """v scaled to length 1; nan where v has (near) zero length."""
    v = _arr(v)
    n = norm(v)[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > _EPS, v / n, np.nan)


def angle_between(u, v) -> np.ndarray:
    """Unsigned angle between vectors u and v, degrees in [0, 180]."""
    u, v = _arr(u), _arr(v)
    # atan2(|u x v|, u.v) is accurate near 0 and 180 where acos(dot) is not.
    dot = (u * v).sum(-1)
    if u.shape[-1] == 2:
        cross = np.abs(u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0])
    else:  # |u x v| written out: np.cross costs more than the whole angle
        cx = u[..., 1] * v[..., 2] - u[..., 2] * v[..., 1]
        cy = u[..., 2] * v[..., 0] - u[..., 0] * v[..., 2]
        cz = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
        cross = np.sqrt(cx * cx + cy * cy + cz * cz)
    ang = np.degrees(np.arctan2(cross, dot))
    degenerate = (norm(u) < _EPS) | (norm(v) < _EPS)
    return np.where(degenerate, np.nan, ang)


def angle_at(a, vertex, c) -> np.ndarray:
    """Interior angle a-vertex-c at `vertex`, degrees in [0, 180] (2D or 3D)."""
    vertex = _arr(vertex)
    return angle_between(_arr(a) - vertex, _arr(c) - vertex)


def signed_angle(u, v) -> np.ndarray:
    """Signed 2D angle turning u onto v, degrees in (-180, 180].

    Positive is counter-clockwise in a y-up frame, i.e. CLOCKWISE on screen when the
    coordinates are image pixels (y down).
    """
    u, v = _arr(u), _arr(v)
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = (u * v).sum(-1)
    ang = np.degrees(np.arctan2(cross, dot))
    degenerate = (norm(u) < _EPS) | (norm(v) < _EPS)
    return np.where(degenerate, np.nan, ang)


def cross2(u, v) -> np.ndarray:
    """z component of the 2D cross product u x v."""
    u, v = _arr(u), _arr(v)
    return u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]


def elevation(v, forward=None) -> np.ndarray:
    """Angle of image vector v above the horizontal, degrees (image y down).

    Without `forward`: in [-90, 90], + above the horizontal whichever way v points
    along x. With `forward` (+1 or -1, the x direction that counts as "ahead"):
    in (-180, 180], 0 along +forward, 90 straight up, beyond 90 once v leans back
    past vertical, negative below the horizontal.
    """
    v = _arr(v)
    up = -v[..., 1]
    if forward is None:
        along = np.abs(v[..., 0])
    else:
        along = v[..., 0] * np.asarray(forward, dtype=float)
    ang = np.degrees(np.arctan2(up, along))
    return np.where(norm(v) < _EPS, np.nan, ang)


def from_vertical(v) -> np.ndarray:
    """Angle of image vector v from straight up, degrees in [0, 180] (image y down)."""
    v = _arr(v)
    return angle_between(v, np.array([0.0, -1.0]))


def from_horizontal(v) -> np.ndarray:
    """Acute angle between image vector v and the horizontal, degrees in [0, 90]."""
    v = _arr(v)
    ang = np.degrees(np.arctan2(np.abs(v[..., 1]), np.abs(v[..., 0])))
    return np.where(norm(v) < _EPS, np.nan, ang)


def signed_distance_to_line(p, a, b) -> np.ndarray:
    """Signed perpendicular distance of point p from the line through a and b (2D).

    Positive when p lies on the side that b - a turns toward counter-clockwise in a
    y-up frame (clockwise on screen for image pixels).
    """
    p, a, b = _arr(p), _arr(a), _arr(b)
    d = b - a
    length = norm(d)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(length > _EPS, cross2(d, p - a) / length, np.nan)


def nanmid(a, b) -> np.ndarray:
    """Midpoint of a and b; the one that is known when the other is nan (all nan if both)."""
    a, b = _arr(a), _arr(b)
    a_ok = np.isfinite(a).all(-1, keepdims=True)
    b_ok = np.isfinite(b).all(-1, keepdims=True)
    return np.where(a_ok & b_ok, (a + b) / 2, np.where(a_ok, a, b))
