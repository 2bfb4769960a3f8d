"""Floor contact: the body rests on the floor (y = 0) in every frame.

`on_floor` lowers or raises the whole body so its lowest point touches the floor.
`solve_contact` bisects ONE angle so that a second body part touches the floor too
(feet flat while lying, hands down on all fours, toes and forearms in a plank).
"""

from __future__ import annotations

import numpy as np

from posecheck.synth.body import Look, body_parts, lowest_y
from posecheck.synth.skeleton import Build, Skeleton, pose_skeleton


def on_floor(angles: dict, build: Build = Build(), look: Look = Look(),
             xz=(0.0, 0.0)) -> Skeleton:
    """The posed skeleton translated vertically so its lowest part touches y = 0."""
    sk = pose_skeleton(angles, build, root=(xz[0], 1.0, xz[1]))
    return sk.shifted(-lowest_y(body_parts(sk, look)))


def _gap(angles: dict, build: Build, segments: tuple[str, ...]) -> float:
    """Height of the named segments' lowest point above the rest of the body's lowest."""
    parts = body_parts(pose_skeleton(angles, build))
    group = [p.lowest_y() for p in parts if p.segment in segments]
    rest = [p.lowest_y() for p in parts if p.segment not in segments]
    return min(group) - min(rest)


def _offset(angles: dict, names: tuple[str, ...], delta: float) -> dict:
    return {**angles, **{n: float(angles.get(n, 0.0)) + delta for n in names}}


def solve_contact(angles: dict, names: tuple[str, ...], segments: tuple[str, ...],
                  build: Build = Build(), span: float = 60.0, tol: float = 1e-4) -> dict:
    """`angles` with a common offset (within ±span degrees) added to `names` so that
    `segments` touch the floor together with the rest of the body (gap = 0).

    The bracket nearest offset 0 wins; when no offset closes the gap, the closest is kept.
    """
    grid = np.linspace(-span, span, 25)
    gaps = np.array([_gap(_offset(angles, names, d), build, segments) for d in grid])
    signs = np.sign(np.where(np.abs(gaps) < tol, 0.0, gaps))
    brackets = np.nonzero(np.diff(signs) != 0)[0]
    if len(brackets) == 0:
        return _offset(angles, names, float(grid[int(np.argmin(np.abs(gaps)))]))
    i = brackets[int(np.argmin(np.abs(grid[brackets] + grid[brackets + 1])))]
    lo, hi, g_lo = grid[i], grid[i + 1], gaps[i]
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        g_mid = _gap(_offset(angles, names, mid), build, segments)
        if abs(g_mid) < tol:
            break
        if np.sign(g_mid) == np.sign(g_lo):
            lo, g_lo = mid, g_mid
        else:
            hi = mid
    return _offset(angles, names, 0.5 * (lo + hi))


def settle(pose: dict, build: Build = Build()) -> dict:
    """A key pose's angles with each of its floor contacts solved in turn."""
    angles = dict(pose["angles"])
    for names, segments in pose.get("contacts", ()):
        angles = solve_contact(angles, tuple(names), tuple(segments), build)
    return angles
