"""Left/right balance: the pure comparison, and the real model on clips with a known difference."""

from __future__ import annotations

import numpy as np
import pytest

from posecheck.coach.balance import balance, compare
from posecheck.coach.catalog import load_catalog
from posecheck.coach.results import Hold

from conftest import SAMPLES

CAT = load_catalog(user_dir=False)


def _hold(side, value, metric="leg_raise"):
    return Hold(side, 0.0, 10.0, 10.0, 30.0, False, {f"{metric}_{side}": value, f"knee_{side}": 170.0})


def test_tighter_is_the_side_with_less_range():
    s = CAT["supine-hamstring"]
    b = balance(s, [_hold("left", 78.0), _hold("right", 54.0), _hold("right", 58.0)])
    assert b == {"metric": "leg_raise_{side}", "left": 78.0, "right": 58.0, "difference": 20.0,
                 "tighter": "right", "noise_floor": s.balance.noise_floor}


def test_within_the_noise_floor_no_side_is_named():
    s = CAT["supine-hamstring"]
    floor = s.balance.noise_floor
    assert balance(s, [_hold("left", 70.0), _hold("right", 70.0 + floor - 0.1)])["tighter"] is None
    assert balance(s, [_hold("left", 70.0), _hold("right", 70.0 + floor + 0.1)])["tighter"] == "left"


def test_lower_is_better_metric():
    # knee-to-chest: the smaller hip angle is the deeper flexion, so the larger one is tighter
    b = compare("hip_{side}", 50.0, 70.0, 8.0, better="lower")
    assert b["tighter"] == "right" and b["difference"] == 20.0


def test_no_balance_without_both_sides_or_a_range_metric():
    assert balance(CAT["supine-hamstring"], [_hold("left", 70.0)]) is None
    assert balance(CAT["bridge"], []) is None


def test_catalogue_declares_a_noise_floor_per_range_metric():
    declared = {sid: s.balance for sid, s in CAT.items() if s.balance is not None}
    assert {"supine-hamstring", "knee-to-chest", "hip-flexor-lunge"} <= set(declared)
    assert all(3.0 <= b.noise_floor <= 12.0 for b in declared.values())


def true_peaks(name: str) -> dict[str, float]:
    """Per hold side: the highest true 3D leg raise (hip->ankle above the floor) in the hold."""
    from posecheck.pose.landmarks import INDEX
    from posecheck.synth.clip import make_scene
    from posecheck.synth.contact import on_floor
    from posecheck.synth.timeline import PoseTrack, load_timeline

    tl = load_timeline(SAMPLES / f"{name}.toml")
    scene, track, out = make_scene(tl), PoseTrack(tl), {}
    for seg in (s for s in tl.segments() if s["phase"] == "hold"):
        side, vals = seg["side"], []
        for t in np.arange(seg["start_s"], seg["end_s"], 1 / tl.fps):
            lm = on_floor(track.angles(t), scene.build, scene.look).landmarks
            v = lm[INDEX[f"{side}_ankle"]] - lm[INDEX[f"{side}_hip"]]
            vals.append(float(np.degrees(np.arctan2(v[1], np.hypot(v[0], v[2])))))
        out[side] = max(vals)
    return out


@pytest.mark.parametrize("name, tighter", [("supine-hamstring-uneven", "right"),
                                           ("supine-hamstring-even", None)])
def test_rendered_clip_balance(tmp_path, name, tighter):
    from posecheck.run.analyze import analyze

    summary = analyze(SAMPLES / f"{name}.mp4", "supine-hamstring", out_dir=tmp_path,
                      annotate=False, plot=False, history=False)
    b, truth = summary["balance"], true_peaks(name)
    assert b is not None and b["tighter"] == tighter, b
    for side in ("left", "right"):
        assert abs(b[side] - truth[side]) <= 5.0, (side, b[side], truth[side])


def test_tighter_first_starts_the_coach_on_that_side():
    from posecheck.coach.machine import Coach
    from posecheck.coach.sideorder import start_sides

    stretches = [CAT["cat-cow"], CAT["supine-hamstring"], CAT["knee-to-chest"]]
    sides = start_sides(stretches, {"supine-hamstring": "right", "cat-cow": "left"})
    assert sides == [None, "right", None]          # unsided and untracked stretches keep their order
    fb = Coach(CAT["supine-hamstring"], sides[1]).update(0.0, None)
    assert fb.side == "right"
