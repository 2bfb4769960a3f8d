"""The lunge judged from the person's own upright start (coach/startlevel.py), on hand-made
metric series (pure logic; the real model on the rendered lunges is `posecheck check`,
samples/hip-flexor-lunge-*)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from posecheck.coach.catalog import load_catalog
from posecheck.coach.catalog.loader import DATA_DIR
from posecheck.coach.machine import Coach
from posecheck.errors import UsageError

LUNGE = load_catalog(user_dir=False)["hip-flexor-lunge"]
LUNGE_FILE = DATA_DIR / "hip-flexor-lunge.toml"
FPS = 10


def _series(keys: list[tuple[float, float]], noise: float = 0.01, seed: int = 0):
    """(t, values) of a left half-kneel: kneel_shift eased from key to key ((level, seconds)
    each: 1 s move, then held), the other judges in their bands, reading noise +-noise."""
    rng = np.random.default_rng(seed)
    t, prev, out = 0.0, keys[0][0], []
    for level, hold_s in keys:
        n_move = FPS if level != prev else 0
        for i in range(n_move + int(hold_s * FPS)):
            x = prev + (level - prev) * min(1.0, (i + 1) / n_move) if n_move else level
            out.append((round(t, 2), {"kneel_shift": x + rng.uniform(-noise, noise), "hip_ext_left": 5.0,
                                      "hip_ext_right": -20.0, "knee_left": 95.0, "knee_right_3d": 100.0,
                                      "trunk_lean": 2.0}))
            t += 1 / FPS
        prev = level
    return out


def _holds(stretch, series):
    coach = Coach(stretch, "left")
    for t, v in series:
        coach.update(t, v)
    return [(h.side, round(h.start_s, 1), round(h.end_s, 1)) for h in coach.result().holds]


def test_a_shallow_lunge_is_held_from_the_upright_start():
    """Upright at -0.02, a lunge at 0.10 (below the fixed edge 0.14): one hold, its edges
    within 0.3 s of the lunge's settled stay (3.0-13.0 s); without the start level, none."""
    series = _series([(-0.02, 2.0), (0.10, 10.0), (-0.02, 2.0)])
    ((side, start, end),) = _holds(LUNGE, series)
    assert side == "left" and start == pytest.approx(3.0, abs=0.3) and end == pytest.approx(13.0, abs=0.3)
    fixed = dataclasses.replace(LUNGE, judges=tuple(dataclasses.replace(j, from_start=None) for j in LUNGE.judges))
    assert _holds(fixed, series) == []


def test_an_upright_half_kneel_read_with_an_offset_is_no_hold():
    """The right-side clip's upright reading (+0.10 torso lengths, all 14 s): never a hold."""
    assert _holds(LUNGE, _series([(0.10, 14.0)])) == []


def test_a_person_already_in_the_lunge_is_judged_by_the_fixed_band():
    """No upright start (a photo held still): the catalogue's own edge, as before."""
    ((_, start, end),) = _holds(LUNGE, _series([(0.30, 12.0)]))
    assert start == pytest.approx(0.0, abs=0.1) and end == pytest.approx(11.9, abs=0.1)


def test_a_restless_start_gives_no_level():
    """Spread 0.16 over every second (over `still` 0.06): no level, so the shallow lunge
    is not found rather than found from a wrong level."""
    assert _holds(LUNGE, _series([(-0.02, 2.0), (0.10, 10.0)], noise=0.08)) == []


def test_from_start_errors_are_one_line(tmp_path):
    text = (LUNGE_FILE.read_text().replace("from_start = { enter = 0.10, leave = 0.05",
                                           "from_start = { enter = 0.10, leave = 0.2"))
    (tmp_path / "hip-flexor-lunge.toml").write_text(text)
    with pytest.raises(UsageError, match=r"judge\[1\] \(kneel_shift\)\.from_start\.leave: 0\.2 is above enter 0\.1"):
        load_catalog([tmp_path], user_dir=False)
